#!/bin/sh
# (in L1) One run of the experiment: L1's kvm:kvm_exit histogram counts every
# exit of the L2 VM until L2's marked 0x4FFFFFFF query; L2 runs
# l2-experiment.sh.  On VMX a kprobe at vmx_vcpu_run's INVALID_STATE bail
# (/extra/invalid-state-bail, found by tests/experiment.sh) counts, up to the
# same query, the entries KVM gave up to emulate instead: no VM-exit, so
# kvm_exit never sees them, yet KVM counts them as reason 33.  It fires
# there only, so the exits it does not see cost nothing more.  Lines for
# tests/experiment.sh: "param", "kernel", "l2 ..." (L2's output), "hist
# REASON COUNT", "hits N dropped N", on VMX "bails N dropped N".
R=/sys/kernel/tracing
T=$R/events/kvm
B=$R/events/kprobes/lab_invalid_state
if grep -qw svm /proc/cpuinfo; then mod=kvm_amd p=npt; else mod=kvm_intel p=ept; fi
echo "param $mod.$p $(cat /sys/module/$mod/parameters/$p)"
echo "kernel $(uname -r)"
hist='hist:keys=exit_reason:vals=hitcount:sort=exit_reason'
stop='disable_hist:kvm:kvm_exit if function == 0x4fffffff && index == 0x5a5a5a5a'
echo "$hist" >$T/kvm_exit/trigger || { echo "l1-experiment: cannot set the kvm_exit histogram" >&2; exit 1; }
echo "$stop" >$T/kvm_cpuid/trigger || { echo "l1-experiment: cannot set the marked query's disable_hist" >&2; exit 1; }
bailstop='disable_hist:kprobes:lab_invalid_state if function == 0x4fffffff && index == 0x5a5a5a5a'
if [ $mod = kvm_intel ]; then
	{ echo "p:lab_invalid_state $mod:$(cat /extra/invalid-state-bail)" >>$R/kprobe_events &&
		echo 'hist:keys=common_pid:vals=hitcount' >$B/trigger &&
		echo "$bailstop" >>$T/kvm_cpuid/trigger && echo 1 >$B/enable; } ||
		{ echo "l1-experiment: cannot set a kprobe at $mod:$(cat /extra/invalid-state-bail)" >&2; exit 1; }
fi
l2 -- 'sh /extra/l2-experiment.sh' >/tmp/l2.txt 2>&1
st=$?
sed 's/^/l2 /' /tmp/l2.txt
grep -E '^\{' $T/kvm_exit/hist | sed 's/[{}:]/ /g' | awk '{ print "hist", $2, $4 }'
echo "hits $(sed -n 's/^ *Hits: *//p' $T/kvm_exit/hist) dropped $(sed -n 's/^ *Dropped: *//p' $T/kvm_exit/hist)"
[ $mod != kvm_intel ] || echo "bails $(sed -n 's/^ *Hits: *//p' $B/hist) dropped $(sed -n 's/^ *Dropped: *//p' $B/hist)"
lab-splats | sed 's/^/warn /'
# The triggers go with this run: a next run in the same boot (the other
# paging mode) starts its histogram from zero.
echo "!$stop" >$T/kvm_cpuid/trigger
echo "!$hist" >$T/kvm_exit/trigger
if [ $mod = kvm_intel ]; then
	echo "!$bailstop" >$T/kvm_cpuid/trigger
	echo 0 >$B/enable
	echo '!hist:keys=common_pid:vals=hitcount' >$B/trigger
	echo "-:lab_invalid_state" >>$R/kprobe_events
fi
exit $st
