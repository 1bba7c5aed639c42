// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder of the VMX capability MSRs (Intel SDM Vol. 3, Appendix A).
 * Compiled unchanged into vmxcaps.ko and into the vmxcaps CLI; see
 * vmxcaps_decode.h for the rules this file follows.
 */
#include "vmxcaps_decode.h"

#define BIT64(n)	(1ULL << (n))
#define LO32(v)		((v) & 0xffffffffULL)
#define HI32(v)		((v) >> 32)

/* Appendix A: "allowed-1" settings live in bits 63:32 of a control MSR. */
#define ALLOWED1(v, bit)	(((v) >> 32) & BIT64(bit))

static const char * const slot_names[VMXCAPS_NR_SLOTS] = {
	[VMXCAPS_BASIC] = "IA32_VMX_BASIC",
	[VMXCAPS_PINBASED] = "IA32_VMX_PINBASED_CTLS",
	[VMXCAPS_PROCBASED] = "IA32_VMX_PROCBASED_CTLS",
	[VMXCAPS_EXIT] = "IA32_VMX_EXIT_CTLS",
	[VMXCAPS_ENTRY] = "IA32_VMX_ENTRY_CTLS",
	[VMXCAPS_MISC] = "IA32_VMX_MISC",
	[VMXCAPS_CR0_FIXED0] = "IA32_VMX_CR0_FIXED0",
	[VMXCAPS_CR0_FIXED1] = "IA32_VMX_CR0_FIXED1",
	[VMXCAPS_CR4_FIXED0] = "IA32_VMX_CR4_FIXED0",
	[VMXCAPS_CR4_FIXED1] = "IA32_VMX_CR4_FIXED1",
	[VMXCAPS_VMCS_ENUM] = "IA32_VMX_VMCS_ENUM",
	[VMXCAPS_PROCBASED2] = "IA32_VMX_PROCBASED_CTLS2",
	[VMXCAPS_EPT_VPID_CAP] = "IA32_VMX_EPT_VPID_CAP",
	[VMXCAPS_TRUE_PINBASED] = "IA32_VMX_TRUE_PINBASED_CTLS",
	[VMXCAPS_TRUE_PROCBASED] = "IA32_VMX_TRUE_PROCBASED_CTLS",
	[VMXCAPS_TRUE_EXIT] = "IA32_VMX_TRUE_EXIT_CTLS",
	[VMXCAPS_TRUE_ENTRY] = "IA32_VMX_TRUE_ENTRY_CTLS",
	[VMXCAPS_VMFUNC] = "IA32_VMX_VMFUNC",
	[VMXCAPS_PROCBASED3] = "IA32_VMX_PROCBASED_CTLS3",
	[VMXCAPS_EXIT2] = "IA32_VMX_EXIT_CTLS2",
	[VMXCAPS_FEATURE_CONTROL] = "IA32_FEATURE_CONTROL",
};

u32 vmxcaps_slot_msr(unsigned int slot)
{
	if (slot == VMXCAPS_FEATURE_CONTROL)
		return VMXCAPS_MSR_FEATURE_CONTROL;
	return VMXCAPS_MSR_BASIC + slot;
}

int vmxcaps_msr_slot(u32 msr)
{
	if (msr == VMXCAPS_MSR_FEATURE_CONTROL)
		return VMXCAPS_FEATURE_CONTROL;
	if (msr >= VMXCAPS_MSR_BASIC && msr <= VMXCAPS_MSR_EXIT_CTLS2)
		return (int)(msr - VMXCAPS_MSR_BASIC);
	return -1;
}

const char *vmxcaps_slot_name(unsigned int slot)
{
	return slot < VMXCAPS_NR_SLOTS ? slot_names[slot] : "?";
}

bool vmxcaps_has(const struct vmxcaps_msrs *m, unsigned int slot)
{
	return slot < VMXCAPS_NR_SLOTS && (m->present & (1U << slot));
}

void vmxcaps_store(struct vmxcaps_msrs *m, unsigned int slot, u64 val)
{
	m->val[slot] = val;
	m->present |= 1U << slot;
}

