// SPDX-License-Identifier: GPL-2.0
/*
 * MSR sources of the vmxcaps CLI: dump files (also the module's debugfs
 * file, which uses the same format) and the msr driver.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cpuid.h>		/* x86 only, like the MSRs themselves */

#include "vmxcaps_src.h"

#define MAX_CPU_ID	1048576		/* sanity limit for "cpu N" lines */
#define MAX_LOCAL_CPUS	8192

static __printf(3, 4) int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

void vmxcaps_set_free(struct vmxcaps_set *set)
{
	free(set->cpu);
	set->cpu = NULL;
	set->n = 0;
	set->cap = 0;
}

const struct vmxcaps_cpu *vmxcaps_set_find(const struct vmxcaps_set *set,
					   unsigned int id)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->cpu[i].id == id)
			return &set->cpu[i];
	return NULL;
}

static struct vmxcaps_cpu *set_add(struct vmxcaps_set *set, unsigned int id)
{
	struct vmxcaps_cpu *c;

	if (set->n == set->cap) {
		unsigned int cap = set->cap ? 2 * set->cap : 8;

		c = realloc(set->cpu, cap * sizeof(*c));
		if (!c)
			return NULL;
		set->cpu = c;
		set->cap = cap;
	}
	c = &set->cpu[set->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	return c;
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct vmxcaps_cpu *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Strict: "0x" and 1-16 hex digits, nothing else. */
static bool parse_hex(const char *s, u64 *out)
{
	u64 v = 0;
	int digits = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v >> 60)
			return false;	/* more than 64 bits */
		v = v << 4 | (u64)d;
		digits++;
	}
	*out = v;
	return digits > 0;
}

static bool parse_dec(const char *s, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= MAX_CPU_ID)
			return false;
	}
	*out = (unsigned int)v;
	return true;
}

static int split(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

int vmxcaps_parse(FILE *f, const char *name, struct vmxcaps_set *set,
		  char *err, size_t errlen)
{
	struct vmxcaps_cpu *cur = NULL;
	char line[512], *tok[3], *hash;
	unsigned long lineno = 0;
	unsigned int id;
	u64 idx, val;
	int ntok, slot;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fail(err, errlen, "%s:%lu: line too long", name, lineno);
			return VMXCAPS_EXIT_DATA;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		ntok = split(line, tok, 2);
		if (ntok == 0)
			continue;

		if (!strcmp(tok[0], "cpu")) {
			if (ntok != 2 || !parse_dec(tok[1], &id)) {
				fail(err, errlen, "%s:%lu: malformed line: expected 'cpu N'",
				     name, lineno);
				return VMXCAPS_EXIT_DATA;
			}
			if (vmxcaps_set_find(set, id)) {
				fail(err, errlen, "%s:%lu: cpu %u appears twice",
				     name, lineno, id);
				return VMXCAPS_EXIT_DATA;
			}
			cur = set_add(set, id);
			if (!cur)
				goto nomem;
			continue;
		}

		if (ntok != 2 || !parse_hex(tok[0], &idx) ||
		    !parse_hex(tok[1], &val)) {
			fail(err, errlen,
			     "%s:%lu: malformed line: expected '0xINDEX 0xVALUE' or 'cpu N'",
			     name, lineno);
			return VMXCAPS_EXIT_DATA;
		}
		slot = idx > 0xffffffffULL ? -1 : vmxcaps_msr_slot((u32)idx);
		if (slot < 0) {
			fail(err, errlen,
			     "%s:%lu: MSR 0x%llx is not a VMX capability MSR (0x3a, 0x480-0x493)",
			     name, lineno, idx);
			return VMXCAPS_EXIT_DATA;
		}
		if (!cur) {
			/* MSRs before any "cpu" line belong to CPU 0 */
			if (vmxcaps_set_find(set, 0)) {
				fail(err, errlen, "%s:%lu: cpu 0 appears twice",
				     name, lineno);
				return VMXCAPS_EXIT_DATA;
			}
			cur = set_add(set, 0);
			if (!cur)
				goto nomem;
		}
		if (vmxcaps_has(&cur->m, (unsigned int)slot)) {
			fail(err, errlen, "%s:%lu: MSR 0x%llx given twice for cpu %u",
			     name, lineno, idx, cur->id);
			return VMXCAPS_EXIT_DATA;
		}
		vmxcaps_store(&cur->m, (unsigned int)slot, val);
	}
	if (ferror(f)) {
		fail(err, errlen, "%s: read error: %s", name, strerror(errno));
		return VMXCAPS_EXIT_DATA;
	}
	if (!set->n) {
		fail(err, errlen, "%s: no MSRs in the file", name);
		return VMXCAPS_EXIT_DATA;
	}
	qsort(set->cpu, set->n, sizeof(*set->cpu), cmp_cpu);
	return vmxcaps_validate(set, name, err, errlen);

nomem:
	fail(err, errlen, "%s: out of memory", name);
	return VMXCAPS_EXIT_DATA;
}

