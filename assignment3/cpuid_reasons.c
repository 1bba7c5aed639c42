// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid_reasons: ask the KVM below, from inside its guest, how many VM exits
 * of each exit reason this VM caused (CPUID 0x4FFFFFFE of assignment 3's
 * diff: ECX = VMX basic exit reason or SVM exit code).
 *
 *   cpuid_reasons              a table of every defined reason with its count
 *   cpuid_reasons --reason N   the four registers of one query (the original test program)
 *   cpuid_reasons --check      TAP conformance checks, 100k+ ECX values fuzzed
 *   cpuid_reasons --snapshot   the marked query L1's tracer stops at, then every reason
 *
 * Options, messages and exit codes as in common/guest_cli.h; see --help.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/guest_cli.h"
#include "../common/kvm_exit_stats.h"

static const char usage[] =
"Usage: cpuid_reasons [--reason N | --check | --snapshot | --version]\n"
"\n"
"Ask the KVM below, from inside its guest, how many VM exits of each exit\n"
"reason this VM caused: CPUID 0x4FFFFFFE of assignment3/kvm.diff, with ECX =\n"
"the VMX basic exit reason or the SVM exit code (EBX:EAX: exits), after\n"
"checking the 'KVMExitStats' signature of CPUID 0x4FFFFFFC.  Without an\n"
"option it prints every reason the architecture defines with its count.\n"
"\n"
"Options:\n"
"  --reason N    the four registers of one query with ECX = N (0 to 4294967295,\n"
"                decimal or 0x hex, or a reason's name as the table prints it,\n"
"                e.g. EPT_VIOLATION or NPF, in any case); a reason the\n"
"                architecture does not define answers EDX = 0xffffffff\n"
"  --check       TAP conformance checks: 1000 CPUIDs counted exactly, reasons\n"
"                KVM rules out, undefined reasons, the sum of all reasons\n"
"                against the total, 100k+ ECX values fuzzed\n"
"  --snapshot    the query with ECX = 0x5a5a5a5a at which L1's kvm:kvm_exit\n"
"                histogram stops, then 'reason R N after K' for every reason\n"
"  -h, --help    this text\n"
"  --version     the tools' release and the guest ABI version they speak\n"
"\n"
"Exit status:\n"
"  0  success; with --check, every check passed\n"
"  1  no KVM exit statistics here (CPUID 0x4FFFFFFC without the signature:\n"
"     stock KVM, another hypervisor, bare metal; the message says which), or\n"
"     a KVM without exits per reason (assignment 2's); with --check, a check\n"
"     failed\n"
"  2  bad option, or --reason names an exit reason of the other ISA\n"
"  4  --check with no KVM exit statistics here: nothing to check (a TAP skip)\n"
"\n"
"Examples:\n"
"  cpuid_reasons                  every defined reason with its count\n"
"  cpuid_reasons --reason 48      EPT violations (VMX), raw registers\n"
"  cpuid_reasons --reason npf     nested page faults (SVM: 0x400), raw registers\n"

"  cpuid_reasons --check          does the KVM below follow the ABI? (TAP)\n";

enum mode { MODE_TABLE, MODE_REASON, MODE_CHECK, MODE_SNAPSHOT };

static int svm;
static int ntests, nfailed;

static void ok(int cond, const char *what)
{
	ntests++;
	nfailed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ntests, what);
}

/* The defined reasons, as the 32-bit ECX a guest passes, in table order. */
static unsigned int nreasons(void)
{
	return svm ? SVM_EXIT_CODE_COUNT : VMX_EXIT_REASON_MAX + 1;
}

static int reason_at(unsigned int i, unsigned int *r, const char **name)
{
	if (svm) {
		*r = (unsigned int)svm_exit_code_table[i].code;
		*name = svm_exit_code_table[i].name;
		return 1;
	}
	*r = i;
	*name = vmx_exit_reason_names[i];
	return *name != NULL;
}

static int defined(unsigned int r)
{
	/* The SVM lookup reads a 32-bit ECX with bit 31 set as a negative code. */
	return svm ? svm_exit_code_defined(r) : vmx_exit_reason_defined(r);
}

