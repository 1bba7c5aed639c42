// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid-dump [--skip LEAF]...: every CPUID leaf a guest can ask, one line
 * per answer, for comparing what two KVMs answer: basic and extended leaves
 * up to their maxima with subleaves 0-31, the hypervisor ranges
 * 0x40000000-0x400001ff and 0x4fffff00-0x4fffffff with subleaves 0-1 (KVM's
 * leaves there take no subleaf); --skip leaves out a leaf whose answer is
 * meant to differ.
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned int skip[16], nskip;

static void dump(unsigned int leaf, unsigned int nsub)
{
	unsigned int a, b, c, d, sub, i;

	for (i = 0; i < nskip; i++)
		if (skip[i] == leaf)
			return;
	for (sub = 0; sub < nsub; sub++) {
		a = leaf;
		c = sub;
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		printf("%08x.%02x: %08x %08x %08x %08x\n", leaf, sub, a, b, c, d);
	}
}

int main(int argc, char **argv)
{
	unsigned int a, b, c, d, leaf, max;
	int i;

	for (i = 1; i + 1 < argc && nskip < 16; i += 2)
		skip[nskip++] = strtoul(argv[i + 1], NULL, 0);
	a = 0, c = 0;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	max = a;
	for (leaf = 0; leaf <= max && leaf < 0x100; leaf++)
		dump(leaf, 32);
	for (leaf = 0x40000000; leaf < 0x40000200; leaf++)
		dump(leaf, 2);
	for (leaf = 0x4fffff00; leaf != 0x50000000; leaf++)
		dump(leaf, 2);
	a = 0x80000000, c = 0;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	max = a;
	for (leaf = 0x80000000; leaf <= max && leaf < 0x80000100; leaf++)
		dump(leaf, 32);
	return 0;
}
