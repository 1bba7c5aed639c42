#!/bin/bash
# tests/physics.sh [EXITS_JSON]: what shadow paging must do to the exits, and
# that every count is the referee's, on the committed results
# (results/exits.json, tests/experiment.sh) or a fresh run's, TAP:
#  - shadow paging: no EPT violation (VMX 48) / NPF (SVM 0x400), and many
#    more #PF exits (VMX 0 with ept=0, SVM 0x4E = exception 14) than with
#    EPT/NPT, which has EPT violations / NPFs (the physics; the counts'
#    exactness is the next checks' business);
#  - every run: the guest's total at the marked query = L1's kvm:kvm_exit
#    count + the entries KVM gave up for invalid guest state (VMX with
#    ept=0, which turns unrestricted guest off: KVM emulates L2's real-mode
#    code, counts reason 33, and no VM-exit happens), which L1 counts apart
#    with a kprobe at vmx_vcpu_run's bail (none exist on SVM); they are all
#    of reason 33's surplus over kvm_exit and do not grow after boot;
#  - every reason: the guest's count, read after the marked query, at least
#    the tracepoint's at it (exits only add up; a lost or cut count fails).
# Hosts missing from the file are skipped (say so).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
exec python3 - "${1:-results/exits.json}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = failed = 0
def ok(c, what):
    global n, failed
    n += 1
    failed += not c
    print(("ok" if c else "not ok"), n, "-", what)
spec = {"vmx": ("ept", "48", "0", "EPT_VIOLATION", "EXCEPTION_NMI (#PF)"),
        "svm": ("npt", "1024", "78", "NPF", "EXCP_14 (#PF)")}
for host, (p, fault, pf, fname, pfname) in spec.items():
    if host not in d or f"{p}_on" not in d[host] or f"{p}_off" not in d[host]:
        n += 1
        print(f"ok {n} - {host}: no runs in {sys.argv[1]} # SKIP")
        continue
    on, off = d[host][f"{p}_on"], d[host][f"{p}_off"]
    last_on, last_off = on["samples"][-1]["counts"], off["samples"][-1]["counts"]
    ok(all(s["counts"].get(fault, 0) == 0 for s in off["samples"]),
       f"{host} {p}=0: no {fname} exits in any sample")
    ok(last_on.get(fault, 0) > 0, f"{host} {p}=1: {fname} exits happen ({last_on.get(fault, 0)})")
    a, b = last_on.get(pf, 0), last_off.get(pf, 0)
    ok(b >= 1000 and b >= 10 * max(a, 1),
       f"{host}: #PF exits {pfname}: {a} with {p.upper()}, {b} without (at least 10x and 1000)")
    for m, r in ((f"{p}_on", on), (f"{p}_off", off)):
        last = r["samples"][-1]
        g, t, tc = last["total"], r["tracepoint_total"], r["tracepoint_counts"]
        nv = r.get("invalid_state_bails") if host == "vmx" else 0
        ok(nv is not None and r.get("tracepoint_dropped", 1) == 0 and
           r.get("invalid_state_bails_dropped", 0) == 0,
           f"{host} {m}: L1 counted {t} kvm_exit" + (f" and {nv} INVALID_STATE bails" if host == "vmx" else "")
           + " up to the marked query, none dropped")
        if nv is None:
            continue
        ok(g == t + nv, f"{host} {m}: guest total at the marked query {g} = kvm:kvm_exit {t} + {nv}")
        c33 = [s["counts"].get("33", 0) for s in r["samples"]]
        if host == "vmx":
            ok(c33[-1] - tc.get("33", 0) == nv and len(set(c33)) == 1,
               f"{host} {m}: reason 33 {c33[-1]} = kvm:kvm_exit's {tc.get('33', 0)} + {nv}, the same in every sample")
        low = sorted((k for k in set(tc) | set(last["counts"])
                      if last["counts"].get(k, 0) < tc.get(k, 0)), key=int)
        ok(not low, f"{host} {m}: every reason's count at least kvm:kvm_exit's at the marked query"
           + "".join(f"; {k}: {last['counts'].get(k, 0)} < {tc[k]}" for k in low))
        ok(r["meta"].get("l1_param", "").endswith(" " + ("Y" if m.endswith("_on") else "N")),
           f"{host} {m}: L1's module parameter {r['meta'].get('l1_param')}")
        ok(not r["meta"].get("l1_warnings"), f"{host} {m}: no WARN/BUG/oops in L1")
print(f"1..{n}\n{n - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
