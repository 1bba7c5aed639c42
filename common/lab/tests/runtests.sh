#!/bin/bash
# runtests' own rules, on a table of stand-in tests: TAP numbering and
# statuses, skip (77), and the reruns (two at most) of a test whose L1 hung
# in the emulator (run's marker line), never of another failure.
set -uo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/tests.cfg" <<CFG
[passes]
command = true

[skips]
groups = stand-in
command = echo no such thing; exit 77

[fails]
groups = stand-in
command = echo broken; exit 3

[hangs-once]
groups = stand-in
command = if [ -e $work/hung ]; then echo second run; else : >$work/hung; echo 'lab: [   1s] L1 hung in the emulator: halted, deaf to its interrupts and to an NMI'; exit 1; fi

[hangs-twice]
groups = stand-in
command = echo \$\$ >>$work/twice; if [ \$(wc -l <$work/twice) = 3 ]; then echo third run; else echo 'lab: [   1s] L1 hung in the emulator: halted, deaf to its interrupts and to an NMI'; exit 1; fi

[hangs-always]
groups = stand-in
command = echo 'lab: [   1s] L1 hung in the emulator: halted, deaf to its interrupts and to an NMI'; echo \$\$ >>$work/always; exit 1
CFG
out=$(LAB_TESTS_CFG=$work/tests.cfg LOGDIR=$work/logs LAB_SESSION=none common/lab/runtests 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
fail=0
check() { if grep -qE -- "$1" <<<"$out"; then echo "ok: $2"; else echo "FAIL: $2 (no line matching '$1')"; fail=1; fi; }
check '^ok [0-9]+ - passes \(' "a passing test is ok"
check '^ok [0-9]+ - skips # SKIP no such thing$' "status 77 is a skip, with the test's last line"
check '^not ok [0-9]+ - fails \([0-9]+s, status 3\)$' "a failing test is not ok, not run again"
check '^ok [0-9]+ - hangs-once \([0-9]+s\) \(run again: L1 hung in the emulator, log [^)]*hangs-once.log.hung1\)$' "an L1 hang is run again, and said"
check '^ok [0-9]+ - hangs-twice \([0-9]+s\) \(run again: .*hung1\) \(run again: .*hung2\)$' "a second hang in a row is run again too"
check '^not ok [0-9]+ - hangs-always .*hung2\)$' "a third hang fails"
check '^3 passed, 2 failed, 1 skipped$' "the totals"
[ "$(wc -l <"$work/twice")" = 3 ] && echo "ok: hangs-twice ran 3 times" || { echo "FAIL: hangs-twice ran $(wc -l <"$work/twice") times"; fail=1; }
[ "$(wc -l <"$work/always")" = 3 ] && echo "ok: hangs-always ran 3 times" || { echo "FAIL: hangs-always ran $(wc -l <"$work/always") times"; fail=1; }
[ -f "$work/logs/hangs-once.log.hung1" ] && echo "ok: the hung run's log is kept" || { echo "FAIL: no hangs-once.log.hung1"; fail=1; }
[ "$rc" = 1 ] && echo "ok: runtests exits 1" || { echo "FAIL: runtests exited $rc"; fail=1; }
exit $fail
