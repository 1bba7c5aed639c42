#!/bin/bash
# install.sh HOST: `make install-kvm`/`reload-kvm`'s installer in the lab, on
# the stock kernel of L1: installs assignment 2's modules under updates/,
# refuses to reload while a VM runs, reloads when none does, and then an L2
# guest sees the signature leaf of the patched KVM; --remove --reload puts
# the distribution's KVM back.
set -euo pipefail
host=${1:?usage: install.sh vmx|svm}
root=$(cd "$(dirname "$0")/../.." && pwd)
mods=$("$root/common/lab/kvm-build" --diff "$root/assignment2/kvm.diff")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/mods"
cp "$mods"/*.ko "$stage/mods/"
cp "$root/common/lab/kvm-install" "$root/assignment2/tests/install-l1.sh" "$stage/"
cat >"$stage/sig.c" <<'C'
#include <stdio.h>
#include <string.h>
int main(void)
{
	unsigned int a = 0x4FFFFFFC, b, c = 0, d;
	char s[13];

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	memcpy(s, &b, 4), memcpy(s + 4, &c, 4), memcpy(s + 8, &d, 4), s[12] = 0;
	printf("signature '%s'\n", s);
	return 0;
}
C
gcc -static -O2 -o "$stage/sig" "$stage/sig.c"
exec "$root/common/lab/run" --host "$host" --stock --add "$stage" -- "sh /extra/install-l1.sh"
