// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of exitstat's formats and options, on samples filled here (no
 * CPUID, no KVM).  TAP; the last line is "N passed, M failed".
 *   build/unit [EXITSTAT]   EXITSTAT: the binary, for its exit status on bad options
 * JSON is checked by python3 (json.tool and the values), Prometheus lines
 * by a regular expression of the text exposition format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../format.h"
#include "../../common/guest_cli_test.h"
#include "../../common/kvm_exit_stats.h"

static int ntests, nfailed;

static void ok(int cond, const char *what)
{
	ntests++;
	nfailed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ntests, what);
}

/* What a print function writes, as a malloc'ed string. */
#define CAPTURE(buf, call) do {						\
	size_t _len;							\
	FILE *f = open_memstream(&(buf), &_len);			\
	call;								\
	fclose(f);							\
} while (0)

static struct reason_stat *find(struct sample *s, unsigned int code)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].code == code)
			return &s->r[i];
	return NULL;
}

static void set(struct sample *s, unsigned int code, unsigned long long n,
		unsigned long long cycles)
{
	struct reason_stat *r = find(s, code);

	if (r) {
		r->count = n;
		r->cycles = cycles;
	}
}

/* A VMX sample: 1000 exits, EPT violations half of them. */
static void vmx_sample(struct sample *s)
{
	sample__init(s, SAMPLE_ISA_VMX);
	s->has_cycles = 1;
	s->t = 12.5;
	s->total = 1000;
	s->cycles = 2000000;
	set(s, 48, 500, 1000000);
	set(s, 10, 250, 250000);
	set(s, 0, 125, 500000);
	set(s, 1, 125, 250000);
}

