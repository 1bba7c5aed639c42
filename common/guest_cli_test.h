/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_cli_test.h - for the assignments' tests/unit.c: run a guest program
 * as a child and hold its exit status, stdout and stderr against what
 * common/guest_cli.h promises, as TAP lines (cli_ok(), cli_cases(),
 * cli_done()).
 */
#ifndef GUEST_CLI_TEST_H
#define GUEST_CLI_TEST_H

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static int cli_ntests, cli_nfailed;

static inline void cli_ok(int cond, const char *what)
{
	cli_ntests++;
	cli_nfailed += !cond;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", cli_ntests, what);
}

struct cli_case {
	const char *args[6];	/* argv[1..], NULL-terminated */
	int status;
	const char *out[4];	/* substrings stdout must have, NULL-terminated */
	const char *err[4];	/* substrings stderr must have */
	int stock;		/* the host must lack the signature: a refusal */
};

struct cli_result {
	int status;		/* -1: not run, or killed by a signal */
	char out[16384], err[16384];
};

static inline void cli_slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Files rather than pipes: no poll loop, and no deadlock on a long --help. */
static inline void cli_run(const char *bin, const char *const *args,
			   struct cli_result *r)
{
	char *argv[8];
	FILE *out = tmpfile(), *err = tmpfile();
	unsigned int i;
	pid_t pid;
	int st;

	r->status = -1;
	r->out[0] = '\0';
	r->err[0] = '\0';
	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	argv[0] = (char *)bin;
	for (i = 0; i < 6 && args[i]; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(bin, argv);
		_exit(126);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	cli_slurp(out, r->out, sizeof(r->out));
	cli_slurp(err, r->err, sizeof(r->err));
}

/* Appends s, a newline as \n: a TAP description is one line. */
static inline void cli_cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	for (; *s && n + 3 < len; s++) {
		if (*s == '\n')
			buf[n++] = '\\';
		buf[n++] = *s == '\n' ? 'n' : *s;
	}
	buf[n] = '\0';
}

/*
 * Whether r is what c wants; a TAP description of the case in what.  On
 * top of the substrings: a failure prints nothing on stdout (no table, no
 * TAP of --check: a refusal, not a run), a success and a skip (status 4:
 * --check's TAP skip) nothing on stderr.
 */
static inline int cli_expect(const char *prog, const struct cli_case *c,
			     const struct cli_result *r, char *what, size_t len)
{
	int good = r->status == c->status, quiet_out;
	char num[64];
	unsigned int i;

	snprintf(what, len, "%s", prog);
	for (i = 0; c->args[i]; i++) {
		cli_cat(what, len, " ");
		cli_cat(what, len, *c->args[i] ? c->args[i] : "''");
	}
	snprintf(num, sizeof(num), ": exit %d", c->status);
	cli_cat(what, len, num);
	if (r->status != c->status) {
		snprintf(num, sizeof(num), " (got %d)", r->status);
		cli_cat(what, len, num);
	}
	for (i = 0; c->out[i]; i++) {
		good &= !!strstr(r->out, c->out[i]);
		cli_cat(what, len, i ? ", '" : ", stdout '");
		cli_cat(what, len, c->out[i]);
		cli_cat(what, len, "'");
	}
	for (i = 0; c->err[i]; i++) {
		good &= !!strstr(r->err, c->err[i]);
		cli_cat(what, len, i ? ", '" : ", stderr '");
		cli_cat(what, len, c->err[i]);
		cli_cat(what, len, "'");
	}
	/* A failure speaks on stderr alone; success and a skip (4: TAP) on stdout. */
	quiet_out = c->status && c->status != 4;
	good &= quiet_out ? !*r->out : !*r->err;
	cli_cat(what, len, quiet_out ? ", nothing on stdout" : ", nothing on stderr");
	return good;
}

/* After a "not ok": what the program wrote, as TAP comments. */
static inline void cli_diag(const struct cli_result *r)
{
	char line[512];

	line[0] = '\0';
	cli_cat(line, sizeof(line), r->out);
	printf("# stdout: %s\n", line);
	line[0] = '\0';
	cli_cat(line, sizeof(line), r->err);
	printf("# stderr: %s\n", line);
}

/*
 * Each case as one TAP line.  patched: the KVM below answers the signature,
 * so the refusals cannot happen and are skipped.
 */
static inline void cli_cases(const char *prog, const char *bin,
			     const struct cli_case *cases, unsigned int n,
			     int patched)
{
	static struct cli_result r;
	char what[512];
	unsigned int i;
	int good;

	for (i = 0; i < n; i++) {
		if (cases[i].stock && patched) {
			printf("ok %d - # SKIP the KVM below answers the signature\n",
			       ++cli_ntests);
			continue;
		}
		cli_run(bin, cases[i].args, &r);
		good = cli_expect(prog, &cases[i], &r, what, sizeof(what));
		cli_ok(good, what);
		if (!good)
			cli_diag(&r);
	}
}

/* The plan and the summary line; the exit status of the unit test. */
static inline int cli_done(void)
{
	printf("1..%d\n%d passed, %d failed\n", cli_ntests, cli_ntests - cli_nfailed,
	       cli_nfailed);
	return cli_nfailed ? 1 : 0;
}

#endif /* GUEST_CLI_TEST_H */
