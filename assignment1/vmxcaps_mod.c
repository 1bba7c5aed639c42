// SPDX-License-Identifier: GPL-2.0
/*
 * vmxcaps.ko: decode the VMX capability MSRs of CPU 0 into the kernel log,
 * report CPUs whose MSRs differ from it, and expose the raw MSRs of all
 * CPUs in /sys/kernel/debug/vmxcaps/msrs in the dump format that
 * "vmxcaps --module" and "vmxcaps --from" read back.
 *
 * The MSRs are read once, at load time: they are read-only capability
 * reports, and a snapshot keeps the log and the debugfs file consistent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "vmxcaps_decode.h"

static struct vmxcaps_msrs *vmxcaps_cpu;	/* indexed by CPU number */
static struct cpumask vmxcaps_read_mask;
static struct dentry *vmxcaps_dir;

static int vmxcaps_rdmsr(void *ctx, u32 msr, u64 *val)
{
	unsigned int cpu = *(unsigned int *)ctx;
	u32 lo, hi;
	int err;

	err = rdmsr_safe_on_cpu(cpu, msr, &lo, &hi);
	if (err)
		return err;
	*val = (u64)hi << 32 | lo;
	return 0;
}

static __printf(2, 3) void vmxcaps_log(void *ctx, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%pV\n", &vaf);
	va_end(args);
}

static __printf(2, 3) void vmxcaps_seq(void *ctx, const char *fmt, ...)
{
	struct seq_file *s = ctx;
	va_list args;

	va_start(args, fmt);
	seq_vprintf(s, fmt, args);
	va_end(args);
	seq_putc(s, '\n');
}

static int msrs_show(struct seq_file *s, void *unused)
{
	unsigned int cpu;

	vmxcaps_dump_header(vmxcaps_seq, s);
	for_each_cpu(cpu, &vmxcaps_read_mask)
		vmxcaps_dump(&vmxcaps_cpu[cpu], cpu, vmxcaps_seq, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(msrs);

/* Returns the CPU whose MSR faulted in *bad_cpu. */
static int vmxcaps_read_all(unsigned int *bad_cpu, u32 *bad_msr)
{
	unsigned int cpu;
	int err = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		err = vmxcaps_read(&vmxcaps_cpu[cpu], vmxcaps_rdmsr, &cpu,
				   bad_msr);
		if (err) {
			*bad_cpu = cpu;
			break;
		}
		cpumask_set_cpu(cpu, &vmxcaps_read_mask);
	}
	cpus_read_unlock();
	return err;
}

static int __init vmxcaps_init(void)
{
	unsigned int cpu, ref, bad_cpu = 0;
	u32 bad_msr = 0;
	int err;

	/*
	 * CPUID rather than X86_FEATURE_VMX: the kernel clears that flag when
	 * firmware disabled VMX, and that case deserves its own message.
	 */
	if (!(cpuid_ecx(1) & VMXCAPS_CPUID1_ECX_VMX)) {
		/* no setting gives an AMD CPU VMX, nested or not */
		if (boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
		    boot_cpu_data.x86_vendor == X86_VENDOR_HYGON)
			pr_info("AMD CPU (SVM rather than VMX): vmxcaps decodes Intel VMX capability MSRs only\n");
		else
			pr_info("CPU has no VMX (CPUID.1:ECX[5] is 0); in a VM, enable nested virtualization\n");
		return -ENODEV;
	}

	vmxcaps_cpu = kcalloc(nr_cpu_ids, sizeof(*vmxcaps_cpu), GFP_KERNEL);
	if (!vmxcaps_cpu)
		return -ENOMEM;

	err = vmxcaps_read_all(&bad_cpu, &bad_msr);
	if (err) {
		pr_err("cpu %u: rdmsr 0x%x failed (%d), VMX capability MSRs unreadable\n",
		       bad_cpu, bad_msr, err);
		err = -ENODEV;
		goto out_free;
	}

	ref = cpumask_first(&vmxcaps_read_mask);
	if (ref >= nr_cpu_ids) {
		pr_err("no online CPU could be read\n");
		err = -ENODEV;
		goto out_free;
	}
	if (vmxcaps_vmx_disabled(&vmxcaps_cpu[ref])) {
		pr_err("VMX disabled by firmware (IA32_FEATURE_CONTROL = 0x%llx: locked, VMX enable bits clear); enable VT-x in the firmware setup\n",
		       vmxcaps_cpu[ref].val[VMXCAPS_FEATURE_CONTROL]);
		err = -ENODEV;
		goto out_free;
	}

	vmxcaps_decode(&vmxcaps_cpu[ref], ref, vmxcaps_log, NULL);
	for_each_cpu(cpu, &vmxcaps_read_mask)
		if (cpu != ref)
			vmxcaps_diff(&vmxcaps_cpu[ref], ref, &vmxcaps_cpu[cpu],
				     cpu, vmxcaps_log, NULL);

	/* debugfs failures are not fatal: the log already has the decode */
	vmxcaps_dir = debugfs_create_dir("vmxcaps", NULL);
	debugfs_create_file("msrs", 0400, vmxcaps_dir, NULL, &msrs_fops);
	return 0;

out_free:
	kfree(vmxcaps_cpu);
	return err;
}

static void __exit vmxcaps_exit(void)
{
	debugfs_remove_recursive(vmxcaps_dir);
	kfree(vmxcaps_cpu);
}

module_init(vmxcaps_init);
module_exit(vmxcaps_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Decode the Intel VMX capability MSRs");
