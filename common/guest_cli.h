/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_cli.h - the command line of the guest programs (assignment2's
 * cpuid_exits, assignment3's cpuid_reasons, assignment4's exitstat), so that
 * they parse, complain and exit alike:
 *
 *   1. parse all of argv; a bad option or value: one line naming it, exit 2
 *   2. --help: the text on stdout, exit 0, without executing CPUID
 *   3. only then probe the KVM below; no signature: guest_cli_no_stats(), exit 1
 *
 * Header-only because each assignment builds its static binary from its own
 * directory.  Nothing here executes CPUID (that is kvm_exit_stats.h), so the
 * unit tests can use all of it on any machine.
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

enum guest_cli_exit {
	GUEST_CLI_EXIT_OK = 0,
	GUEST_CLI_EXIT_NO_STATS = 1,	/* stock KVM, another hypervisor, bare metal */
	GUEST_CLI_EXIT_USAGE = 2,
};

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

static inline int guest_cli_usage_error(const char *prog, const char *err)
{
	fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, err, prog);
	return GUEST_CLI_EXIT_USAGE;
}

/* CPUID 0x4FFFFFFC without the signature; diff: the KVM that prog needs. */
static inline int guest_cli_no_stats(const char *prog, const char *diff)
{
	fprintf(stderr,
		"%s: no KVM exit statistics here: CPUID 0x4FFFFFFC does not answer the\n"
		"  'KVMExitStats' signature (a stock KVM, another hypervisor or no hypervisor).\n"
		"  Run %s in a guest of KVM built from %s.\n",
		prog, prog, diff);
	return GUEST_CLI_EXIT_NO_STATS;
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
