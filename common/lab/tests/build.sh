#!/bin/bash
# The README's build commands, `make` and `make -C assignmentN`, work in a
# clean copy of the repository, whatever kernel this machine runs.
set -uo pipefail
cd "$(dirname "$0")/../../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$tmp"
fail=0
for t in "make" "make -C assignment1" "make -C assignment2" "make -C assignment3" "make -C assignment4"; do
	if (cd "$tmp" && $t) >"$tmp/make.log" 2>&1; then
		echo "ok: $t"
	else
		echo "FAIL: $t:"; tail -n 20 "$tmp/make.log" | sed 's/^/    /'; fail=1
	fi
	grep '^vmxcaps: ' "$tmp/make.log" | sed 's/^/# /'
done
for f in assignment1/build/vmxcaps assignment1/build/vmxcaps.ko assignment2/build/cpuid_exits \
	assignment3/build/cpuid_reasons assignment4/build/exitstat; do
	[ -s "$tmp/$f" ] && echo "ok: $f built" || { echo "FAIL: $f not built"; fail=1; }
done
exit $fail
