// SPDX-License-Identifier: GPL-2.0
/*
 * insn-count.c - a QEMU TCG plugin that counts the guest instructions the
 * emulator executes, for common/bench/bench.
 *
 * Every translated block adds its instruction count, inline, each time it
 * starts; with "-accel tcg,thread=single -icount shift=0" the total of a
 * run repeats to about 0.05%.  At exit the plugin prints
 *
 *	insns: N
 *
 * Marks: a guest that executes the 7-byte NOP "nopl 0x4b4d5aNN(%rax)"
 * (0f 1f 80 NN 5a 4d 4b; see BENCH_MARK() in exit-loop.c) makes the plugin
 * print the running count at that point,
 *
 *	mark NN: N
 *
 * so that one run can measure several windows of guest work.  Output goes
 * through QEMU's log (-d plugin, -D FILE to keep it off the console).
 *
 * Build against include/qemu/qemu-plugin.h of the running QEMU's source:
 *	cc -shared -fPIC -I DIR $(pkg-config --cflags glib-2.0) -o insn-count.so insn-count.c
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const uint8_t mark_insn[] = { 0x0f, 0x1f, 0x80 };	/* then NN 5a 4d 4b */
static const uint8_t mark_tail[] = { 0x5a, 0x4d, 0x4b };

/* -accel tcg,thread=single: one vCPU thread at a time, no atomics needed. */
static uint64_t insns;

static void mark_exec(unsigned int vcpu_index, void *udata)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "mark %u: %" PRIu64 "\n",
		 (unsigned int)(uintptr_t)udata, insns);
	qemu_plugin_outs(buf);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;

	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &insns, n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *p = qemu_plugin_insn_data(insn);

		if (qemu_plugin_insn_size(insn) != 7 ||
		    memcmp(p, mark_insn, sizeof(mark_insn)) ||
		    memcmp(p + 4, mark_tail, sizeof(mark_tail)))
			continue;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_exec,
						       QEMU_PLUGIN_CB_NO_REGS,
						       (void *)(uintptr_t)p[3]);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "insns: %" PRIu64 "\n", insns);
	qemu_plugin_outs(buf);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	char buf[128];

	if (info->system_emulation && info->system.smp_vcpus > 1) {
		snprintf(buf, sizeof(buf),
			 "insn-count: %d vCPUs: the count needs -smp 1\n",
			 info->system.smp_vcpus);
		qemu_plugin_outs(buf);
		return -1;
	}
	snprintf(buf, sizeof(buf), "insn-count: plugin API %d, QEMU offers %d..%d\n",
		 QEMU_PLUGIN_VERSION, info->version.min, info->version.cur);
	qemu_plugin_outs(buf);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
