// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cpuid_reasons' command line, the binary run as a child, and
 * of common/guest_cli.h's number and option parsing in this process; no KVM
 * needed.  TAP; the last line is "N passed, M failed".
 *   build/unit build/cpuid_reasons
 * The refusals need a host without the signature (this one, unless it is
 * a guest of the patched KVM: then they are skipped).  There, --help
 * exiting 0 is also the proof that it answers before probing the host, and
 * a good --reason reaching the refusal that it parsed.
 */
#include <stdio.h>

#include "../../common/guest_cli.h"
#include "../../common/guest_cli_test.h"
#include "../../common/kvm_exit_stats.h"

#define STOCK \
	"cpuid_reasons: no KVM exit statistics here: CPUID 0x4FFFFFFC does not answer the\n"
#define NOT_U32 "' is neither a 32-bit number (0 to 4294967295, decimal or 0x hex) " \
	"nor an exit reason's name (as EPT_VIOLATION, NPF)\n"

static const struct cli_case cases[] = {
	{ .args = { "--help" }, .status = 0,
	  .out = { "Usage: cpuid_reasons [--reason N | --check | --snapshot | --version]\n", "\nOptions:\n",
		   "\nExit status:\n", "\nExamples:\n" } },
	{ .args = { "-h" }, .status = 0, .out = { "cpuid_reasons --reason 48" } },
	{ .args = { "--reason", "1", "--check", "--help" }, .status = 0, .out = { "Usage:" } },
	/* all of argv first: a bad value is an error even beside --help */
	{ .args = { "--help", "--reason", "abc" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: 'abc" NOT_U32 } },
	{ .args = { "--reason", "abc" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: 'abc" NOT_U32 "Try 'cpuid_reasons --help' for more information.\n" } },
	{ .args = { "--reason", "99999999999" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: '99999999999" NOT_U32 } },
	{ .args = { "--reason", "4294967296" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: '4294967296" NOT_U32 } },
	{ .args = { "--reason=0x100000000" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: '0x100000000" NOT_U32 } },
	{ .args = { "--reason", "-1" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: '-1" NOT_U32 } },
	{ .args = { "--reason", "12x" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: '12x" NOT_U32 } },
	{ .args = { "--reason", "" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: '" NOT_U32 } },
	{ .args = { "--reason" }, .status = 2,
	  .err = { "cpuid_reasons: --reason needs a value\n" } },
	{ .args = { "--reason", "10", "--check" }, .status = 2,
	  .err = { "cpuid_reasons: --reason, --check and --snapshot exclude each other\n" } },
	{ .args = { "--check", "--snapshot" }, .status = 2,
	  .err = { "cpuid_reasons: --reason, --check and --snapshot exclude each other\n" } },
	{ .args = { "--bogus" }, .status = 2,
	  .err = { "cpuid_reasons: unknown option '--bogus'\n" } },
	{ .args = { "--snapshot=1" }, .status = 2,
	  .err = { "cpuid_reasons: --snapshot takes no value\n" } },
	{ .args = { "10" }, .status = 2, .err = { "cpuid_reasons: unexpected argument '10'\n" } },
	{ .args = { NULL }, .status = 1, .stock = 1,
	  .err = { STOCK,
		   "Run cpuid_reasons in a guest of KVM built from assignment3/kvm.diff.\n" } },
	{ .args = { "--check" }, .status = 4, .stock = 1,
	  .out = { "1..0 # SKIP no KVM exit statistics here: below this guest is " } },
	/* a name of either ISA parses (here: reaches the refusal); others do not */
	{ .args = { "--reason", "EPT_VIOLATION" }, .status = 1, .stock = 1, .err = { STOCK } },
	{ .args = { "--reason", "npf" }, .status = 1, .stock = 1, .err = { STOCK } },
	{ .args = { "--reason", "EPT_VIOLATIONS" }, .status = 2,
	  .err = { "cpuid_reasons: --reason: 'EPT_VIOLATIONS" NOT_U32 } },
	{ .args = { "--version" }, .status = 0,
	  .out = { "cpuid_reasons (Custom Linux) 1.1, for the KVM exit-stats guest ABI version 1\n" } },
	{ .args = { "--snapshot" }, .status = 1, .stock = 1, .err = { STOCK } },
	{ .args = { "--reason", "0xffffffff" }, .status = 1, .stock = 1, .err = { STOCK } },
	{ .args = { "--reason=48" }, .status = 1, .stock = 1, .err = { STOCK } },
};

struct num_case {
	const char *s;
	int ret;
	unsigned long long v;
};

static void test_numbers(void)
{
	static const struct num_case nums[] = {
		{ "0", 0, 0 }, { "48", 0, 48 }, { "0x400", 0, 0x400 },
		{ "0XFFFFFFFF", 0, 0xffffffffULL }, { "4294967295", 0, 0xffffffffULL },
		{ "010", 0, 10 }, { "4294967296", -1, 0 }, { "99999999999", -1, 0 },
		{ "99999999999999999999", -1, 0 }, { "abc", -1, 0 }, { "", -1, 0 },
		{ "-1", -1, 0 }, { "+1", -1, 0 }, { " 1", -1, 0 }, { "1 ", -1, 0 },
		{ "12x", -1, 0 }, { "0x", -1, 0 }, { "0x-1", -1, 0 }, { "0x 1", -1, 0 },
		{ "1.5", -1, 0 }, { "0x0x10", -1, 0 }, { "0x+1", -1, 0 },
	};
	unsigned long long v;
	char what[128];
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		v = 0;
		r = guest_cli_parse_ull(nums[i].s, 0, 0xffffffffULL, &v);
		snprintf(what, sizeof(what), "guest_cli_parse_ull('%s', 32 bits): %s", nums[i].s,
			 nums[i].ret ? "refused" : "accepted");
		/* a refused value leaves *v alone */
		cli_ok(r == nums[i].ret && v == (r ? 0 : nums[i].v), what);
	}
	cli_ok(guest_cli_parse_ull("0", 1, 10, &v) == -1, "guest_cli_parse_ull: below min refused");
}

struct opt_case {
	const char *args[4];
	const char *msg;	/* the error, or NULL: parses */
};

static void test_getopt(void)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct opt_case cases[] = {
		{ { "--frob" }, "unknown option '--frob'" },
		{ { "--frob=1" }, "unknown option '--frob'" },
		{ { "--c" }, "ambiguous option '--c'" },
		{ { "--csv=1" }, "--csv takes no value" },
		{ { "--cs=1" }, "--csv takes no value" },
		{ { "--count" }, "--count needs a value" },
		{ { "--co" }, "--count needs a value" },
		{ { "-x" }, "unknown option '-x'" },
		{ { "-hx" }, "unknown option '-x'" },
		{ { "--csv", "--count", "-1" }, NULL },
		{ { "--cs", "--cou=3", "-h" }, NULL },
		{ { "--csv", "--", "--frob" }, NULL },
	};
	char *argv[6], err[GUEST_CLI_ERRLEN], what[256];
	unsigned int i, j;
	int opt, bad;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		argv[0] = "prog";
		for (j = 0; cases[i].args[j]; j++)
			argv[j + 1] = (char *)cases[i].args[j];
		argv[j + 1] = NULL;
		err[0] = '\0';
		bad = 0;
		optind = 0;
		while ((opt = guest_cli_getopt(j + 1, argv, "+:h", opts, err, sizeof(err))) != -1)
			bad |= opt == '?';
		snprintf(what, sizeof(what), "guest_cli_getopt:");
		for (j = 0; cases[i].args[j]; j++)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), " %s",
				 cases[i].args[j]);
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " -> %s",
			 bad ? err : "parsed");
		if (cases[i].msg)
			cli_ok(bad && !strcmp(err, cases[i].msg), what);
		else
			cli_ok(!bad, what);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unit PATH-TO-cpuid_reasons\n");
		return 2;
	}
	printf("TAP version 13\n");
	test_numbers();
	test_getopt();
	cli_cases("cpuid_reasons", argv[1], cases, ARRAY_SIZE(cases),
		  kvm_exit_stats_present(NULL));
	return cli_done();
}
