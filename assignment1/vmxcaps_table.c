// SPDX-License-Identifier: GPL-2.0
/*
 * Bit tables of the VMX capability MSRs.
 *
 * Sources: Intel SDM Vol. 3C, chapter "Virtual Machine Control Structures"
 * (tables "Definitions of Pin-Based / Primary / Secondary / Tertiary
 * Processor-Based VM-Execution Controls", "Definitions of Primary /
 * Secondary VM-Exit Controls", "Definitions of VM-Entry Controls",
 * "Definitions of VM-Function Controls") and Appendix A "VMX Capability
 * Reporting Facility".  Names are the SDM names in snake_case.
 */
#include "vmxcaps_decode.h"

#define N(b, s) { .bit = (b), .name = (s) }
#define NR(a) ((u8)(sizeof(a) / sizeof((a)[0])))

static const struct vmxcaps_bitname pin_names[] = {
	N(0, "external_interrupt_exiting"),
	N(3, "nmi_exiting"),
	N(5, "virtual_nmis"),
	N(6, "activate_vmx_preemption_timer"),
	N(7, "process_posted_interrupts"),
};

static const struct vmxcaps_bitname proc_names[] = {
	N(2, "interrupt_window_exiting"),
	N(3, "use_tsc_offsetting"),
	N(7, "hlt_exiting"),
	N(9, "invlpg_exiting"),
	N(10, "mwait_exiting"),
	N(11, "rdpmc_exiting"),
	N(12, "rdtsc_exiting"),
	N(15, "cr3_load_exiting"),
	N(16, "cr3_store_exiting"),
	N(17, "activate_tertiary_controls"),
	N(19, "cr8_load_exiting"),
	N(20, "cr8_store_exiting"),
	N(21, "use_tpr_shadow"),
	N(22, "nmi_window_exiting"),
	N(23, "mov_dr_exiting"),
	N(24, "unconditional_io_exiting"),
	N(25, "use_io_bitmaps"),
	N(27, "monitor_trap_flag"),
	N(28, "use_msr_bitmaps"),
	N(29, "monitor_exiting"),
	N(30, "pause_exiting"),
	N(31, "activate_secondary_controls"),
};

static const struct vmxcaps_bitname proc2_names[] = {
	N(0, "virtualize_apic_accesses"),
	N(1, "enable_ept"),
	N(2, "descriptor_table_exiting"),
	N(3, "enable_rdtscp"),
	N(4, "virtualize_x2apic_mode"),
	N(5, "enable_vpid"),
	N(6, "wbinvd_exiting"),
	N(7, "unrestricted_guest"),
	N(8, "apic_register_virtualization"),
	N(9, "virtual_interrupt_delivery"),
	N(10, "pause_loop_exiting"),
	N(11, "rdrand_exiting"),
	N(12, "enable_invpcid"),
	N(13, "enable_vm_functions"),
	N(14, "vmcs_shadowing"),
	N(15, "enable_encls_exiting"),
	N(16, "rdseed_exiting"),
	N(17, "enable_pml"),
	N(18, "ept_violation_ve"),
	N(19, "conceal_vmx_from_pt"),
	N(20, "enable_xsaves_xrstors"),
	N(21, "pasid_translation"),
	N(22, "mode_based_execute_control_for_ept"),
	N(23, "sub_page_write_permissions_for_ept"),
	N(24, "intel_pt_uses_guest_physical_addresses"),
	N(25, "use_tsc_scaling"),
	N(26, "enable_user_wait_and_pause"),
	N(27, "enable_pconfig"),
	N(28, "enable_enclv_exiting"),
	N(30, "vmm_bus_lock_detection"),
	N(31, "instruction_timeout"),
};

static const struct vmxcaps_bitname proc3_names[] = {
	N(0, "loadiwkey_exiting"),
	N(1, "enable_hlat"),
	N(2, "ept_paging_write_control"),
	N(3, "guest_paging_verification"),
	N(4, "ipi_virtualization"),
	N(5, "seam_guest_physical_address_width"),
	N(6, "enable_msr_list_instructions"),
	N(7, "virtualize_ia32_spec_ctrl"),
	N(8, "apic_timer_virtualization"),
	N(9, "enable_pbndkb"),
	N(12, "pebs_uses_guest_physical_addresses"),
};

