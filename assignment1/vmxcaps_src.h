/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the CLI gets MSR values from: the msr driver (/dev/cpu/N/msr), the
 * module's debugfs file, or a dump file.  Userspace only.
 */
#ifndef VMXCAPS_SRC_H
#define VMXCAPS_SRC_H

#include <stdio.h>
#include "vmxcaps_decode.h"

/* Exit codes of the CLI, also returned by the loaders below. */
enum vmxcaps_exit {
	VMXCAPS_EXIT_OK = 0,
	VMXCAPS_EXIT_DATA = 1,		/* malformed or incomplete input */
	VMXCAPS_EXIT_USAGE = 2,
	VMXCAPS_EXIT_NOVMX = 3,		/* no VMX, or disabled by firmware */
	VMXCAPS_EXIT_NOREAD = 4,	/* the MSRs cannot be read */
};

#define VMXCAPS_DEBUGFS_PATH	"/sys/kernel/debug/vmxcaps/msrs"
#define VMXCAPS_ERRLEN		512

struct vmxcaps_cpu {
	unsigned int id;
	struct vmxcaps_msrs m;
};

struct vmxcaps_set {
	unsigned int n;
	unsigned int cap;
	struct vmxcaps_cpu *cpu;	/* sorted by id once loaded */
};

void vmxcaps_set_free(struct vmxcaps_set *set);
const struct vmxcaps_cpu *vmxcaps_set_find(const struct vmxcaps_set *set,
					   unsigned int id);

/*
 * All loaders return an enum vmxcaps_exit and, on failure, leave a
 * one-line message (without the "vmxcaps: " prefix) in err.
 */
int vmxcaps_parse(FILE *f, const char *name, struct vmxcaps_set *set,
		  char *err, size_t errlen);
/* path "-": standard input, named "stdin" in messages */
int vmxcaps_load_file(const char *path, struct vmxcaps_set *set,
		      char *err, size_t errlen);
int vmxcaps_load_module(struct vmxcaps_set *set, char *err, size_t errlen);
int vmxcaps_load_local(struct vmxcaps_set *set, char *err, size_t errlen);
/*
 * VMXCAPS_EXIT_NOVMX and the advice for a CPU without VMX, by its CPUID.0
 * vendor string and CPUID.1:ECX[31] (under a hypervisor).
 */
int vmxcaps_no_vmx(const char *vendor, bool hypervisor, char *err, size_t errlen);
/* Required MSRs present, VMX not disabled by firmware. */
int vmxcaps_validate(const struct vmxcaps_set *set, const char *name,
		     char *err, size_t errlen);

void vmxcaps_json(FILE *out, const struct vmxcaps_set *set, int only_cpu);

#endif /* VMXCAPS_SRC_H */
