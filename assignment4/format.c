// SPDX-License-Identifier: GPL-2.0
/*
 * format.c - exitstat's samples and their formats: table, JSON, CSV and
 * Prometheus text exposition (node_exporter's textfile collector), plus
 * option parsing.  No CPUID here, so that tests/unit.c can run it anywhere.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

int sample__init(struct sample *s, unsigned int isa)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->isa = isa;
	if (isa == SAMPLE_ISA_SVM) {
		for (i = 0; i < SVM_EXIT_CODE_COUNT && s->n < SAMPLE_MAX_REASONS; i++) {
			s->r[s->n].code = (unsigned int)svm_exit_code_table[i].code;
			s->r[s->n++].name = svm_exit_code_table[i].name;
		}
		return 0;
	}
	if (isa != SAMPLE_ISA_VMX)
		return -1;
	for (i = 0; i <= VMX_EXIT_REASON_MAX && s->n < SAMPLE_MAX_REASONS; i++) {
		if (!vmx_exit_reason_defined(i))
			continue;
		s->r[s->n].code = i;
		s->r[s->n++].name = vmx_exit_reason_name(i);
	}
	return 0;
}

unsigned int sample__cpuid_code(const struct sample *s)
{
	return s->isa == SAMPLE_ISA_SVM ? 0x72 : 10;
}

static unsigned long long sub(unsigned long long a, unsigned long long b)
{
	return a > b ? a - b : 0;
}

void sample__delta(struct sample *d, const struct sample *now,
		   const struct sample *before)
{
	unsigned int i, cpuid = sample__cpuid_code(now);

	*d = *now;
	d->interval = now->t - before->t;
	if (d->interval <= 0)
		d->interval = 1e-9;
	d->total = sub(now->total, before->total);
	d->cycles = sub(now->cycles, before->cycles);
	for (i = 0; i < d->n && i < before->n; i++) {
		d->r[i].count = sub(now->r[i].count, before->r[i].count);
		d->r[i].cycles = sub(now->r[i].cycles, before->r[i].cycles);
	}
	/*
	 * Between two samples lie exactly now->queries CPUID exits of the
	 * sampling itself (the queries after "before" read a counter, up to
	 * the one of "now" that reads it), for the total as for CPUID.
	 */
	d->own = now->queries;
	d->total = sub(d->total, now->queries);
	for (i = 0; i < d->n; i++)
		if (d->r[i].code == cpuid)
			d->r[i].count = sub(d->r[i].count, now->queries);
}

static int reason__cmp_rate(const void *a, const void *b)
{
	const struct reason_stat *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->code < y->code ? -1 : x->code > y->code;
}

void sample__sort_by_rate(struct sample *s)
{
	qsort(s->r, s->n, sizeof(s->r[0]), reason__cmp_rate);
}

double sample__share(const struct sample *s, const struct reason_stat *r)
{
	return s->total ? 100.0 * (double)r->count / (double)s->total : 0.0;
}

double reason__cycles_per_exit(const struct reason_stat *r)
{
	return r->count ? (double)r->cycles / (double)r->count : 0.0;
}

static const char *isa__name(unsigned int isa)
{
	return isa == SAMPLE_ISA_SVM ? "svm" : "vmx";
}

static int reason__shown(const struct reason_stat *r, int all)
{
	return all || r->count || r->cycles;
}

/*
 * n in buf with ',' between thousands, as the project's documents print
 * numbers; with tenths when tenths is set (n is then in tenths).
 */
