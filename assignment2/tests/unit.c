// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cpuid_exits' command line, the binary run as a child; no
 * KVM needed.  TAP; the last line is "N passed, M failed".
 *   build/unit build/cpuid_exits
 * The refusals need a host without the signature (this one, unless it is
 * a guest of the patched KVM: then they are skipped).  There, --help
 * exiting 0 is also the proof that it answers before probing the host.
 */
#include <stdio.h>

#include "../../common/guest_cli_test.h"
#include "../../common/kvm_exit_stats.h"

#define STOCK \
	"cpuid_exits: no KVM exit statistics here: CPUID 0x4FFFFFFC does not answer the\n"

static const struct cli_case cases[] = {
	{ .args = { "--help" }, .status = 0,
	  .out = { "Usage: cpuid_exits [--check | --snapshot | --version]\n", "\nOptions:\n",
		   "\nExit status:\n", "\nExamples:\n" } },
	{ .args = { "-h" }, .status = 0, .out = { "Usage: cpuid_exits" } },
	/* --help answers unless an option is malformed */
	{ .args = { "--check", "--snapshot", "--help" }, .status = 0, .out = { "Usage:" } },
	{ .args = { "--help", "--bogus" }, .status = 2,
	  .err = { "cpuid_exits: unknown option '--bogus'\n" } },
	{ .args = { "--bogus" }, .status = 2,
	  .err = { "cpuid_exits: unknown option '--bogus'\nTry 'cpuid_exits --help' for more information.\n" } },
	{ .args = { "-x" }, .status = 2, .err = { "cpuid_exits: unknown option '-x'\n" } },
	{ .args = { "--check=1" }, .status = 2,
	  .err = { "cpuid_exits: --check takes no value\n" } },
	{ .args = { "--check", "1" }, .status = 2,
	  .err = { "cpuid_exits: unexpected argument '1'\n" } },
	{ .args = { "--check", "--snapshot" }, .status = 2,
	  .err = { "cpuid_exits: --check and --snapshot exclude each other\n" } },
	{ .args = { NULL }, .status = 1, .stock = 1,
	  .err = { STOCK,
		   "Run cpuid_exits in a guest of KVM built from assignment2/kvm.diff.\n" } },
	/* says below what it runs, here a KVM (this machine's) */
	{ .args = { NULL }, .status = 1, .stock = 1,
	  .err = { "'KVMExitStats' signature; below this guest is " } },
	/* nothing to check: a TAP skip with kselftest's status, not a failure */
	{ .args = { "--check" }, .status = 4, .stock = 1,
	  .out = { "TAP version 13\n1..0 # SKIP no KVM exit statistics here: below this guest is " } },
	{ .args = { "--version" }, .status = 0,
	  .out = { "cpuid_exits (Custom Linux) 1.1, for the KVM exit-stats guest ABI version 1\n" } },
	{ .args = { "--version", "--help" }, .status = 0, .out = { "Usage: cpuid_exits" } },
	{ .args = { "--snapshot" }, .status = 1, .stock = 1, .err = { STOCK } },
	/* unique prefixes, as getopt_long() takes them */
	{ .args = { "--snap" }, .status = 1, .stock = 1, .err = { STOCK } },
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unit PATH-TO-cpuid_exits\n");
		return 2;
	}
	printf("TAP version 13\n");
	cli_cases("cpuid_exits", argv[1], cases, ARRAY_SIZE(cases), kvm_exit_stats_present(NULL));
	return cli_done();
}
