#!/bin/bash
# tests/lab.sh HOST: assignment 2 in one L1 boot on HOST (vmx or svm), through
# common/lab/check-kvm: every CPUID leaf but this diff's answers the same in
# L2 under the stock KVM and under this one; the diff's KVM selftest
# exit_stats_test and the /dev/kvm test vmm_total (its windows refereed by
# kvm:kvm_exit) run in L1; cpuid_exits runs in L2 with L1's kvm:kvm_exit tracepoint as the
# referee of its total.  TAP.
set -euo pipefail
cd "$(dirname "$0")/.."
flock Makefile make -s all
exec ../common/lab/check-kvm --host "${1:?usage: tests/lab.sh vmx|svm}" --diff kvm.diff \
	--stage build/vmm_total --stage build/cpuid_exits -- \
	--l1 "/extra/exit_stats_test" --l1 /extra/vmm_total --skip 0x4ffffffc --skip 0x4fffffff -- \
	'/extra/cpuid_exits --check && /extra/cpuid_exits && /extra/cpuid_exits --snapshot'
