/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder of the VMX capability MSRs, shared verbatim by vmxcaps.ko and the
 * vmxcaps CLI.  It only computes; every line of text goes through an emit
 * callback (pr_info() in the module, printf() in the CLI), which is what
 * makes the kernel log and the CLI output byte-identical.
 *
 * Rules for this code and vmxcaps_table.c: no libc, no floating point, no
 * large stack frames, and format strings that the kernel's vsnprintf() and
 * glibc's printf() render identically (no '#' flag, no %p, no %z on u64).
 */
#ifndef VMXCAPS_DECODE_H
#define VMXCAPS_DECODE_H

#include "vmxcaps_msr.h"

/* One call is one line, without the trailing newline. */
typedef void (*vmxcaps_emit_fn)(void *ctx, const char *fmt, ...) __printf(2, 3);

/* Returns 0 or a negative errno; used by vmxcaps_read(). */
typedef int (*vmxcaps_rdmsr_fn)(void *ctx, u32 msr, u64 *val);

struct vmxcaps_msrs {
	u64 val[VMXCAPS_NR_SLOTS];
	u32 present;			/* bit N: slot N was read */
};

/* ---- MSR slots ---- */
u32 vmxcaps_slot_msr(unsigned int slot);
int vmxcaps_msr_slot(u32 msr);			/* -1: not a known MSR */
const char *vmxcaps_slot_name(unsigned int slot);
bool vmxcaps_has(const struct vmxcaps_msrs *m, unsigned int slot);
void vmxcaps_store(struct vmxcaps_msrs *m, unsigned int slot, u64 val);

/*
 * Whether the SDM says the MSR in @slot exists, judged from the MSRs that
 * precede it in slot order.  IA32_FEATURE_CONTROL is never "required" in a
 * dump, but vmxcaps_read() always reads it.
 */
bool vmxcaps_required(const struct vmxcaps_msrs *m, unsigned int slot);
const char *vmxcaps_required_why(unsigned int slot);
int vmxcaps_first_missing(const struct vmxcaps_msrs *m);	/* -1: none */

/*
 * Read IA32_FEATURE_CONTROL and every capability MSR that exists.  On error
 * returns the reader's negative errno and stores the MSR in *failed_msr.
 */
int vmxcaps_read(struct vmxcaps_msrs *m, vmxcaps_rdmsr_fn rd, void *ctx,
		 u32 *failed_msr);

/* Firmware locked IA32_FEATURE_CONTROL with both VMX enable bits clear. */
bool vmxcaps_vmx_disabled(const struct vmxcaps_msrs *m);

/* ---- VM-execution, VM-exit and VM-entry controls ---- */
enum vmxcaps_ctl {
	VMXCAPS_CTL_PIN,
	VMXCAPS_CTL_PROC,
	VMXCAPS_CTL_PROC2,
	VMXCAPS_CTL_EXIT,
	VMXCAPS_CTL_ENTRY,
	VMXCAPS_CTL_PROC3,
	VMXCAPS_CTL_EXIT2,
	VMXCAPS_NR_CTLS
};

enum vmxcaps_setting {
	VMXCAPS_EITHER,
	VMXCAPS_MUST_BE_0,
	VMXCAPS_MUST_BE_1,
};

struct vmxcaps_bitname {
	u8 bit;
	const char *name;
};

struct vmxcaps_ctl_desc {
	const char *key;		/* "pin", also the JSON key */
	const char *title;
	u8 slot;
	u8 true_slot;			/* VMXCAPS_NR_SLOTS: no TRUE MSR */
	u8 nbits;			/* 32: allowed-0/1 halves, 64: allowed-1 only */
	u8 nnames;
	const struct vmxcaps_bitname *names;
	u64 default1_class;		/* bits the SDM calls "default1" */
};

struct vmxcaps_ctl_bit {
	const char *name;		/* "unknown" for allowed-1 bits the table lacks */
	enum vmxcaps_setting setting;
	bool default1;
};

extern const struct vmxcaps_ctl_desc vmxcaps_ctls[VMXCAPS_NR_CTLS];

