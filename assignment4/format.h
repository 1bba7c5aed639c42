/* SPDX-License-Identifier: GPL-2.0 */
/*
 * format.h - exitstat's samples, their arithmetic, their formats and its
 * options.  Nothing here executes CPUID: exitstat.c fills the samples from
 * the KVM below, tests/unit.c fills them by hand.
 */
#ifndef EXITSTAT_FORMAT_H
#define EXITSTAT_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "../common/guest_cli.h"

#define SAMPLE_MAX_REASONS	192

enum sample_isa {
	SAMPLE_ISA_VMX = 1,	/* = KVM_EXIT_STATS_ISA_VMX */
	SAMPLE_ISA_SVM = 2,	/* = KVM_EXIT_STATS_ISA_SVM */
};

enum sample_fmt {
	FMT_TABLE,
	FMT_JSON,
	FMT_CSV,
	FMT_PROMETHEUS,
	FMT_REFEREE,	/* the lines common/lab/guest/exits-referee checks */
};

/* One defined exit reason: its code as the guest passes it in ECX. */
struct reason_stat {
	unsigned int code;
	const char *name;
	unsigned long long count;
	unsigned long long cycles;
};

/*
 * Either what KVM answered at one moment (interval == 0), or the
 * difference of two such samples (interval > 0, the seconds between them).
 */
struct sample {
	unsigned int isa;
	int has_cycles;		/* KVM answers 0x4FFFFFFD */
	double t;		/* CLOCK_BOOTTIME seconds when it was taken */
	double interval;
	unsigned long long total;
	unsigned long long cycles;
	unsigned int queries;	/* CPUIDs the sampling itself executed */
	unsigned int own;	/* a delta: CPUID exits of our own queries removed */
	unsigned int n;
	struct reason_stat r[SAMPLE_MAX_REASONS];
};

/* Fills s->r with every reason the architecture defines, counts zero. */
int sample__init(struct sample *s, unsigned int isa);
/* The CPUID exit reason of the sample's ISA. */
unsigned int sample__cpuid_code(const struct sample *s);
/*
 * d = now - before, reason by reason (both from sample__init with the same
 * ISA, in the same order).  The CPUID exits of now's own queries (which
 * land between the two) are taken out of CPUID and of the total.
 */
void sample__delta(struct sample *d, const struct sample *now,
		   const struct sample *before);
/* Most exits first (in a delta: the highest rate), ties by code. */
void sample__sort_by_rate(struct sample *s);
double sample__share(const struct sample *s, const struct reason_stat *r);
double reason__cycles_per_exit(const struct reason_stat *r);

void sample__print_table(const struct sample *s, int all, FILE *f);
void sample__print_json(const struct sample *s, int all, FILE *f);
void sample__print_csv(const struct sample *s, int all, int header, FILE *f);
void sample__print_prometheus(const struct sample *s, FILE *f);
void sample__print_referee(const struct sample *s, FILE *f);
void sample__print(const struct sample *s, enum sample_fmt fmt, int all,
		   int first, FILE *f);

struct options {
	enum sample_fmt fmt;
	int all;
	int mark;		/* the first query carries the trace mark */
	int help;		/* 1: --help, 2: --version */
	double watch;		/* seconds between samples, 0: one sample */
	long count;		/* --count: samples to show in --watch, 0: no end */
	int reason_set;
	struct guest_cli_reason reason;	/* a name resolves on the ISA below */
	char **cmd;		/* after "--", NULL-terminated, or NULL */
};

/*
 * 0, or -1 with a one-line message in err.  getopt_long() underneath:
 * optind is reset, so it may parse several argvs in one process.
 */
int options__parse(struct options *o, int argc, char **argv, char *err,
		   size_t errlen);
void options__usage(FILE *f);

#endif /* EXITSTAT_FORMAT_H */
