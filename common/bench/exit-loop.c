// SPDX-License-Identifier: GPL-2.0
/*
 * exit-loop.c - the benchmark's workload in L1: a kvmtest VM whose 64-bit
 * guest runs batches of CPUID (leaf 0, or LEAF), each a VM exit round trip
 * through L1's KVM.
 *
 *	exit-loop [--leaf LEAF] N...
 *
 * For each N, in order, one window: the host sets the batch size, marks
 * the start (BENCH_MARK(2k)), lets the guest run N CPUIDs up to its next
 * ucall, and marks the end (BENCH_MARK(2k + 1)).  A marker is a NOP that
 * common/bench/insn-count.c, the QEMU plugin of L0, answers with the
 * running instruction count, so that window k costs mark(2k + 1) -
 * mark(2k) emulated instructions; the difference of two windows over the
 * difference of their N is the cost of one exit round trip.  Prints, per
 * window, "window K: n=N exits=E tsc=T" with E the vCPU's "exits" statistic
 * over the window (E - N: interrupts and the ucall) and T the guest's TSC
 * delta across its N CPUIDs alone: RDTSC right before the first CPUID and
 * right after the last, reported with the next ucall.  T counts the round
 * trips only (no ucall, no host code between windows), every level's work
 * in them included; on Bochs (clock: sync=none), whose TSC advances one
 * tick per emulated instruction, the difference of two windows' T over the
 * difference of their N is the round trip in Bochs instructions, the
 * measure common/bench/bench --host vmx reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kvmtest/kvmtest.h"

#define MAX_WINDOWS	64

/* "nopl 0x4b4d5aNN(%rax)": see insn-count.c. */
#define BENCH_MARK(id) \
	asm volatile(".byte 0x0f, 0x1f, 0x80, %c0, 0x5a, 0x4d, 0x4b" \
		     : : "i"(id) : "memory")

/* The batch size, written by the host before each window; 0 ends. */
static volatile uint64_t batch;
/* The leaf of the guest's CPUIDs: 0, which the VMM's table holds, or not. */
static uint32_t leaf;

static void guest_code(uint64_t arg)
{
	uint64_t i, n, t0, t = 0;

	(void)arg;
	for (;;) {
		/* args[1]: the previous batch's TSC delta (0 before the first) */
		GUEST_SYNC(1, t, 0, 0);
		n = batch;
		if (!n)
			break;
		t0 = guest_rdtsc();
		for (i = 0; i < n; i++)
			guest_cpuid(leaf, 0);
		t = guest_rdtsc() - t0;
	}
}

/* BENCH_MARK() needs a constant: one line per window's pair. */
static void mark(unsigned int id)
{
	switch (id) {
#define M(k) case 2 * (k): BENCH_MARK(2 * (k)); break; \
	     case 2 * (k) + 1: BENCH_MARK(2 * (k) + 1); break
	M(0); M(1); M(2); M(3); M(4); M(5); M(6); M(7);
	M(8); M(9); M(10); M(11); M(12); M(13); M(14); M(15);
	M(16); M(17); M(18); M(19); M(20); M(21); M(22); M(23);
	M(24); M(25); M(26); M(27); M(28); M(29); M(30); M(31);
	M(32); M(33); M(34); M(35); M(36); M(37); M(38); M(39);
	M(40); M(41); M(42); M(43); M(44); M(45); M(46); M(47);
	M(48); M(49); M(50); M(51); M(52); M(53); M(54); M(55);
	M(56); M(57); M(58); M(59); M(60); M(61); M(62); M(63);
#undef M
	}
}

int main(int argc, char **argv)
{
	volatile uint64_t *hbatch;
	struct kvmtest_vm *vm;
	struct ucall uc;
	uint64_t e0, e1;
	char *end;
	int k, first = 1;

	if (argc > 2 && !strcmp(argv[1], "--leaf")) {
		leaf = strtoul(argv[2], &end, 0);
		if (!*argv[2] || *end) {
			fprintf(stderr, "exit-loop: --leaf '%s' is not a number\n", argv[2]);
			return 2;
		}
		first = 3;
	}
	argv += first - 1;
	argc -= first - 1;
	if (argc < 2 || argc - 1 > MAX_WINDOWS) {
		fprintf(stderr, "usage: exit-loop [--leaf LEAF] N... (1 to %d windows)\n", MAX_WINDOWS);
		return 2;
	}
	kvmtest__require_kvm();
	vm = vm__create(guest_code, 0, 0);
	*(uint32_t *)vm__hva(vm, &leaf) = leaf;
	hbatch = vm__hva(vm, &batch);
	vm__sync_expect(vm, &uc, 1);	/* warm: every page the guest uses is in */
	for (k = 0; k < argc - 1; k++) {
		*hbatch = strtoull(argv[k + 1], NULL, 0);
		if (!*hbatch) {
			fprintf(stderr, "exit-loop: '%s' is not a positive count\n", argv[k + 1]);
			return 2;
		}
		e0 = vm__stat(vm, "exits");
		mark(2 * k);
		vm__sync_expect(vm, &uc, 1);
		mark(2 * k + 1);
		e1 = vm__stat(vm, "exits");
		printf("window %d: n=%llu exits=%llu tsc=%llu\n", k,
		       (unsigned long long)*hbatch, (unsigned long long)(e1 - e0),
		       (unsigned long long)uc.args[1]);
	}
	*hbatch = 0;
	if (vm__run(vm, &uc) != UCALL_DONE) {
		fprintf(stderr, "exit-loop: the guest did not finish\n");
		return 1;
	}
	vm__destroy(vm);
	return 0;
}
