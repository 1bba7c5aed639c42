// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid_exits: ask the KVM below, from inside its guest, how many VM exits
 * this VM caused and how many TSC cycles KVM spent handling them
 * (CPUID 0x4FFFFFFF of assignment 2's diff).
 *
 *   cpuid_exits             the registers and what they mean (the original test program)
 *   cpuid_exits --check     TAP conformance checks of the leaves
 *   cpuid_exits --snapshot  the marked query at which L1's tracer stops
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/kvm_exit_stats.h"

static int ntests, nfailed;

static void ok(int cond, const char *what)
{
	ntests++;
	nfailed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ntests, what);
}

static unsigned long long total(unsigned int mark, unsigned long long *cycles)
{
	struct kvm_exit_stats_regs r = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, mark);

	if (cycles)
		*cycles = (unsigned long long)r.ebx << 32 | r.ecx;
	return (unsigned long long)r.edx << 32 | r.eax;
}

static int check(void)
{
	struct kvm_exit_stats_regs r = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);
	unsigned long long t0, t1, c0, c1, c2;
	unsigned int isa = KVM_EXIT_STATS_INFO_ISA(r.eax);
	char what[128];
	int i, bad = 0;

	printf("TAP version 13\n# 0x4FFFFFFC: eax=%#x ebx=%#x ecx=%#x edx=%#x\n",
	       r.eax, r.ebx, r.ecx, r.edx);
	ok(kvm_exit_stats_present(NULL), "0x4FFFFFFC answers the signature KVMExitStats");
	ok(KVM_EXIT_STATS_INFO_VERSION(r.eax) == KVM_EXIT_STATS_ABI_VERSION,
	   "0x4FFFFFFC ABI version 1");
	ok(isa == KVM_EXIT_STATS_ISA_VMX || isa == KVM_EXIT_STATS_ISA_SVM,
	   isa == KVM_EXIT_STATS_ISA_SVM ? "0x4FFFFFFC ISA: SVM" : "0x4FFFFFFC ISA: VMX");
	ok(!(r.eax & KVM_EXIT_STATS_F_HOST_WIDE), "scope: this VM (host-wide flag clear)");

	t0 = total(0, &c0);
	for (i = 0; i < 1000; i++)
		kvm_exit_stats_cpuid(0, 0);
	t1 = total(0, &c1);
	snprintf(what, sizeof(what), "1000 CPUIDs: total %llu -> %llu (+%llu, at least 1001)",
		 t0, t1, t1 - t0);
	ok(t1 - t0 >= 1001, what);
	ok(c1 > c0, "exit-handling cycles grow");
	total(0, &c2);
	ok(c2 > c1, "the query's own exit adds cycles");

	/* Assignment 2 alone: 0x4FFFFFFE is not its leaf, so KVM answers it as
	 * stock KVM answers any leaf above its maximum. */
	for (i = 0; i < 256; i++) {
		struct kvm_exit_stats_regs a = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, i);
		struct kvm_exit_stats_regs b = kvm_exit_stats_cpuid(0x4FFFFFF0, i);

		bad += memcmp(&a, &b, sizeof(a)) != 0;
	}
	ok(!bad, "0x4FFFFFFE answers as the unpatched 0x4FFFFFF0 does (not this diff's leaf)");
	printf("1..%d\n%d passed, %d failed\n", ntests, ntests - nfailed, nfailed);
	return nfailed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct kvm_exit_stats_regs r;
	unsigned long long cycles, exits;

	if (argc > 1 && !strcmp(argv[1], "--check"))
		return check();
	if (argc > 1 && strcmp(argv[1], "--snapshot")) {
		fprintf(stderr, "usage: cpuid_exits [--check | --snapshot]\n");
		return 2;
	}
	if (!kvm_exit_stats_present(NULL)) {
		fprintf(stderr, "cpuid_exits: the hypervisor below does not answer CPUID 0x4FFFFFFC with 'KVMExitStats':\n"
			"  run this in a guest of KVM built from assignment2/kvm.diff (make reload-kvm DIFF=assignment2/kvm.diff)\n");
		return 1;
	}
	if (argc > 1) {
		exits = total(KVM_EXIT_STATS_TRACE_MARK, &cycles);
		printf("snapshot total %llu cycles %llu\n", exits, cycles);
		return 0;
	}
	r = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, 0);
	printf("CPUID 0x4FFFFFFF: EAX=0x%08x EBX=0x%08x ECX=0x%08x EDX=0x%08x\n",
	       r.eax, r.ebx, r.ecx, r.edx);
	printf("total exits       %llu\n", (unsigned long long)r.edx << 32 | r.eax);
	printf("total exit cycles %llu\n", (unsigned long long)r.ebx << 32 | r.ecx);
	return 0;
}
