#!/usr/bin/env python3
"""results.py OUT HOST RESULTS BASELINE WALL LIST KVM...: write HOST's section of
OUT (common/regress/results.md) from a regress run's RESULTS ("KVM TEST
RESULT SECONDS" lines, L1's seconds) and WALL ("KVM SECONDS" of wall time),
the other hosts' sections kept; LIST names a subset run ("" for all)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import host_section  # noqa: E402  (common/host_section.py)

out, host, results, baseline, wallfile, subset, *kvms = sys.argv[1:]
HOSTS = {"svm": "SVM host (QEMU TCG, EPYC with SVM)",
         "vmx": "VMX host (Bochs, Skylake-X with VMX)",
         "kvm": "QEMU/KVM host (nested virtualization)"}
TITLE = "# KVM's selftests: stock KVM against each assignment's"

res, secs = {}, {}
for line in open(results):
    k, t, r, s = line.split()
    res[(k, t)] = r
    secs[k] = secs.get(k, 0) + int(s)
tests = sorted({t for _, t in res})
wall = {}
if os.path.exists(wallfile):
    for line in open(wallfile):
        k, w = line.split()
        wall[k] = int(w)
why, varies = {}, set()
if os.path.exists(baseline):
    for line in open(baseline):
        if line.startswith("#"):
            continue
        line = line.split(None, 2)
        if len(line) >= 2 and line[1] == "varies":
            varies.add(line[0])
        if len(line) == 3:
            why[line[0]] = line[2].strip()

sec = [f"## {HOSTS[host]}", "",
       f"`common/regress/regress --host {host}{' --quick' if subset else ''}`, "
       f"{time.strftime('%d %b %Y')}, L1 kernel {os.environ.get('REGRESS_RELEASE', 'unknown')}: "
       f"{len(tests)} tests{' of ' + subset if subset else ''}, "
       "one L1 boot, the KVMs in this order.", "",
       "| KVM in L1 | pass | skip | fail | timeout | minutes (wall) | minutes (L1's clock) |",
       "|---|---:|---:|---:|---:|---:|---:|"]
for k in kvms:
    c = [sum(1 for t in tests if res.get((k, t)) == r) for r in ("pass", "skip", "fail", "timeout")]
    w = f"{wall[k] / 60:.1f}" if k in wall else "?"
    sec.append(f"| {k} | " + " | ".join(map(str, c)) + f" | {w} | {secs.get(k, 0) / 60:.1f} |")
sec += ["", "Tests that do not pass under the stock KVM, or whose result varies with the machine's load "
        "(compared as \"varies\"); the last column names a KVM whose result differs:", "",
        "| test | stock | why | differs under |", "|---|---|---|---|"]
for t in tests:
    r = res.get(("stock", t), "missing")
    differ = [k for k in kvms[1:] if res.get((k, t)) != r]
    if r != "pass" or differ or t in varies:
        shown = f"{r} (varies)" if t in varies else r
        sec.append(f"| {t} | {shown} | {why.get(t, '')} | "
                   + ", ".join(f"{k}: {res.get((k, t), 'missing')}" for k in differ) + " |")
sec = "\n".join(sec) + "\n"

host_section.write(out, "regress", host, TITLE, sec)
print(f"regress: wrote {out} ({host} section)", file=sys.stderr)