static const struct vmxcaps_bitname exit_names[] = {
	N(2, "save_debug_controls"),
	N(9, "host_address_space_size"),
	N(12, "load_ia32_perf_global_ctrl"),
	N(15, "acknowledge_interrupt_on_exit"),
	N(18, "save_ia32_pat"),
	N(19, "load_ia32_pat"),
	N(20, "save_ia32_efer"),
	N(21, "load_ia32_efer"),
	N(22, "save_vmx_preemption_timer_value"),
	N(23, "clear_ia32_bndcfgs"),
	N(24, "conceal_vmx_from_pt"),
	N(25, "clear_ia32_rtit_ctl"),
	N(26, "clear_ia32_lbr_ctl"),
	N(27, "clear_uinv"),
	N(28, "load_cet_state"),
	N(29, "load_pkrs"),
	N(30, "save_ia32_perf_global_ctl"),
	N(31, "activate_secondary_controls"),
};

static const struct vmxcaps_bitname exit2_names[] = {
	N(0, "save_fred"),
	N(1, "load_fred"),
	N(2, "load_ia32_spec_ctrl"),
	N(3, "prematurely_busy_shadow_stack"),
};

static const struct vmxcaps_bitname entry_names[] = {
	N(2, "load_debug_controls"),
	N(9, "ia32e_mode_guest"),
	N(10, "entry_to_smm"),
	N(11, "deactivate_dual_monitor_treatment"),
	N(13, "load_ia32_perf_global_ctrl"),
	N(14, "load_ia32_pat"),
	N(15, "load_ia32_efer"),
	N(16, "load_ia32_bndcfgs"),
	N(17, "conceal_vmx_from_pt"),
	N(18, "load_ia32_rtit_ctl"),
	N(19, "load_uinv"),
	N(20, "load_cet_state"),
	N(21, "load_guest_ia32_lbr_ctl"),
	N(22, "load_pkrs"),
	N(23, "load_fred"),
	N(24, "load_ia32_spec_ctrl"),
	N(25, "allow_seam_guest_telemetry"),
};

/*
 * The default1 classes: bits the first VMX processors supported only with
 * the 1-setting.  The non-TRUE MSRs always report them as must-be-1.
 */
#define PIN_DEFAULT1	0x00000016ULL	/* bits 1, 2, 4 */
#define PROC_DEFAULT1	0x0401e172ULL	/* bits 1, 4-6, 8, 13-16, 26 */
#define EXIT_DEFAULT1	0x00036dffULL	/* bits 0-8, 10, 11, 13, 14, 16, 17 */
#define ENTRY_DEFAULT1	0x000011ffULL	/* bits 0-8, 12 */

const struct vmxcaps_ctl_desc vmxcaps_ctls[VMXCAPS_NR_CTLS] = {
	[VMXCAPS_CTL_PIN] = {
		.key = "pin", .title = "pin-based VM-execution controls",
		.slot = VMXCAPS_PINBASED, .true_slot = VMXCAPS_TRUE_PINBASED,
		.nbits = 32, .nnames = NR(pin_names), .names = pin_names,
		.default1_class = PIN_DEFAULT1,
	},
	[VMXCAPS_CTL_PROC] = {
		.key = "proc",
		.title = "primary processor-based VM-execution controls",
		.slot = VMXCAPS_PROCBASED, .true_slot = VMXCAPS_TRUE_PROCBASED,
		.nbits = 32, .nnames = NR(proc_names), .names = proc_names,
		.default1_class = PROC_DEFAULT1,
	},
	[VMXCAPS_CTL_PROC2] = {
		.key = "proc2",
		.title = "secondary processor-based VM-execution controls",
		.slot = VMXCAPS_PROCBASED2, .true_slot = VMXCAPS_NR_SLOTS,
		.nbits = 32, .nnames = NR(proc2_names), .names = proc2_names,
	},
	[VMXCAPS_CTL_EXIT] = {
		.key = "exit", .title = "primary VM-exit controls",
		.slot = VMXCAPS_EXIT, .true_slot = VMXCAPS_TRUE_EXIT,
		.nbits = 32, .nnames = NR(exit_names), .names = exit_names,
		.default1_class = EXIT_DEFAULT1,
	},
	[VMXCAPS_CTL_ENTRY] = {
		.key = "entry", .title = "VM-entry controls",
		.slot = VMXCAPS_ENTRY, .true_slot = VMXCAPS_TRUE_ENTRY,
		.nbits = 32, .nnames = NR(entry_names), .names = entry_names,
		.default1_class = ENTRY_DEFAULT1,
	},
	[VMXCAPS_CTL_PROC3] = {
		.key = "proc3",
		.title = "tertiary processor-based VM-execution controls",
		.slot = VMXCAPS_PROCBASED3, .true_slot = VMXCAPS_NR_SLOTS,
		.nbits = 64, .nnames = NR(proc3_names), .names = proc3_names,
	},
	[VMXCAPS_CTL_EXIT2] = {
		.key = "exit2", .title = "secondary VM-exit controls",
		.slot = VMXCAPS_EXIT2, .true_slot = VMXCAPS_NR_SLOTS,
		.nbits = 64, .nnames = NR(exit2_names), .names = exit2_names,
	},
};