static unsigned long long count(unsigned int r)
{
	struct kvm_exit_stats_regs q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, r);

	return (unsigned long long)q.ebx << 32 | q.eax;
}

static unsigned long long total(unsigned int mark)
{
	struct kvm_exit_stats_regs q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, mark);

	return (unsigned long long)q.edx << 32 | q.eax;
}

/* The answer the ABI requires for ECX = r, given what KVM counted. */
static int answer_ok(unsigned int r, struct kvm_exit_stats_regs q)
{
	if (!defined(r))
		return !q.eax && !q.ebx && !q.ecx && q.edx == KVM_EXIT_STATS_UNDEFINED;
	return !q.ecx && !q.edx;
}

static int check(void)
{
	static const unsigned int vmx_undef[] = { 35, 38, 42, 82, 83, 86, 1000, 1000000, 0x80000000 };
	static const unsigned int svm_undef[] = { 0xa7, 0xff, 0x3ff, 0x404, 0x408, 0x500, 0x10000,
						  0xfffffffb, 0x80000000 };
	static const unsigned int edge[] = { 0x7fffffff, 0x80000000, 0xfffffffb, 0xfffffffc,
		0xfffffffd, 0xfffffffe, 0xffffffff, 0x10000, 0xffff0000, 0x400, 0x407, 0x408,
		0x3ff, 0xa6, 0xa7, 85, 86, 0x100, 0x101 };
	unsigned int rdtsc = svm ? 0x6e : 16, rcpuid = svm ? 0x72 : 10;
	unsigned long long c0, c1, t1, t2, sum = 0;
	struct kvm_exit_stats_regs q;
	unsigned int i, r, n, seed = 12345, bad = 0, cnt = 0;
	const char *name;
	char what[160];

	q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);
	printf("TAP version 13\n# 0x4FFFFFFC: eax=%#x (%s)\n", q.eax, svm ? "SVM" : "VMX");
	ok(kvm_exit_stats_present(NULL) && (q.eax & KVM_EXIT_STATS_F_REASONS),
	   "0x4FFFFFFC: signature, and the per-reason leaf is present");

	c0 = count(rcpuid);
	for (i = 0; i < 1000; i++)
		kvm_exit_stats_cpuid(0, 0);
	c1 = count(rcpuid);
	snprintf(what, sizeof(what), "1000 CPUIDs: CPUID exits +%llu, exactly 1000 and the query", c1 - c0);
	ok(c1 - c0 == 1001, what);

	q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, rdtsc);
	ok(!q.eax && !q.ebx && !q.ecx && !q.edx, "RDTSC exiting (KVM leaves it off): all zeros");

	for (i = 0; i < 9; i++) {
		r = svm ? svm_undef[i] : vmx_undef[i];
		q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, r);
		snprintf(what, sizeof(what), "undefined reason %#x: EDX=0xFFFFFFFF, others 0", r);
		ok(!q.eax && !q.ebx && !q.ecx && q.edx == KVM_EXIT_STATS_UNDEFINED, what);
	}

	/* Each count is read between the two totals, and counts only grow. */
	t1 = total(0);
	for (i = 0; i < nreasons(); i++)
		if (reason_at(i, &r, &name))
			sum += count(r);
	t2 = total(0);
	snprintf(what, sizeof(what), "total %llu <= sum of all reasons %llu <= total %llu", t1, sum, t2);
	ok(t1 <= sum && sum <= t2, what);

	for (i = 0; i < 0x10000 + 19 + 40000; i++) {
		if (i < 0x10000)
			n = i;
		else if (i < 0x10000 + 19)
			n = edge[i - 0x10000];
		else {
			seed = seed * 1103515245u + 12345u;
			n = seed ^ (seed >> 7);
		}
		q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, n);
		cnt++;
		if (!answer_ok(n, q) && bad++ < 5)
			printf("# ECX %#x: %#x %#x %#x %#x\n", n, q.eax, q.ebx, q.ecx, q.edx);
	}
	snprintf(what, sizeof(what), "%u guest ECX values (0..0xFFFF, edges, random): %u wrong answers",
		 cnt, bad);
	ok(!bad && cnt >= 100000, what);
	printf("1..%d\n%d passed, %d failed\n", ntests, ntests - nfailed, nfailed);
	return nfailed ? 1 : 0;
}

