// SPDX-License-Identifier: GPL-2.0
/*
 * vmm_reasons - assignment 3 conformance test on a tiny /dev/kvm VMM
 * (common/kvmtest): CPUID 0x4FFFFFFE per exit reason.
 *
 * For each exit kind the guest does K instances (a different K per kind,
 * so that mix-ups show) between two 0x4FFFFFFE queries of its reason; the
 * delta must be exactly K (plus the second query itself for CPUID), and
 * L1's kvm:kvm_exit tracepoint (a hist trigger filtered to this process),
 * read by the VMM at the ucalls that open and close the window, must show
 * the same number.  Kinds: CPUID, HLT, IN, OUT, RDMSR, WRMSR, INVD, XSETBV,
 * VMCALL/VMMCALL, EPT violation/NPF on fresh pages, RDTSC (not enabled:
 * all zeros), and, in a second VM with an in-kernel LAPIC in x2APIC mode,
 * a WRMSR that KVM handles in its fastpath (x2APIC ICR).  Then: undefined
 * reasons answer EDX = 0xFFFFFFFF, and at a quiescent point the sum over
 * every defined reason == 0x4FFFFFFF == KVM's "exits" statistic == the
 * trace, reason by reason.  TAP; exit 0 pass, 1 fail, 77 skip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/kvmtest/kvmtest.h"
#include "../../common/kvm_exit_stats.h"

enum kind { K_CPUID, K_HLT, K_IN, K_OUT, K_RDMSR, K_WRMSR, K_INVD, K_XSETBV,
	    K_HYPERCALL, K_TDP, K_RDTSC, NKINDS };

static const unsigned int kind_n[NKINDS] = {
	[K_CPUID] = 100, [K_HLT] = 37, [K_IN] = 53, [K_OUT] = 47,
	[K_RDMSR] = 61, [K_WRMSR] = 67, [K_INVD] = 71, [K_XSETBV] = 43,
	[K_HYPERCALL] = 59, [K_TDP] = 29, [K_RDTSC] = 97,
};

static const char *const kind_name[NKINDS] = {
	"CPUID", "HLT", "IN", "OUT", "RDMSR", "WRMSR", "INVD", "XSETBV",
	"VMCALL/VMMCALL", "EPT violation/NPF", "RDTSC",
};

#define K_FASTPATH		83	/* x2APIC ICR writes */
#define SUM_WINDOWS		16	/* at most; stops after SUM_PROVED provable ones */
#define SUM_PROVED		2
#define NO_ALT			0xFFFFFFFFu
#define MAX_REASONS		256
#define MAX_UNDEF		16

#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_X2APIC_ICR		0x830
#define HC_UNKNOWN		0x1000		/* no such KVM hypercall */
#define KVM_ENOSYS		1000

#define MODE_MAIN		0
#define MODE_FASTPATH		1

enum { S_INFO = 1, S_OPEN, S_CLOSE, S_UNDEF, S_SUM_OPEN, S_SUM_CLOSE,
       S_FP_OPEN, S_FP_CLOSE, S_HC_RET };

/* host -> guest, written into guest memory before the first KVM_RUN */
static uint32_t g_isa;
static uint32_t g_reason[NKINDS];
static uint32_t g_alt[NKINDS];	/* a second reason to watch, or NO_ALT */
static volatile uint32_t g_stop;
static uint32_t g_xsave;	/* CR4.OSXSAVE set: XSETBV may run */
static uint32_t g_fp_reason;
static uint32_t g_undef[MAX_UNDEF], g_nundef;
static uint32_t g_defined[MAX_REASONS], g_ndefined;	/* CPUID last */
/* guest -> host */
static uint64_t g_count[MAX_REASONS];
static uint32_t g_nonzero_cd[MAX_REASONS];	/* ECX | EDX of each answer */

static inline __attribute__((always_inline)) uint64_t count_of(struct cpuid_regs r)
{
	return ((uint64_t)r.ebx << 32) | r.eax;
}

