/*
 * test.c - check the generated exit-reason headers against values that are
 * written down here independently of vmx.tsv/svm.tsv.  TAP output.
 *
 * Built by "make -C common/exit-reasons check" with -Wall -Wextra -Werror.
 */
#include <stdio.h>
#include <string.h>

#include "vmx_exit_reasons.h"
#include "vmx_exit_reasons.h"	/* the include guard must allow this */
#include "svm_exit_codes.h"
#include "svm_exit_codes.h"

static int n_run, n_failed;

static void ok(int cond, const char *what)
{
	n_run++;
	if (!cond)
		n_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_run, what);
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

struct known {
	unsigned long long code;
	const char *name;	/* NULL: must be undefined */
};

/* Intel SDM Vol. 3, Appendix C, and Linux uapi/asm/vmx.h. */
static const struct known vmx_known[] = {
	{ 0, "EXCEPTION_NMI" },
	{ 1, "EXTERNAL_INTERRUPT" },
	{ 2, "TRIPLE_FAULT" },
	{ 10, "CPUID" },
	{ 12, "HLT" },
	{ 18, "VMCALL" },
	{ 28, "CR_ACCESS" },
	{ 30, "IO_INSTRUCTION" },
	{ 31, "MSR_READ" },
	{ 32, "MSR_WRITE" },
	{ 48, "EPT_VIOLATION" },
	{ 49, "EPT_MISCONFIG" },
	{ 52, "PREEMPTION_TIMER" },
	{ 35, NULL },
	{ 38, NULL },
	{ 42, NULL },
	{ 1000000, NULL },
	{ 0xFFFFFFFFu, NULL },
};

/* AMD APM Vol. 2, Appendix C, and Linux uapi/asm/svm.h. */
static const struct known svm_known[] = {
	{ 0x000, "CR0_READ" },
	{ 0x013, "CR3_WRITE" },
	{ 0x040 + 14, "EXCP_14" },	/* #PF */
	{ 0x040 + 6, "EXCP_6" },	/* #UD */
	{ 0x060, "INTR" },
	{ 0x072, "CPUID" },
	{ 0x078, "HLT" },
	{ 0x07B, "IOIO" },
	{ 0x07C, "MSR" },
	{ 0x07F, "SHUTDOWN" },
	{ 0x081, "VMMCALL" },
	{ 0x400, "NPF" },
	{ 0x403, "VMGEXIT" },
	{ 0xFFFFFFFFFFFFFFFFULL, "INVALID" },
	{ 0xFFFFFFFFULL, "INVALID" },	/* -1 truncated to 32 bits */
	{ 0xFFFFFFFEULL, "BUSY" },
	{ 0x0A7, NULL },
	{ 0x3FF, NULL },
	{ 0x404, NULL },
	{ 0x1000, NULL },
	{ 0x80000001ULL, NULL },	/* a GHCB software exit code, not a #VMEXIT code */
};

