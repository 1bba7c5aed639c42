#!/bin/sh
# Runs in L1 (busybox sh), called by tests/lab.sh.  Prints one line per check.
host=$1
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

dmesg -c >/dev/null
if [ "$host" = vmx ]; then
	insmod /extra/vmxcaps.ko || bad "insmod vmxcaps.ko failed"
	# Without the kernel's own taint notices, which carry the module's name.
	dmesg | sed -n -e 's/^\[[^]]*\] //' -e '/taints kernel\|module verification failed/d' \
		-e 's/^vmxcaps: //p' >/tmp/kernel.txt
	/extra/vmxcaps --cpu 0 >/tmp/cli.txt || bad "vmxcaps --cpu 0 exited $?"
	n=$(wc -l </tmp/kernel.txt)
	[ "$n" -gt 50 ] || bad "only $n vmxcaps lines in the kernel log"
	if cmp -s /tmp/kernel.txt /tmp/cli.txt; then
		ok "kernel log decode ($n lines) == vmxcaps --cpu 0"
	else
		bad "kernel log decode differs from vmxcaps --cpu 0:"
		diff /tmp/kernel.txt /tmp/cli.txt | head -n 20
	fi
	/extra/vmxcaps --module --dump >/tmp/module.msr || bad "vmxcaps --module --dump exited $?"
	/extra/vmxcaps --dump >/tmp/msr.msr || bad "vmxcaps --dump exited $?"
	if cmp -s /tmp/module.msr /tmp/msr.msr; then
		ok "debugfs MSRs == /dev/cpu/N/msr MSRs ($(grep -c '^0x' /tmp/msr.msr) values)"
	else
		bad "debugfs MSRs differ from /dev/cpu/N/msr:"
		diff /tmp/module.msr /tmp/msr.msr | head -n 20
	fi
	/extra/vmxcaps --module --cpu 0 >/tmp/cli-module.txt
	cmp -s /tmp/cli-module.txt /tmp/cli.txt && ok "vmxcaps --module == vmxcaps" ||
		bad "vmxcaps --module differs from vmxcaps"
	/extra/vmxcaps --json >/dev/null && ok "vmxcaps --json exits 0" || bad "vmxcaps --json exited $?"
	rmmod vmxcaps && ok "rmmod vmxcaps" || bad "rmmod vmxcaps failed"
	echo "--- MSR dump (for tests/dumps/bochs-MODEL.msr)"
	cat /tmp/msr.msr
	echo "--- end of dump"
else
	out=$(insmod /extra/vmxcaps.ko 2>&1)
	rc=$?
	[ "$rc" != 0 ] && echo "$out" | grep -q 'No such device' &&
		ok "insmod refused with ENODEV ($out)" || bad "insmod: status $rc, '$out' (want ENODEV)"
	# The kernel's own taint notices carry the module's name too; busybox
	# insmod tries a second system call after the first fails, so the
	# module's message can appear once per attempt, but must be one message.
	dmesg | sed -n -e 's/^\[[^]]*\] //' -e '/taints kernel\|module verification failed/d' \
		-e '/^vmxcaps: /p' | sort -u >/tmp/refusal.txt
	cat /tmp/refusal.txt
	lines=$(wc -l </tmp/refusal.txt)
	# The lab's SVM host is an AMD EPYC: both say VMX is Intel's, no advice.
	want='vmxcaps: AMD CPU (SVM rather than VMX): vmxcaps decodes Intel VMX capability MSRs only'
	[ "$lines" = 1 ] && grep -qxF "$want" /tmp/refusal.txt && ok "one clear vmxcaps message in the kernel log" ||
		bad "$lines distinct vmxcaps messages in the kernel log, want 1: '$want'"
	out=$(/extra/vmxcaps 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = 3 ] && ok "vmxcaps exits 3 (no VMX)" || bad "vmxcaps exited $rc, want 3"
	echo "$out" | grep -q '^vmxcaps: this is an AMD CPU (AuthenticAMD, SVM rather than VMX): vmxcaps decodes Intel VMX capability MSRs only' &&
		ok "vmxcaps says it decodes Intel VMX only" || bad "vmxcaps: no AMD message"
fi
if lab-splats; then
	bad "the kernel logged a WARN/BUG/oops"
else
	ok "no WARN, BUG or oops in dmesg"
fi
exit $fail
