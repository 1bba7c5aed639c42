#!/bin/bash
# A session's L1 (common/lab/run with LAB_SESSION): each job finds it as
# after boot, whatever the last job left behind (files, processes, tracing
# triggers that hold a reference to KVM, module options, the trace buffer's
# size, a rebuilt KVM), a job that takes L1 down ends the session: the next
# run boots a new one, and a run --no-kvm job finds no KVM, the next job its
# own (svm; on vmx jobs 1 and 2 only, as a Bochs boot costs a minute).  Under runtests the jobs go to the host's session it
# gives the test; when it gives none (LAB_SESSION=none: another test has
# it), or outside runtests, to a session of the test's own.  Each run is in a process group
# of its own that ends with it, as under runtests' timeout.
set -uo pipefail
host=${1:?usage: session.sh HOST}
. common/lab/lib.sh
work=$(mktemp -d)
own=
own_session() {
	own=$(mktemp -d "${TMPDIR:-/tmp}/lab-session.XXXXXX")
	LAB_SESSION=$own LAB_SESSION_OWNER=$$
	export LAB_SESSION LAB_SESSION_OWNER
}
[ -d "${LAB_SESSION-}" ] || own_session
trap '[ -z "$own" ] || { lab_session_close "$own/$host"; rm -rf "$own"; }; rm -rf "$work"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
# has FILE LINE: FILE holds LINE, exactly.
has() { grep -qxF -- "$2" "$1"; }
# session_job N: the number of the session's job that job N ran as (1 for a
# boot of the session's L1), or nothing: run's LAB_JOB_FILE.
session_job() { cat "$work/$1.job" 2>/dev/null; }

mods=$(common/lab/kvm-build --diff assignment2/kvm.diff) || exit 1
patched=$(md5sum <"$mods/kvm.ko" | cut -d' ' -f1)
mkdir "$work/stage"
echo staged >"$work/stage/job2-file"

kvm_md5='echo "kvm.ko $(md5sum </lib/modules/$(uname -r)/kernel/arch/x86/kvm/kvm.ko | cut -d" " -f1)"'
kvm_loaded='echo "kvm modules: $(grep -c "^kvm" /proc/modules)"'
buffer_size='echo "buffer_size_kb $(sed "s/.*expanded: \([0-9]*\).*/\1/" /sys/kernel/tracing/buffer_size_kb)"'
job() { # job N RUN-ARGS... -- CMD: run it, output in $work/N.out, stderr in N.err
	local n=$1
	shift
	rm -f "$work/$n.job"
	LAB_JOB_FILE=$work/$n.job timeout 900 common/lab/run --host "$host" "$@" >"$work/$n.out" 2>"$work/$n.err"
	echo $? >"$work/$n.rc"
	sed "s/^/  job $n: /" "$work/$n.out" "$work/$n.err"
}

T=/sys/kernel/tracing/events/kvm
jobs_1_2() {
	job 1 --stock -- "
		$kvm_md5
		$buffer_size
		echo halt_poll_ns \$(cat /sys/module/kvm/parameters/halt_poll_ns)
		echo left >/extra/left; echo left >/tmp/left; echo left >/root/left
		echo 'options kvm halt_poll_ns=7' >/etc/modprobe.d/left.conf
		echo 'hist:keys=exit_reason' >$T/kvm_exit/trigger
		echo 'disable_hist:kvm:kvm_exit if function == 1' >$T/kvm_cpuid/trigger
		echo 64 >/sys/kernel/tracing/buffer_size_kb
		echo lab-session-job-1 >/dev/kmsg
		setsid sleep 1000 </dev/null >/dev/null 2>&1 &
		echo triggers set: \$(grep -hv '^#' $T/*/trigger | wc -l)
		exit 3"
	job 2 --diff assignment2/kvm.diff --kvm-param kvm.halt_poll_ns_grow=3 --add "$work/stage" -- "
		$kvm_md5
		$buffer_size
		echo extra: \$(ls /extra); echo tmp: \$(ls /tmp); echo root: \$(ls /root)
		echo modprobe.d: \$(ls /etc/modprobe.d)
		echo halt_poll_ns \$(cat /sys/module/kvm/parameters/halt_poll_ns)
		echo halt_poll_ns_grow \$(cat /sys/module/kvm/parameters/halt_poll_ns_grow)
		echo triggers: \$(grep -hv '^#' $T/*/trigger)
		echo sleepers: \$(ps -o comm | grep -c '^sleep\$')
		echo job-1 in dmesg: \$(dmesg | grep -c lab-session-job-1)"
}
jobs_1_2
n1=$(session_job 1)
if [ "$host" != vmx ]; then
	job 3 --stock -- "echo going down; poweroff -f"
	job 4 --stock -- "$kvm_md5"
	# run --no-kvm: that job finds no KVM module, and the next the stock one.
	job 5 --no-kvm -- "$kvm_loaded"
	job 6 --stock -- "$kvm_loaded"
