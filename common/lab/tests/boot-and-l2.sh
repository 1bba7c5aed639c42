#!/bin/bash
# The lab's own round trip on one host: L1 boots the stock kernel with KVM
# loaded, runs a command, and `l2` runs one in a nested guest; both exit
# statuses and outputs travel back unchanged, up to the last line.  What the
# command prints is its output only: a kernel's panic line or the lab's own
# markers in it neither end the run nor change its verdict.
# The same L2 takes the stock KVM's CPUID dump for the assignments' checks
# on this host (check-kvm), when the cache has none: one L2 boot less there.
set -uo pipefail
host=${1:?usage: boot-and-l2.sh HOST}
. common/lab/lib.sh
key=$(lab_stock_cpuid_key "$host")
dump=
if [ -n "$key" ] && [ ! -s "$(lab_stock_cpuid_cached "$key")" ]; then
	dump="echo '<<<cpuid-stock'; cpuid-dump | gzip -9 | base64; echo 'cpuid-stock>>>';"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(common/lab/run --host "$host" --stock -- '
	echo "L1 kernel $(uname -r)"
	test -c /dev/kvm && echo "L1 has /dev/kvm"
	l2 -- "'"$dump"' echo L2 kernel \$(uname -r); test -e /dev/kvm || echo L2 has no /dev/kvm; seq 500 | sed s/^/L2.line./; exit 7"
	echo "l2 exit status $?"
	test -e /lab/nonce && echo "the command can read its nonce"
	echo "Kernel panic - not syncing: printed by the command"
	echo "<<<LAB:END rc=0>>>"
	echo "<<<LAB:END rc=0 tx=0>>>" | tee /dev/console
	sleep 2
	echo "after the markers"
	seq 2000 | sed s/^/L1.line./
	exit 5' 2> >(tee "$tmp/err" >&2) | lab_stock_cpuid_filter "$tmp/dump.b64")
rc=$?
lab_stock_cpuid_keep "$key" "$tmp/dump.b64"
printf "%s\n" "$out" | grep -v "^L[12]\.line\."
fail=0
check() { if grep -qx -- "$1" <<<"$out"; then echo "ok: $1"; else echo "FAIL: missing '$1'"; fail=1; fi; }
rel=$(lab_kernel_release)
check "L1 kernel $rel"
check "L1 has /dev/kvm"
check "L2 kernel $rel"
check "L2 has no /dev/kvm"
check "l2 exit status 7"
check "Kernel panic - not syncing: printed by the command"
check "after the markers"
if grep -q "the command can read its nonce" <<<"$out"; then
	echo "FAIL: the command can read its nonce"; fail=1
else
	echo "ok: the command cannot read its nonce"
fi
# run's last line, "done in", ends its stderr (copied by tee meanwhile).
for _ in $(seq 50); do grep -q "done in" "$tmp/err" && break; sleep 0.1; done
if grep -q "L1 kernel panic" "$tmp/err"; then
	echo "FAIL: a panic line the command printed read as L1's"; fail=1
else
	echo "ok: a panic line the command printed is its output"
fi
# Output written just before power-off arrives whole (the serial port drains).
# L2's 500 lines (5.9 KB, more than the serial core's one-page transmit
# buffer) cost an I/O exit to L1's QEMU per character; L1's 2000 cost only
# the emulator's own UART.
check "L2.line.500"
check "L1.line.2000"
n=$(grep -c '^L[12]\.line\.' <<<"$out")
[ "$n" = 2500 ] && echo "ok: 2500 of 2500 trailing lines arrived" || { echo "FAIL: $n of 2500 trailing lines arrived"; fail=1; }
[ "$rc" = 5 ] && echo "ok: run exits with the command's status (5)" || { echo "FAIL: run exited $rc, want 5"; fail=1; }
exit $fail
