#!/bin/bash
# reload-loop.sh [--host svm|vmx] ROUNDS: the SVM hang's reproduction
# (common/lab/README.md, Pitfalls).  In one L1, ROUNDS times: the stock KVM
# (kvm-install --remove --reload), then assignment 4's (kvm-install --reload
# DIR), two L2 boots under each; a line per L2 boot.  Not in make check: an
# L1 that hangs ends the loop, and run says so ("L1 hung in the emulator").
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
for r in \$(seq $rounds); do
	for k in stock assignment4; do
		[ \$k = assignment4 ] && how=/extra/mods || how=--remove
		kvm-install --reload \$how >/tmp/install.log 2>&1 ||
			{ echo \"kvm-install --reload \$how: \$(tail -n 1 /tmp/install.log)\"; exit 1; }
		for b in 1 2; do
			l2 --stall 30 -- true >/tmp/l2.out 2>&1
			rc=\$?
			echo \"round \$r, \$k KVM, L2 boot \$b: status \$rc (L1 at \$(cut -d' ' -f1 /proc/uptime) s)\"
			[ \$rc = 0 ] || tail -n 5 /tmp/l2.out
		done
	done
done"