static bool proc2_exists(const struct vmxcaps_msrs *m)
{
	return vmxcaps_required(m, VMXCAPS_PROCBASED2) &&
	       vmxcaps_has(m, VMXCAPS_PROCBASED2);
}

/* The existence rules of Appendix A.1, A.3.2-A.3.4, A.4.2, A.10, A.11. */
bool vmxcaps_required(const struct vmxcaps_msrs *m, unsigned int slot)
{
	switch (slot) {
	case VMXCAPS_BASIC ... VMXCAPS_VMCS_ENUM:
		return true;
	case VMXCAPS_PROCBASED2:
		return vmxcaps_has(m, VMXCAPS_PROCBASED) &&
		       ALLOWED1(m->val[VMXCAPS_PROCBASED], 31);
	case VMXCAPS_EPT_VPID_CAP:
		return proc2_exists(m) &&
		       (ALLOWED1(m->val[VMXCAPS_PROCBASED2], 1) ||
			ALLOWED1(m->val[VMXCAPS_PROCBASED2], 5));
	case VMXCAPS_TRUE_PINBASED ... VMXCAPS_TRUE_ENTRY:
		return vmxcaps_has(m, VMXCAPS_BASIC) &&
		       (m->val[VMXCAPS_BASIC] & BIT64(55));
	case VMXCAPS_VMFUNC:
		return proc2_exists(m) &&
		       ALLOWED1(m->val[VMXCAPS_PROCBASED2], 13);
	case VMXCAPS_PROCBASED3:
		return vmxcaps_has(m, VMXCAPS_PROCBASED) &&
		       ALLOWED1(m->val[VMXCAPS_PROCBASED], 17);
	case VMXCAPS_EXIT2:
		return vmxcaps_has(m, VMXCAPS_EXIT) &&
		       ALLOWED1(m->val[VMXCAPS_EXIT], 31);
	default:
		return false;
	}
}

const char *vmxcaps_required_why(unsigned int slot)
{
	switch (slot) {
	case VMXCAPS_BASIC ... VMXCAPS_VMCS_ENUM:
		return "every VMX processor has it";
	case VMXCAPS_PROCBASED2:
		return "proc bit 31 activate_secondary_controls is allowed-1";
	case VMXCAPS_EPT_VPID_CAP:
		return "proc2 bit 1 enable_ept or bit 5 enable_vpid is allowed-1";
	case VMXCAPS_TRUE_PINBASED ... VMXCAPS_TRUE_ENTRY:
		return "basic bit 55 true_ctls is 1";
	case VMXCAPS_VMFUNC:
		return "proc2 bit 13 enable_vm_functions is allowed-1";
	case VMXCAPS_PROCBASED3:
		return "proc bit 17 activate_tertiary_controls is allowed-1";
	case VMXCAPS_EXIT2:
		return "exit bit 31 activate_secondary_controls is allowed-1";
	default:
		return "it is optional";
	}
}

int vmxcaps_first_missing(const struct vmxcaps_msrs *m)
{
	unsigned int slot;

	for (slot = 0; slot < VMXCAPS_NR_SLOTS; slot++)
		if (vmxcaps_required(m, slot) && !vmxcaps_has(m, slot))
			return (int)slot;
	return -1;
}

static int read_slot(struct vmxcaps_msrs *m, unsigned int slot,
		     vmxcaps_rdmsr_fn rd, void *ctx, u32 *failed_msr)
{
	u64 val;
	int err;

	err = rd(ctx, vmxcaps_slot_msr(slot), &val);
	if (err) {
		*failed_msr = vmxcaps_slot_msr(slot);
		return err;
	}
	vmxcaps_store(m, slot, val);
	return 0;
}

