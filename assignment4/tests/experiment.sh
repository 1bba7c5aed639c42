#!/bin/bash
# tests/experiment.sh [HOST...]   (vmx, svm; default: $HOST or both)
# EPT/NPT vs shadow paging: for each HOST, two L1 boots with KVM built from
# kvm.diff, one with nested paging (EPT/NPT) and one with shadow paging
# (--kvm-param ept=0 / npt=0).  In each, L2 takes three samples, as the
# assignment's original write-up did (boot, +5 s, +10 s; WORKLOAD='cmd' runs
# cmd in L2 before the 2nd and 3rd) while L1's kvm:kvm_exit histogram
# counts the same VM up to the marked last query.  Each run goes to
# results/runs/HOST-MODE.json; then tests/gen-results.py merges them into
# results/exits.json, exits.md, charts.
# RESULTS=DIR writes there instead of results/ (and leaves README.md alone).
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=("$@")
[ ${#hosts[@]} -gt 0 ] || read -r -a hosts <<<"${HOST:-svm vmx}"
for h in "${hosts[@]}"; do
	case "$h" in vmx | svm) ;; *) echo "experiment: unknown host '$h' (vmx or svm)" >&2; exit 2 ;; esac
done
../common/lab/kvm-build --diff kvm.diff >/dev/null # built once here, cached by the lab
make -s build/exitstat
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp build/exitstat tests/guest/l1-experiment.sh tests/guest/l2-experiment.sh "$stage/"
printf '%s\n' "${WORKLOAD:-}" >"$stage/workload"
[ -n "${WORKLOAD:-}" ] || : >"$stage/workload"
res=${RESULTS:-results}
mkdir -p "$res/runs"
for h in "${hosts[@]}"; do
	if [ "$h" = vmx ]; then p=ept l0="Bochs $(dpkg-query -W -f='${Version}' bochs 2>/dev/null)"
	else p=npt l0="QEMU $(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null) TCG"; fi
	for v in 1 0; do
		mode=${p}_$([ "$v" = 1 ] && echo on || echo off)
		out=$res/runs/$h-$mode.txt
		echo "experiment: $h $mode ($p=$v), L1 + L2 in the lab" >&2
		t0=$(date +%s)
		set +e
		../common/lab/run --host "$h" --diff kvm.diff --kvm-param "$p=$v" --add "$stage" -- \
			"sh /extra/l1-experiment.sh" >"$out.tmp" 2>"$out.log"
		st=$?
		set -e
		[ "$st" = 0 ] || { tail -n 20 "$out.tmp" "$out.log" >&2; echo "experiment: $h $mode failed ($st)" >&2; exit 1; }
		mv "$out.tmp" "$out"
		python3 tests/run-to-json.py "$out" --host "$h" --mode "$mode" --param "$p=$v" \
			--l0 "$l0" --workload "${WORKLOAD:-}" --wall $(($(date +%s) - t0)) >"$res/runs/$h-$mode.json"
		echo "experiment: $h $mode done in $(($(date +%s) - t0)) s" >&2
	done
done
python3 tests/gen-results.py "$res"
