/*
 * kvmtest.h - a tiny /dev/kvm VMM for exit-accounting conformance tests.
 *
 * One VM, one vCPU, a 64-bit long-mode guest whose code is a function of
 * the same static binary: the binary's loaded image is copied into guest
 * memory at the same addresses (guest-physical == guest-virtual == host
 * virtual for every symbol), so guest_code() and its globals are simply
 * there.  Guest memory (slot 0, KVMTEST_MEM_SIZE from GPA 0):
 *
 *   0x001000 PML4, 0x002000 PDPT, 0x003000.. 4 PDs (0..4 GiB, 2 MiB pages)
 *   0x010000 GDT   0x011000 IDT (vectors 0-31: a ucall UCALL_EXCEPTION)
 *   0x012000 TSS
 *   0x400000 the binary's image (__executable_start .. _end)
 *   KVMTEST_STACK_TOP  the guest stack (grows down)
 *
 * Before guest_code(arg) the guest writes back one word of every page of
 * slot 0 it will use (tables, image, stack): first-use EPT violations /
 * NPFs happen there, outside any test window.
 *
 * Optional slot 1 (KVMTEST_F_FRESH): KVMTEST_FRESH_SIZE bytes at
 * KVMTEST_FRESH_GPA, 4 KiB-backed (MADV_NOHUGEPAGE) and never touched by
 * the host, for EPT-violation / NPF counting.
 *
 * Guest -> host: ucalls, an "outl %eax, $KVMTEST_UCALL_PORT" with the
 * command in EAX and four arguments in RBX, RCX, RSI, RDI.  Every other
 * exit is handled by the one switch in vm__run().
 *
 * Guest code must be self-contained: no libc calls (the image's libc is
 * relocated for the host), no stack protector (build with
 * -fno-stack-protector), only the inline helpers below.
 *
 * Naming: object__verb(), as in kvmtool.
 */
#ifndef KVMTEST_H
#define KVMTEST_H

#include <stdint.h>
#include <stdbool.h>
#include <linux/kvm.h>

/* ---- layout -------------------------------------------------------- */
#define KVMTEST_MEM_SIZE	(16ULL << 20)
#define KVMTEST_STACK_TOP	0xF00000ULL
#define KVMTEST_FRESH_GPA	0x40000000ULL	/* 1 GiB */
#define KVMTEST_FRESH_SIZE	(1ULL << 20)
#define KVMTEST_PAGE		4096ULL

#define KVMTEST_UCALL_PORT	0x7f0	/* ucalls */
#define KVMTEST_IO_PORT		0x80	/* test port I/O: handled (and counted) by vm__run() */

/* ---- ucall commands ------------------------------------------------ */
#define UCALL_NONE	0
#define UCALL_SYNC	0x5c	/* args: id, a, b, c */
#define UCALL_DONE	0x5d	/* guest_code() returned, or GUEST_DONE() */
#define UCALL_ASSERT	0x5e	/* args: line, 0, 0, 0 */
#define UCALL_EXCEPTION	0x5f	/* args: vector, [rsp], [rsp + 8]: rip, cs or
				 * error code, rip (vectors with one) */

struct ucall {
	uint64_t cmd;
	uint64_t args[4];
};

/* ---- vendors ------------------------------------------------------- */
enum { KVMTEST_ISA_NONE = 0, KVMTEST_ISA_VMX = 1, KVMTEST_ISA_SVM = 2 };

/* Exit reasons the tests use, per vendor (VMX basic reason / SVM code). */
struct kvmtest_reasons {
	uint32_t cpuid, hlt, io, rdmsr, wrmsr, invd, xsetbv, hypercall,
		 tdp_fault, rdtsc, intr, wbinvd;
};

/* ---- the VM -------------------------------------------------------- */
#define KVMTEST_F_IRQCHIP	(1u << 0)	/* in-kernel IRQ chip (LAPIC), CPUID x2APIC */
#define KVMTEST_F_FRESH		(1u << 1)	/* slot 1 at KVMTEST_FRESH_GPA */

struct kvmtest_vm {
	int isa;
	unsigned int flags;
	int kvm_fd, vm_fd, vcpu_fd, stats_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;		/* slot 0 */
	uint8_t *fresh;		/* slot 1 or NULL */
	bool xsave;		/* guest CPUID has XSAVE, CR4.OSXSAVE set */
	/* exits vm__run() handled without returning */
	uint64_t io_in, io_out, hlt, mmio;
	/* KVM_GET_STATS_FD */
	void *stats_desc;
	uint32_t stats_num, stats_desc_size, stats_data_offset;
};

int kvmtest__isa(void);				/* host vendor, from CPUID */
/* Skips the whole test (exit 77) without a usable /dev/kvm or VMX/SVM. */
void kvmtest__require_kvm(void);
const struct kvmtest_reasons *kvmtest__reasons(int isa);
const char *kvmtest__reason_name(int isa, uint32_t reason);
int kvmtest__reason_defined(int isa, uint32_t reason);
/* The reasons the architecture defines (VMX 0..85, SVM codes as u32). */
unsigned int kvmtest__defined_reasons(int isa, uint32_t *out, unsigned int max);