int vmxcaps_read(struct vmxcaps_msrs *m, vmxcaps_rdmsr_fn rd, void *ctx,
		 u32 *failed_msr)
{
	unsigned int slot;
	int err;

	m->present = 0;
	err = read_slot(m, VMXCAPS_FEATURE_CONTROL, rd, ctx, failed_msr);
	if (err)
		return err;
	/* slot order puts every condition before the MSRs that depend on it */
	for (slot = 0; slot < VMXCAPS_FEATURE_CONTROL; slot++) {
		if (!vmxcaps_required(m, slot))
			continue;
		err = read_slot(m, slot, rd, ctx, failed_msr);
		if (err)
			return err;
	}
	return 0;
}

bool vmxcaps_vmx_disabled(const struct vmxcaps_msrs *m)
{
	u64 fc = m->val[VMXCAPS_FEATURE_CONTROL];

	return vmxcaps_has(m, VMXCAPS_FEATURE_CONTROL) &&
	       (fc & VMXCAPS_FC_LOCKED) &&
	       !(fc & (VMXCAPS_FC_VMX_INSIDE_SMX | VMXCAPS_FC_VMX_OUTSIDE_SMX));
}

/* ---- controls ---- */

const char *vmxcaps_setting_name(enum vmxcaps_setting s)
{
	switch (s) {
	case VMXCAPS_MUST_BE_0:
		return "must-be-0";
	case VMXCAPS_MUST_BE_1:
		return "must-be-1";
	default:
		return "either";
	}
}

bool vmxcaps_true_ctls(const struct vmxcaps_msrs *m)
{
	return vmxcaps_has(m, VMXCAPS_BASIC) &&
	       (m->val[VMXCAPS_BASIC] & BIT64(55));
}

bool vmxcaps_ctl_exists(const struct vmxcaps_msrs *m, enum vmxcaps_ctl c)
{
	unsigned int slot = vmxcaps_ctls[c].slot;

	return vmxcaps_required(m, slot) && vmxcaps_has(m, slot);
}

/* A.2: when BASIC[55] is 1 the TRUE MSR is authoritative for the low half. */
static bool ctl_uses_true(const struct vmxcaps_msrs *m, enum vmxcaps_ctl c)
{
	unsigned int ts = vmxcaps_ctls[c].true_slot;

	return ts < VMXCAPS_NR_SLOTS && vmxcaps_true_ctls(m) &&
	       vmxcaps_has(m, ts);
}

static const char *lookup(const struct vmxcaps_bitname *names,
			  unsigned int n, unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i].bit == bit)
			return names[i].name;
	return NULL;
}

static enum vmxcaps_setting setting_of(u64 allowed0, u64 allowed1, u64 mask)
{
	if (allowed0 & mask)
		return VMXCAPS_MUST_BE_1;
	if (!(allowed1 & mask))
		return VMXCAPS_MUST_BE_0;
	return VMXCAPS_EITHER;
}

bool vmxcaps_ctl_bit(const struct vmxcaps_msrs *m, enum vmxcaps_ctl c,
		     unsigned int bit, struct vmxcaps_ctl_bit *out)
{
	const struct vmxcaps_ctl_desc *d = &vmxcaps_ctls[c];
	u64 raw, lo, hi, tlo, thi, mask;
	const char *name;

	if (bit >= d->nbits || !vmxcaps_ctl_exists(m, c))
		return false;
	mask = BIT64(bit);
	raw = m->val[d->slot];
	if (d->nbits == 64) {
		/* A.3.4, A.4.2: 64 allowed-1 bits, no allowed-0 half */
		lo = 0;
		hi = raw;
	} else {
		lo = LO32(raw);
		hi = HI32(raw);
	}
	tlo = lo;
	thi = hi;
	if (ctl_uses_true(m, c)) {
		tlo = LO32(m->val[d->true_slot]);
		thi = HI32(m->val[d->true_slot]);
	}

	out->setting = setting_of(tlo, thi, mask);
	out->default1 = ctl_uses_true(m, c) &&
			setting_of(lo, hi, mask) == VMXCAPS_MUST_BE_1 &&
			out->setting == VMXCAPS_EITHER;

	name = lookup(d->names, d->nnames, bit);
	if (!name) {
		if (d->default1_class & mask)
			name = "reserved";
		else if ((lo | hi | tlo | thi) & mask)
			name = "unknown";
		else
			return false;
	}
	out->name = name;
	return true;
}

