/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSR indices of the VMX capability reporting facility (Intel SDM Vol. 3,
 * Appendix A) and the basic types shared by the kernel module and the CLI.
 *
 * The names carry a VMXCAPS_ prefix so that they never collide with the
 * kernel's own <asm/msr-index.h> definitions of the same MSRs.
 */
#ifndef VMXCAPS_MSR_H
#define VMXCAPS_MSR_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/types.h>
#include <linux/compiler.h>
#else
#include <stdbool.h>
#include <stddef.h>
/*
 * unsigned long long rather than uint64_t: the same "%llx" format string
 * must be correct for both the kernel's vsnprintf() and glibc's printf().
 */
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
/* the kernel's __printf(), spelled so that checkpatch sees no raw attribute */
#define VMXCAPS_GCC_ATTR __attribute__
#ifndef __printf
#define __printf(a, b) VMXCAPS_GCC_ATTR((format(printf, a, b)))
#endif
#define BIT(n)		(1U << (n))
#define BIT_ULL(n)	(1ULL << (n))
#endif

#define VMXCAPS_MSR_FEATURE_CONTROL	0x03a
#define VMXCAPS_MSR_BASIC		0x480
#define VMXCAPS_MSR_PINBASED_CTLS	0x481
#define VMXCAPS_MSR_PROCBASED_CTLS	0x482
#define VMXCAPS_MSR_EXIT_CTLS		0x483
#define VMXCAPS_MSR_ENTRY_CTLS		0x484
#define VMXCAPS_MSR_MISC		0x485
#define VMXCAPS_MSR_CR0_FIXED0		0x486
#define VMXCAPS_MSR_CR0_FIXED1		0x487
#define VMXCAPS_MSR_CR4_FIXED0		0x488
#define VMXCAPS_MSR_CR4_FIXED1		0x489
#define VMXCAPS_MSR_VMCS_ENUM		0x48a
#define VMXCAPS_MSR_PROCBASED_CTLS2	0x48b
#define VMXCAPS_MSR_EPT_VPID_CAP	0x48c
#define VMXCAPS_MSR_TRUE_PINBASED_CTLS	0x48d
#define VMXCAPS_MSR_TRUE_PROCBASED_CTLS	0x48e
#define VMXCAPS_MSR_TRUE_EXIT_CTLS	0x48f
#define VMXCAPS_MSR_TRUE_ENTRY_CTLS	0x490
#define VMXCAPS_MSR_VMFUNC		0x491
#define VMXCAPS_MSR_PROCBASED_CTLS3	0x492
#define VMXCAPS_MSR_EXIT_CTLS2		0x493

/*
 * Storage slots.  Slot N of the 0x480 block is MSR 0x480 + N, so that the
 * ascending slot order is also an order in which every MSR comes after the
 * MSRs that decide whether it exists (Appendix A existence rules).
 */
enum vmxcaps_slot {
	VMXCAPS_BASIC,
	VMXCAPS_PINBASED,
	VMXCAPS_PROCBASED,
	VMXCAPS_EXIT,
	VMXCAPS_ENTRY,
	VMXCAPS_MISC,
	VMXCAPS_CR0_FIXED0,
	VMXCAPS_CR0_FIXED1,
	VMXCAPS_CR4_FIXED0,
	VMXCAPS_CR4_FIXED1,
	VMXCAPS_VMCS_ENUM,
	VMXCAPS_PROCBASED2,
	VMXCAPS_EPT_VPID_CAP,
	VMXCAPS_TRUE_PINBASED,
	VMXCAPS_TRUE_PROCBASED,
	VMXCAPS_TRUE_EXIT,
	VMXCAPS_TRUE_ENTRY,
	VMXCAPS_VMFUNC,
	VMXCAPS_PROCBASED3,
	VMXCAPS_EXIT2,
	VMXCAPS_FEATURE_CONTROL,
	VMXCAPS_NR_SLOTS
};

/* IA32_FEATURE_CONTROL bits (SDM Vol. 4, Table 2-2) */
#define VMXCAPS_FC_LOCKED		BIT_ULL(0)
#define VMXCAPS_FC_VMX_INSIDE_SMX	BIT_ULL(1)
#define VMXCAPS_FC_VMX_OUTSIDE_SMX	BIT_ULL(2)

/* CPUID.1:ECX bit that enumerates VMX */
#define VMXCAPS_CPUID1_ECX_VMX		BIT(5)
/* CPUID.1:ECX bit a hypervisor sets for its guests */
#define VMXCAPS_CPUID1_ECX_HYPERVISOR	BIT(31)

#endif /* VMXCAPS_MSR_H */