#define F(n, l, w, k) { .name = (n), .lsb = (l), .width = (w), .kind = (k) }
#define FLAG(n, l) F(n, l, 1, VMXCAPS_F_FLAG)

/* SDM A.1 */
static const struct vmxcaps_field basic_fields[] = {
	F("revision", 0, 31, VMXCAPS_F_NUM),
	F("vmcs_size", 32, 13, VMXCAPS_F_NUM),
	FLAG("phys_addr_32bit", 48),
	FLAG("dual_monitor_smm", 49),
	F("memory_type", 50, 4, VMXCAPS_F_MEMTYPE),
	FLAG("ins_outs_info", 54),
	FLAG("true_ctls", 55),
	FLAG("deliver_exception_without_error_code", 56),
	FLAG("nested_exception", 58),
};

/* SDM A.6 */
static const struct vmxcaps_field misc_fields[] = {
	F("preemption_timer_shift", 0, 5, VMXCAPS_F_NUM),
	FLAG("store_efer_lma", 5),
	FLAG("activity_hlt", 6),
	FLAG("activity_shutdown", 7),
	FLAG("activity_wait_for_sipi", 8),
	FLAG("intel_pt_in_vmx", 14),
	FLAG("rdmsr_smbase_in_smm", 15),
	F("cr3_targets", 16, 9, VMXCAPS_F_NUM),
	F("max_msr_list", 25, 3, VMXCAPS_F_MSRLIST),
	FLAG("smm_vmxoff_unblock", 28),
	FLAG("vmwrite_any_field", 29),
	FLAG("inject_zero_length", 30),
	F("mseg_revision", 32, 32, VMXCAPS_F_NUM),
};

/* SDM A.10 */
static const struct vmxcaps_field ept_vpid_fields[] = {
	FLAG("ept_execute_only", 0),
	FLAG("ept_page_walk_4", 6),
	FLAG("ept_page_walk_5", 7),
	FLAG("ept_memtype_uc", 8),
	FLAG("ept_memtype_wb", 14),
	FLAG("ept_2mb_pages", 16),
	FLAG("ept_1gb_pages", 17),
	FLAG("invept", 20),
	FLAG("ept_accessed_dirty", 21),
	FLAG("ept_advanced_exit_info", 22),
	FLAG("ept_supervisor_shadow_stack", 23),
	FLAG("invept_single_context", 25),
	FLAG("invept_all_context", 26),
	FLAG("invvpid", 32),
	FLAG("invvpid_individual_address", 40),
	FLAG("invvpid_single_context", 41),
	FLAG("invvpid_all_context", 42),
	FLAG("invvpid_single_context_retaining_globals", 43),
};

/* SDM A.11 and the VM-function controls table */
static const struct vmxcaps_field vmfunc_fields[] = {
	FLAG("eptp_switching", 0),
};

/* SDM A.9 */
static const struct vmxcaps_field vmcs_enum_fields[] = {
	F("max_index", 1, 9, VMXCAPS_F_NUM),
};

