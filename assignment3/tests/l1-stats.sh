#!/bin/sh
# l1-stats.sh (in L1, on this diff's KVM): the host's and the guest's view
# of one counter, through an unmodified QEMU.
#  1. An L2 whose QEMU hides KVM (-cpu host,kvm=off) gets the stock KVM's
#     answers for 0x4FFFFFFC..0x4FFFFFFF (the referee's dump of them), and
#     cpuid_reasons finds no statistics.
#  2. An L2 reads every reason with cpuid_reasons, then CPUID once more, and
#     holds, doing nothing that exits for CPUID; its QEMU, stopped, prints
#     the vCPU's statistics (`info stats vcpu` in its monitor): every
#     reason's bucket of exit_reason_exits is at least what the guest read,
#     CPUID's exactly, and the buckets add up to `exits`.
# TAP on stdout; status 1 if a check failed.
stock=/tmp/cpuid-stock-all.txt		# exits-referee's dump of the stock KVM
port=4444
n=0 fail=0
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
leaves() { grep '^4ffffff[c-f]\.' "$@"; }

lab-progress "l1-stats: L2 under -cpu host,kvm=off"
# shellcheck disable=SC2016 # expanded in L2
l2 --qemu-arg -cpu --qemu-arg host,kvm=off -- \
	'cpuid-dump | grep "^4ffffff[c-f]\."; /extra/cpuid_reasons >/dev/null 2>/tmp/err; echo "cpuid_reasons status $?: $(cat /tmp/err)"' \
	>/tmp/kvmoff.txt 2>&1
leaves "$stock" >/tmp/leaves-stock.txt
leaves /tmp/kvmoff.txt >/tmp/leaves-kvmoff.txt
[ -s /tmp/leaves-stock.txt ] && cmp -s /tmp/leaves-stock.txt /tmp/leaves-kvmoff.txt
tap $? "kvm=off: 0x4FFFFFFC..0x4FFFFFFF answer as under the stock KVM ($(grep -c . /tmp/leaves-kvmoff.txt) answers)"
[ "$fail" = 0 ] || diff /tmp/leaves-stock.txt /tmp/leaves-kvmoff.txt | head -n 8 | sed 's/^/#   /'
grep -q '^cpuid_reasons status 1: .*no KVM exit statistics' /tmp/kvmoff.txt
tap $? "kvm=off: $(sed -n 's/^cpuid_reasons //p' /tmp/kvmoff.txt | cut -c1-120)"

lab-progress "l1-stats: L2 with a monitor: the guest's reads, then QEMU's info stats vcpu"
ip link set lo up
# After the last query L2 runs nothing that executes CPUID: echo and read
# are the shell's own, and the shell then blocks opening a FIFO for read,
# which no one opens for writing.
l2 --qemu-arg -monitor --qemu-arg "tcp:127.0.0.1:$port,server=on,wait=off" -- \
	'mkfifo /tmp/hold && /extra/cpuid_reasons && /extra/cpuid_reasons --reason CPUID && echo l2-hold && read x </tmp/hold' \
	>/tmp/held.txt 2>&1 &
l2pid=$!
t=0
until grep -q '^l2-hold' /tmp/held.txt; do
	if ! kill -0 "$l2pid" 2>/dev/null || [ "$t" -ge 900 ]; then
		tap 1 "L2 reached its hold (after ${t}s; its output ends:)"
		tail -n 5 /tmp/held.txt | sed 's/^/#   /'
		echo "1..$n"
		exit 1
	fi
	sleep 1
	t=$((t + 1))
done
monitor() { (printf '%s\n' "$@"; sleep 3) | nc 127.0.0.1 "$port" | tr -d '\r'; }
monitor stop 'info stats vcpu' >/tmp/stats.txt
monitor quit >/dev/null
wait "$l2pid"

# QEMU 7.2 prints a histogram's buckets last first: [i] is bucket N - i.
awk '
	/^ *exits \(/ { sub(/.*: /, ""); exits = $1 }
	/^ *exit_reason_exits \(/ {
		sub(/.*: /, "")
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[i] = kv[2] }
		for (i = 1; i <= NF; i++) print "bucket", NF - i, v[i]
		nb = NF
	}
	END { print "exits", exits; print "buckets", nb }' /tmp/stats.txt >/tmp/buckets.txt
grep -q '^buckets 180$' /tmp/buckets.txt
r=$?
tap $r "info stats vcpu: exit_reason_exits has $(sed -n 's/^buckets //p' /tmp/buckets.txt) buckets (exit-stats.rst: 180)"
[ "$r" = 0 ] || sed 's/^/#   /' /tmp/stats.txt | head -n 20

# The guest's table ("reason name exits", SVM codes in hex) and its last
# read ("CPUID 0x4FFFFFFE ECX=0x..: EAX=0x.. EBX=0x.. ..."), in decimal.
grep -E '^(0x)?[0-9a-f]+ +[^ ]+ +[0-9]+$' /tmp/held.txt | while read -r r _ c; do
	echo "row $((r)) $c"
done >/tmp/rows.txt
# shellcheck disable=SC2046
set -- $(sed -n 's/^CPUID 0x4FFFFFFE ECX=\(0x[0-9a-f]*\): EAX=\(0x[0-9a-f]*\) EBX=\(0x[0-9a-f]*\).*/\1 \2 \3/p' /tmp/held.txt) 0 0 0
echo "last $(($1)) $(($3 << 32 | $2))" >>/tmp/rows.txt
awk -v svm="$(grep -qw svm /proc/cpuinfo && echo 1)" '
	function slot(r) {
		if (!svm || r <= 166) return r
		if (r >= 1024 && r <= 1031) return 167 + r - 1024
		if (r >= 4294967292) return 175 + 4294967295 - r
		return 179
	}
	NR == FNR { if ($1 == "bucket") b[$2] = $3; if ($1 == "exits") exits = $2; next }
	$1 == "row" {
		s = slot($2); rows++
		if ($3 > b[s]) { bad++; printf "#   reason %d: guest %d > bucket %d = %d\n", $2, $3, s, b[s] }
	}
	$1 == "last" { cr = $2; last = $3 }
	END {
		for (s in b) sum += b[s]
		printf "rows %d bad %d cpuid_slot %d last %d bucket %d sum %d exits %d\n",
			rows, bad + 0, slot(cr), last, b[slot(cr)], sum, exits
	}' /tmp/buckets.txt /tmp/rows.txt >/tmp/compare.txt
grep '^#' /tmp/compare.txt
# shellcheck disable=SC2046
set -- $(grep '^rows ' /tmp/compare.txt)
rows=$2 bad=$4 cslot=$6 last=$8 bucket=${10} sum=${12} exits=${14}
[ "$rows" -gt 50 ] && [ "$bad" = 0 ]
tap $? "$rows reasons: each bucket >= the guest's read"
[ "$last" -gt 0 ] && [ "$bucket" = "$last" ]
tap $? "CPUID, slot $cslot: bucket $bucket = the guest's last read $last"
[ "$exits" -gt 0 ] && [ "$sum" = "$exits" ]
tap $? "the buckets add up to exits: $sum = $exits"
echo "1..$n"
exit "$fail"
