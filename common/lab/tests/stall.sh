#!/bin/bash
# The lab never waits in silence: an L2 that stops making progress is
# stopped by `l2 --stall` with its console and L1's kernel log, and an L1
# that does is stopped by `run --stall` with its console, long before the
# timeout.
set -uo pipefail
host=${1:?usage: stall.sh HOST}
cd "$(dirname "$0")/../../.." || exit 1
t0=$(date +%s)
# L2's watchdog fires 5-10 s after L2's last line, L1's 20 s after L1's
# (l2's report is L1's output): 10 s to spare for a slow L1.
out=$(common/lab/run --host "$host" --stall 20 --timeout 900 -- '
	l2 --stall 5 -- "echo L2 is up; sleep 1000"
	echo "l2 exit status $?"
	echo "L1 goes quiet"
	sleep 1000' 2>&1)
rc=$?
dt=$(($(date +%s) - t0))
printf '%s\n' "$out"
fail=0
check() { if grep -qE -- "$1" <<<"$out"; then echo "ok: /$1/"; else echo "FAIL: no line matches /$1/"; fail=1; fi; }
check '^l2: no progress for 5s \(L2.s console silent, its QEMU idle\): stopping L2$'
check '^l2: L2 was running: echo L2 is up; sleep 1000$'
check '^l2:   \| L2 is up$'
check "^l2: L1's kernel log, last lines:$"
check '^l2 exit status 1$'
check '^lab: \[ *[0-9]+s\] no progress for 20s: L1 prints nothing and .* is idle'
check '^lab:   \| L1 goes quiet$'
check '^lab: error: L1 stalled \(--stall 20\); serial log: '
# QEMU's monitor: where L1's CPU stopped, and its local APIC.
if [ "$host" != vmx ]; then
	check "^lab: \\[ *[0-9]+s\\] L1's CPU and local APIC now \\(QEMU monitor\\):$"
	check '^lab:   monitor\| RIP=[0-9a-f]{16} '
	check '^lab:   monitor\| dumping local APIC state for CPU 0'
fi
[ "$rc" = 1 ] && echo "ok: run exits 1" || { echo "FAIL: run exited $rc, want 1"; fail=1; }
[ "$dt" -lt 300 ] && echo "ok: over in ${dt}s, well before the timeout" || { echo "FAIL: took ${dt}s"; fail=1; }
exit $fail
