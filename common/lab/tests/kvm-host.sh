#!/bin/bash
# The rule that decides whether this machine can be the `kvm` host
# (lab_kvm_host_usable), on fake /proc, /sys and /dev trees: the runner skips
# with the reason and `run --host kvm` refuses before starting QEMU.
set -uo pipefail
cd "$(dirname "$0")/../../.."
. common/lab/lib.sh
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

# fake NAME FLAGS [MODULE NESTED]: a sysroot with /dev/kvm and a CPU with FLAGS.
fake() {
	local r=$tmp/$1
	mkdir -p "$r/dev" "$r/proc" "$r/sys/module"
	: >"$r/dev/kvm"
	printf 'processor\t: 0\nvendor_id\t: X\nflags\t\t: fpu tsc %s hypervisor\n\n' "$2" >"$r/proc/cpuinfo"
	if [ -n "${3-}" ]; then
		mkdir -p "$r/sys/module/$3/parameters"
		[ -n "${4-}" ] && echo "$4" >"$r/sys/module/$3/parameters/nested"
	fi
	echo "$r"
}

# expect ROOT WANT_RC REGEX: the rule's answer for the sysroot ROOT.
expect() {
	local out rc
	out=$(LAB_SYSROOT=$1 lab_kvm_host_usable)
	rc=$?
	if [ "$rc" = "$2" ] && grep -qE -- "$3" <<<"$out"; then
		echo "ok: $(basename "$1") -> $rc${out:+, \"$out\"}"
	else
		echo "FAIL: $(basename "$1") -> $rc \"$out\" (want $2, /$3/)"
		fail=1
	fi
}

mkdir -p "$tmp/none/proc"
expect "$tmp/none" 1 '^no /dev/kvm'
expect "$(fake pvm 'pni sse4_2')" 1 'neither the vmx nor the svm flag'
expect "$(fake vmx-no-module 'vmx ept')" 1 'not provided by kvm_intel'
expect "$(fake vmx-nested-off 'vmx ept' kvm_intel N)" 1 'kvm_intel has nested=N'
expect "$(fake vmx-nested-unknown 'vmx ept' kvm_intel)" 1 'kvm_intel has nested=unknown'
expect "$(fake svm-nested-off 'svm npt' kvm_amd 0)" 1 'kvm_amd has nested=0'
expect "$(fake svm-on-kvm_intel 'svm npt' kvm_intel Y)" 1 'not provided by kvm_amd'
expect "$(fake vmx-ok 'vmx ept' kvm_intel Y)" 0 '^$'
expect "$(fake svm-ok 'svm npt' kvm_amd 1)" 0 '^$'
# The "vmx flags" line of Intel's cpuinfo is not the CPU flag.
r=$(fake vmx-flags-line 'pni')
printf 'vmx flags\t: vnmi ept\n' >>"$r/proc/cpuinfo"
expect "$r" 1 'neither the vmx nor the svm flag'

# Root may write anything: check the unwritable case as nobody.
r=$(fake ro 'vmx' kvm_intel Y)
chmod 444 "$r/dev/kvm"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out=$(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups \
		bash -c "$(declare -f lab_kvm_host_usable); LAB_SYSROOT=\$1 lab_kvm_host_usable" _ "$r")
	if grep -q 'not readable and writable' <<<"$out"; then echo "ok: ro -> \"$out\""; else echo "FAIL: ro -> \"$out\""; fail=1; fi
elif [ "$(id -u)" != 0 ]; then
	expect "$r" 1 'not readable and writable'
else
	echo "# SKIP: /dev/kvm not writable: root without setpriv cannot drop its rights"
fi

# The runner and `run` use the same rule.
pvm=$tmp/pvm
out=$(LAB_SYSROOT=$pvm LOGDIR=$tmp/logs common/lab/runtests lab-kvm)
if grep -qE '^ok 1 - lab-kvm # SKIP the CPU has neither the vmx nor the svm flag' <<<"$out"; then
	echo "ok: runtests skips lab-kvm with the reason"
else
	echo "FAIL: runtests on a kvm-pvm machine:"; sed 's/^/    /' <<<"$out"; fail=1
fi
out=$(LAB_SYSROOT=$pvm common/lab/run --host kvm -- true 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q '^lab: error: --host kvm cannot run here: the CPU has neither .*use --host vmx or --host svm' <<<"$out" &&
	! grep -q booting <<<"$out"; then
	echo "ok: run --host kvm refuses before starting QEMU"
else
	echo "FAIL: run --host kvm -> $rc:"; sed 's/^/    /' <<<"$out"; fail=1
fi

echo "# this machine: $(lab_kvm_host_usable && echo "the kvm host is usable")"
exit $fail
