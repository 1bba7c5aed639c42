// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtest.c - a tiny /dev/kvm VMM for exit-accounting conformance tests;
 * see kvmtest.h for the guest's memory layout and the ucall protocol.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cpuid.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kvmtest.h"
#include "../exit-reasons/vmx_exit_reasons.h"
#include "../exit-reasons/svm_exit_codes.h"

/* ---- TAP ------------------------------------------------------------ */
static unsigned int tap_n, tap_pass, tap_fail;

void tap__diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int tap__ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (cond)
		tap_pass++;
	else
		tap_fail++;
	printf("%s %u - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return cond;
}

void tap__skip(const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	tap_pass++;
	printf("ok %u # SKIP ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void tap__skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n0 passed, 0 failed\n");
	fflush(stdout);
	exit(KVMTEST_SKIP);
}

int tap__finish(void)
{
	printf("1..%u\n%u passed, %u failed\n", tap_n, tap_pass, tap_fail);
	fflush(stdout);
	return tap_fail ? 1 : 0;
}

void tap__bail(const char *fmt, ...)
{
	va_list ap;

	printf("not ok %u - ", ++tap_n);
	tap_fail++;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	printf("Bail out!\n");
	exit(tap__finish());
}

#define die(...) tap__bail(__VA_ARGS__)

/* ---- vendors and reasons --------------------------------------------- */
int kvmtest__isa(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return KVMTEST_ISA_NONE;
	if (c & (1u << 5))
		return KVMTEST_ISA_VMX;
	if (__get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 2)))
		return KVMTEST_ISA_SVM;
	return KVMTEST_ISA_NONE;
}

void kvmtest__require_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	/*
	 * As kvm_util's open_kvm_dev_path_or_exit(): no KVM here, or no right
	 * to it, is a skip; any other error opening it is a failure.
	 */
	if (fd < 0 && errno == ENOENT)
		tap__skip_all("/dev/kvm: %s (load kvm_intel or kvm_amd)", strerror(errno));
	if (fd < 0 && errno == EACCES)
		tap__skip_all("/dev/kvm: %s (run as root or join group kvm)", strerror(errno));
	if (fd < 0)
		die("/dev/kvm: %s", strerror(errno));
	close(fd);
	if (kvmtest__isa() == KVMTEST_ISA_NONE)
		tap__skip_all("host CPU has neither VMX nor SVM");
}

static const struct kvmtest_reasons vmx_reasons = {
	.cpuid = 10, .hlt = 12, .io = 30, .rdmsr = 31, .wrmsr = 32,
	.invd = 13, .xsetbv = 55, .hypercall = 18, .tdp_fault = 48,
	.rdtsc = 16, .intr = 1, .wbinvd = 54,
};

static const struct kvmtest_reasons svm_reasons = {
	.cpuid = 0x72, .hlt = 0x78, .io = 0x7b, .rdmsr = 0x7c, .wrmsr = 0x7c,
	.invd = 0x76, .xsetbv = 0x8d, .hypercall = 0x81, .tdp_fault = 0x400,
	.rdtsc = 0x6e, .intr = 0x60, .wbinvd = 0x89,
};

const struct kvmtest_reasons *kvmtest__reasons(int isa)
{
	return isa == KVMTEST_ISA_SVM ? &svm_reasons : &vmx_reasons;
}

const char *kvmtest__reason_name(int isa, uint32_t reason)
{
	const char *n;

	if (isa == KVMTEST_ISA_SVM)
		n = svm_exit_code_name(reason);
	else
		n = vmx_exit_reason_name(reason & 0xffff);
	return n ? n : "?";
}

int kvmtest__reason_defined(int isa, uint32_t reason)
{
	if (isa == KVMTEST_ISA_SVM)
		return svm_exit_code_defined(reason);
	return vmx_exit_reason_defined(reason);
}

