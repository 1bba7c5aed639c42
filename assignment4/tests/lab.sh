#!/bin/bash
# tests/lab.sh HOST: assignment 4 in one L1 boot on HOST (vmx or svm),
# through common/lab/check-kvm: every CPUID leaf but this diff's answers the
# same in L2 under the stock KVM and under this one; the diff's KVM selftest
# exit_stats_test runs in L1; in L2 on this diff's KVM,
# tests/guest/l2-lab.sh runs tests/guest/l2-check.sh (0x4FFFFFFD and exitstat
# end to end) and "exitstat --referee": L1's kvm:kvm_exit histogram referees
# the marked total and every reason's count.  TAP.
set -euo pipefail
cd "$(dirname "$0")/.."
flock Makefile make -s all
exec ../common/lab/check-kvm --host "${1:?usage: tests/lab.sh vmx|svm}" --diff kvm.diff \
	--stage build/exitstat --stage tests/guest/l2-check.sh --stage tests/guest/l2-lab.sh -- \
	--l1 "/extra/exit_stats_test" --skip 0x4ffffffc --skip 0x4ffffffd --skip 0x4ffffffe --skip 0x4fffffff --reasons -- 'sh /extra/l2-lab.sh'