/* The marked query, then every defined reason: see exits-referee. */
static int snapshot(void)
{
	unsigned int i, r, k = 0;
	unsigned long long t;
	const char *name;

	t = total(KVM_EXIT_STATS_TRACE_MARK);
	for (i = 0; i < nreasons(); i++)
		if (reason_at(i, &r, &name)) {
			unsigned long long n = count(r);

			printf("reason %u %llu after %u\n", r, n, ++k);
		}
	printf("snapshot total %llu\nend total %llu\n", t, total(0));
	return 0;
}

/* All of argv first: a bad option must not depend on the host. */
static int parse(int argc, char **argv, enum mode *mode, struct guest_cli_reason *reason,
		 int *help, char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "check", no_argument, NULL, 'c' },
		{ "snapshot", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int opt, nmodes = 0;

	*help = 0;
	*mode = MODE_TABLE;
	optind = 0;
	while ((opt = guest_cli_getopt(argc, argv, "+:h", opts, err, errlen)) != -1) {
		switch (opt) {
		case 'r':
			if (guest_cli_reason_parse(optarg, reason, err, errlen))
				return -1;
			nmodes += *mode != MODE_REASON;
			*mode = MODE_REASON;
			break;
		case 'c':
			nmodes += *mode != MODE_CHECK;
			*mode = MODE_CHECK;
			break;
		case 's':
			nmodes += *mode != MODE_SNAPSHOT;
			*mode = MODE_SNAPSHOT;
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
	if (!*help && nmodes > 1)
		return guest_cli_fail(err, errlen,
				      "--reason, --check and --snapshot exclude each other");
	return 0;
}

int main(int argc, char **argv)
{
	struct guest_cli_reason reason = { 0, NULL };
	unsigned int isa, i, r;
	const char *name;
	struct kvm_exit_stats_regs q;
	char err[GUEST_CLI_ERRLEN];
	enum mode mode = MODE_TABLE;
	int help;

	if (parse(argc, argv, &mode, &reason, &help, err, sizeof(err)))
		return guest_cli_usage_error("cpuid_reasons", err);
	if (help == 2)
		return guest_cli_version("cpuid_reasons");
	if (help) {
		fputs(usage, stdout);
		return GUEST_CLI_EXIT_OK;
	}
	if (!kvm_exit_stats_present(&isa))
		return mode == MODE_CHECK ? guest_cli_check_skip() :
		       guest_cli_no_stats("cpuid_reasons", "assignment3/kvm.diff");
	if (guest_cli_reason_code(&reason, isa, err, sizeof(err)))
		return guest_cli_usage_error("cpuid_reasons", err);
	svm = isa == KVM_EXIT_STATS_ISA_SVM;
	/* --check reports a missing per-reason leaf as its first failure. */
	if (mode == MODE_CHECK)
		return check();
	q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);
	if (!(q.eax & KVM_EXIT_STATS_F_REASONS))
		return guest_cli_no_reasons("cpuid_reasons", q.eax, isa);
	if (mode == MODE_SNAPSHOT)
		return snapshot();
	if (mode == MODE_REASON) {
		q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, reason.code);
		printf("CPUID 0x4FFFFFFE ECX=%#x: EAX=0x%08x EBX=0x%08x ECX=0x%08x EDX=0x%08x\n",
		       reason.code, q.eax, q.ebx, q.ecx, q.edx);
		return 0;
	}
	printf("%-8s %-32s %s\n", svm ? "code" : "reason", "name", "exits");
	for (i = 0; i < nreasons(); i++)
		if (reason_at(i, &r, &name))
			printf(svm ? "%#-8x %-32s %llu\n" : "%-8u %-32s %llu\n", r, name, count(r));
	return 0;
}