unsigned int kvmtest__defined_reasons(int isa, uint32_t *out, unsigned int max)
{
	unsigned int i, n = 0;

	if (isa == KVMTEST_ISA_SVM) {
		for (i = 0; i < SVM_EXIT_CODE_COUNT && n < max; i++)
			out[n++] = (uint32_t)svm_exit_code_table[i].code;
	} else {
		for (i = 0; i <= VMX_EXIT_REASON_MAX && n < max; i++)
			if (vmx_exit_reason_names[i])
				out[n++] = i;
	}
	return n;
}

/* ---- guest-side assembly: exception stubs, return from guest_code() -- */
#define STR_(x) #x
#define STR(x) STR_(x)

asm(".pushsection .text\n"
    ".globl kvmtest_guest_exit\n"
    "kvmtest_guest_exit:\n"
    "	mov $" STR(UCALL_DONE) ", %eax\n"
    "	mov $" STR(KVMTEST_UCALL_PORT) ", %dx\n"
    "	outl %eax, %dx\n"
    "1:	hlt\n"
    "	jmp 1b\n"
    "kvmtest_exc_common:\n"
    "	mov %rdi, %rbx\n"		/* vector */
    "	mov (%rsp), %rcx\n"		/* rip, or error code */
    "	mov 8(%rsp), %rsi\n"		/* cs, or rip */
    "	mov $" STR(UCALL_EXCEPTION) ", %eax\n"
    "	mov $" STR(KVMTEST_UCALL_PORT) ", %dx\n"
    "	outl %eax, %dx\n"
    "2:	hlt\n"
    "	jmp 2b\n"
    ".align 16\n"
    ".globl kvmtest_exc_stubs\n"
    "kvmtest_exc_stubs:\n"
    ".irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    ".align 16\n"
    "	mov $\\v, %edi\n"
    "	jmp kvmtest_exc_common\n"
    ".endr\n"
    ".popsection\n");

extern char kvmtest_guest_exit[], kvmtest_exc_stubs[];
extern char __executable_start[], _end[];

#define WARM_LOW	0x14000ULL		/* page tables, GDT, IDT, TSS */
#define WARM_STACK	(256ULL << 10)

/*
 * Guest: the first code the vCPU runs.  Writes back every page the guest
 * will use (tables, the image, the stack), so that no EPT violation / NPF
 * of first use lands inside a test's window; then guest_code(arg).  The
 * fresh slot is left alone.
 */
static void __attribute__((used, noinline)) kvmtest_guest_entry(uint64_t arg,
								void (*fn)(uint64_t))
{
	uint64_t p;

	for (p = 0; p < WARM_LOW; p += KVMTEST_PAGE)
		*(volatile uint64_t *)p = *(volatile uint64_t *)p;
	for (p = (uintptr_t)__executable_start & ~(KVMTEST_PAGE - 1);
	     p < (uintptr_t)_end; p += KVMTEST_PAGE)
		*(volatile uint64_t *)p = *(volatile uint64_t *)p;
	for (p = KVMTEST_STACK_TOP - WARM_STACK; p < KVMTEST_STACK_TOP; p += KVMTEST_PAGE)
		*(volatile uint64_t *)p = *(volatile uint64_t *)p;
	fn(arg);
}

/* ---- VM ------------------------------------------------------------- */
#define GPA_PML4	0x1000ULL
#define GPA_PDPT	0x2000ULL
#define GPA_PD		0x3000ULL	/* 4 pages */
#define GPA_GDT		0x10000ULL
#define GPA_IDT		0x11000ULL
#define GPA_TSS		0x12000ULL

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR && req != KVM_RUN);
	if (r < 0)
		die("%s: %s", what, strerror(errno));
	return r;
}

/* Copy the binary's loaded image (what /proc/self/maps shows readable in
 * [__executable_start, _end)) to the same guest-physical addresses. */
static void vm__load_image(struct kvmtest_vm *vm)
{
	uintptr_t lo = (uintptr_t)__executable_start, hi = (uintptr_t)_end;
	char line[512], perms[8];
	unsigned long s, e;
	FILE *f;

	if (hi > KVMTEST_STACK_TOP - (1 << 20))
		die("image %#lx..%#lx overlaps the guest stack", (unsigned long)lo,
		    (unsigned long)hi);
	f = fopen("/proc/self/maps", "r");
	if (!f)
		die("/proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) != 3 || perms[0] != 'r')
			continue;
		if (e <= lo || s >= hi)
			continue;
		if (s < lo)
			s = lo;
		if (e > hi)
			e = hi;
		memcpy(vm->mem + s, (void *)s, e - s);
	}
	fclose(f);
}

