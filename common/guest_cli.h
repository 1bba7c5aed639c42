/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_cli.h - the command line of the guest programs (assignment2's
 * cpuid_exits, assignment3's cpuid_reasons, assignment4's exitstat), so that
 * they parse, complain and exit alike:
 *
 *   1. parse all of argv; a bad option or value: one line naming it, exit 2
 *   2. --help, --version: the text on stdout, exit 0, without executing CPUID
 *   3. only then probe the KVM below; no signature: guest_cli_no_stats() says
 *      what is below instead, exit 1 (--check: a TAP skip, exit 4, as
 *      kselftest's KSFT_SKIP)
 *
 * Header-only because each assignment builds its static binary from its own
 * directory.  Only guest_cli_below() and the messages that use it execute
 * CPUID, so the unit tests can use the rest on any machine.
 */
#ifndef GUEST_CLI_H
#define GUEST_CLI_H

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm_exit_stats.h"
#include "exit-reasons/vmx_exit_reasons.h"
#include "exit-reasons/svm_exit_codes.h"

enum guest_cli_exit {
	GUEST_CLI_EXIT_OK = 0,
	GUEST_CLI_EXIT_NO_STATS = 1,	/* stock KVM, another hypervisor, bare metal */
	GUEST_CLI_EXIT_USAGE = 2,
	GUEST_CLI_EXIT_SKIP = 4,	/* --check cannot run here (KSFT_SKIP) */
	GUEST_CLI_EXIT_NOT_RUN = 125,	/* exitstat -- CMD: CMD not started (as env(1)) */
};

/* The tools' release; the guest ABI has its own version (0x4FFFFFFC). */
#define GUEST_CLI_VERSION	"1.1"

#define GUEST_CLI_ERRLEN	256

/* What a 32-bit exit reason must be, for every program's message alike. */
#define GUEST_CLI_U32_WHAT \
	"a 32-bit number (0 to 4294967295, decimal or 0x hex)"

static inline int __attribute__((format(printf, 3, 4)))
guest_cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * An unsigned number in [min, max], decimal or 0x hex, nothing around it.
 * strtoull() alone takes "abc" as 0, "-1" as ULLONG_MAX, " 7" and "7x" as
 * 7, and with base 0 "010" as 8, none of which a user means.
 */
static inline int guest_cli_parse_ull(const char *s, unsigned long long min,
				      unsigned long long max,
				      unsigned long long *v)
{
	const char *digits = "0123456789";
	unsigned long long n;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = "0123456789abcdefABCDEF";
		base = 16;
		s += 2;
	}
	/* Digits only: strtoull() would also take blanks, a sign or "0x0x". */
	if (!*s || strspn(s, digits) != strlen(s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, base);
	if (*end || errno || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* guest_cli_parse_ull(), or "OPT: 'VAL' is not WHAT" in err. */
static inline int guest_cli_number(const char *opt, const char *val,
				   unsigned long long min,
				   unsigned long long max, const char *what,
				   unsigned long long *v, char *err,
				   size_t errlen)
{
	if (!guest_cli_parse_ull(val, min, max, v))
		return 0;
	return guest_cli_fail(err, errlen, "%s: '%s' is not %s", opt, val, what);
}

static inline const char *guest_cli_long_name(const struct option *longopts,
					      int val)
{
	for (; longopts->name; longopts++)
		if (!longopts->flag && longopts->val == val)
			return longopts->name;
	return "?";
}

/*
 * getopt_long(), but a bad option comes back as '?' with one line in err
 * that names it, instead of getopt's own message on stderr, so that each
 * program words and counts its errors the same way.  shortopts must start
 * with "+:": '+' ends the options at the first word that is none (so that
 * stray words and exitstat's "-- CMD" are the caller's to judge), ':' tells
 * a missing value from an unknown option.  Long options need flag NULL.
 * Set optind to 0 before parsing another argv in the same process.
 */
static inline int guest_cli_getopt(int argc, char **argv, const char *shortopts,
				   const struct option *longopts, char *err,
				   size_t errlen)
{
	int cur = optind ? optind : 1, c, n = 0;
	const struct option *o;
	const char *arg;
	size_t len;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	arg = cur < argc ? argv[cur] : "";
	if (arg[0] != '-' || arg[1] != '-') {
		if (c == ':')
			guest_cli_fail(err, errlen, "-%c needs a value", optopt);
		else
			guest_cli_fail(err, errlen, "unknown option '-%c'", optopt);
		return '?';
	}
	if (c == ':') {
		guest_cli_fail(err, errlen, "--%s needs a value",
			       guest_cli_long_name(longopts, optopt));
		return '?';
	}
	if (optopt) {
		guest_cli_fail(err, errlen, "--%s takes no value",
			       guest_cli_long_name(longopts, optopt));
		return '?';
	}
	/* getopt_long() takes unique prefixes, so say why one was not taken. */
	len = strcspn(arg + 2, "=");
	for (o = longopts; len && o->name; o++)
		n += !strncmp(o->name, arg + 2, len);
	guest_cli_fail(err, errlen, "%s option '%.*s'", n > 1 ? "ambiguous" : "unknown",
		       (int)len + 2, arg);
	return '?';
}

/* The same words as vmxcaps and coreutils. */
static inline int guest_cli_usage_error(const char *prog, const char *err)
{
	fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", prog, err, prog);
	return GUEST_CLI_EXIT_USAGE;
}

static inline int guest_cli_version(const char *prog)
{
	printf("%s (Custom Linux) %s, for the KVM exit-stats guest ABI version %u\n",
	       prog, GUEST_CLI_VERSION, KVM_EXIT_STATS_ABI_VERSION);
	return GUEST_CLI_EXIT_OK;
}

/*
 * What runs below this guest, in words, from CPUID.1:ECX bit 31 (a
 * hypervisor is present) and the signature at 0x40000000, for a message
 * that tells the user where they are.
 */
static inline const char *guest_cli_below(char *buf, size_t len)
{
	struct kvm_exit_stats_regs r = kvm_exit_stats_cpuid(1, 0);
	char sig[13];
	int i;

	if (!(r.ecx & (1u << 31))) {
		snprintf(buf, len, "no hypervisor (CPUID.1:ECX bit 31 is clear: bare metal)");
		return buf;
	}
	r = kvm_exit_stats_cpuid(0x40000000, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	for (i = 0; sig[i]; i++)
		if (!isprint((unsigned char)sig[i]))
			sig[i] = '?';
	if (!strcmp(sig, "KVMKVMKVM"))
		snprintf(buf, len, "KVM without the exit statistics (a stock KVM)");
	else if (sig[0])
		snprintf(buf, len, "the hypervisor '%s', not KVM", sig);
	else
		snprintf(buf, len, "a hypervisor with no signature at CPUID 0x40000000 "
			 "(KVM hidden by its VMM, as QEMU's -cpu ...,kvm=off does?)");
	return buf;
}

/* CPUID 0x4FFFFFFC without the signature; diff: the KVM that prog needs. */
static inline int guest_cli_no_stats(const char *prog, const char *diff)
{
	char below[160];

	fprintf(stderr,
		"%s: no KVM exit statistics here: CPUID 0x4FFFFFFC does not answer the\n"
		"  'KVMExitStats' signature; below this guest is %s.\n"
		"  Run %s in a guest of KVM built from %s.\n",
		prog, guest_cli_below(below, sizeof(below)), prog, diff);
	return GUEST_CLI_EXIT_NO_STATS;
}

/* --check where there is nothing to check: a TAP skip, as kselftest's. */
static inline int guest_cli_check_skip(void)
{
	char below[160];

	printf("TAP version 13\n1..0 # SKIP no KVM exit statistics here: below this guest is %s\n",
	       guest_cli_below(below, sizeof(below)));
	return GUEST_CLI_EXIT_SKIP;
}

/*
 * --reason's value: a number, or an exit reason's name as the tools print
 * it (EPT_VIOLATION, NPF; any case) on either ISA, which
 * guest_cli_reason_code() resolves once the ISA below is known.
 */
struct guest_cli_reason {
	unsigned int code;
	const char *name;
};

static inline int guest_cli_reason_parse(const char *val, struct guest_cli_reason *r,
					 char *err, size_t errlen)
{
	unsigned long long v;

	r->name = NULL;
	if (!guest_cli_parse_ull(val, 0, 0xffffffffULL, &v)) {
		r->code = (unsigned int)v;
		return 0;
	}
	if (vmx_exit_reason_by_name(val) >= 0 || svm_exit_code_by_name(val, &v)) {
		r->name = val;
		return 0;
	}
	return guest_cli_fail(err, errlen,
			      "--reason: '%s' is neither %s nor an exit reason's name (as EPT_VIOLATION, NPF)",
			      val, GUEST_CLI_U32_WHAT);
}

/* The code of a name on the ISA below; -1 and err when it is the other ISA's. */
static inline int guest_cli_reason_code(struct guest_cli_reason *r, unsigned int isa,
					char *err, size_t errlen)
{
	unsigned long long c;
	int v;

	if (!r->name)
		return 0;
	v = vmx_exit_reason_by_name(r->name);
	if (isa == KVM_EXIT_STATS_ISA_VMX && v >= 0) {
		r->code = (unsigned int)v;
		return 0;
	}
	if (isa == KVM_EXIT_STATS_ISA_SVM && svm_exit_code_by_name(r->name, &c)) {
		r->code = (unsigned int)c;
		return 0;
	}
	return guest_cli_fail(err, errlen, "--reason: '%s' is not an exit reason of %s, the ISA below",
			      r->name, isa == KVM_EXIT_STATS_ISA_SVM ? "SVM" :
			      isa == KVM_EXIT_STATS_ISA_VMX ? "VMX" : "an unknown ISA");
}

/* The signature, but no 0x4FFFFFFE: assignment 2's KVM, flags = its EAX. */
static inline int guest_cli_no_reasons(const char *prog, unsigned int flags,
				       unsigned int isa)
{
	fprintf(stderr,
		"%s: the KVM below counts no exits per reason (flags %#x, ISA %u):\n"
		"  it needs assignment3/kvm.diff or later\n", prog, flags, isa);
	return GUEST_CLI_EXIT_NO_STATS;
}

#endif /* GUEST_CLI_H */