static void guest_window(unsigned int k, uint64_t misc_enable)
{
	unsigned int i, n = kind_n[k];
	struct cpuid_regs q1, q2, a1 = { 0 }, a2 = { 0 };
	uint64_t hc = 0;

	GUEST_SYNC(S_OPEN, k, 0, 0);
	if (g_alt[k] != NO_ALT)
		a1 = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_alt[k]);
	q1 = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_reason[k]);
	switch (k) {
	case K_CPUID:
		for (i = 0; i < n; i++)
			guest_cpuid(0, 0);
		break;
	case K_HLT:
		for (i = 0; i < n; i++)
			guest_hlt();
		break;
	case K_IN:
		for (i = 0; i < n; i++)
			guest_inb(KVMTEST_IO_PORT);
		break;
	case K_OUT:
		for (i = 0; i < n; i++)
			guest_outb(KVMTEST_IO_PORT, i);
		break;
	case K_RDMSR:
		for (i = 0; i < n; i++)
			guest_rdmsr(MSR_IA32_MISC_ENABLE);
		break;
	case K_WRMSR:
		for (i = 0; i < n; i++)
			guest_wrmsr(MSR_IA32_MISC_ENABLE, misc_enable);
		break;
	case K_INVD:
		for (i = 0; i < n; i++)
			guest_invd();
		break;
	case K_XSETBV:
		for (i = 0; i < n && g_xsave; i++)
			guest_xsetbv(0, 0x3);	/* x87 | SSE */
		break;
	case K_HYPERCALL:
		for (i = 0; i < n; i++)
			hc |= guest_hypercall(g_isa, HC_UNKNOWN) ^ (uint64_t)-KVM_ENOSYS;
		break;
	case K_TDP:	/* page 0 was touched before the windows */
		for (i = 1; i <= n; i++)
			*(volatile uint64_t *)(KVMTEST_FRESH_GPA + i * KVMTEST_PAGE) = i;
		break;
	case K_RDTSC:
		for (i = 0; i < n; i++)
			guest_rdtsc();
		break;
	}
	q2 = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_reason[k]);
	if (g_alt[k] != NO_ALT)
		a2 = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_alt[k]);
	g_nonzero_cd[0] = q1.ecx | q1.edx | q2.ecx | q2.edx;
	g_count[0] = count_of(a1);
	g_count[1] = count_of(a2);
	GUEST_SYNC(S_CLOSE, count_of(q1), count_of(q2), hc);
}

static void guest_main(void)
{
	struct cpuid_regs r;
	uint64_t misc_enable;
	unsigned int k, i;
	int w;

	r = guest_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);
	GUEST_SYNC(S_INFO, r.eax, ((uint64_t)r.ebx << 32) | r.ecx, r.edx);

	/* first-time effects out of the windows: EPT of the fresh slot's
	 * page-directory page and page 0, the MSR value to write back */
	*(volatile uint64_t *)KVMTEST_FRESH_GPA = 1;
	misc_enable = guest_rdmsr(MSR_IA32_MISC_ENABLE);
	GUEST_SYNC(S_HC_RET, guest_hypercall(g_isa, HC_UNKNOWN), misc_enable, 0);

	for (k = 0; k < NKINDS; k++)
		guest_window(k, misc_enable);

	for (i = 0; i < g_nundef; i++) {
		r = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_undef[i]);
		GUEST_SYNC(S_UNDEF, g_undef[i], ((uint64_t)r.ebx << 32) | r.eax,
			   ((uint64_t)r.edx << 32) | r.ecx);
	}

	for (w = 0; w < SUM_WINDOWS && !g_stop; w++) {
		GUEST_SYNC(S_SUM_OPEN, w, 0, 0);
		for (i = 0; i < g_ndefined; i++) {
			r = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_defined[i]);
			g_count[i] = count_of(r);
			g_nonzero_cd[i] = r.ecx | r.edx;
		}
		r = guest_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, 0);
		GUEST_SYNC(S_SUM_CLOSE, ((uint64_t)r.edx << 32) | r.eax, g_ndefined, 0);
	}
}