const char *vmxcaps_setting_name(enum vmxcaps_setting s);
bool vmxcaps_true_ctls(const struct vmxcaps_msrs *m);
bool vmxcaps_ctl_exists(const struct vmxcaps_msrs *m, enum vmxcaps_ctl c);
/* false: the bit is neither defined, default1-class, nor allowed to be 1 */
bool vmxcaps_ctl_bit(const struct vmxcaps_msrs *m, enum vmxcaps_ctl c,
		     unsigned int bit, struct vmxcaps_ctl_bit *out);

/* ---- bit-field MSRs: BASIC, MISC, EPT/VPID, VMFUNC, VMCS_ENUM, FEATURE_CONTROL ---- */
enum vmxcaps_fkind {
	VMXCAPS_F_FLAG,
	VMXCAPS_F_NUM,
	VMXCAPS_F_MEMTYPE,
	VMXCAPS_F_MSRLIST,		/* 512 * (N + 1) */
};

struct vmxcaps_field {
	const char *name;
	u8 lsb;
	u8 width;
	u8 kind;
};

enum vmxcaps_fgroup_id {
	VMXCAPS_FG_BASIC,
	VMXCAPS_FG_MISC,
	VMXCAPS_FG_EPT_VPID,
	VMXCAPS_FG_VMFUNC,
	VMXCAPS_FG_VMCS_ENUM,
	VMXCAPS_FG_FEATURE_CONTROL,
	VMXCAPS_NR_FGROUPS
};

struct vmxcaps_fgroup {
	const char *key;
	u8 slot;
	u8 nfields;
	bool report_unknown;		/* list set bits no field covers */
	const struct vmxcaps_field *fields;
};

extern const struct vmxcaps_fgroup vmxcaps_fgroups[VMXCAPS_NR_FGROUPS];

bool vmxcaps_fgroup_exists(const struct vmxcaps_msrs *m, enum vmxcaps_fgroup_id g);
/* The field's value; for VMXCAPS_F_MSRLIST already scaled to a count. */
u64 vmxcaps_field_value(const struct vmxcaps_msrs *m, enum vmxcaps_fgroup_id g,
			unsigned int i);
u64 vmxcaps_fgroup_unknown(const struct vmxcaps_msrs *m, enum vmxcaps_fgroup_id g);
const char *vmxcaps_memtype_name(u64 type);	/* NULL: reserved */

/* ---- CR0/CR4 fixed bits ---- */
enum vmxcaps_crgroup_id {
	VMXCAPS_CR_CR0,
	VMXCAPS_CR_CR4,
	VMXCAPS_NR_CRGROUPS
};

enum vmxcaps_crsetting {
	VMXCAPS_CR_FLEXIBLE,
	VMXCAPS_CR_FIXED_0,
	VMXCAPS_CR_FIXED_1,
};

struct vmxcaps_crgroup {
	const char *key;		/* "cr0_fixed" */
	u8 fixed0_slot;
	u8 fixed1_slot;
	u8 nnames;
	const struct vmxcaps_bitname *names;
};

extern const struct vmxcaps_crgroup vmxcaps_crgroups[VMXCAPS_NR_CRGROUPS];

const char *vmxcaps_crsetting_name(enum vmxcaps_crsetting s);
/* false: an unnamed bit that VMX does not force to 1, nothing to report */
bool vmxcaps_cr_bit(const struct vmxcaps_msrs *m, enum vmxcaps_crgroup_id g,
		    unsigned int bit, const char **name,
		    enum vmxcaps_crsetting *setting);

/* ---- output ---- */
void vmxcaps_decode(const struct vmxcaps_msrs *m, unsigned int cpu,
		    vmxcaps_emit_fn emit, void *ctx);
/* One line per MSR that differs; returns the number of lines. */
unsigned int vmxcaps_diff(const struct vmxcaps_msrs *ref, unsigned int ref_cpu,
			  const struct vmxcaps_msrs *m, unsigned int cpu,
			  vmxcaps_emit_fn emit, void *ctx);
void vmxcaps_dump_header(vmxcaps_emit_fn emit, void *ctx);
void vmxcaps_dump(const struct vmxcaps_msrs *m, unsigned int cpu,
		  vmxcaps_emit_fn emit, void *ctx);

#endif /* VMXCAPS_DECODE_H */
