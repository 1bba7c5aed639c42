/*
 * kvm_exit_stats.h - the guest ABI of the exit-accounting CPUID leaves
 * (assignment2/kvm.diff, assignment3/kvm.diff, assignment4/kvm.diff).
 * No #include.
 *
 * 0x4FFFFFFF  EAX = exits of this VM (low 32), EBX:ECX = exit-handling
 *             cycles (TSC, high:low), EDX = exits (high 32).
 * 0x4FFFFFFE  in: ECX = exit reason (VMX basic exit reason, SVM exit code).
 *             EBX:EAX = exits of that reason, ECX = EDX = 0.  A reason the
 *             architecture does not define: EAX = EBX = ECX = 0,
 *             EDX = 0xFFFFFFFF.  Defined but ruled out by the controls KVM
 *             programs: all zeros.  (Assignments 3 and 4.)
 * 0x4FFFFFFD  in: ECX = exit reason.  EBX:ECX = TSC cycles spent handling
 *             exits of that reason (high:low), EAX = EDX = 0; undefined
 *             reasons as for 0x4FFFFFFE.  (Assignment 4 only.)
 * 0x4FFFFFFC  EAX bits 7:0 ABI version, 15:8 ISA (1 VMX, 2 SVM), bit 16
 *             0x4FFFFFFE present, bit 17 host-wide scope (module parameter
 *             kvm.exit_stats_host_wide), bit 18 0x4FFFFFFD present;
 *             EBX, ECX, EDX = "KVMExitStats".
 *             Stock KVM answers these leaves as any leaf beyond its range
 *             (zeros on AMD, the highest basic leaf's values on an Intel
 *             vendor), never with the signature.
 */
#ifndef KVM_EXIT_STATS_H
#define KVM_EXIT_STATS_H

#define KVM_EXIT_STATS_LEAF_TOTAL	0x4FFFFFFFu
#define KVM_EXIT_STATS_LEAF_REASON	0x4FFFFFFEu
#define KVM_EXIT_STATS_LEAF_REASON_CYCLES	0x4FFFFFFDu
#define KVM_EXIT_STATS_LEAF_INFO	0x4FFFFFFCu

#define KVM_EXIT_STATS_ABI_VERSION	1u
#define KVM_EXIT_STATS_ISA_VMX		1u
#define KVM_EXIT_STATS_ISA_SVM		2u
#define KVM_EXIT_STATS_F_REASONS	(1u << 16)
#define KVM_EXIT_STATS_F_HOST_WIDE	(1u << 17)
#define KVM_EXIT_STATS_F_REASON_CYCLES	(1u << 18)
#define KVM_EXIT_STATS_UNDEFINED	0xFFFFFFFFu

/* EBX, ECX, EDX of 0x4FFFFFFC, little-endian ASCII "KVMExitStats" */
#define KVM_EXIT_STATS_SIG_EBX		0x454d564bu	/* "KVME" */
#define KVM_EXIT_STATS_SIG_ECX		0x53746978u	/* "xitS" */
#define KVM_EXIT_STATS_SIG_EDX		0x73746174u	/* "tats" */

#define KVM_EXIT_STATS_INFO_VERSION(eax)	((eax) & 0xffu)
#define KVM_EXIT_STATS_INFO_ISA(eax)		(((eax) >> 8) & 0xffu)

#ifndef __KERNEL__
/* Guest side: one CPUID, all four registers (ECX is an input too). */
struct kvm_exit_stats_regs {
	unsigned int eax, ebx, ecx, edx;
};

static inline struct kvm_exit_stats_regs
kvm_exit_stats_cpuid(unsigned int leaf, unsigned int ecx)
{
	struct kvm_exit_stats_regs r;

	/* Stale values in the outputs show a leaf that leaves one unwritten. */
	r.ebx = 0xdeadbeef;
	r.edx = 0xdeadbeef;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "+b"(r.ebx), "=c"(r.ecx), "+d"(r.edx)
			 : "a"(leaf), "c"(ecx)
			 : "memory");
	return r;
}

/* Whether the KVM below answers these leaves (stock KVM: no signature). */
static inline int kvm_exit_stats_present(unsigned int *isa)
{
	struct kvm_exit_stats_regs r = kvm_exit_stats_cpuid(KVM_EXIT_STATS_LEAF_INFO, 0);

	if (isa)
		*isa = KVM_EXIT_STATS_INFO_ISA(r.eax);
	return r.ebx == KVM_EXIT_STATS_SIG_EBX && r.ecx == KVM_EXIT_STATS_SIG_ECX &&
	       r.edx == KVM_EXIT_STATS_SIG_EDX;
}

/*
 * Not ABI: the tests' mark for L1's tracer.  A 0x4FFFFFFF query with this
 * ECX (the leaf ignores ECX) is where L1's kvm:kvm_exit histogram stops, so
 * the histogram and the answer count exactly the same exits.
 */
#define KVM_EXIT_STATS_TRACE_MARK	0x5a5a5a5au
#endif /* !__KERNEL__ */

#endif /* KVM_EXIT_STATS_H */