static void guest_fastpath(void)
{
	struct cpuid_regs q1, q2;
	unsigned int i;

	/* xAPIC -> x2APIC: base 0xfee00000, EN, EXTD, BSP */
	guest_wrmsr(MSR_IA32_APICBASE, 0xfee00000ULL | (1 << 11) | (1 << 10) | (1 << 8));
	/* fixed, physical, no shorthand, vector 0x40, to x2APIC ID 0x55: nobody */
	guest_wrmsr(MSR_X2APIC_ICR, (0x55ULL << 32) | 0x40);
	GUEST_SYNC(S_FP_OPEN, guest_rdmsr(MSR_IA32_APICBASE), 0, 0);
	q1 = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_fp_reason);
	for (i = 0; i < K_FASTPATH; i++)
		guest_wrmsr(MSR_X2APIC_ICR, (0x55ULL << 32) | 0x40);
	q2 = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, g_fp_reason);
	GUEST_SYNC(S_FP_CLOSE, count_of(q1), count_of(q2),
		   q1.ecx | q1.edx | q2.ecx | q2.edx);
}

void guest_code(uint64_t mode)
{
	if (mode == MODE_FASTPATH)
		guest_fastpath();
	else
		guest_main();
}

/* ---- host ----------------------------------------------------------- */
static struct kvmtest_vm *vm;
static int isa;
static const struct kvmtest_reasons *rs;
static char buf[2048];

#define G(sym) (*(__typeof__(sym) *)vm__hva(vm, &(sym)))

/* kvm_emulate_wrmsr(): KVM's slow path for a WRMSR exit (the fastpath
 * handles x2APIC ICR writes without it) */
static int slow_probe;
static uint64_t slow0;

static void slow_probe_remove(void)
{
	if (slow_probe)
		kprobe__remove("slow_wrmsr");
	slow_probe = 0;
}

static const char *rname(uint32_t r)
{
	return kvmtest__reason_name(isa, r);
}