int main(void)
{
	char what[128];
	unsigned int i, j, n;
	int good;

	printf("1..%u\n", (unsigned int)(sizeof(vmx_known) / sizeof(vmx_known[0]) +
				sizeof(svm_known) / sizeof(svm_known[0]) + 8));

	for (i = 0; i < sizeof(vmx_known) / sizeof(vmx_known[0]); i++) {
		const struct known *k = &vmx_known[i];
		const char *got = vmx_exit_reason_name((unsigned int)k->code);

		if (k->name) {
			snprintf(what, sizeof(what), "VMX %llu is %s", k->code, k->name);
			ok(streq(got, k->name) && vmx_exit_reason_defined((unsigned int)k->code), what);
		} else {
			snprintf(what, sizeof(what), "VMX %llu is undefined", k->code);
			ok(!got && !vmx_exit_reason_defined((unsigned int)k->code), what);
		}
	}

	for (i = 0; i < sizeof(svm_known) / sizeof(svm_known[0]); i++) {
		const struct known *k = &svm_known[i];
		const char *got = svm_exit_code_name(k->code);

		if (k->name) {
			snprintf(what, sizeof(what), "SVM %#llx is %s", k->code, k->name);
			ok(streq(got, k->name) && svm_exit_code_defined(k->code), what);
		} else {
			snprintf(what, sizeof(what), "SVM %#llx is undefined", k->code);
			ok(!got && !svm_exit_code_defined(k->code), what);
		}
	}

	ok(vmx_exit_reason_name(VMX_EXIT_REASON_MAX) != NULL &&
	   vmx_exit_reason_name(VMX_EXIT_REASON_MAX + 1) == NULL,
	   "VMX_EXIT_REASON_MAX is the highest defined reason");

	n = 0;
	for (i = 0; i <= VMX_EXIT_REASON_MAX; i++)
		n += vmx_exit_reason_defined(i);
	ok(n == VMX_EXIT_REASON_COUNT, "VMX_EXIT_REASON_COUNT matches the table");

	good = 1;
	for (i = 0; i <= VMX_EXIT_REASON_MAX; i++)
		for (j = i + 1; j <= VMX_EXIT_REASON_MAX; j++)
			if (vmx_exit_reason_names[i] && vmx_exit_reason_names[j] &&
			    strcmp(vmx_exit_reason_names[i], vmx_exit_reason_names[j]) == 0)
				good = 0;
	ok(good, "VMX names are unique");

	good = 1;
	for (i = 0; i + 1 < SVM_EXIT_CODE_COUNT; i++)
		if (svm_exit_code_table[i].code >= svm_exit_code_table[i + 1].code)
			good = 0;
	ok(good, "SVM table is strictly ascending");

	good = 1;
	for (i = 0; i < SVM_EXIT_CODE_COUNT; i++)
		for (j = i + 1; j < SVM_EXIT_CODE_COUNT; j++)
			if (strcmp(svm_exit_code_table[i].name, svm_exit_code_table[j].name) == 0)
				good = 0;
	ok(good, "SVM names are unique");

	good = 1;
	for (i = 0; i < SVM_EXIT_CODE_COUNT; i++)
		if (!streq(svm_exit_code_name(svm_exit_code_table[i].code),
			   svm_exit_code_table[i].name))
			good = 0;
	ok(good, "SVM lookup finds every table entry");

	good = 1;
	for (i = 0; i < 32; i++) {
		snprintf(what, sizeof(what), "EXCP_%u", i);
		if (!streq(svm_exit_code_name(0x40 + i), what))
			good = 0;
	}
	ok(good, "SVM 0x40-0x5F are EXCP_0..EXCP_31");

	ok(svm_exit_code_name(SVM_EXIT_CODE_MAX) != NULL &&
	   svm_exit_code_name(SVM_EXIT_CODE_MAX + 1) == NULL,
	   "SVM_EXIT_CODE_MAX is the highest non-negative code");

	/* By name, as --reason takes one: any case, the whole name only. */
	{
		unsigned long long c = 0;

		ok(vmx_exit_reason_by_name("EPT_VIOLATION") == 48 &&
		   vmx_exit_reason_by_name("ept_violation") == 48 &&
		   vmx_exit_reason_by_name("EXCEPTION_NMI") == 0 &&
		   vmx_exit_reason_by_name("EPT_VIOLATIONS") == -1 &&
		   vmx_exit_reason_by_name("EPT_VIOLATIO") == -1 &&
		   vmx_exit_reason_by_name("NPF") == -1 &&
		   vmx_exit_reason_by_name("") == -1,
		   "VMX by name: EPT_VIOLATION = 48 in any case, no prefix or suffix, no SVM name");
		ok(svm_exit_code_by_name("NPF", &c) && c == 0x400 &&
		   svm_exit_code_by_name("excp_14", &c) && c == 0x4e &&
		   svm_exit_code_by_name("INVALID", &c) && c == 0xFFFFFFFFFFFFFFFFULL &&
		   !svm_exit_code_by_name("NPF_", &c) && !svm_exit_code_by_name("EPT_VIOLATION", &c) &&
		   !svm_exit_code_by_name("", &c),
		   "SVM by name: NPF = 0x400, excp_14 = 0x4e, INVALID = -1, no VMX name");
	}
	printf("%d passed, %d failed\n", n_run - n_failed, n_failed);
	return n_failed != 0;
}
