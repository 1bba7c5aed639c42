#!/bin/sh
# (in L2, on assignment 4's KVM) exitstat and CPUID 0x4FFFFFFD end to end,
# TAP lines ("# a4: ..." in the referee's log); exit status 1 on a failure.
n=0 fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
X=/extra/exitstat
if grep -qw svm /proc/cpuinfo; then undef=0xa7 cpuid=0x72 rdtsc=0x6e; else undef=35 cpuid=10 rdtsc=16; fi
hex() { printf '%d' "$1"; }
# exitstat --reason echoes ECX as C's %#x
ux=$(printf '0x%x' "$undef") rx=$(printf '0x%x' "$rdtsc")

$X --reason $undef >/tmp/r.txt
grep -q "^CPUID 0x4FFFFFFD ECX=$ux: EAX=0x00000000 EBX=0x00000000 ECX=0x00000000 EDX=0xffffffff" /tmp/r.txt
t $? "0x4FFFFFFD, undefined reason $undef: EDX=0xFFFFFFFF, the rest 0"
$X --reason $rdtsc >/tmp/r.txt
grep -q "^CPUID 0x4FFFFFFD ECX=$rx: EAX=0x00000000 EBX=0x00000000 ECX=0x00000000 EDX=0x00000000" /tmp/r.txt
t $? "0x4FFFFFFD, RDTSC (ruled out by KVM's controls): 0 cycles"
$X --reason $cpuid >/tmp/r.txt
c1=$(sed -n 's/^CPUID 0x4FFFFFFD.*EAX=0x00000000 .*EDX=0x00000000 (cycles \([0-9]*\))$/\1/p' /tmp/r.txt)
$X --reason $cpuid >/tmp/r.txt
c2=$(sed -n 's/^CPUID 0x4FFFFFFD.*EAX=0x00000000 .*EDX=0x00000000 (cycles \([0-9]*\))$/\1/p' /tmp/r.txt)
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ]
t $? "0x4FFFFFFD, CPUID: EAX=EDX=0, cycles grow with CPUID exits ($c1 -> $c2)"

# The reasons' cycles are what handling the exits cost; the total also holds
# the time the vCPU was away (halted, preempted, in the VMM's userspace).  So
# the reasons' sum, read after one total and before the next, is at most the
# next total (both only grow).
$X --json >/tmp/a.json && $X --json >/tmp/b.json
awk '
	function field(s, k,   m) { m = s; sub("\"counts\".*", "", m); sub(".*\"" k "\":", "", m); sub("[,}].*", "", m); return m }
	function block(s, k,   m) { m = s; sub(".*\"" k "\":\\{", "", m); sub("\\}.*", "", m); return m }
	FNR == 1 && NR == 1 { n = split(block($0, "cycles_by_reason"), a, ",")
		for (i = 1; i <= n; i++) { split(a[i], kv, ":"); sum += kv[2] } }
	FNR == 1 && NR == 2 { c1 = field($0, "cycles") + 0 }
	END { printf "# a4: sum of reasons %.0f <= next total %.0f (away: the other %.1f%%)\n", sum, c1, c1 ? 100 * (c1 - sum) / c1 : 0
		exit !(sum > 0 && sum <= c1) }' /tmp/a.json /tmp/b.json
t $? "sum of 0x4FFFFFFD over all reasons is at most the later 0x4FFFFFFF"

$X -- sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do dd if=/dev/zero of=/dev/null bs=1 count=1 2>/dev/null; done" >/tmp/cmd.txt
st=$?
head -n 4 /tmp/cmd.txt | sed 's/^/# a4: /'
[ $st = 0 ] && grep -q "CPUID exits of exitstat's own queries left out" /tmp/cmd.txt
t $? "exitstat -- CMD: runs CMD, shows the exits meanwhile (status $st)"
$X --json -- sh -c 'exit 3' >/tmp/cmd.txt
st=$?
[ $st = 3 ] && grep -q '"interval":' /tmp/cmd.txt
t $? "exitstat --json -- sh -c 'exit 3': exit status 3, a JSON delta"
$X --csv --watch 0.5 --count 3 >/tmp/w.txt
[ "$(grep -c '^t,reason' /tmp/w.txt)" = 1 ] && [ "$(grep -v '^t,' /tmp/w.txt | cut -d, -f1 | sort -u | wc -l)" = 3 ]
t $? "exitstat --csv --watch 0.5 --count 3: one header, three intervals, then ends"
$X --prometheus >/tmp/p.txt
grep -q "^kvm_exit_stats_reason_exits_total{reason=\"$(hex $cpuid)\",name=\"CPUID\"} [1-9]" /tmp/p.txt &&
	grep -q '^kvm_exit_stats_reason_cycles_total{' /tmp/p.txt
t $? "exitstat --prometheus: CPUID exits and per-reason cycles"
$X --bogus 2>/tmp/e.txt
st=$?
[ $st = 2 ] && grep -q "unknown option '--bogus'" /tmp/e.txt
t $? "exitstat --bogus: exit status 2 and a clear message"
echo "# a4: 1..$n"
exit $fail