fi

stock=$(sed -n 's/^kvm.ko //p' "$work/1.out")
poll=$(sed -n 's/^halt_poll_ns //p' "$work/1.out")
buf=$(sed -n 's/^buffer_size_kb //p' "$work/1.out")
has "$work/1.out" "triggers set: 2" && ok "job 1 set two triggers" || bad "job 1 did not set its two triggers"
[ "$(cat "$work/1.rc")" = 3 ] && ok "job 1's status (3)" || bad "job 1: status $(cat "$work/1.rc"), want 3"
[ -n "$n1" ] && ok "job 1 is job $n1 of a session" || bad "job 1 ran in no session"
[[ "$buf" =~ ^[0-9]+$ ]] && [ "$buf" != 64 ] && ok "job 1: the boot's trace buffer, $buf KB" || bad "job 1: buffer_size_kb '$buf'"
[ "$(cat "$work/2.rc")" = 0 ] && ok "job 2's status (0)" || bad "job 2: status $(cat "$work/2.rc")"
[ -n "$n1" ] && [ "$(session_job 2)" = $((n1 + 1)) ] && ok "job 2 runs in job 1's L1" || bad "job 2 booted an L1"
has "$work/2.out" "kvm.ko $patched" && ok "job 2 has the diff's kvm.ko" || bad "job 2's kvm.ko is not the diff's ($patched)"
[ -n "$stock" ] && [ "$stock" != "$patched" ] && ok "job 1 had the stock kvm.ko" || bad "job 1's kvm.ko: '$stock'"
for l in "extra: job2-file" "tmp:" "root:" "modprobe.d:" "halt_poll_ns ${poll:-?}" "halt_poll_ns_grow 3" \
	"triggers:" "sleepers: 0" "job-1 in dmesg: 0"; do
	has "$work/2.out" "$l" && ok "job 2: $l" || bad "job 2: want '$l'"
done
# The size written back is rounded to whole pages per CPU.
buf2=$(sed -n 's/^buffer_size_kb //p' "$work/2.out")
[[ "$buf2" =~ ^[0-9]+$ ]] && [ "${buf:-0}" -gt 0 ] && [ $((buf2 - buf)) -ge -8 ] && [ $((buf2 - buf)) -le 8 ] &&
	ok "job 2: the boot's trace buffer ($buf2 KB)" || bad "job 2: buffer_size_kb '$buf2', want about $buf"
if [ "$host" != vmx ]; then
	[ "$(cat "$work/3.rc")" != 0 ] && ok "job 3 (L1 powered off): run fails ($(cat "$work/3.rc"))" || bad "job 3: status 0"
	[ "$(session_job 4)" = 1 ] && ok "job 4 boots a new L1" || bad "job 4 did not boot a new L1"
	has "$work/4.out" "kvm.ko $stock" && ok "job 4 has the stock kvm.ko" || bad "job 4's kvm.ko is not the stock one"
	[ "$(session_job 5)" = 2 ] && has "$work/5.out" "kvm modules: 0" &&
		ok "job 5 (--no-kvm) runs in job 4's L1 with no KVM module" || bad "job 5 (--no-kvm): $(cat "$work/5.out")"
	[ "$(session_job 6)" = 3 ] && has "$work/6.out" "kvm modules: 2" &&
		ok "job 6 (--stock) after it has kvm and kvm_amd" || bad "job 6: $(cat "$work/6.out")"
fi
exit $fail
