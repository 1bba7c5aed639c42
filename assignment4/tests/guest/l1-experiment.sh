#!/bin/sh
# (in L1) One run of the experiment: L1's kvm:kvm_exit histogram counts every
# exit of the L2 VM until L2's marked 0x4FFFFFFF query; L2 runs
# l2-experiment.sh.  Lines for tests/experiment.sh: "param", "kernel",
# "l2 ..." (L2's output), "hist REASON COUNT", "hits N dropped N".
T=/sys/kernel/tracing/events/kvm
if grep -qw svm /proc/cpuinfo; then mod=kvm_amd p=npt; else mod=kvm_intel p=ept; fi
echo "param $mod.$p $(cat /sys/module/$mod/parameters/$p)"
echo "kernel $(uname -r)"
hist='hist:keys=exit_reason:vals=hitcount:sort=exit_reason'
stop='disable_hist:kvm:kvm_exit if function == 0x4fffffff && index == 0x5a5a5a5a'
echo "$hist" >$T/kvm_exit/trigger || { echo "l1-experiment: cannot set the kvm_exit histogram" >&2; exit 1; }
echo "$stop" >$T/kvm_cpuid/trigger || { echo "l1-experiment: cannot set the marked query's disable_hist" >&2; exit 1; }
l2 -- 'sh /extra/l2-experiment.sh' >/tmp/l2.txt 2>&1
st=$?
sed 's/^/l2 /' /tmp/l2.txt
grep -E '^\{' $T/kvm_exit/hist | sed 's/[{}:]/ /g' | awk '{ print "hist", $2, $4 }'
echo "hits $(sed -n 's/^ *Hits: *//p' $T/kvm_exit/hist) dropped $(sed -n 's/^ *Dropped: *//p' $T/kvm_exit/hist)"
lab-splats | sed 's/^/warn /'
# The triggers go with this run: a next run in the same boot (the other
# paging mode) starts its histogram from zero.
echo "!$stop" >$T/kvm_cpuid/trigger
echo "!$hist" >$T/kvm_exit/trigger
exit $st
