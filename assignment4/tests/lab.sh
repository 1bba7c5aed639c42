#!/bin/bash
# tests/lab.sh HOST: assignment 4 in the lab, in one L1 boot on HOST (vmx or
# svm).  L1 starts with the stock KVM; common/lab/guest/exits-referee
# compares every CPUID leaf in L2 under the stock KVM and under this diff's,
# then in L2 on this diff's KVM runs tests/guest/l2-check.sh (0x4FFFFFFD and
# exitstat end to end) and "exitstat --referee": L1's kvm:kvm_exit histogram
# referees the marked total and every reason's count.  TAP.
set -euo pipefail
host=${1:?usage: tests/lab.sh vmx|svm}
cd "$(dirname "$0")/.."
mods=$(../common/lab/kvm-build --diff kvm.diff)
make -s all
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/mods"
cp "$mods"/*.ko "$stage/mods/"
cp build/exitstat tests/guest/l2-check.sh tests/guest/l2-lab.sh "$stage/"
exec ../common/lab/run --host "$host" --stock --add "$stage" -- \
	"exits-referee /extra/mods --skip 0x4ffffffc --skip 0x4ffffffd --skip 0x4ffffffe --skip 0x4fffffff -- 'sh /extra/l2-lab.sh'"
