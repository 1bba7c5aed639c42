#!/usr/bin/env python3
"""run-to-json.py OUT --host H --mode M ...: one experiment run's L1 output
(tests/guest/l1-experiment.sh) as the RUN object of results/exits.json:
{"samples": [{"t", "total", "cycles", "counts", "cycles_by_reason"}...],
 "tracepoint_total", "tracepoint_counts", "names", "meta"}, on VMX also
 "invalid_state_bails": the entries KVM gave up for invalid guest state."""
import argparse
import datetime
import json
import sys

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--host", required=True)
ap.add_argument("--mode", required=True)
ap.add_argument("--param", required=True)
ap.add_argument("--l0", default="")
ap.add_argument("--workload", default="")
ap.add_argument("--gap", type=int, default=5)
ap.add_argument("--wall", type=int, default=0)
a = ap.parse_args()

samples, hist, names, warns = [], {}, {}, []
hits = dropped = bails = bails_dropped = None
meta = {"host": a.host, "mode": a.mode, "kvm_param": a.param, "l0": a.l0,
        "workload": a.workload, "sample_gap_seconds": a.gap, "wall_seconds": a.wall,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
for line in open(a.out, encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("l2 {"):
        d = json.loads(line[3:])
        samples.append({"t": d["t"], "total": d["total"], "cycles": d["cycles"],
                        "counts": d["counts"], "cycles_by_reason": d["cycles_by_reason"]})
        for r in d["reasons"]:
            names[str(r["reason"])] = r["name"]
    elif line.startswith("hist "):
        _, r, n = line.split()
        hist[str(int(r))] = int(n)
    elif line.startswith("hits "):
        f = line.split()
        if len(f) == 4 and f[1].isdigit() and f[3].isdigit():
            hits, dropped = int(f[1]), int(f[3])
    elif line.startswith("bails "):
        f = line.split()
        if len(f) == 4 and f[1].isdigit() and f[3].isdigit():
            bails, bails_dropped = int(f[1]), int(f[3])
    elif line.startswith("param "):
        meta["l1_param"] = line.split(None, 1)[1]
    elif line.startswith("kernel "):
        meta["kernel"] = line.split(None, 1)[1]
    elif line.startswith("warn "):
        warns.append(line[5:])
if len(samples) != 3 or hits is None or (a.host == "vmx" and bails is None):
    sys.exit(f"run-to-json: {a.out}: {len(samples)} samples, tracepoint total {hits}, "
             f"INVALID_STATE bails {bails}: incomplete run")
for k, v in hist.items():
    names.setdefault(k, None)
meta["l1_warnings"] = warns
run = {"samples": samples, "tracepoint_total": hits, "tracepoint_dropped": dropped,
       "tracepoint_counts": hist, "names": {k: v for k, v in names.items() if v}, "meta": meta}
if bails is not None:
    run.update(invalid_state_bails=bails, invalid_state_bails_dropped=bails_dropped)
json.dump(run, sys.stdout, indent=1, sort_keys=True)
print()
