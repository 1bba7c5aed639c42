#!/bin/bash
# vmxcaps in the lab.  vmx: the module's kernel-log decode equals the CLI's on
# the same CPU, and the debugfs file and /dev/cpu/0/msr give the same MSRs.
# svm: the module refuses with ENODEV and one log line, the CLI exits 3, and
# the kernel logs no WARN, BUG or oops.
set -euo pipefail
host=${1:?usage: tests/lab.sh vmx|svm [--cpu MODEL]}
shift
cd "$(dirname "$0")/.."
kdir=$(../common/lab/kernel headers)
flock Makefile make -s build/vmxcaps
flock Makefile make -s module KDIR="$kdir" >/dev/null
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp build/vmxcaps build/vmxcaps.ko tests/lab-guest.sh "$stage/"
# No KVM in L1 (--no-kvm): the module and the CLI read the MSRs alone, and
# an emulated L1 is spared loading it.
../common/lab/run --host "$host" --no-kvm "$@" --add "$stage" -- "sh /extra/lab-guest.sh $host"