static void check_window(unsigned int k, uint32_t reason)
{
	struct kvmtest_hist ha, hb, hd;
	uint64_t io0, hlt0, want, tr, extra, d, da = 0, tra = 0;
	uint32_t alt = G(g_alt)[k];
	struct ucall uc;

	vm__sync_expect(vm, &uc, S_OPEN);
	hist__read(&ha);
	if (slow_probe)
		slow0 = kprobe__hits("slow_wrmsr");
	io0 = vm->io_in + vm->io_out;
	hlt0 = vm->hlt;
	vm__sync_expect(vm, &uc, S_CLOSE);
	hist__read(&hb);
	hist__delta(&ha, &hb, &hd);
	tr = hist__count(&hd, reason);
	/* the trace window also holds the first query (a CPUID) and the
	 * closing ucall (an OUT), which the guest's delta does not */
	extra = (reason == rs->cpuid) + (reason == rs->io);
	d = uc.args[2] - uc.args[1];
	if (alt != NO_ALT) {
		da = G(g_count)[1] - G(g_count)[0];
		tra = hist__count(&hd, alt);
	}
	hist__format(&hd, isa, buf, sizeof(buf));

	if (k == K_RDTSC) {
		tap__ok(uc.args[1] == 0 && uc.args[2] == 0 && G(g_nonzero_cd)[0] == 0,
			"%s x%u: 0x4FFFFFFE(%s %#x) all zeros before and after (not enabled)",
			kind_name[k], kind_n[k], rname(reason), reason);
		tap__ok(tr == 0, "%s x%u: kvm_exit trace shows %llu %s exits (none) [%s]",
			kind_name[k], kind_n[k], (unsigned long long)tr, rname(reason), buf);
		return;
	}
	if (k == K_XSETBV && !vm->xsave) {
		tap__skip("%s: KVM_GET_SUPPORTED_CPUID offers no XSAVE on this host, so the guest cannot run XSETBV (0x4FFFFFFE delta %llu, trace %llu)",
			  kind_name[k], (unsigned long long)d, (unsigned long long)tr);
		return;
	}
	if (tr == extra && d == 0 && tra == 0 && da == 0) {
		tap__skip("%s x%u: no %s exit reached L1 at all (the emulated CPU does not intercept it); 0x4FFFFFFE agrees with kvm_exit: 0 [%s]",
			  kind_name[k], kind_n[k], rname(reason), buf);
		return;
	}
	want = kind_n[k] + (k == K_CPUID);
	if (alt != NO_ALT && (da || tra)) {
		tap__diag("%s: the CPU reported %llu of them as %s(%#x) (an emulator erratum: QEMU TCG swaps INVD/WBINVD)",
			  kind_name[k], (unsigned long long)tra, rname(alt), alt);
		tap__ok(d + da == want && G(g_nonzero_cd)[0] == 0,
			"%s x%u: 0x4FFFFFFE deltas %s %llu + %s %llu == %llu",
			kind_name[k], kind_n[k], rname(reason), (unsigned long long)d,
			rname(alt), (unsigned long long)da, (unsigned long long)want);
		tap__ok(tr == d + extra && tra == da,
			"%s x%u: kvm_exit trace %s +%llu, %s +%llu == the deltas [%s]",
			kind_name[k], kind_n[k], rname(reason), (unsigned long long)tr,
			rname(alt), (unsigned long long)tra, buf);
	} else {
		tap__ok(d == want && G(g_nonzero_cd)[0] == 0,
			"%s x%u: 0x4FFFFFFE(%s %#x) %llu -> %llu, delta %llu == %llu",
			kind_name[k], kind_n[k], rname(reason), reason,
			(unsigned long long)uc.args[1], (unsigned long long)uc.args[2],
			(unsigned long long)d, (unsigned long long)want);
		tap__ok(tr == d + extra,
			"%s x%u: kvm_exit trace %s +%llu == delta + %llu [%s]",
			kind_name[k], kind_n[k], rname(reason), (unsigned long long)tr,
			(unsigned long long)extra, buf);
	}
	if (k == K_HLT)
		tap__ok(vm->hlt - hlt0 == kind_n[k], "HLT x%u: %llu KVM_EXIT_HLT in the VMM",
			kind_n[k], (unsigned long long)(vm->hlt - hlt0));
	if (k == K_IN || k == K_OUT)
		tap__ok(vm->io_in + vm->io_out - io0 == kind_n[k],
			"%s x%u: %llu KVM_EXIT_IO on port %#x in the VMM", kind_name[k],
			kind_n[k], (unsigned long long)(vm->io_in + vm->io_out - io0),
			KVMTEST_IO_PORT);
	if (k == K_HYPERCALL)
		tap__ok(uc.args[3] == 0, "%s: every call returned -KVM_ENOSYS",
			kind_name[k]);
	if (k == K_WRMSR && slow_probe)
		tap__ok(kprobe__hits("slow_wrmsr") - slow0 == kind_n[k],
			"WRMSR x%u (IA32_MISC_ENABLE): %llu kvm_emulate_wrmsr() calls (kprobe): the slow path",
			kind_n[k], (unsigned long long)(kprobe__hits("slow_wrmsr") - slow0));
}

/*
 * The guest queries every defined reason (the external-interrupt reason
 * second to last, CPUID last), then 0x4FFFFFFF.  A window is provable when
 * the run's trace, read at the closing ucall, equals each reason's answer
 * (CPUID + 1: the total query; I/O + 1: the closing OUT): then no exit
 * happened after its reason was read, and total == sum + 1 and
 * stat == total + 1 must hold exactly.  An external interrupt that lands
 * after its reason's query makes the window unprovable (bounds only); the
 * guest repeats the window.
 */
