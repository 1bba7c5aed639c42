#!/bin/bash
# tests/point-release.sh: what gen --check does when Debian serves a new
# 6.12 point release, without waiting for one, TAP.  Stand-ins for the new
# release are made from the lab's tree (the files the series touches, and
# checkpatch.pl):
#  - lines inserted above every file's hunks (the hunks move, as in most
#    point releases): the check passes, the committed diffs stand;
#  - one context line of a hunk changed (a real conflict): the check fails
#    with one line naming the patch, the file and the hunk, and what to do;
#  - a committed diff with one added line changed, on the moved tree: the
#    check fails (the comparison ignores line numbers, not content);
#  - a checkpatch.pl that exits 0 without a word: the check fails (a
#    checkpatch that never ran must not read as clean).
# gen runs from a copy of what it reads, so the repository is not touched.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/common/lab/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
show() { sed 's/^/#   | /' "$1"; }

src=$(lab_kernel_source "$(lab_kernel_release)") || exit 1
mapfile -t patches < <(cd "$here" && ls "$PWD"/[0-9][0-9][0-9][0-9]-*.patch)
mapfile -t files < <(lab_diff_files "${patches[@]}")
lab_kernel_copy_clean "$src" "$tmp/moved" "${files[@]}" \
	scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
cp -a "$tmp/moved" "$tmp/conflict"

# The repository as gen reads it.
repo=$tmp/repo
mkdir -p "$repo/common/lab" "$repo/common/kvm-patches"
cp -a "$root/common/lab/lib.sh" "$repo/common/lab/"
cp -a "$here/gen" "${patches[@]}" "$repo/common/kvm-patches/"
cp -a "$root/common/exit-reasons" "$repo/common/"
for a in 2 3 4; do
	mkdir -p "$repo/assignment$a" && cp "$root/assignment$a/kvm.diff" "$repo/assignment$a/"
done

# Stand-ins: three lines above the first line any patch's hunk touches in
# each file; the first context line of patch 1's second hunk in x86.c
# changed.  Prints that hunk's file and number.
python3 - "$tmp" "${patches[@]}" <<'PY' >"$tmp/conflict-hunk" || exit 1
import re, sys
tmp, patches = sys.argv[1], sys.argv[2:]
first, hunks = {}, {}
for i, p in enumerate(patches):
    f = None
    for line in open(p):
        if line.startswith("+++ b/"):
            f, k = line[6:].strip(), 0
        m = re.match(r"^@@ -(\d+)(?:,(\d+))? ", line)
        if f and m:
            k += 1
            start = int(m[1])
            first[f] = min(first.get(f, start), start)
            if i == 0:
                hunks.setdefault(f, []).append([start, []])
        elif f and i == 0 and hunks.get(f) and line[:1] in " -":
            hunks[f][-1][1].append(line[1:])
for f, start in first.items():
    try:
        lines = open(f"{tmp}/moved/{f}").readlines()
    except FileNotFoundError:
        continue                                # a file the series adds
    at = max(start - 1, 0)
    lines[at:at] = ["drift: a line a point release added above the hunks\n"] * 3
    open(f"{tmp}/moved/{f}", "w").writelines(lines)
f = "arch/x86/kvm/x86.c"
start, old = hunks[f][1]
lines = open(f"{tmp}/conflict/{f}").readlines()
assert lines[start - 1] == old[0], "the hunk's first line is not where patch 1 says"
lines[start - 1] = lines[start - 1].rstrip("\n") + " /* changed by a point release */\n"
open(f"{tmp}/conflict/{f}", "w").writelines(lines)
print(f, 2)
PY
read -r cfile chunk <"$tmp/conflict-hunk"

# Moved: every check passes and the committed diffs stand.
"$repo/common/kvm-patches/gen" --check --ksrc "$tmp/moved" >"$tmp/moved.out" 2>&1
rc=$?
show "$tmp/moved.out"
[ "$rc" = 0 ] && ! grep -q '^not ok' "$tmp/moved.out"
tap $? "hunks moved by a point release: gen --check passes (status $rc)"
[ "$(grep -c '^# hunk line numbers differ' "$tmp/moved.out")" = 3 ]
tap $? "hunks moved: gen --check says the hunk line numbers differ, in each of the 3 diffs"

# Conflict: one line, naming the patch, the file and the hunk.
"$repo/common/kvm-patches/gen" --check --ksrc "$tmp/conflict" >"$tmp/conflict.out" 2>&1
rc=$?
show "$tmp/conflict.out"
want="^not ok 1 - ${patches[0]##*/}: hunk #$chunk of $cfile does not apply to .* without fuzz: rebase the series on it and regenerate"
[ "$rc" != 0 ] && [ "$(grep -c '^not ok' "$tmp/conflict.out")" = 1 ] && grep -q "$want" "$tmp/conflict.out"
tap $? "a changed context line (hunk #$chunk of $cfile): gen --check fails (status $rc) with one line naming the patch, file and hunk"

# A committed diff whose content differs: the comparison still sees it.
sed -i '0,/^+\t/s/^+\t/+\t\/\* not generated \*\/ /' "$repo/assignment3/kvm.diff"
"$repo/common/kvm-patches/gen" --check --ksrc "$tmp/moved" >"$tmp/edited.out" 2>&1
rc=$?
show "$tmp/edited.out"
[ "$rc" != 0 ] && grep -q '^not ok [0-9]* - assignment3/kvm.diff differs from patches 1-2' "$tmp/edited.out"
tap $? "assignment3/kvm.diff with an added line changed, hunks moved: gen --check fails (status $rc)"

# A file the series patches, gone from the release: named as such.
cp -a "$tmp/moved" "$tmp/gone"
rm "$tmp/gone/arch/x86/kvm/cpuid.c"
"$repo/common/kvm-patches/gen" --check --ksrc "$tmp/gone" >"$tmp/gone.out" 2>&1
rc=$?
show "$tmp/gone.out"
[ "$rc" != 0 ] && grep -q "^not ok 1 - 0001-.*: arch/x86/kvm/cpuid.c (no such file) does not apply" "$tmp/gone.out"
tap $? "a file the series patches, gone: gen --check fails naming it (status $rc)"

# A checkpatch that does not run.
cp "$root/assignment3/kvm.diff" "$repo/assignment3/kvm.diff"
cp -a "$tmp/moved" "$tmp/mute"
echo 'exit 0;' >"$tmp/mute/scripts/checkpatch.pl"
"$repo/common/kvm-patches/gen" --check --ksrc "$tmp/mute" >"$tmp/mute.out" 2>&1
rc=$?
show "$tmp/mute.out"
[ "$rc" != 0 ] && [ "$(grep -c '^not ok [0-9]* - checkpatch.pl --strict .*: did not run to its end' "$tmp/mute.out")" = 3 ]
tap $? "a checkpatch.pl that exits 0 and prints nothing: gen --check fails (status $rc), for each patch"
echo "1..$n"
exit $fail