/* Feeds text to a shell command's stdin; its exit status. */
static int pipe_to(const char *cmd, const char *text)
{
	FILE *p = popen(cmd, "w");
	int st;

	if (!p)
		return -1;
	fputs(text, p);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_init(void)
{
	static struct sample s;
	char what[128];

	ok(sample__init(&s, SAMPLE_ISA_VMX) == 0 && s.n == 81 && find(&s, 48) &&
	   !strcmp(find(&s, 48)->name, "EPT_VIOLATION") && !find(&s, 35),
	   "VMX: 81 defined basic reasons, 48 is EPT_VIOLATION, 35 is not defined");
	ok(sample__init(&s, SAMPLE_ISA_SVM) == 0 && s.n == 176 && find(&s, 0x400) &&
	   !strcmp(find(&s, 0x400)->name, "NPF") && find(&s, 0xffffffffu) &&
	   !strcmp(find(&s, 0x4e)->name, "EXCP_14"),
	   "SVM: 176 defined codes, 0x400 NPF, 0x4e EXCP_14, -1 as 0xffffffff");
	snprintf(what, sizeof(what), "an unknown ISA is refused");
	ok(sample__init(&s, 7) == -1, what);
	ok(sample__cpuid_code(&s) == 10, "CPUID is reason 10 on VMX");
	sample__init(&s, SAMPLE_ISA_SVM);
	ok(sample__cpuid_code(&s) == 0x72, "CPUID is code 0x72 on SVM");
}

static void test_math(void)
{
	static struct sample s;

	vmx_sample(&s);
	ok(sample__share(&s, find(&s, 48)) == 50.0, "share: 500 of 1000 exits is 50%");
	ok(reason__cycles_per_exit(find(&s, 0)) == 4000.0, "cycles per exit: 500000 / 125 = 4000");
	ok(reason__cycles_per_exit(find(&s, 12)) == 0.0, "cycles per exit of a reason without exits: 0");
	s.total = 0;
	ok(sample__share(&s, find(&s, 48)) == 0.0, "share with no exits at all: 0, no division by zero");
}

static void test_table(void)
{
	static struct sample s;
	char *out = NULL;

	vmx_sample(&s);
	CAPTURE(out, sample__print_table(&s, 0, f));
	ok(count_lines(out) == 2 + 4, "table: title, header and the 4 reasons with exits");
	ok(strstr(out, "EPT_VIOLATION") && strstr(out, "50.00%") && strstr(out, " 2,000.0"),
	   "table: EPT_VIOLATION with its share 50.00% and 2,000.0 cycles/exit");
	ok(strstr(out, " 1,000,000\n") || strstr(out, " 1,000,000 "),
	   "table: thousands separated by ',' as in the documents (1,000,000 cycles)");
	ok(!strstr(out, "exits/s"), "table of a sample: no rate column");
	free(out);
	CAPTURE(out, sample__print_table(&s, 1, f));
	ok(count_lines(out) == 2 + 81, "table --all: all 81 VMX reasons");
	free(out);
	s.has_cycles = 0;
	CAPTURE(out, sample__print_table(&s, 0, f));
	ok(strstr(out, " - ") != NULL, "table: '-' for cycles when KVM has no 0x4FFFFFFD");
	free(out);
	sample__init(&s, SAMPLE_ISA_SVM);
	set(&s, 0x400, 7, 70);
	s.total = 7;
	CAPTURE(out, sample__print_table(&s, 0, f));
	ok(strstr(out, "0x400") && strstr(out, "NPF"), "table: SVM codes in hex (0x400 NPF)");
	free(out);
}

static void test_json(void)
{
	static struct sample s, before, d;
	char *out = NULL;

	vmx_sample(&s);
	CAPTURE(out, sample__print_json(&s, 0, f));
	ok(count_lines(out) == 1, "JSON: one line per sample");
	ok(pipe_to("python3 -m json.tool >/dev/null", out) == 0, "JSON: valid (python3 -m json.tool)");
	ok(pipe_to("python3 -c 'import json,sys; d=json.load(sys.stdin); "
		   "sys.exit(not (d[\"isa\"]==\"vmx\" and d[\"t\"]==12.5 and d[\"total\"]==1000 and "
		   "d[\"cycles\"]==2000000 and d[\"counts\"][\"48\"]==500 and d[\"counts\"][\"12\"]==0 and "
		   "len(d[\"counts\"])==81 and d[\"cycles_by_reason\"][\"0\"]==500000 and "
		   "len(d[\"reasons\"])==4 and d[\"reasons\"][3][\"name\"]==\"EPT_VIOLATION\" and "
		   "d[\"reasons\"][3][\"share\"]==50 and d[\"reasons\"][3][\"cycles_per_exit\"]==2000 and "
		   "d[\"reason_cycles\"] is True and \"interval\" not in d))'", out) == 0,
	   "JSON: isa, t, total, cycles, counts of all 81 reasons, cycles_by_reason, reasons with name/share/cycles_per_exit");
	free(out);

	s.total = 0;
	CAPTURE(out, sample__print_json(&s, 1, f));
	ok(pipe_to("python3 -m json.tool >/dev/null", out) == 0 && !strstr(out, "nan"),
	   "JSON --all with total 0: valid, no nan");
	free(out);

	vmx_sample(&before);
	vmx_sample(&s);
	s.t = 17.5;
	s.queries = 3;
	s.total = 1100;
	set(&s, 10, 260, 260000);
	sample__delta(&d, &s, &before);
	CAPTURE(out, sample__print_json(&d, 0, f));
	ok(pipe_to("python3 -c 'import json,sys; d=json.load(sys.stdin); "
		   "sys.exit(not (d[\"interval\"]==5 and d[\"own_queries\"]==3 and d[\"total\"]==97 and "
		   "d[\"counts\"][\"10\"]==7 and d[\"cycles_by_reason\"][\"10\"]==10000))'", out) == 0,
	   "JSON of a delta: interval, own queries left out of total and CPUID");
	free(out);
	sample__init(&s, SAMPLE_ISA_SVM);
	CAPTURE(out, sample__print_json(&s, 1, f));
	ok(pipe_to("python3 -c 'import json,sys; d=json.load(sys.stdin); "
		   "sys.exit(not (d[\"isa\"]==\"svm\" and \"1024\" in d[\"counts\"] and "
		   "\"4294967295\" in d[\"counts\"] and len(d[\"reasons\"])==176))'", out) == 0,
	   "JSON (SVM): decimal keys (1024 = NPF, 4294967295 = INVALID), 176 reasons with --all");
	free(out);
}

static void test_csv(void)
{
	static struct sample s;
	char *out = NULL;

	vmx_sample(&s);
	CAPTURE(out, sample__print_csv(&s, 0, 1, f));
	ok(!strncmp(out, "t,reason,name,count,cycles,share,cycles_per_exit\n", 49),
	   "CSV: header t,reason,name,count,cycles,share,cycles_per_exit");
	ok(count_lines(out) == 5, "CSV: header and 4 rows");
	ok(strstr(out, "\n12.500,48,EPT_VIOLATION,500,1000000,50.0000,2000.0\n") != NULL,
	   "CSV: row 12.500,48,EPT_VIOLATION,500,1000000,50.0000,2000.0");
	ok(pipe_to("python3 -c 'import csv,sys; r=list(csv.reader(sys.stdin)); "
		   "sys.exit(not all(len(x)==7 for x in r))'", out) == 0,
	   "CSV: every row has 7 fields (python3 csv)");
	free(out);
	CAPTURE(out, sample__print_csv(&s, 1, 0, f));
	ok(count_lines(out) == 81 && strncmp(out, "t,", 2), "CSV --all without header: 81 rows");
	free(out);
}

static void test_prometheus(void)
{
	static struct sample s;
	char *out = NULL;

	vmx_sample(&s);
	CAPTURE(out, sample__print_prometheus(&s, f));
	ok(pipe_to("python3 -c '\n"
		   "import re, sys\n"
		   "metric = re.compile(r\"^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\\\"[^\\\"]*\\\""
		   "(,[a-zA-Z_][a-zA-Z0-9_]*=\\\"[^\\\"]*\\\")*\\})? [0-9]+$\")\n"
		   "typed = set()\n"
		   "for l in sys.stdin.read().splitlines():\n"
		   "    if l.startswith(\"# TYPE \"):\n"
		   "        typed.add(l.split()[2]); continue\n"
		   "    if l.startswith(\"# HELP \"): continue\n"
		   "    if not metric.match(l) or l.split(\"{\")[0].split()[0] not in typed:\n"
		   "        print(\"# bad line:\", l); sys.exit(1)\n'", out) == 0,
	   "Prometheus: every line is HELP, TYPE or a metric of a declared family, name{labels} value");
	ok(strstr(out, "kvm_exit_stats_reason_exits_total{reason=\"48\",name=\"EPT_VIOLATION\"} 500\n") &&
	   strstr(out, "kvm_exit_stats_reason_cycles_total{reason=\"0\",name=\"EXCEPTION_NMI\"} 500000\n") &&
	   strstr(out, "# TYPE kvm_exit_stats_reason_exits_total counter\n") &&
	   strstr(out, "kvm_exit_stats_exits_total{isa=\"vmx\"} 1000\n"),
	   "Prometheus: counters with labels reason=\"N\" and name=\"...\", and the totals");
	ok(count_lines(out) == 4 * 2 + 2 + 81 * 2, "Prometheus: 4 families, every defined reason in each");
	free(out);
}

static void test_referee(void)
{
	static struct sample s;
	char *out = NULL;

	vmx_sample(&s);
	CAPTURE(out, sample__print_referee(&s, f));
	ok(!strncmp(out, "snapshot total 1000\nreason 0 125 after 1\nreason 1 125 after 3\n", 62) &&
	   strstr(out, "\nreason 10 250 after 21\n") && count_lines(out) == 82,
	   "referee lines: snapshot total, then reason R N after K (K = 2i+1 with the cycles leaf)");
	free(out);
	s.has_cycles = 0;
	CAPTURE(out, sample__print_referee(&s, f));
	ok(strstr(out, "\nreason 10 250 after 11\n") != NULL, "referee lines without the cycles leaf: K = i+1");
	free(out);
}

static void test_sort(void)
{
	static struct sample s, before, d;
	unsigned int i;
	int sorted = 1;

	vmx_sample(&before);
	before.t = 10;
	vmx_sample(&s);
	s.t = 12;
	set(&s, 1, 125 + 40, 0);	/* 20/s */
	set(&s, 12, 10, 0);		/* 5/s */
	set(&s, 48, 500 + 10, 0);	/* 5/s */
	set(&s, 10, 250 + 2 + 100, 0);	/* 100 of them our own queries */
	s.queries = 100;
	s.total = 1000 + 40 + 10 + 10 + 102;
	sample__delta(&d, &s, &before);
	sample__sort_by_rate(&d);
	for (i = 1; i < d.n; i++)
		if (d.r[i - 1].count < d.r[i].count ||
		    (d.r[i - 1].count == d.r[i].count && d.r[i - 1].code > d.r[i].code))
			sorted = 0;
	ok(sorted, "sort by rate: descending exits, ties by reason");
	ok(d.r[0].code == 1 && d.r[1].code == 12 && d.r[2].code == 48 && d.r[3].code == 10 &&
	   d.r[3].count == 2 && d.total == 62 && d.interval == 2,
	   "delta: 1 (40), 12 (10), 48 (10), CPUID (102 - 100 own = 2); total 62 over 2 s");
	sample__init(&d, SAMPLE_ISA_VMX);
	sample__sort_by_rate(&d);
	ok(d.r[0].code == 0 && d.r[80].code == 85, "sort of an all-zero sample keeps reason order");
}

static void test_binary(const char *exitstat);

struct opt_case {
	const char *args[8];
	int ret;
	const char *msg;	/* substring of the error, or NULL */
};

static void test_options(const char *exitstat)
{
	static const struct opt_case cases[] = {
		{ { "--frob" }, -1, "unknown option '--frob'" },
		{ { "--watch" }, -1, "--watch needs a value" },
		{ { "--watch", "0" }, -1, "not a number of seconds" },
		{ { "--watch", "abc" }, -1, "not a number of seconds" },
		{ { "--watch", "-1" }, -1, "not a number of seconds" },
		{ { "--count", "3" }, -1, "--count needs --watch" },
		{ { "--watch", "1", "--count", "0" }, -1, "not a positive integer" },
		{ { "--watch", "1", "--count", "x" }, -1, "not a positive integer" },
		{ { "--json", "--csv" }, -1, "choose one of" },
		{ { "--prometheus", "--watch", "1" }, -1, "cumulative" },
		{ { "--prometheus", "--", "true" }, -1, "cumulative" },
		{ { "--referee", "--watch", "1" }, -1, "cumulative" },
		{ { "--referee", "--json" }, -1, "choose one of" },
		{ { "--reason" }, -1, "--reason needs a value" },
		{ { "--reason", "0x100000000" }, -1, "is neither a 32-bit number" },
		{ { "--reason", "12", "--json" }, -1, "takes no other option" },
		{ { "--" }, -1, "needs a command" },
		{ { "--json=1" }, -1, "takes no value" },
		{ { "--watch", "1", "--", "ls" }, -1, "exclude each other" },
		{ { "--json", "--all", "--mark" }, 0, NULL },
		{ { "--watch=0.5", "--count=3", "--csv" }, 0, NULL },
		{ { "--reason", "0xffffffff" }, 0, NULL },
		{ { "--json", "--", "sh", "-c", "--frob" }, 0, NULL },
		{ { "--help" }, 0, NULL },
		{ { "--reason", "99999999999" }, -1, "--reason: '99999999999' is neither a 32-bit number" },
		{ { "--reason", "-1" }, -1, "--reason: '-1' is neither a 32-bit number" },
		{ { "--reason", "abc" }, -1, "--reason: 'abc' is neither a 32-bit number" },
		{ { "--reason", "12x" }, -1, "--reason: '12x' is neither a 32-bit number" },
		{ { "--watch", "1", "--count", "-3" }, -1, "--count: '-3' is not a positive integer" },
		{ { "--watch", " 1" }, -1, "not a number of seconds" },
		{ { "--watch", "inf" }, -1, "not a number of seconds" },
		{ { "--watch", "0x1p1" }, -1, "not a number of seconds" },
		{ { "--watch", "86401" }, -1, "not a number of seconds" },
		{ { "--c" }, -1, "ambiguous option '--c'" },
		{ { "-x" }, -1, "unknown option '-x'" },
		{ { "json" }, -1, "unexpected argument 'json' (a command goes after '--')" },
		{ { "--help", "--reason", "abc" }, -1, "is neither a 32-bit number" },
		{ { "--reason", "EPT_Violation" }, 0, NULL },
		{ { "--reason", "EPT_VIOLATION_" }, -1, "nor an exit reason's name" },
		{ { "--version" }, 0, NULL },
		{ { "--json", "--csv", "--help" }, 0, NULL },
		{ { "--json", "--json" }, 0, NULL },
		{ { "--pro", "--al" }, 0, NULL },
	};
	char *argv[10], err[160], what[256];
	struct options o;
	unsigned int i, j;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[0] = "exitstat";
		for (j = 0; cases[i].args[j]; j++)
			argv[j + 1] = (char *)cases[i].args[j];
		argv[j + 1] = NULL;
		err[0] = 0;
		r = options__parse(&o, j + 1, argv, err, sizeof(err));
		snprintf(what, sizeof(what), "options: %s%s%s -> %s%s", cases[i].args[0],
			 cases[i].args[1] ? " " : "", cases[i].args[1] ? cases[i].args[1] : "",
			 r ? "error: " : "ok", r ? err : "");
		ok(r == cases[i].ret && (!cases[i].msg || strstr(err, cases[i].msg)), what);
	}
	argv[1] = "--watch=0.5";
	argv[2] = "--count=3";
	argv[3] = "--csv";
	options__parse(&o, 4, argv, err, sizeof(err));
	ok(o.watch == 0.5 && o.count == 3 && o.fmt == FMT_CSV, "options: --watch=0.5 --count=3 --csv parsed");
	argv[1] = "--json";
	argv[2] = "--";
	argv[3] = "sh";
	argv[4] = "-c";
	argv[5] = "--frob";
	argv[6] = NULL;
	options__parse(&o, 6, argv, err, sizeof(err));
	ok(o.cmd == &argv[3] && o.fmt == FMT_JSON, "options: what follows -- is the command, untouched");

	argv[1] = "--reason";
	argv[2] = "010";
	options__parse(&o, 3, argv, err, sizeof(err));
	ok(o.reason_set && o.reason.code == 10 && !o.reason.name,
	   "options: --reason 010 is decimal 10, not octal");
	argv[2] = "npf";
	options__parse(&o, 3, argv, err, sizeof(err));
	ok(o.reason_set && !guest_cli_reason_code(&o.reason, SAMPLE_ISA_SVM, err, sizeof(err)) &&
	   o.reason.code == 0x400, "options: --reason npf is SVM's 0x400");
	ok(guest_cli_reason_code(&o.reason, SAMPLE_ISA_VMX, err, sizeof(err)) &&
	   strstr(err, "'npf' is not an exit reason of VMX"), "options: --reason npf on VMX: an error");
	argv[2] = "ept_violation";
	options__parse(&o, 3, argv, err, sizeof(err));
	ok(!guest_cli_reason_code(&o.reason, SAMPLE_ISA_VMX, err, sizeof(err)) && o.reason.code == 48,
	   "options: --reason ept_violation is VMX's 48");

	if (exitstat)
		test_binary(exitstat);
}