static void check_sum(void)
{
	struct kvmtest_hist ha, hb, hd;
	uint64_t sa, sb, t, sum, n, i, bad_cd, late, defsum;
	unsigned int w, proved = 0;
	struct ucall uc;
	char late_s[512];

	for (w = 0; w < SUM_WINDOWS; w++) {
		vm__sync_expect(vm, &uc, S_SUM_OPEN);
		sa = vm__stat(vm, "exits");
		hist__read(&ha);
		vm__sync_expect(vm, &uc, S_SUM_CLOSE);
		sb = vm__stat(vm, "exits");
		hist__read(&hb);
		hist__delta(&ha, &hb, &hd);
		t = uc.args[1];
		n = uc.args[2];
		sum = bad_cd = late = defsum = 0;
		late_s[0] = 0;
		for (i = 0; i < n; i++) {
			uint32_t r = G(g_defined)[i];
			uint64_t c = G(g_count)[i];
			uint64_t want = c + (r == rs->cpuid) + (r == rs->io);
			uint64_t got = hist__count(&hb, r);

			sum += c;
			bad_cd |= G(g_nonzero_cd)[i];
			defsum += got;
			if (got != want) {
				late += got > want ? got - want : 1000000;
				snprintf(late_s + strlen(late_s), sizeof(late_s) - strlen(late_s),
					 " %s: abi %llu trace %llu;", rname(r),
					 (unsigned long long)c, (unsigned long long)got);
			}
		}
		tap__ok(bad_cd == 0, "sum window %u: %llu defined reasons answer ECX = EDX = 0",
			w, (unsigned long long)n);
		tap__ok(sb - sa == hist__total(&hd) && sb == hist__total(&hb) &&
			defsum == hist__total(&hb) &&
			hist__count(&hd, rs->cpuid) == n + 1 && hist__count(&hd, rs->io) == 1,
			"sum window %u: stat %llu == run's trace %llu (all of it under defined reasons); window +%llu: %llu + 1 query CPUIDs [%s]",
			w, (unsigned long long)sb, (unsigned long long)hist__total(&hb),
			(unsigned long long)(sb - sa), (unsigned long long)n,
			hist__format(&hd, isa, buf, sizeof(buf)));
		if (late) {
			tap__ok(late < 1000000 && t >= sum + 1 && t + 1 <= sb,
				"sum window %u: not provable (exits after their reason's query:%s); total %llu within [sum + 1, stat - 1] = [%llu, %llu]",
				w, late_s, (unsigned long long)t, (unsigned long long)(sum + 1),
				(unsigned long long)(sb - 1));
			continue;
		}
		proved++;
		tap__ok(t == sum + 1 && sb == t + 1,
			"sum window %u: every reason's count == the run's kvm_exit trace; 0x4FFFFFFF total %llu == sum over %llu defined reasons %llu + 1 (the total query); KVM stat exits %llu == total + 1 (the closing OUT)",
			w, (unsigned long long)t, (unsigned long long)n, (unsigned long long)sum,
			(unsigned long long)sb);
		if (proved == 1) {
			tap__diag("nonzero reasons at sum window %u:", w);
			for (i = 0; i < n; i++)
				if (G(g_count)[i])
					tap__diag("  %s(%#x) %llu", rname(G(g_defined)[i]),
						  G(g_defined)[i], (unsigned long long)G(g_count)[i]);
		}
		if (proved >= SUM_PROVED) {
			G(g_stop) = 1;
			break;
		}
	}
	tap__ok(proved > 0, "%u of %u sum windows provable (exact checks done)",
		proved, w < SUM_WINDOWS ? w + 1 : w);
}