int vmxcaps_validate(const struct vmxcaps_set *set, const char *name,
		     char *err, size_t errlen)
{
	const struct vmxcaps_cpu *c;
	unsigned int i;
	int slot;

	for (i = 0; i < set->n; i++) {
		c = &set->cpu[i];
		slot = vmxcaps_first_missing(&c->m);
		if (slot >= 0) {
			fail(err, errlen,
			     "%s: cpu %u: required MSR 0x%x %s is missing (it must exist: %s)",
			     name, c->id, vmxcaps_slot_msr((unsigned int)slot),
			     vmxcaps_slot_name((unsigned int)slot),
			     vmxcaps_required_why((unsigned int)slot));
			return VMXCAPS_EXIT_DATA;
		}
	}
	for (i = 0; i < set->n; i++) {
		c = &set->cpu[i];
		if (vmxcaps_vmx_disabled(&c->m)) {
			fail(err, errlen,
			     "%s: cpu %u: VMX is disabled by firmware (IA32_FEATURE_CONTROL 0x3a = 0x%llx: locked, both VMX enable bits clear); enable VT-x in the BIOS/firmware setup",
			     name, c->id, c->m.val[VMXCAPS_FEATURE_CONTROL]);
			return VMXCAPS_EXIT_NOVMX;
		}
	}
	return VMXCAPS_EXIT_OK;
}

int vmxcaps_load_file(const char *path, struct vmxcaps_set *set,
		      char *err, size_t errlen)
{
	FILE *f;
	int ret;

	/* a dump piped from another machine: ssh host vmxcaps --dump | ... */
	if (!strcmp(path, "-"))
		return vmxcaps_parse(stdin, "stdin", set, err, errlen);
	f = fopen(path, "r");
	if (!f) {
		fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return VMXCAPS_EXIT_DATA;
	}
	ret = vmxcaps_parse(f, path, set, err, errlen);
	fclose(f);
	return ret;
}

int vmxcaps_load_module(struct vmxcaps_set *set, char *err, size_t errlen)
{
	const char *path = getenv("VMXCAPS_DEBUGFS");
	FILE *f;
	int ret;

	if (!path || !*path)
		path = VMXCAPS_DEBUGFS_PATH;
	f = fopen(path, "r");
	if (!f) {
		int e = errno;

		if (e == EACCES || e == EPERM)
			fail(err, errlen, "cannot open %s: %s; run as root (debugfs is root-only)",
			     path, strerror(e));
		else
			fail(err, errlen,
			     "cannot open %s: %s; load the module ('insmod vmxcaps.ko') and mount debugfs ('mount -t debugfs none /sys/kernel/debug')",
			     path, strerror(e));
		return VMXCAPS_EXIT_NOREAD;
	}
	ret = vmxcaps_parse(f, path, set, err, errlen);
	fclose(f);
	return ret;
}

/* ---- /dev/cpu/N/msr ---- */

static int msr_pread(void *ctx, u32 msr, u64 *val)
{
	int fd = *(int *)ctx;
	ssize_t n = pread(fd, val, sizeof(*val), msr);

	if (n == (ssize_t)sizeof(*val))
		return 0;
	return n < 0 ? -errno : -EIO;
}

/* Parse the kernel's cpulist format ("0-3,5") into a bitmap. */
static int online_cpus(unsigned char *map, unsigned int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	char buf[4096], *p, *end;
	unsigned long a, b, i;
	int n = 0;

	if (!f) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		for (i = 0; c > 0 && i < (unsigned long)c && i < max; i++, n++)
			map[i] = 1;
		return n;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (p = buf; *p && *p != '\n';) {
		a = strtoul(p, &end, 10);
		if (end == p)
			break;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		for (i = a; i <= b && i < max; i++, n++)
			map[i] = 1;
		if (*p == ',')
			p++;
	}
	return n;
}