static void vm__setup_tables(struct kvmtest_vm *vm)
{
	uint64_t *pml4 = (uint64_t *)(vm->mem + GPA_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->mem + GPA_PDPT);
	uint64_t *pd = (uint64_t *)(vm->mem + GPA_PD);
	uint64_t *gdt = (uint64_t *)(vm->mem + GPA_GDT);
	uint64_t *idt = (uint64_t *)(vm->mem + GPA_IDT);
	uint64_t tss = GPA_TSS, limit = 0x67;
	int i;

	/* identity map 0..4 GiB with 2 MiB pages */
	pml4[0] = GPA_PDPT | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (GPA_PD + i * KVMTEST_PAGE) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;	/* 0x08: 64-bit code, accessed */
	gdt[2] = 0x00cf93000000ffffULL;	/* 0x10: data, accessed */
	gdt[3] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0xbULL << 40) |
		 (1ULL << 47) | (((tss >> 24) & 0xff) << 56);	/* 0x18: busy TSS */
	gdt[4] = tss >> 32;

	for (i = 0; i < 32; i++) {
		uint64_t h = (uint64_t)(uintptr_t)kvmtest_exc_stubs + 16 * i;

		idt[2 * i] = (h & 0xffff) | (0x08ULL << 16) | (0x8eULL << 40) |
			     (((h >> 16) & 0xffff) << 48);
		idt[2 * i + 1] = h >> 32;
	}
}

static void vm__setup_cpuid(struct kvmtest_vm *vm, bool *xsave)
{
	struct kvm_cpuid2 *c = NULL;
	unsigned int n = 64, i;

	for (;;) {
		c = realloc(c, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			die("out of memory");
		c->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		if (errno != E2BIG)
			die("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		n *= 2;
	}
	*xsave = false;
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != 1)
			continue;
		*xsave = e->ecx & (1u << 26);
		if (vm->flags & KVMTEST_F_IRQCHIP)
			e->ecx |= 1u << 21;		/* x2APIC */
	}
	xioctl(vm->vcpu_fd, KVM_SET_CPUID2, c, "KVM_SET_CPUID2");
	free(c);
}

