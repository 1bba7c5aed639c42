// SPDX-License-Identifier: GPL-2.0
/*
 * vmxcaps --kvm: what the CPU allows beside what KVM enables.  KVM built
 * from assignment 3's diff shows, per vCPU, the controls it chose from what
 * the CPU allows (vmcs_config) and those in the live VMCS (vmcs01), in
 * /sys/kernel/debug/kvm/PID-FD/vcpuN/exit_stats, lines
 * "control pin|exec|exec2|exec3|exit|entry kvm 0x... live 0x...".
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vmxcaps_src.h"

/* exit_stats's names of the control fields, in enum vmxcaps_ctl order */
static const char *const kvm_names[VMXCAPS_NR_CTLS] = {
	[VMXCAPS_CTL_PIN] = "pin", [VMXCAPS_CTL_PROC] = "exec",
	[VMXCAPS_CTL_PROC2] = "exec2", [VMXCAPS_CTL_EXIT] = "exit",
	[VMXCAPS_CTL_ENTRY] = "entry", [VMXCAPS_CTL_PROC3] = "exec3",
	[VMXCAPS_CTL_EXIT2] = NULL,
};

#define KVM_STATS_GLOB	"/sys/kernel/debug/kvm/*-*/vcpu0/exit_stats"

struct kvm_ctls {
	bool have[VMXCAPS_NR_CTLS];
	u64 kvm[VMXCAPS_NR_CTLS], live[VMXCAPS_NR_CTLS];
};

/* The first vCPU of the first VM, or $VMXCAPS_KVM_STATS. */
static int kvm_stats_path(char *path, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("VMXCAPS_KVM_STATS");
	glob_t gl;

	if (env) {
		snprintf(path, len, "%s", env);
		return VMXCAPS_EXIT_OK;
	}
	if (glob(KVM_STATS_GLOB, 0, NULL, &gl)) {
		snprintf(err, errlen, "%s", "no " KVM_STATS_GLOB ": --kvm needs a running VM under KVM built from assignment3/kvm.diff, debugfs mounted, and root");
		return VMXCAPS_EXIT_NOREAD;
	}
	snprintf(path, len, "%s", gl.gl_pathv[0]);
	globfree(&gl);
	return VMXCAPS_EXIT_OK;
}

static int kvm_ctls_read(const char *path, struct kvm_ctls *k, char *err, size_t errlen)
{
	char line[256], name[16];
	unsigned long long kv, lv;
	unsigned int c, n = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return VMXCAPS_EXIT_NOREAD;
	}
	memset(k, 0, sizeof(*k));
	while (fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "isa svm\n")) {
			fclose(f);
			snprintf(err, errlen, "%s: the VM runs on SVM, which has no VMX controls",
				 path);
			return VMXCAPS_EXIT_NOVMX;
		}
		if (sscanf(line, "control %15s kvm %llx live %llx", name, &kv, &lv) != 3)
			continue;
		for (c = 0; c < VMXCAPS_NR_CTLS; c++)
			if (kvm_names[c] && !strcmp(kvm_names[c], name)) {
				k->have[c] = true;
				k->kvm[c] = kv;
				k->live[c] = lv;
				n++;
			}
	}
	fclose(f);
	if (!n) {
		snprintf(err, errlen, "%s: no 'control NAME kvm 0x... live 0x...' lines", path);
		return VMXCAPS_EXIT_DATA;
	}
	return VMXCAPS_EXIT_OK;
}

/*
 * One line per control bit that is defined, allowed by the CPU, or set by
 * KVM; "!" marks a bit KVM sets although the CPU says must-be-0, or clears
 * although the CPU says must-be-1 (a VM-entry would fail).
 */
int vmxcaps_kvm_print(FILE *out, const struct vmxcaps_msrs *m, char *err, size_t errlen)
{
	struct vmxcaps_ctl_bit b;
	char path[4096];
	struct kvm_ctls k;
	unsigned int c, bit, bad = 0;
	int ret;

	ret = kvm_stats_path(path, sizeof(path), err, errlen);
	if (ret == VMXCAPS_EXIT_OK)
		ret = kvm_ctls_read(path, &k, err, errlen);
	if (ret != VMXCAPS_EXIT_OK)
		return ret;
	fprintf(out, "# %s: kvm = what KVM uses (vmcs_config), live = this vCPU's VMCS (vmcs01)\n",
		path);
	fprintf(out, "%-5s %-4s %-40s %-10s %-3s %s\n",
		"group", "bit", "name", "cpu", "kvm", "live");
	for (c = 0; c < VMXCAPS_NR_CTLS; c++) {
		if (!k.have[c] || !vmxcaps_ctl_exists(m, c))
			continue;
		for (bit = 0; bit < vmxcaps_ctls[c].nbits; bit++) {
			int kb = !!(k.kvm[c] & (1ULL << bit)), lb = !!(k.live[c] & (1ULL << bit));
			bool known = vmxcaps_ctl_bit(m, c, bit, &b);
			bool wrong;

			if (!known && !kb && !lb)
				continue;
			wrong = known && ((b.setting == VMXCAPS_MUST_BE_0 && (kb || lb)) ||
					  (b.setting == VMXCAPS_MUST_BE_1 && (!kb || !lb)));
			bad += wrong;
			fprintf(out, "%-5s %4u %-40s %-10s %-3d %d%s\n",
				vmxcaps_ctls[c].key, bit, known ? b.name : "unknown",
				known ? vmxcaps_setting_name(b.setting) : "?",
				kb, lb, wrong ? " !" : "");
		}
	}
	if (bad)
		fprintf(out, "# %u bits contradict what the CPU allows (marked !)\n", bad);
	return VMXCAPS_EXIT_OK;
}