static void run_main(void)
{
	static const uint32_t undef_vmx[] = { 35, 38, 42, 82, 83, 86, 1000000, 0xFFFFFFFF };
	static const uint32_t undef_svm[] = { 0xA7, 0xFF, 0x3FF, 0x404, 0x408, 0x500,
					      0x10000, 0xFFFFFFFB, 0x80000000 };
	const uint32_t *undef = isa == KVMTEST_ISA_SVM ? undef_svm : undef_vmx;
	unsigned int nundef = isa == KVMTEST_ISA_SVM ? 9 : 8;
	uint32_t def[MAX_REASONS];
	unsigned int i, n, k;
	struct ucall uc;
	uint32_t info;

	vm = vm__create(guest_code, MODE_MAIN, KVMTEST_F_FRESH);
	G(g_isa) = isa;
	G(g_xsave) = vm->xsave;
	tap__diag("guest CPUID XSAVE %s", vm->xsave ? "yes (CR4.OSXSAVE set)" : "no");
	G(g_reason)[K_CPUID] = rs->cpuid;
	G(g_reason)[K_HLT] = rs->hlt;
	G(g_reason)[K_IN] = rs->io;
	G(g_reason)[K_OUT] = rs->io;
	G(g_reason)[K_RDMSR] = rs->rdmsr;
	G(g_reason)[K_WRMSR] = rs->wrmsr;
	G(g_reason)[K_INVD] = rs->invd;
	G(g_reason)[K_XSETBV] = rs->xsetbv;
	G(g_reason)[K_HYPERCALL] = rs->hypercall;
	G(g_reason)[K_TDP] = rs->tdp_fault;
	G(g_reason)[K_RDTSC] = rs->rdtsc;
	for (k = 0; k < NKINDS; k++)
		G(g_alt)[k] = NO_ALT;
	G(g_alt)[K_INVD] = rs->wbinvd;
	for (i = 0; i < nundef; i++)
		G(g_undef)[i] = undef[i];
	G(g_nundef) = nundef;
	n = kvmtest__defined_reasons(isa, def, MAX_REASONS);
	for (i = 0, k = 0; i < n; i++)
		if (def[i] != rs->cpuid && def[i] != rs->intr)
			G(g_defined)[k++] = def[i];
	G(g_defined)[k++] = rs->intr;		/* see check_sum() */
	G(g_defined)[k++] = rs->cpuid;
	G(g_ndefined) = k;

	vm__sync_expect(vm, &uc, S_INFO);
	info = uc.args[1];
	if (uc.args[2] == 0 && uc.args[3] == 0)
		tap__skip_all("host KVM is stock: CPUID 0x4FFFFFFC has no signature");
	if (!(info & KVM_EXIT_STATS_F_REASONS))
		tap__skip_all("host KVM has no 0x4FFFFFFE (bit 16 of 0x4FFFFFFC clear: assignment 2's diff?)");
	tap__ok(uc.args[2] == ((uint64_t)KVM_EXIT_STATS_SIG_EBX << 32 | KVM_EXIT_STATS_SIG_ECX) &&
		uc.args[3] == KVM_EXIT_STATS_SIG_EDX &&
		KVM_EXIT_STATS_INFO_VERSION(info) == KVM_EXIT_STATS_ABI_VERSION &&
		KVM_EXIT_STATS_INFO_ISA(info) == (unsigned int)isa &&
		!(info & KVM_EXIT_STATS_F_HOST_WIDE),
		"0x4FFFFFFC: signature, version 1, ISA %u of the host, per-VM scope, 0x4FFFFFFE announced (bit 16; eax %#x)",
		KVM_EXIT_STATS_INFO_ISA(info), info);

	vm__sync_expect(vm, &uc, S_HC_RET);
	tap__ok(uc.args[1] == (uint64_t)-KVM_ENOSYS,
		"%s of an unknown hypercall returns -KVM_ENOSYS (%#llx)",
		isa == KVMTEST_ISA_SVM ? "VMMCALL" : "VMCALL", (unsigned long long)uc.args[1]);
	tap__diag("IA32_MISC_ENABLE = %#llx", (unsigned long long)uc.args[2]);

	for (k = 0; k < NKINDS; k++)
		check_window(k, G(g_reason)[k]);

	for (i = 0; i < nundef; i++) {
		vm__sync_expect(vm, &uc, S_UNDEF);
		tap__ok(!kvmtest__reason_defined(isa, (uint32_t)uc.args[1]) &&
			uc.args[2] == 0 && uc.args[3] == 0xFFFFFFFF00000000ULL,
			"undefined reason %#llx: EAX = EBX = ECX = 0, EDX = 0xFFFFFFFF (ebx:eax %#llx edx:ecx %#llx)",
			(unsigned long long)uc.args[1], (unsigned long long)uc.args[2],
			(unsigned long long)uc.args[3]);
	}

	check_sum();

	if (vm__run(vm, &uc) != UCALL_DONE)
		tap__bail("guest did not finish (ucall %#llx)", (unsigned long long)uc.cmd);
	vm__destroy(vm);
}

/* kvm_amd.nrips: without it svm_exit_handlers_fastpath() does nothing */
static int svm_nrips(void)
{
	FILE *f = fopen("/sys/module/kvm_amd/parameters/nrips", "r");
	int v = 1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 1;
		fclose(f);
	}
	return v;
}

