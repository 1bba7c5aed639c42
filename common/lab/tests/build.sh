#!/bin/bash
# The README's build commands, `make` and each `make -C assignmentN`, work in
# a fresh checkout of HEAD (one each), whatever kernel this machine runs.
set -uo pipefail
cd "$(dirname "$0")/../../.."
. common/lab/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# build DIR CMD FILE...: CMD in a fresh checkout DIR must build every FILE.
# The compiler through the lab's ccache (when installed): the commands and
# their outputs are the same, the five checkouts compile the same files.
build() {
	local dir=$tmp/$1 cmd=$2 f cc
	shift 2
	mkdir -p "$dir"
	git archive HEAD | tar -x -C "$dir" || { echo "FAIL: git archive HEAD"; fail=1; return; }
	mapfile -t cc < <(lab_ccache_env "$dir")
	# shellcheck disable=SC2086 # CMD is words
	if (cd "$dir" && env "${cc[@]}" $cmd) >"$dir.log" 2>&1; then
		echo "ok: $cmd"
	else
		echo "FAIL: $cmd:"; tail -n 20 "$dir.log" | sed 's/^/    /'; fail=1
	fi
	grep '^vmxcaps: ' "$dir.log" | sed 's/^/# /'
	for f in "$@"; do
		[ -s "$dir/$f" ] && echo "ok: $cmd built $f" || { echo "FAIL: $cmd did not build $f"; fail=1; }
	done
	rm -rf "$dir"
}
a1="assignment1/build/vmxcaps assignment1/build/vmxcaps.ko"
a2=assignment2/build/cpuid_exits a3=assignment3/build/cpuid_reasons a4=assignment4/build/exitstat
# shellcheck disable=SC2086
build all make $a1 $a2 $a3 $a4
# shellcheck disable=SC2086
build a1 "make -C assignment1" $a1
build a2 "make -C assignment2" $a2
build a3 "make -C assignment3" $a3
build a4 "make -C assignment4" $a4
exit $fail