static void seg64(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

static void vm__setup_regs(struct kvmtest_vm *vm, void (*guest_code)(uint64_t),
			   uint64_t arg, bool xsave)
{
	struct kvm_sregs sr;
	struct kvm_regs r;
	uint64_t rsp = KVMTEST_STACK_TOP - 8;

	xioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr, "KVM_GET_SREGS");
	seg64(&sr.cs, 0x08, 0xb, true);
	seg64(&sr.ds, 0x10, 0x3, false);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.base = GPA_TSS;
	sr.tr.limit = 0x67;
	sr.tr.selector = 0x18;
	sr.tr.type = 0xb;
	sr.tr.present = 1;
	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.unusable = 1;
	sr.gdt.base = GPA_GDT;
	sr.gdt.limit = 5 * 8 - 1;
	sr.idt.base = GPA_IDT;
	sr.idt.limit = 32 * 16 - 1;
	sr.cr0 = 0x80050033;	/* PG WP NE ET MP PE */
	sr.cr3 = GPA_PML4;
	sr.cr4 = (1 << 5) | (1 << 9) | (1 << 10);	/* PAE OSFXSR OSXMMEXCPT */
	if (xsave)
		sr.cr4 |= 1 << 18;			/* OSXSAVE */
	sr.efer = 0x500;	/* LMA LME */
	xioctl(vm->vcpu_fd, KVM_SET_SREGS, &sr, "KVM_SET_SREGS");

	*(uint64_t *)(vm->mem + rsp) = (uintptr_t)kvmtest_guest_exit;
	memset(&r, 0, sizeof(r));
	r.rip = (uintptr_t)kvmtest_guest_entry;
	r.rsp = rsp;
	r.rdi = arg;
	r.rsi = (uintptr_t)guest_code;
	r.rflags = 0x2;
	xioctl(vm->vcpu_fd, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

static void vm__setup_stats(struct kvmtest_vm *vm)
{
	struct kvm_stats_header h;
	size_t len;

	vm->stats_fd = ioctl(vm->vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (vm->stats_fd < 0)
		die("KVM_GET_STATS_FD: %s", strerror(errno));
	if (pread(vm->stats_fd, &h, sizeof(h), 0) != sizeof(h))
		die("stats header: %s", strerror(errno));
	vm->stats_num = h.num_desc;
	vm->stats_desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	vm->stats_data_offset = h.data_offset;
	len = (size_t)vm->stats_num * vm->stats_desc_size;
	vm->stats_desc = malloc(len);
	if (!vm->stats_desc ||
	    pread(vm->stats_fd, vm->stats_desc, len, h.desc_offset) != (ssize_t)len)
		die("stats descriptors: %s", strerror(errno));
}

uint64_t vm__stat(struct kvmtest_vm *vm, const char *name)
{
	uint32_t i;
	uint64_t v;

	for (i = 0; i < vm->stats_num; i++) {
		struct kvm_stats_desc *d = (void *)((char *)vm->stats_desc +
						    (size_t)i * vm->stats_desc_size);

		if (strcmp(d->name, name))
			continue;
		if (pread(vm->stats_fd, &v, sizeof(v),
			  vm->stats_data_offset + d->offset) != sizeof(v))
			die("stat %s: %s", name, strerror(errno));
		return v;
	}
	die("KVM has no vCPU statistic \"%s\"", name);
}

struct kvmtest_vm *vm__create(void (*guest_code)(uint64_t), uint64_t arg,
			      unsigned int flags)
{
	struct kvm_userspace_memory_region mr;
	struct kvmtest_vm *vm = calloc(1, sizeof(*vm));
	bool xsave;
	int r;

	if (!vm)
		die("out of memory");
	vm->flags = flags;
	vm->isa = kvmtest__isa();
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		die("/dev/kvm: %s (kvmtest__require_kvm() opened it)", strerror(errno));
	r = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION)
		die("KVM API version %d", r);
	vm->vm_fd = xioctl(vm->kvm_fd, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000UL);	/* VMX real mode only */
	if (flags & KVMTEST_F_IRQCHIP)
		xioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");

	vm->mem = mmap(NULL, KVMTEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap guest memory: %s", strerror(errno));
	madvise(vm->mem, KVMTEST_MEM_SIZE, MADV_NOHUGEPAGE);	/* 4 KiB EPT/NPT */
	mr = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = KVMTEST_MEM_SIZE,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr, "memslot 0");
	if (flags & KVMTEST_F_FRESH) {
		vm->fresh = mmap(NULL, KVMTEST_FRESH_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (vm->fresh == MAP_FAILED)
			die("mmap fresh slot: %s", strerror(errno));
		madvise(vm->fresh, KVMTEST_FRESH_SIZE, MADV_NOHUGEPAGE);
		mr = (struct kvm_userspace_memory_region){
			.slot = 1, .guest_phys_addr = KVMTEST_FRESH_GPA,
			.memory_size = KVMTEST_FRESH_SIZE,
			.userspace_addr = (uintptr_t)vm->fresh,
		};
		xioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr, "memslot 1");
	}
	vm__load_image(vm);
	vm__setup_tables(vm);

	vm->vcpu_fd = xioctl(vm->vm_fd, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	vm->run_size = xioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0,
			      "KVM_GET_VCPU_MMAP_SIZE");
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run: %s", strerror(errno));
	vm__setup_cpuid(vm, &xsave);
	vm->xsave = xsave;
	vm__setup_regs(vm, guest_code, arg, xsave);
	vm__setup_stats(vm);
	return vm;
}

void vm__destroy(struct kvmtest_vm *vm)
{
	munmap(vm->run, vm->run_size);
	close(vm->stats_fd);
	close(vm->vcpu_fd);
	close(vm->vm_fd);
	close(vm->kvm_fd);
	munmap(vm->mem, KVMTEST_MEM_SIZE);
	if (vm->fresh)
		munmap(vm->fresh, KVMTEST_FRESH_SIZE);
	free(vm->stats_desc);
	free(vm);
}

void *vm__hva(struct kvmtest_vm *vm, const volatile void *guest_addr)
{
	uintptr_t a = (uintptr_t)guest_addr;

	if (a >= KVMTEST_MEM_SIZE)
		die("guest address %#lx outside slot 0", (unsigned long)a);
	return vm->mem + a;
}

static void vm__dump(struct kvmtest_vm *vm, const char *why)
{
	struct kvm_regs r;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) == 0)
		tap__diag("%s: rip %#llx rsp %#llx rax %#llx", why, r.rip, r.rsp, r.rax);
}