static void run_fastpath(void)
{
	struct kvmtest_hist ha, hb, hd;
	uint64_t d, tr;
	struct ucall uc;

	vm = vm__create(guest_code, MODE_FASTPATH, KVMTEST_F_IRQCHIP);
	G(g_fp_reason) = rs->wrmsr;
	vm__sync_expect(vm, &uc, S_FP_OPEN);
	tap__diag("fastpath VM: in-kernel LAPIC, IA32_APIC_BASE %#llx",
		  (unsigned long long)uc.args[1]);
	hist__read(&ha);
	if (slow_probe)
		slow0 = kprobe__hits("slow_wrmsr");
	vm__sync_expect(vm, &uc, S_FP_CLOSE);
	hist__read(&hb);
	hist__delta(&ha, &hb, &hd);
	d = uc.args[2] - uc.args[1];
	tr = hist__count(&hd, rs->wrmsr);
	tap__ok(d == K_FASTPATH && uc.args[3] == 0,
		"fastpath WRMSR (x2APIC ICR) x%u: 0x4FFFFFFE(%s %#x) %llu -> %llu, delta %llu",
		K_FASTPATH, rname(rs->wrmsr), rs->wrmsr, (unsigned long long)uc.args[1],
		(unsigned long long)uc.args[2], (unsigned long long)d);
	tap__ok(tr == d, "fastpath WRMSR x%u: kvm_exit trace %s +%llu == delta [%s]",
		K_FASTPATH, rname(rs->wrmsr), (unsigned long long)tr,
		hist__format(&hd, isa, buf, sizeof(buf)));
	if (isa == KVMTEST_ISA_SVM && !svm_nrips())
		tap__skip("fastpath WRMSR x%u: %llu kvm_emulate_wrmsr() calls: kvm_amd.nrips=0 (no NRIPS on this CPU), and KVM's SVM fastpath needs the next RIP; counts above are exact all the same",
			  K_FASTPATH, slow_probe ? (unsigned long long)(kprobe__hits("slow_wrmsr") - slow0) : 0ULL);
	else if (slow_probe)
		tap__ok(kprobe__hits("slow_wrmsr") == slow0,
			"fastpath WRMSR x%u: %llu kvm_emulate_wrmsr() calls (kprobe): all %u handled in KVM's fastpath",
			K_FASTPATH, (unsigned long long)(kprobe__hits("slow_wrmsr") - slow0),
			K_FASTPATH);
	else
		tap__skip("no kprobe on kvm_emulate_wrmsr(): fastpath not confirmed");
	vm__run(vm, &uc);
	vm__destroy(vm);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kvmtest__require_kvm();
	isa = kvmtest__isa();
	if (isa == KVMTEST_ISA_NONE)
		tap__skip_all("host CPU has neither VMX nor SVM");
	rs = kvmtest__reasons(isa);
	if (hist__install())
		tap__bail("cannot install a kvm:kvm_exit hist trigger (tracefs, CONFIG_HIST_TRIGGERS, root?)");
	tap__diag("host %s, K per kind: CPUID %u HLT %u IN %u OUT %u RDMSR %u WRMSR %u INVD %u XSETBV %u hypercall %u TDP %u RDTSC %u fastpath %u",
		  isa == KVMTEST_ISA_SVM ? "SVM" : "VMX", kind_n[K_CPUID], kind_n[K_HLT],
		  kind_n[K_IN], kind_n[K_OUT], kind_n[K_RDMSR], kind_n[K_WRMSR],
		  kind_n[K_INVD], kind_n[K_XSETBV], kind_n[K_HYPERCALL], kind_n[K_TDP],
		  kind_n[K_RDTSC], K_FASTPATH);
	slow_probe = !kprobe__install("slow_wrmsr", "kvm_emulate_wrmsr");
	if (slow_probe)
		atexit(slow_probe_remove);
	else
		tap__diag("no kprobe event on kvm_emulate_wrmsr (CONFIG_KPROBE_EVENTS?)");
	run_main();
	run_fastpath();
	slow_probe_remove();
	hist__remove();
	return tap__finish();
}
