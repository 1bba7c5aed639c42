// SPDX-License-Identifier: GPL-2.0
/*
 * vmm_total - assignment 2 conformance test on a tiny /dev/kvm VMM
 * (common/kvmtest): CPUID 0x4FFFFFFC (signature, version, ISA of the host),
 * 0x4FFFFFFF totals against KVM's per-vCPU "exits" statistic
 * (KVM_GET_STATS_FD) and against L1's kvm:kvm_exit tracepoint (a hist
 * trigger filtered to this process), cycles that only grow, and an exact
 * delta over 1000 CPUIDs.  TAP; exit 0 pass, 1 fail, 77 skip.
 *
 * Exactness: the VMM snapshots the "exits" stat and the trace histogram at
 * the ucall (an OUT: one I/O exit) before and after each window.  In a
 * window where the tracepoint saw nothing but the window's own exits
 * (its CPUIDs and the closing OUT), every number is exact; an exit KVM
 * takes for its own reasons (an external interrupt, ...) can only widen
 * the bounds by the number of such exits, which the trace shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/kvmtest/kvmtest.h"
#include "../../common/kvm_exit_stats.h"

#define WINDOWS		6
#define N_CPUID		1000

/* In KVM's hypervisor range, defined by no KVM: answered as no entry. */
#define NO_ENTRY_LEAF	0x4FFFFFF0

enum { S_INFO = 1, S_REASONS, S_T_OPEN, S_T_CLOSE, S_N_OPEN, S_N_CLOSE };

static uint64_t g_cycles1;	/* guest -> host: cycles of the first query */

static inline __attribute__((always_inline)) uint64_t exits_of(struct cpuid_regs r)
{
	return ((uint64_t)r.edx << 32) | r.eax;
}

static inline __attribute__((always_inline)) uint64_t cycles_of(struct cpuid_regs r)
{
	return ((uint64_t)r.ebx << 32) | r.ecx;
}

void guest_code(uint64_t arg)
{
	struct cpuid_regs r, r1, r2;
	uint32_t acc = 0, i;
	int w;

	(void)arg;
	r = guest_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);
	GUEST_SYNC(S_INFO, r.eax, ((uint64_t)r.ebx << 32) | r.ecx, r.edx);

	/* Differences from a leaf with no entry anywhere, same ECX. */
	for (i = 0; i < 256; i++) {
		r = guest_cpuid(KVM_EXIT_STATS_LEAF_REASON, i);
		r1 = guest_cpuid(NO_ENTRY_LEAF, i);
		acc |= (r.eax ^ r1.eax) | (r.ebx ^ r1.ebx) | (r.ecx ^ r1.ecx) | (r.edx ^ r1.edx);
	}
	GUEST_SYNC(S_REASONS, acc, 0, 0);

	for (w = 0; w < WINDOWS; w++) {
		GUEST_SYNC(S_T_OPEN, w, 0, 0);
		r = guest_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, 0);
		GUEST_SYNC(S_T_CLOSE, exits_of(r), cycles_of(r), 0);
	}

	for (w = 0; w < WINDOWS; w++) {
		GUEST_SYNC(S_N_OPEN, w, 0, 0);
		r1 = guest_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, 0);
		for (i = 0; i < N_CPUID; i++)
			guest_cpuid(0, 0);
		r2 = guest_cpuid(KVM_EXIT_STATS_LEAF_TOTAL, 0);
		g_cycles1 = cycles_of(r1);
		GUEST_SYNC(S_N_CLOSE, exits_of(r1), exits_of(r2), cycles_of(r2));
	}
}

static struct kvmtest_vm *vm;
static const struct kvmtest_reasons *rs;

