#!/bin/bash
# tests/stock.sh [HOST]: the detection path.  On a stock KVM (no diff),
# exitstat in L2 must exit with status 1 and say plainly that there are no
# exit statistics (CPUID 0x4FFFFFFC without the signature) and what is below
# instead; exitstat -- CMD must exit 125 without starting CMD.  TAP.
set -uo pipefail
host=${1:-svm}
cd "$(dirname "$0")/.." || exit 1
flock Makefile make -s build/exitstat || exit 1
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp build/exitstat "$stage/"
out=$(../common/lab/run --host "$host" --stock --add "$stage" -- \
	"l2 -- '/extra/exitstat --json; echo status=\$?; /extra/exitstat --reason 10; echo status=\$?; /extra/exitstat -- touch /tmp/ran; echo cmd-status=\$?; ls /tmp/ran'" 2>&1)
echo "$out" | grep -E 'exitstat|status=|/tmp/ran' | sed 's/^/# /'
n=0 fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
[ "$(echo "$out" | grep -c '^status=1$')" = 2 ]
t $? "stock KVM on $host: exitstat exits with status 1 (--json and --reason alike)"
echo "$out" | grep -q "exitstat: no KVM exit statistics here: CPUID 0x4FFFFFFC does not answer the"
t $? "stock KVM on $host: the plain message names the missing signature"
echo "$out" | grep -q "below this guest is KVM without the exit statistics (a stock KVM)"
t $? "stock KVM on $host: the message says what is below (a stock KVM)"
! echo "$out" | grep -q '^{'
t $? "stock KVM on $host: no sample printed"
echo "$out" | grep -q '^cmd-status=125$' && echo "$out" | grep -q "exitstat: touch not started" &&
	! echo "$out" | grep -q '^/tmp/ran$'
t $? "stock KVM on $host: exitstat -- touch F exits 125, says touch was not started, and F does not exist"
echo "1..$n"
echo "$((n - fail)) passed, $fail failed"
exit $fail
