#!/bin/bash
# tests/capture-bochs.sh [MODEL...]
# Boot each 64-bit Bochs CPU model with VMX in the lab, run the vmx lab test
# there (module log == CLI) and keep its MSRs as tests/dumps/bochs-MODEL.msr
# with the decoded text as bochs-MODEL.txt, the unit tests' real-CPU data.
set -uo pipefail
cd "$(dirname "$0")/.."
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(core2_penryn_t9600 corei5_lynnfield_750 corei5_arrandale_m520
	corei7_sandy_bridge_2600k corei7_ivy_bridge_3770k corei7_haswell_4770 broadwell_ult
	corei7_skylake_x corei3_cnl corei7_icelake_u tigerlake)
fail=0
for m in "${models[@]}"; do
	echo "capture: $m"
	out=$(tests/lab.sh vmx --cpu "$m" 2>&1)
	rc=$?
	grep -E '^(ok|FAIL):' <<<"$out" | sed "s/^/capture: $m: /"
	dump=$(sed -n '/^--- MSR dump/,/^--- end of dump/p' <<<"$out" | sed '1d;$d')
	if [ "$rc" != 0 ] || [ -z "$dump" ]; then
		echo "capture: $m: FAILED (status $rc)"
		tail -n 5 <<<"$out" | sed "s/^/capture: $m:   /"
		fail=1
		continue
	fi
	{
		echo "# Bochs 2.7 cpu model=$m, read in the lab by vmxcaps --dump ($(date -u +%Y-%m-%d))"
		printf '%s\n' "$dump"
	} >"tests/dumps/bochs-$m.msr"
	build/vmxcaps --from "tests/dumps/bochs-$m.msr" >"tests/dumps/bochs-$m.txt"
done
exit $fail
