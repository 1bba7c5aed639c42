#!/bin/bash
# Bad input to the lab gets a clear message and a non-zero exit, and never
# leaves the kernel source tree changed.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
fail=0
expect() { # expect STATUS REGEX -- CMD...
	local want=$1 re=$2 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$re" <<<"$out"; then
		echo "ok: $* -> $rc, '$re'"
	else
		echo "FAIL: $* -> $rc (want $want), output:"; printf '%s\n' "$out" | sed 's/^/    /'
		fail=1
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Cold, the source tree is downloaded and prepared first: do it in the open,
# so that its progress lines reach the runner rather than a captured output.
src=$(common/lab/kernel source) || exit 1
expect 2 'usage:' -- common/lab/run
expect 2 '--host is required' -- common/lab/run -- true
expect 1 "unknown host 'arm'" -- common/lab/run --host arm -- true
expect 1 "diff '/nonexistent.diff' not found" -- common/lab/run --host svm --diff /nonexistent.diff -- true
expect 2 'no command given' -- common/lab/run --host svm
# A module build tree asked for that is not there: no other tree instead.
expect 2 'KDIR=/nonexistent/kdir: no kernel build tree there' -- \
	flock assignment1/Makefile make -s -C assignment1 module KDIR=/nonexistent/kdir
if ! (. common/lab/lib.sh && lab_kvm_host_usable >/dev/null); then
	expect 1 'cannot run here: .*use --host vmx or --host svm' -- common/lab/run --host kvm -- true
fi
# An emulator that cannot start L1 ends the run with its own words.
for re in "^lab:   qemu-system-x86_64: -m 1x: " \
	'^lab: error: QEMU TCG EPYC\+SVM exited with status 1 before L1 printed anything'; do
	expect 1 "$re" -- common/lab/run --host svm --mem 1x -- true
done
# A diff against a file that does not exist in 6.12, and one whose context
# does not match: both refused before anything is touched.
printf -- '--- a/arch/x86/kvm/nonexistent.c\n+++ b/arch/x86/kvm/nonexistent.c\n@@ -1 +1 @@\n-a\n+b\n' >"$tmp/missing.diff"
printf -- '--- a/arch/x86/kvm/cpuid.c\n+++ b/arch/x86/kvm/cpuid.c\n@@ -1,3 +1,3 @@\n-no such line\n+x\n context\n context\n' >"$tmp/stale.diff"
expect 1 'does not apply to Linux 6\.12' -- common/lab/kvm-build --diff "$tmp/missing.diff"
expect 1 'does not apply to Linux 6\.12' -- common/lab/kvm-build --diff "$tmp/stale.diff"
expect 1 'is not a Linux source tree' -- common/lab/kvm-build --diff "$tmp/stale.diff" --ksrc "$tmp"

# A build killed after patching (SIGKILL skips every trap) leaves its backup
# in the tree; the next kvm-build restores it before anything else.
# The tree is shared with other tests' builds: plant under its lock.
f=arch/x86/kvm/x86.c
lab_tree_lock "$src"
sum=$(sha256sum <"$src/$f")
mkdir -p "$src/.lab-backup/tree/$(dirname "$f")"
cp -p "$src/$f" "$src/.lab-backup/tree/$f"
echo "$f" >"$src/.lab-backup/files"
echo "/* left behind by a killed build */" >>"$src/$f"
lab_tree_unlock "$src"
expect 1 'restoring .* after an interrupted build' -- common/lab/kvm-build --diff "$tmp/stale.diff"
if [ "$(sha256sum <"$src/$f")" = "$sum" ] && [ ! -e "$src/.lab-backup" ]; then
	echo "ok: the interrupted build's file is restored"
else
	echo "FAIL: $src/$f is not restored"; fail=1
fi

# KVM's selftests: bad options fail before anything is built or booted.
expect 2 "unknown host 'arm'" -- common/regress/regress --host arm
expect 2 "unknown argument '--bogus'" -- common/regress/regress --bogus
expect 1 "--timeout 'soon' is not a number of seconds" -- common/regress/regress --timeout soon
expect 1 "diff '/nonexistent.diff' not found" -- common/regress/regress --diff /nonexistent.diff
exit $fail