/* SDM Vol. 4, IA32_FEATURE_CONTROL; only the bits that matter for VMX use */
static const struct vmxcaps_field feature_control_fields[] = {
	FLAG("locked", 0),
	FLAG("vmx_inside_smx", 1),
	FLAG("vmx_outside_smx", 2),
	F("senter_local_enables", 8, 7, VMXCAPS_F_NUM),
	FLAG("senter_global_enable", 15),
	FLAG("sgx_launch_control", 17),
	FLAG("sgx_global_enable", 18),
	FLAG("lmce_on", 20),
};

const struct vmxcaps_fgroup vmxcaps_fgroups[VMXCAPS_NR_FGROUPS] = {
	[VMXCAPS_FG_BASIC] = {
		.key = "basic", .slot = VMXCAPS_BASIC, .report_unknown = true,
		.nfields = NR(basic_fields), .fields = basic_fields,
	},
	[VMXCAPS_FG_MISC] = {
		.key = "misc", .slot = VMXCAPS_MISC, .report_unknown = true,
		.nfields = NR(misc_fields), .fields = misc_fields,
	},
	[VMXCAPS_FG_EPT_VPID] = {
		.key = "ept_vpid", .slot = VMXCAPS_EPT_VPID_CAP,
		.report_unknown = true,
		.nfields = NR(ept_vpid_fields), .fields = ept_vpid_fields,
	},
	[VMXCAPS_FG_VMFUNC] = {
		.key = "vmfunc", .slot = VMXCAPS_VMFUNC, .report_unknown = true,
		.nfields = NR(vmfunc_fields), .fields = vmfunc_fields,
	},
	[VMXCAPS_FG_VMCS_ENUM] = {
		.key = "vmcs_enum", .slot = VMXCAPS_VMCS_ENUM,
		.report_unknown = true,
		.nfields = NR(vmcs_enum_fields), .fields = vmcs_enum_fields,
	},
	/* the MSR has many non-VMX bits: listing them as unknown is noise */
	[VMXCAPS_FG_FEATURE_CONTROL] = {
		.key = "feature_control", .slot = VMXCAPS_FEATURE_CONTROL,
		.report_unknown = false,
		.nfields = NR(feature_control_fields),
		.fields = feature_control_fields,
	},
};

/* SDM Vol. 3A, "Control Registers" */
static const struct vmxcaps_bitname cr0_names[] = {
	N(0, "pe"), N(1, "mp"), N(2, "em"), N(3, "ts"), N(4, "et"),
	N(5, "ne"), N(16, "wp"), N(18, "am"), N(29, "nw"), N(30, "cd"),
	N(31, "pg"),
};

static const struct vmxcaps_bitname cr4_names[] = {
	N(0, "vme"), N(1, "pvi"), N(2, "tsd"), N(3, "de"), N(4, "pse"),
	N(5, "pae"), N(6, "mce"), N(7, "pge"), N(8, "pce"), N(9, "osfxsr"),
	N(10, "osxmmexcpt"), N(11, "umip"), N(12, "la57"), N(13, "vmxe"),
	N(14, "smxe"), N(16, "fsgsbase"), N(17, "pcide"), N(18, "osxsave"),
	N(19, "kl"), N(20, "smep"), N(21, "smap"), N(22, "pke"), N(23, "cet"),
	N(24, "pks"), N(25, "uintr"), N(27, "lass"), N(28, "lam_sup"),
	N(32, "fred"),
};

const struct vmxcaps_crgroup vmxcaps_crgroups[VMXCAPS_NR_CRGROUPS] = {
	[VMXCAPS_CR_CR0] = {
		.key = "cr0_fixed", .fixed0_slot = VMXCAPS_CR0_FIXED0,
		.fixed1_slot = VMXCAPS_CR0_FIXED1,
		.nnames = NR(cr0_names), .names = cr0_names,
	},
	[VMXCAPS_CR_CR4] = {
		.key = "cr4_fixed", .fixed0_slot = VMXCAPS_CR4_FIXED0,
		.fixed1_slot = VMXCAPS_CR4_FIXED1,
		.nnames = NR(cr4_names), .names = cr4_names,
	},
};