/*
 * A VM with one vCPU in 64-bit mode at guest_code(arg).  Exits the
 * process with 77 (skip) if /dev/kvm is missing, with 1 on other errors.
 */
struct kvmtest_vm *vm__create(void (*guest_code)(uint64_t), uint64_t arg,
			      unsigned int flags);
void vm__destroy(struct kvmtest_vm *vm);
/* The host address of a guest object (a global of guest_code's image). */
void *vm__hva(struct kvmtest_vm *vm, const volatile void *guest_addr);
/* Runs until the next ucall; returns its command. */
uint64_t vm__run(struct kvmtest_vm *vm, struct ucall *uc);
/* Runs to the next ucall, which must be GUEST_SYNC(id, ...); bails out otherwise. */
void vm__sync_expect(struct kvmtest_vm *vm, struct ucall *uc, uint64_t id);
/* A per-vCPU KVM statistic ("exits", ...) via KVM_GET_STATS_FD. */
uint64_t vm__stat(struct kvmtest_vm *vm, const char *name);

/* ---- kvm:kvm_exit hist trigger, filtered to this process ------------ */
#define KVMTEST_HIST_MAX	512
struct kvmtest_hist {
	unsigned int n;
	uint32_t reason[KVMTEST_HIST_MAX];
	uint64_t count[KVMTEST_HIST_MAX];
};
int hist__install(void);	/* 0, or -1 (no tracefs / no hist triggers) */
int hist__read(struct kvmtest_hist *h);
void hist__remove(void);
uint64_t hist__count(const struct kvmtest_hist *h, uint32_t reason);
uint64_t hist__total(const struct kvmtest_hist *h);
/* d = b - a, per reason */
void hist__delta(const struct kvmtest_hist *a, const struct kvmtest_hist *b,
		 struct kvmtest_hist *d);
/* "10 CPUID=1002 30 IO_INSTRUCTION=1" into buf */
const char *hist__format(const struct kvmtest_hist *h, int isa, char *buf,
			 size_t len);

/* ---- a kprobe event on a kernel function, to count its calls ----------
 * (kprobe_events / kprobe_profile; system-wide, not per process) */
int kprobe__install(const char *event, const char *symbol);	/* 0 or -1 */
uint64_t kprobe__hits(const char *event);
void kprobe__remove(const char *event);

/* ---- TAP ----------------------------------------------------------- */
void tap__diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap__ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap__skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap__skip_all(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void tap__bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int tap__finish(void);		/* plan, "N passed, N failed"; exit status */

#define KVMTEST_SKIP	77

/* ---- guest side ---------------------------------------------------- */
struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline __attribute__((always_inline)) void
guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	asm volatile("outl %%eax, %%dx"
		     : : "a"(cmd), "d"(KVMTEST_UCALL_PORT), "b"(a0), "c"(a1),
		       "S"(a2), "D"(a3)
		     : "memory");
}

#define GUEST_SYNC(id, a, b, c) \
	guest_ucall(UCALL_SYNC, (uint64_t)(id), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c))
#define GUEST_DONE()	guest_ucall(UCALL_DONE, 0, 0, 0, 0)
#define GUEST_ASSERT(cond) do { \
		if (!(cond)) \
			guest_ucall(UCALL_ASSERT, __LINE__, 0, 0, 0); \
	} while (0)

static inline __attribute__((always_inline)) struct cpuid_regs
guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf)
		     : "memory");
	return r;
}

static inline __attribute__((always_inline)) uint64_t guest_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline __attribute__((always_inline)) void guest_wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr"
		     : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
		     : "memory");
}

static inline __attribute__((always_inline)) void guest_xsetbv(uint32_t xcr, uint64_t v)
{
	asm volatile("xsetbv"
		     : : "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
		     : "memory");
}

static inline __attribute__((always_inline)) uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline __attribute__((always_inline)) void guest_hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline __attribute__((always_inline)) void guest_invd(void)
{
	asm volatile("invd" : : : "memory");
}

static inline __attribute__((always_inline)) uint8_t guest_inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %%dx, %%al" : "=a"(v) : "d"(port) : "memory");
	return v;
}

static inline __attribute__((always_inline)) void guest_outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %%al, %%dx" : : "a"(v), "d"(port) : "memory");
}

/* VMCALL (isa == KVMTEST_ISA_VMX) or VMMCALL; returns RAX. */
static inline __attribute__((always_inline)) uint64_t
guest_hypercall(int isa, uint64_t nr)
{
	uint64_t ret;

	if (isa == KVMTEST_ISA_SVM)
		asm volatile("vmmcall" : "=a"(ret) : "a"(nr), "b"(0), "c"(0), "d"(0),
			     "S"(0) : "memory");
	else
		asm volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(0), "c"(0), "d"(0),
			     "S"(0) : "memory");
	return ret;
}

#endif /* KVMTEST_H */
