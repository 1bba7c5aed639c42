#!/bin/bash
# runtests' own rules, on a table of stand-in tests: TAP numbering and
# statuses, skip (77), a failure (an L1 that stalled included) reported
# once, never run again; the SVM host's QEMU built once before the SVM
# tests, and when it does not build, those tests failed without running;
# a host's session given to one test at a time.
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
command = echo 'ok 1 - fine'; echo 'not ok 2 - broken part'; echo '# want 3, got 4'; echo 'ok 3 - after'; exit 3

[stalls]
groups = stand-in
command = echo \$\$ >>$work/stalls; echo 'lab: error: L1 stalled (--stall 120); serial log: x'; exit 1
CFG
export LAB_CACHE=$work/cache # the stand-ins' durations stay here
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
check '^#   failed: not ok 2 - broken part$' "the failure names the failing check"
check '^#     # want 3, got 4$' "with its diagnostics"
check "^#   log: $work/logs/fails.log:2 " "and its line in the log"
check '^1 passed, 2 failed, 1 skipped$' "the totals"
[ "$(wc -l <"$work/stalls")" = 1 ] && echo "ok: the stalled test ran once" || { echo "FAIL: the stalled test ran $(wc -l <"$work/stalls") times"; fail=1; }
[ "$rc" = 1 ] && echo "ok: runtests exits 1" || { echo "FAIL: runtests exited $rc"; fail=1; }

# Two SVM tests under a QEMU build that works, then one that fails.
cat >"$work/svm.cfg" <<CFG
[svm-one]
host = svm
command = echo \$\$ >>$work/svm-ran

[svm-two]
host = svm
command = echo \$\$ >>$work/svm-ran
CFG
printf '#!/bin/sh\necho $$ >>%s\necho "%s" >&2\nexit %s\n' "$work/built" "lab: [   1s] building QEMU: 100%" 0 >"$work/qemu-ok"
printf '#!/bin/sh\necho $$ >>%s\necho "%s" >&2\nexit %s\n' "$work/broke" "lab: error: stand-in: QEMU's configure failed" 1 >"$work/qemu-bad"
chmod +x "$work/qemu-ok" "$work/qemu-bad"
out=$(HOST=svm LAB_QEMU_BUILD=$work/qemu-ok LAB_TESTS_CFG=$work/svm.cfg LOGDIR=$work/logs LAB_SESSION=none common/lab/runtests 2>&1)
printf '%s\n' "$out" | sed 's/^/  | /'
check '^# qemu-build: lab: \[ +1s\] building QEMU: 100%$' "the QEMU build's progress is shown"
check '^2 passed, 0 failed, 0 skipped$' "the SVM tests run once QEMU is built"
[ "$(wc -l <"$work/svm-ran")" = 2 ] && echo "ok: both SVM tests ran" || { echo "FAIL: the SVM tests ran $(wc -l <"$work/svm-ran") times"; fail=1; }
out=$(HOST=svm LAB_QEMU_BUILD=$work/qemu-bad LAB_TESTS_CFG=$work/svm.cfg LOGDIR=$work/logs LAB_SESSION=none common/lab/runtests 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
check "^not ok [0-9]+ - svm-one \(not run: the SVM host's QEMU did not build, log $work/logs/qemu-build.log\)$" "an SVM test fails, not run, when QEMU does not build"
check '^not ok [0-9]+ - svm-two \(not run: ' "so does the next"
check '^0 passed, 2 failed, 0 skipped$' "the totals"
[ "$(wc -l <"$work/svm-ran")" = 2 ] && echo "ok: no SVM test ran without QEMU" || { echo "FAIL: an SVM test ran without QEMU"; fail=1; }
[ "$(wc -l <"$work/broke")" = 1 ] && echo "ok: the failed build was tried once" || { echo "FAIL: the failed build was tried $(wc -l <"$work/broke") times"; fail=1; }
grep -q "building QEMU: 100%" "$work/logs.old/qemu-build.log" && echo "ok: the previous run's log is kept" || { echo "FAIL: logs.old/qemu-build.log is not the previous run's"; fail=1; }
grep -q "stand-in: QEMU's configure failed" "$work/logs/qemu-build.log" && echo "ok: the build's message is in its log" || { echo "FAIL: qemu-build.log lacks the build's message"; fail=1; }
[ "$rc" = 1 ] && echo "ok: runtests exits 1" || { echo "FAIL: runtests exited $rc"; fail=1; }
# A host's session serves one test at a time: of two SVM tests at once, one
# has it (a directory), the other none; the next test on the host has it.
cat >"$work/sessions.cfg" <<CFG
[svm-a]
host = svm
command = echo "\$LAB_SESSION" >>$work/sessions; sleep 2

[svm-b]
host = svm
command = echo "\$LAB_SESSION" >>$work/sessions; sleep 2

[svm-c]
host = svm
command = echo "\$LAB_SESSION" >>$work/sessions
CFG
HOST=svm LAB_JOBS=2 LAB_QEMU_BUILD=$work/qemu-ok LAB_TESTS_CFG=$work/sessions.cfg LOGDIR=$work/logs common/lab/runtests >/dev/null 2>&1
got=$(sed 's|^/.*|dir|' "$work/sessions" 2>/dev/null | sort | tr '\n' ' ')
[ "$got" = "dir dir none " ] && echo "ok: the session goes to one test at a time (dir dir none)" ||
	{ echo "FAIL: the tests' LAB_SESSION: '$got', want 'dir dir none'"; fail=1; }
# Interrupted, runtests stops the tests it runs (their process groups).
cat >"$work/long.cfg" <<CFG
[long]
command = echo \$\$ >$work/long.pid; sleep 300
CFG
LAB_TESTS_CFG=$work/long.cfg LOGDIR=$work/logs LAB_SESSION=none common/lab/runtests >/dev/null 2>&1 &
for _ in $(seq 50); do [ -s "$work/long.pid" ] && break; sleep 0.1; done
kill -TERM $!
wait $!
rc=$?
sleep 0.5
if [ "$rc" = 143 ] && ! kill -0 "$(cat "$work/long.pid")" 2>/dev/null; then
	echo "ok: SIGTERM stops runtests (143) and its test"
else
	echo "FAIL: after SIGTERM runtests exited $rc, its test $(kill -0 "$(cat "$work/long.pid")" 2>/dev/null && echo runs on || echo stopped)"
	fail=1
fi
exit $fail
