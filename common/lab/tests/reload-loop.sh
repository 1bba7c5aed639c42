#!/bin/bash
# reload-loop.sh [--host svm|vmx] ROUNDS: the SVM hang's reproduction
# (common/lab/README.md, Pitfalls).  In one L1, ROUNDS times: the stock KVM
# (a fresh modprobe), then assignment 4's (kvm-install --reload), two L2
# boots under each; a line per L2 boot.  Not in make check: an L1 that hangs
# ends the loop, and run says so ("L1 hung in the emulator").
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
. common/lab/lib.sh
host=svm
[ "${1-}" = --host ] && { host=${2-}; shift 2; }
rounds=${1-}
case "$host" in svm | vmx | kvm) ;; *) lab_die "--host: svm, vmx or kvm, not '$host'" ;; esac
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: reload-loop.sh [--host svm|vmx|kvm] ROUNDS" >&2; exit 2; }
mods=$(common/lab/kvm-build --diff assignment4/kvm.diff) || exit 1
add=$(mktemp -d)
trap 'rm -rf "$add"' EXIT
mkdir "$add/mods" && cp "$mods"/*.ko "$add/mods/"
LAB_SESSION=none common/lab/run --host "$host" --add "$add" --stall 60 --timeout $((rounds * 120 + 300)) -- "
rel=\$(uname -r)
grep -q '^flags.* vmx' /proc/cpuinfo && vendor=kvm_intel || vendor=kvm_amd
for r in \$(seq $rounds); do
	for k in stock assignment4; do
		if [ \$k = assignment4 ]; then
			kvm-install --reload /extra/mods >/dev/null || { echo 'kvm-install --reload failed'; exit 1; }
		else
			# The last L2's QEMU may hold /dev/kvm a moment longer.
			for _ in \$(seq 20); do rmmod \$vendor kvm 2>/dev/null && break; sleep 0.5; done
			! grep -q '^kvm ' /proc/modules || { echo 'the last KVM cannot be unloaded'; exit 1; }
			rm -rf /lib/modules/\$rel/updates && depmod && modprobe \$vendor ||
				{ echo 'the stock KVM does not load'; exit 1; }
		fi
		for b in 1 2; do
			l2 --stall 30 -- true >/tmp/l2.out 2>&1
			rc=\$?
			echo \"round \$r, \$k KVM, L2 boot \$b: status \$rc (L1 at \$(cut -d' ' -f1 /proc/uptime) s)\"
			[ \$rc = 0 ] || tail -n 5 /tmp/l2.out
		done
	done
done"
