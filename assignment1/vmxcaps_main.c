// SPDX-License-Identifier: GPL-2.0
/*
 * vmxcaps: decode the Intel VMX capability MSRs from the msr driver, from
 * the vmxcaps.ko debugfs file, or from a dump file.  The text output is
 * produced by the same vmxcaps_decode.c as the module's kernel log.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmxcaps_src.h"

enum source {
	SRC_LOCAL,		/* /dev/cpu/N/msr */
	SRC_MODULE,		/* debugfs file of vmxcaps.ko */
	SRC_FILE,		/* --from FILE */
};

enum format { FMT_TEXT, FMT_JSON, FMT_DUMP };

static const char usage[] =
"Usage: vmxcaps [--module | --from FILE] [--cpu N] [--json | --dump]\n"
"Decode the Intel VMX capability MSRs (IA32_FEATURE_CONTROL, 0x480-0x493).\n"
"Intel VMX only: an AMD CPU (SVM) has none of them, but --from decodes a dump\n"
"taken on an Intel CPU anywhere.\n"
"\n"
"Sources (default: /dev/cpu/N/msr of every online CPU; needs root and\n"
"'modprobe msr'):\n"
"  --module       read " VMXCAPS_DEBUGFS_PATH " of vmxcaps.ko\n"
"                 (the VMXCAPS_DEBUGFS environment variable overrides the path)\n"
"  --from FILE    read a dump: '0xINDEX 0xVALUE' lines, '#' comments, and\n"
"                 'cpu N' lines that start a CPU (none: everything is CPU 0);\n"
"                 FILE '-' is standard input\n"
"Output (default: text, the same lines vmxcaps.ko logs):\n"
"  --cpu N        only CPU N (default: the lowest CPU, then one line per MSR\n"
"                 in which another CPU differs from it)\n"
"  --json         JSON: {\"cpus\":[{\"cpu\":N,\"msrs\":{...},\"controls\":{...},...}]}\n"
"  --dump         raw MSRs in the --from format\n"
"  -h, --help     this text\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  bad input: malformed dump line, unknown or duplicate MSR, missing\n"
"     required MSR, unreadable --from file\n"
"  2  usage error (bad option, unknown --cpu)\n"
"  3  no VMX: CPUID.1:ECX[5] is 0 (an AMD CPU, a VM without nested\n"
"     virtualization, a CPU without VT-x), or firmware disabled VMX in\n"
"     IA32_FEATURE_CONTROL\n"
"  4  cannot read the MSRs: no msr driver, not root, module not loaded\n"
"\n"
"Examples:\n"
"  sudo modprobe msr && sudo vmxcaps        this machine's CPUs\n"
"  vmxcaps --from tests/dumps/full.msr --json\n"
"  ssh intel-box 'sudo vmxcaps --dump' | vmxcaps --from -\n";

static __printf(2, 3) void print_line(void *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(ctx, fmt, ap);
	va_end(ap);
	fputc('\n', ctx);
}

static __printf(1, 2) int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vmxcaps: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vmxcaps --help' for more information.\n", stderr);
	return VMXCAPS_EXIT_USAGE;
}

static bool parse_cpu(const char *s, int *cpu)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 0xfffff)
		return false;
	*cpu = (int)v;
	return true;
}

static void print_text(const struct vmxcaps_set *set, int only_cpu)
{
	const struct vmxcaps_cpu *ref;
	unsigned int i;

	if (only_cpu >= 0) {
		ref = vmxcaps_set_find(set, (unsigned int)only_cpu);
		vmxcaps_decode(&ref->m, ref->id, print_line, stdout);
		return;
	}
	/* same structure as the module's log: first CPU, then differences */
	ref = &set->cpu[0];
	vmxcaps_decode(&ref->m, ref->id, print_line, stdout);
	for (i = 1; i < set->n; i++)
		vmxcaps_diff(&ref->m, ref->id, &set->cpu[i].m, set->cpu[i].id,
			     print_line, stdout);
}

static void print_dump(const struct vmxcaps_set *set, int only_cpu)
{
	unsigned int i;

	vmxcaps_dump_header(print_line, stdout);
	for (i = 0; i < set->n; i++)
		if (only_cpu < 0 || set->cpu[i].id == (unsigned int)only_cpu)
			vmxcaps_dump(&set->cpu[i].m, set->cpu[i].id,
				     print_line, stdout);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", no_argument, NULL, 'm' },
		{ "from", required_argument, NULL, 'f' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "dump", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum source src = SRC_LOCAL;
	enum format fmt = FMT_TEXT;
	const char *file = NULL;
	struct vmxcaps_set set = { 0 };
	char err[VMXCAPS_ERRLEN];
	int opt, only_cpu = -1, ret;
	bool have_src = false, have_fmt = false;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
		case 'f':
			if (have_src)
				return usage_error("%s", "--module and --from exclude each other");
			have_src = true;
			src = opt == 'm' ? SRC_MODULE : SRC_FILE;
			file = optarg;
			break;
		case 'c':
			if (!parse_cpu(optarg, &only_cpu))
				return usage_error("--cpu needs a CPU number, not '%s'", optarg);
			break;
		case 'j':
		case 'd':
			if (have_fmt)
				return usage_error("%s", "--json and --dump exclude each other");
			have_fmt = true;
			fmt = opt == 'j' ? FMT_JSON : FMT_DUMP;
			break;
		case 'h':
			fputs(usage, stdout);
			return VMXCAPS_EXIT_OK;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);

	err[0] = '\0';
	switch (src) {
	case SRC_MODULE:
		ret = vmxcaps_load_module(&set, err, sizeof(err));
		break;
	case SRC_FILE:
		ret = vmxcaps_load_file(file, &set, err, sizeof(err));
		break;
	default:
		ret = vmxcaps_load_local(&set, err, sizeof(err));
		break;
	}
	if (ret != VMXCAPS_EXIT_OK) {
		fprintf(stderr, "vmxcaps: %s\n", err);
		vmxcaps_set_free(&set);
		return ret;
	}
	if (only_cpu >= 0 && !vmxcaps_set_find(&set, (unsigned int)only_cpu)) {
		fprintf(stderr, "vmxcaps: cpu %d is not in the source (it has cpu %u",
			only_cpu, set.cpu[0].id);
		if (set.n > 1)
			fprintf(stderr, "-%u", set.cpu[set.n - 1].id);
		fputs(")\n", stderr);
		vmxcaps_set_free(&set);
		return VMXCAPS_EXIT_USAGE;
	}

	switch (fmt) {
	case FMT_JSON:
		vmxcaps_json(stdout, &set, only_cpu);
		break;
	case FMT_DUMP:
		print_dump(&set, only_cpu);
		break;
	default:
		print_text(&set, only_cpu);
		break;
	}
	vmxcaps_set_free(&set);
	if (fflush(stdout) || ferror(stdout)) {
		fputs("vmxcaps: write error on standard output\n", stderr);
		return VMXCAPS_EXIT_DATA;
	}
	return VMXCAPS_EXIT_OK;
}
