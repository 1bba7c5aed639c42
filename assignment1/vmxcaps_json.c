// SPDX-License-Identifier: GPL-2.0
/*
 * JSON rendering of the decode.  It walks the same tables and calls the
 * same per-bit functions as the text decoder, so both always agree.
 */
#include <string.h>

#include "vmxcaps_src.h"

/* Every name comes from our tables: plain ASCII identifiers, no escaping. */
static void jstr(FILE *out, const char *key, const char *val)
{
	fprintf(out, "\"%s\":\"%s\"", key, val);
}

static void json_msrs(FILE *out, const struct vmxcaps_msrs *m)
{
	static const u8 order[] = {
		VMXCAPS_FEATURE_CONTROL, VMXCAPS_BASIC, VMXCAPS_PINBASED,
		VMXCAPS_PROCBASED, VMXCAPS_EXIT, VMXCAPS_ENTRY, VMXCAPS_MISC,
		VMXCAPS_CR0_FIXED0, VMXCAPS_CR0_FIXED1, VMXCAPS_CR4_FIXED0,
		VMXCAPS_CR4_FIXED1, VMXCAPS_VMCS_ENUM, VMXCAPS_PROCBASED2,
		VMXCAPS_EPT_VPID_CAP, VMXCAPS_TRUE_PINBASED,
		VMXCAPS_TRUE_PROCBASED, VMXCAPS_TRUE_EXIT, VMXCAPS_TRUE_ENTRY,
		VMXCAPS_VMFUNC, VMXCAPS_PROCBASED3, VMXCAPS_EXIT2,
	};
	const char *sep = "";
	unsigned int i;

	fputs("\"msrs\":{", out);
	for (i = 0; i < sizeof(order); i++) {
		if (!vmxcaps_has(m, order[i]))
			continue;
		fprintf(out, "%s\"0x%x\":\"0x%016llx\"", sep,
			vmxcaps_slot_msr(order[i]), m->val[order[i]]);
		sep = ",";
	}
	fputc('}', out);
}

static void json_controls(FILE *out, const struct vmxcaps_msrs *m)
{
	static const u8 order[] = {
		VMXCAPS_CTL_PIN, VMXCAPS_CTL_PROC, VMXCAPS_CTL_PROC2,
		VMXCAPS_CTL_PROC3, VMXCAPS_CTL_EXIT, VMXCAPS_CTL_EXIT2,
		VMXCAPS_CTL_ENTRY,
	};
	const char *gsep = "", *bsep;
	struct vmxcaps_ctl_bit b;
	unsigned int i, bit;
	enum vmxcaps_ctl c;

	fputs("\"controls\":{", out);
	for (i = 0; i < sizeof(order); i++) {
		c = order[i];
		if (!vmxcaps_ctl_exists(m, c))
			continue;
		fprintf(out, "%s\"%s\":[", gsep, vmxcaps_ctls[c].key);
		gsep = ",";
		bsep = "";
		for (bit = 0; bit < vmxcaps_ctls[c].nbits; bit++) {
			if (!vmxcaps_ctl_bit(m, c, bit, &b))
				continue;
			fprintf(out, "%s{\"bit\":%u,", bsep, bit);
			jstr(out, "name", b.name);
			fputc(',', out);
			jstr(out, "setting", vmxcaps_setting_name(b.setting));
			fprintf(out, ",\"default1\":%s}",
				b.default1 ? "true" : "false");
			bsep = ",";
		}
		fputc(']', out);
	}
	fputc('}', out);
}

static void json_fgroup(FILE *out, const struct vmxcaps_msrs *m,
			enum vmxcaps_fgroup_id g)
{
	const struct vmxcaps_fgroup *fg = &vmxcaps_fgroups[g];
	const char *sep = "", *name;
	unsigned int i;
	u64 v, unknown;

	if (!vmxcaps_fgroup_exists(m, g))
		return;
	fprintf(out, ",\"%s\":{", fg->key);
	for (i = 0; i < fg->nfields; i++) {
		v = vmxcaps_field_value(m, g, i);
		fprintf(out, "%s\"%s\":", sep, fg->fields[i].name);
		sep = ",";
		switch (fg->fields[i].kind) {
		case VMXCAPS_F_FLAG:
			fputs(v ? "true" : "false", out);
			break;
		case VMXCAPS_F_MEMTYPE:
			name = vmxcaps_memtype_name(v);
			if (name)
				fprintf(out, "\"%s\"", name);
			else
				fprintf(out, "\"reserved(%llu)\"", v);
			break;
		default:
			fprintf(out, "%llu", v);
			break;
		}
	}
	unknown = vmxcaps_fgroup_unknown(m, g);
	if (unknown) {
		fprintf(out, "%s\"unknown_bits\":[", sep);
		sep = "";
		for (i = 0; i < 64; i++) {
			if (!(unknown & (1ULL << i)))
				continue;
			fprintf(out, "%s%u", sep, i);
			sep = ",";
		}
		fputc(']', out);
	}
	fputc('}', out);
}

static void json_cr(FILE *out, const struct vmxcaps_msrs *m,
		    enum vmxcaps_crgroup_id g)
{
	enum vmxcaps_crsetting s;
	const char *sep = "", *name;
	unsigned int bit;

	fprintf(out, ",\"%s\":{", vmxcaps_crgroups[g].key);
	for (bit = 0; bit < 64; bit++) {
		if (!vmxcaps_cr_bit(m, g, bit, &name, &s))
			continue;
		/* unnamed bits get a unique key instead of "unknown" */
		if (!strcmp(name, "unknown"))
			fprintf(out, "%s\"bit_%u\":", sep, bit);
		else
			fprintf(out, "%s\"%s\":", sep, name);
		fprintf(out, "\"%s\"", vmxcaps_crsetting_name(s));
		sep = ",";
	}
	fputc('}', out);
}

static void json_cpu(FILE *out, const struct vmxcaps_cpu *c)
{
	fprintf(out, "{\"cpu\":%u,", c->id);
	json_msrs(out, &c->m);
	fputc(',', out);
	json_controls(out, &c->m);
	json_fgroup(out, &c->m, VMXCAPS_FG_BASIC);
	json_fgroup(out, &c->m, VMXCAPS_FG_MISC);
	json_fgroup(out, &c->m, VMXCAPS_FG_EPT_VPID);
	json_fgroup(out, &c->m, VMXCAPS_FG_VMFUNC);
	json_cr(out, &c->m, VMXCAPS_CR_CR0);
	json_cr(out, &c->m, VMXCAPS_CR_CR4);
	json_fgroup(out, &c->m, VMXCAPS_FG_VMCS_ENUM);
	json_fgroup(out, &c->m, VMXCAPS_FG_FEATURE_CONTROL);
	fputc('}', out);
}

void vmxcaps_json(FILE *out, const struct vmxcaps_set *set, int only_cpu)
{
	const char *sep = "";
	unsigned int i;

	fputs("{\"cpus\":[", out);
	for (i = 0; i < set->n; i++) {
		if (only_cpu >= 0 && set->cpu[i].id != (unsigned int)only_cpu)
			continue;
		fputs(sep, out);
		fputc('\n', out);
		json_cpu(out, &set->cpu[i]);
		sep = ",";
	}
	fputs("\n]}\n", out);
}