/* ---- bit-field MSRs ---- */

static u64 field_mask(unsigned int width)
{
	return width >= 64 ? ~0ULL : BIT64(width) - 1;
}

bool vmxcaps_fgroup_exists(const struct vmxcaps_msrs *m,
			   enum vmxcaps_fgroup_id g)
{
	unsigned int slot = vmxcaps_fgroups[g].slot;

	if (slot == VMXCAPS_FEATURE_CONTROL)
		return vmxcaps_has(m, slot);
	return vmxcaps_required(m, slot) && vmxcaps_has(m, slot);
}

u64 vmxcaps_field_value(const struct vmxcaps_msrs *m, enum vmxcaps_fgroup_id g,
			unsigned int i)
{
	const struct vmxcaps_fgroup *fg = &vmxcaps_fgroups[g];
	const struct vmxcaps_field *f = &fg->fields[i];
	u64 v = (m->val[fg->slot] >> f->lsb) & field_mask(f->width);

	if (f->kind == VMXCAPS_F_MSRLIST)
		return 512 * (v + 1);	/* A.6: recommended maximum */
	return v;
}

u64 vmxcaps_fgroup_unknown(const struct vmxcaps_msrs *m,
			   enum vmxcaps_fgroup_id g)
{
	const struct vmxcaps_fgroup *fg = &vmxcaps_fgroups[g];
	u64 known = 0;
	unsigned int i;

	if (!fg->report_unknown)
		return 0;
	for (i = 0; i < fg->nfields; i++)
		known |= field_mask(fg->fields[i].width) << fg->fields[i].lsb;
	return m->val[fg->slot] & ~known;
}

/* A.1: only UC and WB are defined for the VMCS region memory type. */
const char *vmxcaps_memtype_name(u64 type)
{
	if (type == 0)
		return "UC";
	if (type == 6)
		return "WB";
	return NULL;
}

/* ---- CR0/CR4 ---- */

const char *vmxcaps_crsetting_name(enum vmxcaps_crsetting s)
{
	switch (s) {
	case VMXCAPS_CR_FIXED_0:
		return "fixed-0";
	case VMXCAPS_CR_FIXED_1:
		return "fixed-1";
	default:
		return "flexible";
	}
}

/* A.7, A.8: FIXED0 bit 1 forces 1, FIXED1 bit 0 forces 0. */
bool vmxcaps_cr_bit(const struct vmxcaps_msrs *m, enum vmxcaps_crgroup_id g,
		    unsigned int bit, const char **name,
		    enum vmxcaps_crsetting *setting)
{
	const struct vmxcaps_crgroup *cg = &vmxcaps_crgroups[g];
	u64 mask = BIT64(bit);

	if (m->val[cg->fixed0_slot] & mask)
		*setting = VMXCAPS_CR_FIXED_1;
	else if (!(m->val[cg->fixed1_slot] & mask))
		*setting = VMXCAPS_CR_FIXED_0;
	else
		*setting = VMXCAPS_CR_FLEXIBLE;
	*name = lookup(cg->names, cg->nnames, bit);
	if (!*name) {
		/*
		 * FIXED1 reads 1 for many reserved CR0 bits (VMX does not
		 * police them, the architecture does): only a bit VMX forces
		 * to 1 is worth a line.
		 */
		if (*setting != VMXCAPS_CR_FIXED_1)
			return false;
		*name = "unknown";
	}
	return true;
}

/* ---- text output ---- */

static void emit_absent(unsigned int slot, const char *key,
			vmxcaps_emit_fn emit, void *ctx)
{
	emit(ctx, "%-5s absent: %s 0x%x exists only if %s", key,
	     slot_names[slot], vmxcaps_slot_msr(slot),
	     vmxcaps_required_why(slot));
}