/* CPUID.1:ECX[5]; also the vendor and CPUID.1:ECX[31] for the message. */
static bool has_vmx_cpuid(char vendor[13], bool *hypervisor)
{
	unsigned int a, b, c, d;

	vendor[0] = '\0';
	*hypervisor = false;
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return false;
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	*hypervisor = c & VMXCAPS_CPUID1_ECX_HYPERVISOR;
	return c & VMXCAPS_CPUID1_ECX_VMX;
}

int vmxcaps_no_vmx(const char *vendor, bool hypervisor, char *err,
		   size_t errlen)
{
	/* No setting gives an AMD CPU VMX: nested SVM would not help either. */
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		fail(err, errlen,
		     "this is an AMD CPU (%s, SVM rather than VMX): vmxcaps decodes Intel VMX capability MSRs only; decode a dump taken on an Intel CPU with --from FILE",
		     vendor);
	else if (hypervisor)
		fail(err, errlen,
		     "this CPU has no VMX (CPUID.1:ECX[5] is 0) and runs under a hypervisor: enable nested virtualization (KVM: kvm_intel nested=1 and a vCPU with vmx, e.g. -cpu host), or decode a dump with --from FILE");
	else
		fail(err, errlen,
		     "this CPU has no VMX (CPUID.1:ECX[5] is 0): the processor does not implement VT-x; decode a dump with --from FILE");
	return VMXCAPS_EXIT_NOVMX;
}

static int open_error(const char *path, int e, char *err, size_t errlen)
{
	struct stat st;

	if (e == EACCES || e == EPERM)
		fail(err, errlen,
		     "cannot open %s: %s; run as root (reading MSRs needs CAP_SYS_RAWIO)",
		     path, strerror(e));
	else if (e == ENOENT && stat("/dev/cpu", &st))
		fail(err, errlen,
		     "cannot open %s: %s; load the msr driver with 'modprobe msr' (CONFIG_X86_MSR) and run as root",
		     path, strerror(e));
	else if (e == ENOENT)
		fail(err, errlen,
		     "cannot open %s: %s; load the msr driver with 'modprobe msr' (or create the device node: major 202, minor = CPU number)",
		     path, strerror(e));
	else
		fail(err, errlen, "cannot open %s: %s", path, strerror(e));
	return VMXCAPS_EXIT_NOREAD;
}

int vmxcaps_load_local(struct vmxcaps_set *set, char *err, size_t errlen)
{
	static unsigned char map[MAX_LOCAL_CPUS];
	struct vmxcaps_cpu *c;
	unsigned int cpu;
	char path[64];
	char vendor[13];
	bool hypervisor;
	u32 bad = 0;
	int fd, e;

	if (!has_vmx_cpuid(vendor, &hypervisor))
		return vmxcaps_no_vmx(vendor, hypervisor, err, errlen);
	if (online_cpus(map, sizeof(map)) <= 0) {
		fail(err, errlen,
		     "cannot find the online CPUs in /sys/devices/system/cpu/online; mount sysfs ('mount -t sysfs none /sys')");
		return VMXCAPS_EXIT_NOREAD;
	}
	for (cpu = 0; cpu < sizeof(map); cpu++) {
		if (!map[cpu])
			continue;
		snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			/* went offline since we read the list */
			if (e == ENXIO && set->n)
				continue;
			return open_error(path, e, err, errlen);
		}
		c = set_add(set, cpu);
		if (!c) {
			close(fd);
			fail(err, errlen, "out of memory");
			return VMXCAPS_EXIT_NOREAD;
		}
		e = vmxcaps_read(&c->m, msr_pread, &fd, &bad);
		close(fd);
		if (e) {
			fail(err, errlen,
			     "cpu %u: cannot read MSR 0x%x: %s; the CPU or hypervisor does not implement it",
			     cpu, bad, strerror(-e));
			return VMXCAPS_EXIT_NOREAD;
		}
	}
	return vmxcaps_validate(set, "/dev/cpu", err, errlen);
}
