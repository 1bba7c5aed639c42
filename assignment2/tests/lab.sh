#!/bin/bash
# tests/lab.sh HOST: assignment 2 in the lab, in one L1 boot on HOST (vmx or
# svm).  L1 starts with the stock KVM; common/lab/guest/exits-referee
# compares every CPUID leaf in L2 under the stock KVM and under this diff's
# (installed with kvm-install --reload), runs the /dev/kvm test vmm_total in L1 and then cpuid_exits in L2 with
# L1's kvm:kvm_exit tracepoint as the referee of its totals.  TAP.
set -euo pipefail
host=${1:?usage: tests/lab.sh vmx|svm}
cd "$(dirname "$0")/.."
mods=$(../common/lab/kvm-build --diff kvm.diff)
make -s all
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/mods"
cp "$mods"/*.ko "$stage/mods/"
cp build/cpuid_exits "$stage/"
cp build/vmm_total "$stage/"
exec ../common/lab/run --host "$host" --stock --add "$stage" -- \
	"exits-referee /extra/mods --l1 /extra/vmm_total --skip 0x4ffffffc --skip 0x4fffffff -- \
	'/extra/cpuid_exits --check && /extra/cpuid_exits && /extra/cpuid_exits --snapshot'"