void vm__sync_expect(struct kvmtest_vm *vm, struct ucall *uc, uint64_t id)
{
	uint64_t cmd = vm__run(vm, uc);

	if (cmd != UCALL_SYNC || uc->args[0] != id)
		tap__bail("expected SYNC %llu, got ucall %#llx (%llu)",
			  (unsigned long long)id, (unsigned long long)cmd,
			  (unsigned long long)uc->args[0]);
}

uint64_t vm__run(struct kvmtest_vm *vm, struct ucall *uc)
{
	struct kvm_run *run = vm->run;
	struct kvm_regs r;
	uint8_t *data;

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN: %s", strerror(errno));
		}
		/* The one exit switch. */
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			data = (uint8_t *)run + run->io.data_offset;
			if (run->io.port == KVMTEST_UCALL_PORT &&
			    run->io.direction == KVM_EXIT_IO_OUT) {
				xioctl(vm->vcpu_fd, KVM_GET_REGS, &r, "KVM_GET_REGS");
				uc->cmd = r.rax & 0xffffffff;
				uc->args[0] = r.rbx;
				uc->args[1] = r.rcx;
				uc->args[2] = r.rsi;
				uc->args[3] = r.rdi;
				if (uc->cmd == UCALL_EXCEPTION)
					tap__diag("guest exception: vector %llu, stack %#llx %#llx",
						  (unsigned long long)uc->args[0],
						  (unsigned long long)uc->args[1],
						  (unsigned long long)uc->args[2]);
				else if (uc->cmd == UCALL_ASSERT)
					tap__diag("guest assertion failed at line %llu",
						  (unsigned long long)uc->args[0]);
				return uc->cmd;
			}
			if (run->io.direction == KVM_EXIT_IO_IN) {
				memset(data, 0xff, (size_t)run->io.size * run->io.count);
				vm->io_in += run->io.count;
			} else {
				vm->io_out += run->io.count;
			}
			break;
		case KVM_EXIT_HLT:
			vm->hlt++;
			break;
		case KVM_EXIT_MMIO:
			vm->mmio++;
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			break;
		case KVM_EXIT_SHUTDOWN:
			vm__dump(vm, "shutdown");
			die("guest shut down (triple fault)");
		case KVM_EXIT_FAIL_ENTRY:
			die("VM-entry failed: hardware reason %#llx",
			    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			vm__dump(vm, "internal error");
			die("KVM internal error, suberror %u", run->internal.suberror);
		default:
			vm__dump(vm, "unexpected exit");
			die("unexpected KVM exit %u", run->exit_reason);
		}
	}
}

/* ---- kvm:kvm_exit hist trigger -------------------------------------- */
static char hist_dir[128];
static char hist_spec[128];
static int hist_on;

static int hist__write(const char *s)
{
	char path[192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trigger", hist_dir);
	/* O_APPEND, never O_TRUNC: truncating removes every trigger */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

int hist__install(void)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(hist_dir, sizeof(hist_dir), "%s/events/kvm/kvm_exit", roots[i]);
		if (access(hist_dir, F_OK) == 0)
			break;
	}
	if (i == 2)
		return -1;
	snprintf(hist_spec, sizeof(hist_spec),
		 "hist:keys=exit_reason:size=2048 if common_pid == %d", (int)getpid());
	if (hist__write(hist_spec))
		return -1;
	hist_on = 1;
	atexit(hist__remove);
	return 0;
}

