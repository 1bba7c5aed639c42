#!/bin/bash
# tests/lab.sh HOST: assignment 3 in one L1 boot on HOST (vmx or svm), through
# common/lab/check-kvm: every CPUID leaf but this diff's answers the same in
# L2 under the stock KVM and under this one; in L1 run the diff's KVM
# selftest exit_stats_test, the /dev/kvm test vmm_reasons (its windows
# refereed by kvm:kvm_exit) and l1-stats.sh (QEMU's view of the statistics,
# and an L2 with KVM hidden); cpuid_reasons runs in L2 with L1's kvm:kvm_exit
# tracepoint as the referee of its total and of every reason's count.  TAP.
set -euo pipefail
cd "$(dirname "$0")/.."
flock Makefile make -s all
exec ../common/lab/check-kvm --host "${1:?usage: tests/lab.sh vmx|svm}" --diff kvm.diff \
	--stage build/vmm_reasons --stage build/cpuid_reasons --stage tests/l1-stats.sh -- \
	--l1 /extra/exit_stats_test --l1 /extra/vmm_reasons --l1 /extra/l1-stats.sh --skip 0x4ffffffc --skip 0x4ffffffe --skip 0x4fffffff --reasons -- \
	'/extra/cpuid_reasons --check && /extra/cpuid_reasons && /extra/cpuid_reasons --snapshot'