/* The binary: messages and exit statuses as cpuid_exits' and cpuid_reasons'. */
static void test_binary(const char *exitstat)
{
#define STOCK "exitstat: no KVM exit statistics here: CPUID 0x4FFFFFFC does not answer the\n"
	static const struct cli_case cases[] = {
		{ .args = { "--help" }, .status = 0,
		  .out = { "Usage: exitstat [--json | --csv | --prometheus | --referee]",
			   "\nOptions:\n", "\nExit status:\n", "\nExamples:\n" } },
		{ .args = { "--watch", "0" }, .status = 2,
		  .err = { "exitstat: --watch: '0' is not a number of seconds above 0",
			   "\nTry 'exitstat --help' for more information.\n" } },
		{ .args = { "--reason", "99999999999" }, .status = 2,
		  .err = { "exitstat: --reason: '99999999999' is neither a 32-bit number "
			   "(0 to 4294967295, decimal or 0x hex) nor an exit reason's name "
			   "(as EPT_VIOLATION, NPF)\n" } },
		{ .args = { "--version" }, .status = 0,
		  .out = { "exitstat (Custom Linux) 1.1, for the KVM exit-stats guest ABI version 1\n" } },
		{ .args = { "--bogus" }, .status = 2, .err = { "exitstat: unknown option '--bogus'\n" } },
		{ .args = { NULL }, .status = 1, .stock = 1,
		  .err = { STOCK, "Run exitstat in a guest of KVM built from assignment4/kvm.diff.\n" } },
		{ .args = { "--json" }, .status = 1, .stock = 1, .err = { STOCK } },
		{ .args = { "--reason", "10" }, .status = 1, .stock = 1, .err = { STOCK } },
		/* no statistics to take: CMD is not started, and 125 says so */
		{ .args = { "--", "sh", "-c", "echo ran" }, .status = 125, .stock = 1,
		  .err = { STOCK, "exitstat: sh not started\n" } },
	};
#undef STOCK
	static struct cli_result r;
	int patched = kvm_exit_stats_present(NULL);
	char what[512];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].stock && patched) {
			ok(1, "# SKIP the KVM below answers the signature");
			continue;
		}
		cli_run(exitstat, cases[i].args, &r);
		ok(cli_expect("exitstat", &cases[i], &r, what, sizeof(what)), what);
	}
}

int main(int argc, char **argv)
{
	printf("TAP version 13\n");
	test_init();
	test_math();
	test_table();
	test_json();
	test_csv();
	test_prometheus();
	test_referee();
	test_sort();
	test_options(argc > 1 ? argv[1] : NULL);
	printf("1..%d\n%d passed, %d failed\n", ntests, ntests - nfailed, nfailed);
	return nfailed ? 1 : 0;
}