int main(void)
{
	struct kvmtest_hist ha, hb, hd;
	struct ucall uc;
	uint64_t info_eax, sa, sb, t, c, t1, t2, c1, c2, prev_c = 0, other, fin_stat;
	unsigned int isa, clean_t = 0, clean_n = 0, grow = 1;
	int64_t n1, n3;
	int host_isa, w;
	char buf[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	kvmtest__require_kvm();
	host_isa = kvmtest__isa();
	if (host_isa == KVMTEST_ISA_NONE)
		tap__skip_all("host CPU has neither VMX nor SVM");
	if (hist__install())
		tap__bail("cannot install a kvm:kvm_exit hist trigger (tracefs, CONFIG_HIST_TRIGGERS, root?)");
	rs = kvmtest__reasons(host_isa);
	vm = vm__create(guest_code, 0, 0);
	tap__diag("host %s, guest_code at %p, 1 vCPU, 64-bit",
		  host_isa == KVMTEST_ISA_SVM ? "SVM" : "VMX", (void *)guest_code);

	/* 0x4FFFFFFC */
	vm__sync_expect(vm, &uc, S_INFO);
	if (uc.args[1] == 0 && uc.args[2] == 0 && uc.args[3] == 0)
		tap__skip_all("host KVM is stock: CPUID 0x4FFFFFFC has no signature");
	tap__ok(uc.args[2] == ((uint64_t)KVM_EXIT_STATS_SIG_EBX << 32 | KVM_EXIT_STATS_SIG_ECX) &&
		uc.args[3] == KVM_EXIT_STATS_SIG_EDX,
		"0x4FFFFFFC signature \"KVMExitStats\" (ebx:ecx %#llx edx %#llx)",
		(unsigned long long)uc.args[2], (unsigned long long)uc.args[3]);
	info_eax = uc.args[1];
	isa = KVM_EXIT_STATS_INFO_ISA(info_eax);
	tap__ok(KVM_EXIT_STATS_INFO_VERSION(uc.args[1]) == KVM_EXIT_STATS_ABI_VERSION,
		"0x4FFFFFFC ABI version %u", KVM_EXIT_STATS_INFO_VERSION((uint32_t)uc.args[1]));
	tap__ok(isa == (unsigned int)host_isa, "0x4FFFFFFC ISA %u matches the host (%s)", isa,
		host_isa == KVMTEST_ISA_SVM ? "SVM = 2" : "VMX = 1");
	tap__ok(!(uc.args[1] & KVM_EXIT_STATS_F_HOST_WIDE),
		"0x4FFFFFFC scope is per VM (bit 17 clear; eax %#llx)",
		(unsigned long long)uc.args[1]);

	/*
	 * 0x4FFFFFFE, unless bit 16 announces it: as any leaf with no entry
	 * (zeros for an AMD vendor, the highest basic leaf's entry for another)
	 */
	vm__sync_expect(vm, &uc, S_REASONS);
	if (!(info_eax & KVM_EXIT_STATS_F_REASONS))
		tap__ok(uc.args[1] == 0,
			"0x4FFFFFFE not announced (bit 16 clear): reasons 0..255 answer as leaf %#x (differing bits: %#llx)",
			NO_ENTRY_LEAF,
			(unsigned long long)uc.args[1]);
	else
		tap__skip("0x4FFFFFFE announced (bit 16 set): assignment 3's test covers it");
	vm__sync_expect(vm, &uc, S_T_OPEN);

	/* totals against the stat, window by window */
	for (w = 0; w < WINDOWS; w++) {
		if (w)
			vm__sync_expect(vm, &uc, S_T_OPEN);
		sa = vm__stat(vm, "exits");
		hist__read(&ha);
		vm__sync_expect(vm, &uc, S_T_CLOSE);
		sb = vm__stat(vm, "exits");
		hist__read(&hb);
		t = uc.args[1];
		c = uc.args[2];
		hist__delta(&ha, &hb, &hd);
		other = hist__total(&hd) - hist__count(&hd, rs->cpuid) - hist__count(&hd, rs->io);
		tap__ok(sb - sa == hist__total(&hd),
			"window %d: stat exits %llu -> %llu, +%llu == kvm_exit trace +%llu [%s]",
			w, (unsigned long long)sa, (unsigned long long)sb,
			(unsigned long long)(sb - sa), (unsigned long long)hist__total(&hd),
			hist__format(&hd, host_isa, buf, sizeof(buf)));
		if (hist__count(&hd, rs->cpuid) == 1 && hist__count(&hd, rs->io) == 1 && !other) {
			clean_t++;
			tap__ok(t == sa + 1 && sb == t + 1,
				"window %d: 0x4FFFFFFF total %llu == stat before + 1 (the query) and stat after == total + 1 (the reporting OUT)",
				w, (unsigned long long)t);
		} else {
			tap__ok(t >= sa + 1 && t + 1 <= sb,
				"window %d: 0x4FFFFFFF total %llu within [stat before + 1, stat after - 1] = [%llu, %llu] (%llu other exits in the window)",
				w, (unsigned long long)t, (unsigned long long)(sa + 1),
				(unsigned long long)(sb - 1), (unsigned long long)other);
		}
		if (c <= prev_c)
			grow = 0;
		tap__diag("window %d: cycles %llu", w, (unsigned long long)c);
		prev_c = c;
	}
	tap__ok(clean_t > 0, "%u of %d total windows had no foreign exit (exact check done)",
		clean_t, WINDOWS);
	tap__ok(grow, "cycles strictly grow across the total windows");

	/* N CPUIDs */
	for (w = 0; w < WINDOWS; w++) {
		vm__sync_expect(vm, &uc, S_N_OPEN);
		sa = vm__stat(vm, "exits");
		hist__read(&ha);
		vm__sync_expect(vm, &uc, S_N_CLOSE);
		sb = vm__stat(vm, "exits");
		hist__read(&hb);
		t1 = uc.args[1];
		t2 = uc.args[2];
		c2 = uc.args[3];
		c1 = *(uint64_t *)vm__hva(vm, &g_cycles1);
		hist__delta(&ha, &hb, &hd);
		other = hist__total(&hd) - hist__count(&hd, rs->cpuid) - hist__count(&hd, rs->io);
		tap__ok(hist__count(&hd, rs->cpuid) == N_CPUID + 2 && hist__count(&hd, rs->io) == 1,
			"N window %d: trace sees %d + 2 CPUID exits and 1 I/O exit [%s]", w, N_CPUID,
			hist__format(&hd, host_isa, buf, sizeof(buf)));
		tap__ok(sb - sa == hist__total(&hd), "N window %d: stat +%llu == trace +%llu", w,
			(unsigned long long)(sb - sa), (unsigned long long)hist__total(&hd));
		/* n1: exits between the opening OUT and the first query, n3:
		 * between the second query and the closing OUT, from the stat */
		n1 = (int64_t)(t1 - sa - 1);
		n3 = (int64_t)(sb - t2 - 1);
		if (!other)
			clean_n++;
		tap__ok(n1 >= 0 && n3 >= 0 && (uint64_t)(n1 + n3) <= other &&
			t2 - t1 == N_CPUID + 1 + (other - n1 - n3),
			"N window %d: total %llu -> %llu, delta %llu == %d + 1 + %llu foreign exits between the queries (trace: %llu foreign in the window, stat places %lld before the first query, %lld after the second)",
			w, (unsigned long long)t1, (unsigned long long)t2,
			(unsigned long long)(t2 - t1), N_CPUID,
			(unsigned long long)(other - n1 - n3), (unsigned long long)other,
			(long long)n1, (long long)n3);
		tap__ok(c2 > c1 && c1 > prev_c,
			"N window %d: cycles grow %llu -> %llu (+%llu)", w,
			(unsigned long long)c1, (unsigned long long)c2,
			(unsigned long long)(c2 - c1));
		prev_c = c2;
	}
	tap__diag("%u of %d N windows had no foreign exit (delta exactly %d + 1)",
		  clean_n, WINDOWS, N_CPUID);

	if (vm__run(vm, &uc) != UCALL_DONE)
		tap__bail("guest did not finish (ucall %#llx)", (unsigned long long)uc.cmd);
	fin_stat = vm__stat(vm, "exits");
	hist__read(&hb);
	tap__ok(fin_stat == hist__total(&hb),
		"whole run: stat exits %llu == kvm_exit trace %llu [%s]",
		(unsigned long long)fin_stat, (unsigned long long)hist__total(&hb),
		hist__format(&hb, host_isa, buf, sizeof(buf)));
	vm__destroy(vm);
	hist__remove();
	return tap__finish();
}
