// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat: the VM exits of this virtual machine by exit reason, with the
 * cycles KVM spent on them, as assignment4/kvm.diff's CPUID leaves answer
 * (0x4FFFFFFF total, 0x4FFFFFFE exits of a reason, 0x4FFFFFFD cycles of a
 * reason, 0x4FFFFFFC signature and flags).  Runs in the guest; static.
 * Sampling is here, formatting and options in format.c.  See --help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format.h"

static double clock__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long regs__u64(unsigned int hi, unsigned int lo)
{
	return (unsigned long long)hi << 32 | lo;
}

/*
 * One sample: the total first (with the trace mark if asked, so that L1's
 * histogram stops at exactly the exits this total counts), then every
 * defined reason.
 */
static void sample__read(struct sample *s, int mark)
{
	struct kvm_exit_stats_regs q;
	unsigned int i;

	q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, mark ? KVM_EXIT_STATS_TRACE_MARK : 0);
	s->t = clock__now();
	s->total = regs__u64(q.edx, q.eax);
	s->cycles = regs__u64(q.ebx, q.ecx);
	s->queries = 1;
	for (i = 0; i < s->n; i++) {
		q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, s->r[i].code);
		s->r[i].count = regs__u64(q.ebx, q.eax);
		s->queries++;
		if (!s->has_cycles)
			continue;
		q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON_CYCLES, s->r[i].code);
		s->r[i].cycles = regs__u64(q.ebx, q.ecx);
		s->queries++;
	}
}

static int reason__raw(unsigned int reason)
{
	struct kvm_exit_stats_regs q;

	q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON, reason);
	printf("CPUID 0x4FFFFFFE ECX=%#x: EAX=0x%08x EBX=0x%08x ECX=0x%08x EDX=0x%08x (exits %llu)\n",
	       reason, q.eax, q.ebx, q.ecx, q.edx, regs__u64(q.ebx, q.eax));
	q = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_REASON_CYCLES, reason);
	printf("CPUID 0x4FFFFFFD ECX=%#x: EAX=0x%08x EBX=0x%08x ECX=0x%08x EDX=0x%08x (cycles %llu)\n",
	       reason, q.eax, q.ebx, q.ecx, q.edx, regs__u64(q.ebx, q.ecx));
	if (q.edx == KVM_EXIT_STATS_UNDEFINED)
		printf("reason %#x is not defined by the architecture\n", reason);
	return 0;
}

static void clock__sleep(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int exitstat__watch(const struct options *o, struct sample *before)
{
	static struct sample now, d;
	long i;

	sample__read(before, 0);
	for (i = 0; !o->count || i < o->count; i++) {
		clock__sleep(o->watch);
		now = *before;
		sample__read(&now, 0);
		sample__delta(&d, &now, before);
		sample__sort_by_rate(&d);
		sample__print(&d, o->fmt, o->all, i == 0, stdout);
		*before = now;
	}
	return 0;
}

static int exitstat__run(const struct options *o, struct sample *before)
{
	static struct sample now, d;
	int status;
	pid_t pid;

	fflush(stdout);
	sample__read(before, 0);
	pid = fork();
	if (pid < 0) {
		perror("exitstat: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "exitstat: cannot run %s: %s\n", o->cmd[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("exitstat: waitpid");
			return 1;
		}
	now = *before;
	sample__read(&now, 0);
	sample__delta(&d, &now, before);
	sample__sort_by_rate(&d);
	sample__print(&d, o->fmt, o->all, 1, stdout);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* -- CMD: CMD's own status is any number; 125 says CMD never ran. */
static int exitstat__refuse(const struct options *o)
{
	if (!o->cmd)
		return GUEST_CLI_EXIT_NO_STATS;
	fprintf(stderr, "exitstat: %s not started\n", o->cmd[0]);
	return GUEST_CLI_EXIT_NOT_RUN;
}

int main(int argc, char **argv)
{
	static struct sample s;
	struct kvm_exit_stats_regs info;
	struct options o;
	char err[GUEST_CLI_ERRLEN];
	unsigned int isa;

	if (options__parse(&o, argc, argv, err, sizeof(err)))
		return guest_cli_usage_error("exitstat", err);
	if (o.help == 2)
		return guest_cli_version("exitstat");
	if (o.help) {
		options__usage(stdout);
		return GUEST_CLI_EXIT_OK;
	}
	if (!kvm_exit_stats_present(&isa)) {
		guest_cli_no_stats("exitstat", "assignment4/kvm.diff");
		return exitstat__refuse(&o);
	}
	if (guest_cli_reason_code(&o.reason, isa, err, sizeof(err)))
		return guest_cli_usage_error("exitstat", err);
	info = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);
	if (!(info.eax & KVM_EXIT_STATS_F_REASONS) || sample__init(&s, isa)) {
		guest_cli_no_reasons("exitstat", info.eax, isa);
		return exitstat__refuse(&o);
	}
	s.has_cycles = !!(info.eax & KVM_EXIT_STATS_F_REASON_CYCLES);
	if (o.reason_set)
		return reason__raw(o.reason.code);
	if (o.watch > 0)
		return exitstat__watch(&o, &s);
	if (o.cmd)
		return exitstat__run(&o, &s);
	sample__read(&s, o.mark);
	sample__print(&s, o.fmt, o.all, 1, stdout);
	return 0;
}