static void decode_ctl(const struct vmxcaps_msrs *m, enum vmxcaps_ctl c,
		       vmxcaps_emit_fn emit, void *ctx)
{
	const struct vmxcaps_ctl_desc *d = &vmxcaps_ctls[c];
	struct vmxcaps_ctl_bit b;
	unsigned int bit;

	if (!vmxcaps_ctl_exists(m, c)) {
		emit_absent(d->slot, d->key, emit, ctx);
		return;
	}
	if (ctl_uses_true(m, c))
		emit(ctx, "%s: %s, %s 0x%x = 0x%016llx, %s 0x%x = 0x%016llx",
		     d->key, d->title, slot_names[d->slot],
		     vmxcaps_slot_msr(d->slot), m->val[d->slot],
		     slot_names[d->true_slot], vmxcaps_slot_msr(d->true_slot),
		     m->val[d->true_slot]);
	else
		emit(ctx, "%s: %s, %s 0x%x = 0x%016llx", d->key, d->title,
		     slot_names[d->slot], vmxcaps_slot_msr(d->slot),
		     m->val[d->slot]);

	for (bit = 0; bit < d->nbits; bit++) {
		if (!vmxcaps_ctl_bit(m, c, bit, &b))
			continue;
		emit(ctx, "%-5s bit %2u %-40s %s%s", d->key, bit, b.name,
		     vmxcaps_setting_name(b.setting),
		     b.default1 ? " default1" : "");
	}
}

static void decode_fgroup(const struct vmxcaps_msrs *m,
			  enum vmxcaps_fgroup_id g,
			  vmxcaps_emit_fn emit, void *ctx)
{
	const struct vmxcaps_fgroup *fg = &vmxcaps_fgroups[g];
	const char *name;
	unsigned int i;
	u64 v, unknown;

	if (!vmxcaps_fgroup_exists(m, g)) {
		if (fg->slot == VMXCAPS_FEATURE_CONTROL)
			emit(ctx, "%s: %s 0x%x not available", fg->key,
			     slot_names[fg->slot], vmxcaps_slot_msr(fg->slot));
		else
			emit_absent(fg->slot, fg->key, emit, ctx);
		return;
	}
	emit(ctx, "%s: %s 0x%x = 0x%016llx", fg->key, slot_names[fg->slot],
	     vmxcaps_slot_msr(fg->slot), m->val[fg->slot]);

	for (i = 0; i < fg->nfields; i++) {
		v = vmxcaps_field_value(m, g, i);
		switch (fg->fields[i].kind) {
		case VMXCAPS_F_FLAG:
			emit(ctx, "%-9s %-40s %s", fg->key,
			     fg->fields[i].name, v ? "yes" : "no");
			break;
		case VMXCAPS_F_MEMTYPE:
			name = vmxcaps_memtype_name(v);
			if (name)
				emit(ctx, "%-9s %-40s %s", fg->key,
				     fg->fields[i].name, name);
			else
				emit(ctx, "%-9s %-40s reserved(%llu)", fg->key,
				     fg->fields[i].name, v);
			break;
		default:
			emit(ctx, "%-9s %-40s %llu", fg->key,
			     fg->fields[i].name, v);
			break;
		}
	}

	unknown = vmxcaps_fgroup_unknown(m, g);
	for (i = 0; i < 64; i++)
		if (unknown & BIT64(i))
			emit(ctx, "%-9s bit %2u unknown", fg->key, i);
}

static void decode_cr(const struct vmxcaps_msrs *m, enum vmxcaps_crgroup_id g,
		      vmxcaps_emit_fn emit, void *ctx)
{
	const struct vmxcaps_crgroup *cg = &vmxcaps_crgroups[g];
	enum vmxcaps_crsetting s;
	const char *name;
	unsigned int bit;

	emit(ctx, "%s: %s 0x%x = 0x%016llx, %s 0x%x = 0x%016llx", cg->key,
	     slot_names[cg->fixed0_slot], vmxcaps_slot_msr(cg->fixed0_slot),
	     m->val[cg->fixed0_slot], slot_names[cg->fixed1_slot],
	     vmxcaps_slot_msr(cg->fixed1_slot), m->val[cg->fixed1_slot]);
	for (bit = 0; bit < 64; bit++)
		if (vmxcaps_cr_bit(m, g, bit, &name, &s))
			emit(ctx, "%-9s bit %2u %-11s %s", cg->key, bit, name,
			     vmxcaps_crsetting_name(s));
}

