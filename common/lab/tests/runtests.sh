#!/bin/bash
# runtests' own rules, on a table of stand-in tests: TAP numbering and
# statuses, skip (77), and a failure (an L1 that stalled included) reported
# once, never run again.
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

[stalls]
groups = stand-in
command = echo \$\$ >>$work/stalls; echo 'lab: error: L1 stalled (--stall 120); serial log: x'; exit 1
CFG
out=$(LAB_TESTS_CFG=$work/tests.cfg LOGDIR=$work/logs LAB_SESSION=none common/lab/runtests 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
fail=0
check() { if grep -qE -- "$1" <<<"$out"; then echo "ok: $2"; else echo "FAIL: $2 (no line matching '$1')"; fail=1; fi; }
check '^ok [0-9]+ - passes \(' "a passing test is ok"
check '^ok [0-9]+ - skips # SKIP no such thing$' "status 77 is a skip, with the test's last line"
check '^not ok [0-9]+ - fails \([0-9]+s, status 3\)$' "a failing test is not ok"
check '^not ok [0-9]+ - stalls \([0-9]+s, status 1\)$' "an L1 that stalled fails the test"
check '^#   \| lab: error: L1 stalled' "the failure shows the log's last lines"
check '^1 passed, 2 failed, 1 skipped$' "the totals"
[ "$(wc -l <"$work/stalls")" = 1 ] && echo "ok: the stalled test ran once" || { echo "FAIL: the stalled test ran $(wc -l <"$work/stalls") times"; fail=1; }
[ "$rc" = 1 ] && echo "ok: runtests exits 1" || { echo "FAIL: runtests exited $rc"; fail=1; }
exit $fail