static const char *thousands(char *buf, size_t len, unsigned long long n, int tenths)
{
	char digits[32];
	unsigned long long whole = tenths ? n / 10 : n;
	size_t nd, i, o = 0;

	nd = (size_t)snprintf(digits, sizeof(digits), "%llu", whole);
	for (i = 0; i < nd && o + 2 < len; i++) {
		if (i && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (tenths && o + 3 < len) {
		buf[o++] = '.';
		buf[o++] = (char)('0' + n % 10);
	}
	buf[o] = '\0';
	return buf;
}

void sample__print_table(const struct sample *s, int all, FILE *f)
{
	const struct reason_stat *r;
	char code[16], a[32], b[32], c[32];
	unsigned int i;

	if (s->interval > 0)
		fprintf(f, "KVM exits (%s), last %.2f s: %s exits (%.1f/s), %s cycles",
			isa__name(s->isa), s->interval, thousands(a, sizeof(a), s->total, 0),
			(double)s->total / s->interval, thousands(b, sizeof(b), s->cycles, 0));
	else
		fprintf(f, "KVM exits (%s) at %.2f s: %s exits, %s cycles",
			isa__name(s->isa), s->t, thousands(a, sizeof(a), s->total, 0),
			thousands(b, sizeof(b), s->cycles, 0));
	if (s->own)
		fprintf(f, " (%u CPUID exits of exitstat's own queries left out)", s->own);
	fprintf(f, "\n%-10s %-24s %12s %7s %16s %12s", "reason", "name", "exits",
		"share", "cycles", "cycles/exit");
	if (s->interval > 0)
		fprintf(f, " %10s", "exits/s");
	fputc('\n', f);
	for (i = 0; i < s->n; i++) {
		r = &s->r[i];
		if (!reason__shown(r, all))
			continue;
		snprintf(code, sizeof(code), s->isa == SAMPLE_ISA_SVM ? "%#x" : "%u", r->code);
		fprintf(f, "%-10s %-24s %12s %6.2f%%", code, r->name,
			thousands(a, sizeof(a), r->count, 0), sample__share(s, r));
		if (!s->has_cycles)
			fprintf(f, " %16s %12s", "-", "-");
		else if (r->count)
			fprintf(f, " %16s %12s", thousands(b, sizeof(b), r->cycles, 0),
				thousands(c, sizeof(c),
					  (unsigned long long)(reason__cycles_per_exit(r) * 10 + 0.5), 1));
		else
			fprintf(f, " %16s %12s", thousands(b, sizeof(b), r->cycles, 0), "-");
		if (s->interval > 0)
			fprintf(f, " %10.1f", (double)r->count / s->interval);
		fputc('\n', f);
	}
}

/* Reason names are [A-Z0-9_]: no JSON or CSV escaping is needed. */
void sample__print_json(const struct sample *s, int all, FILE *f)
{
	const struct reason_stat *r;
	const char *sep = "";
	unsigned int i;

	fprintf(f, "{\"isa\":\"%s\",\"t\":%.3f,", isa__name(s->isa), s->t);
	if (s->interval > 0)
		fprintf(f, "\"interval\":%.3f,\"own_queries\":%u,", s->interval, s->own);
	fprintf(f, "\"total\":%llu,\"cycles\":%llu,\"reason_cycles\":%s,\"counts\":{",
		s->total, s->cycles, s->has_cycles ? "true" : "false");
	for (i = 0; i < s->n; i++, sep = ",")
		fprintf(f, "%s\"%u\":%llu", sep, s->r[i].code, s->r[i].count);
	fputs("},\"cycles_by_reason\":{", f);
	for (sep = "", i = 0; i < s->n; i++, sep = ",")
		fprintf(f, "%s\"%u\":%llu", sep, s->r[i].code, s->r[i].cycles);
	fputs("},\"reasons\":[", f);
	for (sep = "", i = 0; i < s->n; i++) {
		r = &s->r[i];
		if (!reason__shown(r, all))
			continue;
		fprintf(f, "%s{\"reason\":%u,\"name\":\"%s\",\"count\":%llu,\"cycles\":%llu,"
			"\"share\":%.4f,\"cycles_per_exit\":%.1f}", sep, r->code, r->name,
			r->count, r->cycles, sample__share(s, r), reason__cycles_per_exit(r));
		sep = ",";
	}
	fputs("]}\n", f);
}

void sample__print_csv(const struct sample *s, int all, int header, FILE *f)
{
	const struct reason_stat *r;
	unsigned int i;

	if (header)
		fputs("t,reason,name,count,cycles,share,cycles_per_exit\n", f);
	for (i = 0; i < s->n; i++) {
		r = &s->r[i];
		if (!reason__shown(r, all))
			continue;
		fprintf(f, "%.3f,%u,%s,%llu,%llu,%.4f,%.1f\n", s->t, r->code, r->name,
			r->count, r->cycles, sample__share(s, r), reason__cycles_per_exit(r));
	}
}

static void prom__family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

void sample__print_prometheus(const struct sample *s, FILE *f)
{
	unsigned int i;

	prom__family(f, "kvm_exit_stats_exits_total",
		     "VM exits of this VM (CPUID 0x4FFFFFFF).");
	fprintf(f, "kvm_exit_stats_exits_total{isa=\"%s\"} %llu\n", isa__name(s->isa), s->total);
	prom__family(f, "kvm_exit_stats_cycles_total",
		     "TSC cycles KVM spent handling this VM's exits (CPUID 0x4FFFFFFF).");
	fprintf(f, "kvm_exit_stats_cycles_total{isa=\"%s\"} %llu\n", isa__name(s->isa), s->cycles);
	prom__family(f, "kvm_exit_stats_reason_exits_total",
		     "VM exits of this VM by exit reason (CPUID 0x4FFFFFFE).");
	for (i = 0; i < s->n; i++)
		fprintf(f, "kvm_exit_stats_reason_exits_total{reason=\"%u\",name=\"%s\"} %llu\n",
			s->r[i].code, s->r[i].name, s->r[i].count);
	if (!s->has_cycles)
		return;
	prom__family(f, "kvm_exit_stats_reason_cycles_total",
		     "TSC cycles KVM spent handling this VM's exits by exit reason (CPUID 0x4FFFFFFD).");
	for (i = 0; i < s->n; i++)
		fprintf(f, "kvm_exit_stats_reason_cycles_total{reason=\"%u\",name=\"%s\"} %llu\n",
			s->r[i].code, s->r[i].name, s->r[i].cycles);
}

/*
 * For exits-referee, of a sample read with the trace mark: the marked total,
 * then each reason with the CPUID exits the sampling made after the mark up
 * to and including that reason's count query (one count query per reason,
 * plus one cycles query each when KVM answers 0x4FFFFFFD).
 */
void sample__print_referee(const struct sample *s, FILE *f)
{
	unsigned int i, per = s->has_cycles ? 2 : 1;

	fprintf(f, "snapshot total %llu\n", s->total);
	for (i = 0; i < s->n; i++)
		fprintf(f, "reason %u %llu after %u\n", s->r[i].code, s->r[i].count, per * i + 1);
}

void sample__print(const struct sample *s, enum sample_fmt fmt, int all,
		   int first, FILE *f)
{
	switch (fmt) {
	case FMT_JSON:
		sample__print_json(s, all, f);
		break;
	case FMT_CSV:
		sample__print_csv(s, all, first, f);
		break;
	case FMT_PROMETHEUS:
		sample__print_prometheus(s, f);
		break;
	case FMT_REFEREE:
		sample__print_referee(s, f);
		break;
	default:
		if (!first)
			fputc('\n', f);
		sample__print_table(s, all, f);
		break;
	}
	fflush(f);
}

void options__usage(FILE *f)
{
	fputs("Usage: exitstat [--json | --csv | --prometheus | --referee] [--all] [--mark]\n"
	      "       exitstat [--json | --csv] [--all] --watch SECONDS [--count N]\n"
	      "       exitstat [--json | --csv] [--all] -- CMD [ARGS...]\n"
	      "       exitstat --reason N\n"
	      "       exitstat --version\n"
	      "\n"
	      "VM exits of this virtual machine, as the KVM below counts them (CPUID\n"
	      "0x4FFFFFFF, 0x4FFFFFFE and 0x4FFFFFFD of assignment4/kvm.diff), for every\n"
	      "exit reason the architecture defines: exits, share of all exits, the TSC\n"
	      "cycles KVM spent on them and cycles per exit.  In --watch and CMD modes\n"
	      "the CPUID exits of exitstat's own queries are left out.\n"
	      "\n"
	      "Options:\n"
	      "  --json            one JSON object per sample, on one line\n"
	      "  --csv             t,reason,name,count,cycles,share,cycles_per_exit\n"
	      "  --prometheus      node_exporter textfile-collector format (counters)\n"
	      "  --referee         the marked sample as common/lab/guest/exits-referee reads it\n"
	      "  --all             also the reasons with no exits\n"
	      "  --mark            the first query carries the trace mark (L1's tracer stops there)\n"
	      "  --watch SECONDS   every SECONDS (above 0, at most 86400) the exits of the\n"
	      "                    interval, most first\n"
	      "  --count N         with --watch: stop after N intervals\n"
	      "  -- CMD [ARGS]     run CMD, then show the exits that happened meanwhile\n"
	      "  --reason N        the raw registers of CPUID 0x4FFFFFFE/0x4FFFFFFD for N\n"
	      "                    (0 to 4294967295, decimal or 0x hex, or a reason's name\n"
	      "                    as the table prints it, e.g. EPT_VIOLATION, in any case)\n"
	      "  -h, --help        this text\n"
	      "  --version         the tools' release and the guest ABI version they speak\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  no KVM exit statistics here (CPUID 0x4FFFFFFC without the signature:\n"
	      "     stock KVM, another hypervisor, bare metal; the message says which), or\n"
	      "     a KVM without exits per reason (assignment 2's)\n"
	      "  2  bad option, or --reason names an exit reason of the other ISA\n"
	      "  with -- CMD: CMD's status (128 + N when signal N killed it, 127 when it\n"
	      "  could not be run), or 125 when there are no statistics to take: then\n"
	      "  exitstat says why and CMD is not started\n"
	      "\n"
	      "Examples:\n"
	      "  exitstat                          the reasons with exits since the VM started\n"
	      "  exitstat --watch 1 --count 10     top-like: the busiest reasons, each second\n"
	      "  exitstat -- dd if=/dev/zero of=/dev/null bs=1M count=100\n"
	      "  exitstat --prometheus >/var/lib/prometheus/node-exporter/kvm_exits.prom\n"
	      "  exitstat --reason ept_violation   EPT violations (VMX: 48), raw registers\n", f);
}

static int parse_seconds(const char *s, double *v)
{
	char *end;

	/* strtod() would take " 1", "inf", "nan" and hex floats ("0x1p3"). */
	if ((!isdigit((unsigned char)*s) && *s != '.') || strpbrk(s, "xX"))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return *end || errno || !(*v > 0) || *v > 86400.0 ? -1 : 0;
}

/* Counts the distinct formats asked for: naming one twice is no conflict. */
static void options__set_fmt(struct options *o, enum sample_fmt fmt, int *nfmt)
{
	*nfmt += !*nfmt || o->fmt != fmt;
	o->fmt = fmt;
}

int options__parse(struct options *o, int argc, char **argv, char *err,
		   size_t errlen)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "referee", no_argument, NULL, 'R' },
		{ "all", no_argument, NULL, 'a' },
		{ "mark", no_argument, NULL, 'm' },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long long v = 0;
	int opt, nfmt = 0;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((opt = guest_cli_getopt(argc, argv, "+:h", opts, err, errlen)) != -1) {
		switch (opt) {
		case 'j':
			options__set_fmt(o, FMT_JSON, &nfmt);
			break;
		case 'c':
			options__set_fmt(o, FMT_CSV, &nfmt);
			break;
		case 'p':
			options__set_fmt(o, FMT_PROMETHEUS, &nfmt);
			break;
		case 'R':
			options__set_fmt(o, FMT_REFEREE, &nfmt);
			o->mark = 1;
			break;
		case 'a':
			o->all = 1;
			break;
		case 'm':
			o->mark = 1;
			break;
		case 'w':
			if (parse_seconds(optarg, &o->watch))
				return guest_cli_fail(err, errlen,
						      "--watch: '%s' is not a number of seconds above 0 and at most 86400",
						      optarg);
			break;
		case 'n':
			if (guest_cli_number("--count", optarg, 1, 1000000000,
					     "a positive integer (at most 1000000000)",
					     &v, err, errlen))
				return -1;
			o->count = (long)v;
			break;
		case 'r':
			if (guest_cli_reason_parse(optarg, &o->reason, err, errlen))
				return -1;
			o->reason_set = 1;
			break;
		case 'h':
			o->help = 1;
			break;
		case 'V':
			o->help = o->help ? o->help : 2;
			break;
		default:
			return -1;
		}
	}
	/* getopt_long() stepped over a "--"; what follows it is CMD, untouched. */
	if (optind > 1 && !strcmp(argv[optind - 1], "--")) {
		if (optind >= argc)
			return guest_cli_fail(err, errlen, "'--' needs a command to run");
		o->cmd = &argv[optind];
	} else if (optind < argc) {
		return guest_cli_fail(err, errlen,
				      "unexpected argument '%s' (a command goes after '--')",
				      argv[optind]);
	}
	if (o->help)
		return 0;
	if (nfmt > 1)
		return guest_cli_fail(err, errlen,
				      "choose one of --json, --csv, --prometheus and --referee");
	if (o->count && !(o->watch > 0))
		return guest_cli_fail(err, errlen, "--count needs --watch");
	if (o->watch > 0 && o->cmd)
		return guest_cli_fail(err, errlen, "--watch and a command exclude each other");
	if ((o->fmt == FMT_PROMETHEUS || o->fmt == FMT_REFEREE) && (o->watch > 0 || o->cmd))
		return guest_cli_fail(err, errlen,
				      "%s writes cumulative counters: not with --watch or a command",
				      o->fmt == FMT_PROMETHEUS ? "--prometheus" : "--referee");
	if (o->reason_set && (nfmt || o->watch > 0 || o->cmd || o->all || o->mark))
		return guest_cli_fail(err, errlen, "--reason takes no other option");
	return 0;
}