void vmxcaps_decode(const struct vmxcaps_msrs *m, unsigned int cpu,
		    vmxcaps_emit_fn emit, void *ctx)
{
	/* the five controls the original seed printed come first */
	static const u8 ctl_order[] = {
		VMXCAPS_CTL_PIN, VMXCAPS_CTL_PROC, VMXCAPS_CTL_PROC2,
		VMXCAPS_CTL_EXIT, VMXCAPS_CTL_ENTRY, VMXCAPS_CTL_PROC3,
		VMXCAPS_CTL_EXIT2,
	};
	unsigned int i;

	emit(ctx, "cpu %u: VMX capabilities", cpu);
	for (i = 0; i < sizeof(ctl_order); i++)
		decode_ctl(m, ctl_order[i], emit, ctx);
	decode_fgroup(m, VMXCAPS_FG_BASIC, emit, ctx);
	decode_fgroup(m, VMXCAPS_FG_MISC, emit, ctx);
	decode_fgroup(m, VMXCAPS_FG_EPT_VPID, emit, ctx);
	decode_fgroup(m, VMXCAPS_FG_VMFUNC, emit, ctx);
	decode_cr(m, VMXCAPS_CR_CR0, emit, ctx);
	decode_cr(m, VMXCAPS_CR_CR4, emit, ctx);
	decode_fgroup(m, VMXCAPS_FG_VMCS_ENUM, emit, ctx);
	decode_fgroup(m, VMXCAPS_FG_FEATURE_CONTROL, emit, ctx);
}

/* MSR order of the dump and of the difference report: 0x3a, 0x480... */
static unsigned int nth_slot(unsigned int i)
{
	return i == 0 ? VMXCAPS_FEATURE_CONTROL : i - 1;
}

unsigned int vmxcaps_diff(const struct vmxcaps_msrs *ref, unsigned int ref_cpu,
			  const struct vmxcaps_msrs *m, unsigned int cpu,
			  vmxcaps_emit_fn emit, void *ctx)
{
	unsigned int i, slot, n = 0;
	bool a, b;

	for (i = 0; i < VMXCAPS_NR_SLOTS; i++) {
		slot = nth_slot(i);
		a = vmxcaps_has(ref, slot);
		b = vmxcaps_has(m, slot);
		if (a != b)
			emit(ctx, "cpu %u differs from cpu %u: %s 0x%x %s on cpu %u",
			     cpu, ref_cpu, slot_names[slot],
			     vmxcaps_slot_msr(slot),
			     b ? "present" : "absent", cpu);
		else if (a && ref->val[slot] != m->val[slot])
			emit(ctx,
			     "cpu %u differs from cpu %u: %s 0x%x = 0x%016llx (cpu %u: 0x%016llx)",
			     cpu, ref_cpu, slot_names[slot],
			     vmxcaps_slot_msr(slot), m->val[slot], ref_cpu,
			     ref->val[slot]);
		else
			continue;
		n++;
	}
	return n;
}

void vmxcaps_dump_header(vmxcaps_emit_fn emit, void *ctx)
{
	emit(ctx,
	     "# vmxcaps raw MSR dump: 'cpu N' starts a CPU, then one '0xINDEX 0xVALUE' per MSR");
}

void vmxcaps_dump(const struct vmxcaps_msrs *m, unsigned int cpu,
		  vmxcaps_emit_fn emit, void *ctx)
{
	unsigned int i, slot;

	emit(ctx, "cpu %u", cpu);
	for (i = 0; i < VMXCAPS_NR_SLOTS; i++) {
		slot = nth_slot(i);
		if (vmxcaps_has(m, slot))
			emit(ctx, "0x%x 0x%016llx", vmxcaps_slot_msr(slot),
			     m->val[slot]);
	}
}
