// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid_exits: ask the KVM below, from inside its guest, how many VM exits
 * this VM caused and how many TSC cycles KVM spent handling them
 * (CPUID 0x4FFFFFFF of assignment 2's diff).
 *
 *   cpuid_exits             the registers and what they mean (the original test program)
 *   cpuid_exits --check     TAP conformance checks of the leaves
 *   cpuid_exits --snapshot  the marked query at which L1's tracer stops
 *
 * Options, messages and exit codes as in common/guest_cli.h; see --help.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/guest_cli.h"
#include "../common/kvm_exit_stats.h"

static const char usage[] =
"Usage: cpuid_exits [--check | --snapshot | --version]\n"
"\n"
"Ask the KVM below, from inside its guest, how many VM exits this VM caused\n"
"and how many TSC cycles KVM spent handling them: CPUID 0x4FFFFFFF of\n"
"assignment2/kvm.diff (EDX:EAX: exits, EBX:ECX: cycles), after checking the\n"
"'KVMExitStats' signature of CPUID 0x4FFFFFFC.  Without an option it prints\n"
"the four registers and the two totals.\n"
"\n"
"Options:\n"
"  --check       TAP conformance checks of the leaves: signature, ABI version,\n"
"                ISA, scope, 1000 CPUIDs counted, cycles grow, 0x4FFFFFFE left\n"
"                to stock KVM\n"
"  --snapshot    one query with ECX = 0x5a5a5a5a, the mark at which L1's\n"
"                kvm:kvm_exit histogram stops: 'snapshot total N cycles C'\n"
"  -h, --help    this text\n"
"  --version     the tools' release and the guest ABI version they speak\n"
"\n"
"Exit status:\n"
"  0  success; with --check, every check passed\n"
"  1  no KVM exit statistics here (CPUID 0x4FFFFFFC without the signature:\n"
"     stock KVM, another hypervisor, bare metal; the message says which);\n"
"     with --check, a check failed\n"
"  2  bad option\n"
"  4  --check with no KVM exit statistics here: nothing to check (a TAP skip)\n"
"\n"
"Examples:\n"
"  cpuid_exits                  exits and exit-handling cycles of this VM so far\n"
"  cpuid_exits --check          does the KVM below follow the ABI? (TAP)\n"
"  cpuid_exits --snapshot       the total the lab's exits-referee compares with L1's trace\n";

enum mode { MODE_SHOW, MODE_CHECK, MODE_SNAPSHOT };

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
	snprintf(what, sizeof(what), "0x4FFFFFFC ISA: %s",
		 isa == KVM_EXIT_STATS_ISA_VMX ? "VMX" :
		 isa == KVM_EXIT_STATS_ISA_SVM ? "SVM" : "neither VMX (1) nor SVM (2)");
	ok(isa == KVM_EXIT_STATS_ISA_VMX || isa == KVM_EXIT_STATS_ISA_SVM, what);
	ok(!(r.eax & KVM_EXIT_STATS_F_HOST_WIDE), "scope: this VM (host-wide flag clear)");

	t0 = total(0, &c0);
	for (i = 0; i < 1000; i++)
		kvm_exit_stats_cpuid(0, 0);
	t1 = total(0, &c1);
	/*
	 * Timer and interrupt exits land in the window too, so the total grows
	 * by 1001 (the loop and the second query) and a few more; twice that
	 * would be each exit counted twice.  The exact referee is L1's
	 * kvm:kvm_exit tracepoint (common/lab/guest/exits-referee).
	 */
	snprintf(what, sizeof(what),
		 "1000 CPUIDs: total %llu -> %llu (at least +1001, less than +2002)", t0, t1);
	ok(t1 >= t0 + 1001 && t1 < t0 + 2002, what);
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

/* All of argv first: a bad option must not depend on the host. */
static int parse(int argc, char **argv, enum mode *mode, int *help, char *err,
		 size_t errlen)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "snapshot", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int opt, check = 0, snapshot = 0;

	*help = 0;
	optind = 0;
	while ((opt = guest_cli_getopt(argc, argv, "+:h", opts, err, errlen)) != -1) {
		switch (opt) {
		case 'c':
			check = 1;
			break;
		case 's':
			snapshot = 1;
			break;
		case 'h':
			*help = 1;
			break;
		case 'V':
			*help = *help ? *help : 2;
			break;
		default:
			return -1;
		}
	}
	if (optind < argc)
		return guest_cli_fail(err, errlen, "unexpected argument '%s'", argv[optind]);
	if (*help)
		return 0;
	if (check && snapshot)
		return guest_cli_fail(err, errlen, "--check and --snapshot exclude each other");
	*mode = check ? MODE_CHECK : snapshot ? MODE_SNAPSHOT : MODE_SHOW;
	return 0;
}

int main(int argc, char **argv)
{
	struct kvm_exit_stats_regs r;
	unsigned long long cycles, exits;
	char err[GUEST_CLI_ERRLEN];
	enum mode mode = MODE_SHOW;
	int help;

	if (parse(argc, argv, &mode, &help, err, sizeof(err)))
		return guest_cli_usage_error("cpuid_exits", err);
	if (help == 2)
		return guest_cli_version("cpuid_exits");
	if (help) {
		fputs(usage, stdout);
		return GUEST_CLI_EXIT_OK;
	}
	/* --check: nothing to check, rather than every check failing for one reason. */
	if (!kvm_exit_stats_present(NULL))
		return mode == MODE_CHECK ? guest_cli_check_skip() :
		       guest_cli_no_stats("cpuid_exits", "assignment2/kvm.diff");
	if (mode == MODE_CHECK)
		return check();
	if (mode == MODE_SNAPSHOT) {
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