void hist__remove(void)
{
	char s[160];

	if (!hist_on)
		return;
	snprintf(s, sizeof(s), "!%s", hist_spec);
	hist__write(s);
	hist_on = 0;
}

int hist__read(struct kvmtest_hist *h)
{
	char path[192], line[512], tag[48];
	unsigned long long key, cnt;
	int mine = 0, found = 0;
	FILE *f;

	memset(h, 0, sizeof(*h));
	snprintf(path, sizeof(path), "%s/hist", hist_dir);
	snprintf(tag, sizeof(tag), "common_pid == %d ", (int)getpid());
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "# event histogram", 17)) {
			mine = 0;
			continue;
		}
		if (!strncmp(line, "# trigger info:", 15)) {
			mine = strstr(line, tag) != NULL;
			found |= mine;
			continue;
		}
		if (mine &&
		    sscanf(line, "{ exit_reason: %llu } hitcount: %llu", &key, &cnt) == 2 &&
		    h->n < KVMTEST_HIST_MAX) {
			h->reason[h->n] = (uint32_t)key;
			h->count[h->n++] = cnt;
		}
	}
	fclose(f);
	if (!found)
		die("our hist trigger is missing from %s", path);
	return 0;
}

uint64_t hist__count(const struct kvmtest_hist *h, uint32_t reason)
{
	unsigned int i;

	for (i = 0; i < h->n; i++)
		if (h->reason[i] == reason)
			return h->count[i];
	return 0;
}

uint64_t hist__total(const struct kvmtest_hist *h)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < h->n; i++)
		t += h->count[i];
	return t;
}

void hist__delta(const struct kvmtest_hist *a, const struct kvmtest_hist *b,
		 struct kvmtest_hist *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < b->n; i++) {
		uint64_t c = b->count[i] - hist__count(a, b->reason[i]);

		if (c) {
			d->reason[d->n] = b->reason[i];
			d->count[d->n++] = c;
		}
	}
}

const char *hist__format(const struct kvmtest_hist *h, int isa, char *buf,
			 size_t len)
{
	size_t o = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < h->n && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s(%#x)=%llu", i ? " " : "",
			      kvmtest__reason_name(isa, h->reason[i]), h->reason[i],
			      (unsigned long long)h->count[i]);
	if (!h->n)
		snprintf(buf, len, "none");
	return buf;
}

/* ---- kprobe events ---------------------------------------------------- */
static char trace_root[64];

static int trace__write(const char *file, const char *s)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", trace_root, file);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);	/* never O_TRUNC */
	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

int kprobe__install(const char *event, const char *symbol)
{
	char s[192];

	snprintf(trace_root, sizeof(trace_root), "%s", "/sys/kernel/tracing");
	if (access("/sys/kernel/tracing/kprobe_events", F_OK))
		snprintf(trace_root, sizeof(trace_root), "%s", "/sys/kernel/debug/tracing");
	snprintf(s, sizeof(s), "p:kvmtest%d/%s %s\n", (int)getpid(), event, symbol);
	if (trace__write("kprobe_events", s))
		return -1;
	snprintf(s, sizeof(s), "events/kvmtest%d/%s/enable", (int)getpid(), event);
	if (trace__write(s, "1\n")) {
		kprobe__remove(event);
		return -1;
	}
	return 0;
}

uint64_t kprobe__hits(const char *event)
{
	char path[256], line[256], name[128];
	unsigned long long hits = 0, h, m;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobe_profile", trace_root);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %llu %llu", name, &h, &m) == 3 && !strcmp(name, event))
			hits = h;
	fclose(f);
	return hits;
}

void kprobe__remove(const char *event)
{
	char s[192];

	snprintf(s, sizeof(s), "events/kvmtest%d/%s/enable", (int)getpid(), event);
	trace__write(s, "0\n");
	snprintf(s, sizeof(s), "-:kvmtest%d/%s\n", (int)getpid(), event);
	trace__write("kprobe_events", s);
}
