#!/usr/bin/env python3
"""Print the Markdown summary of tests/dumps/bochs-*.msr for README.md.
models-table.py [VMXCAPS] [--check README.md]: --check prints nothing but a
TAP line and fails when README.md does not hold the table as printed.

Reads each dump through `vmxcaps --from DUMP --json`, so the table shows what
the decoder says, for the features a KVM user asks about first.
"""
import glob
import json
import subprocess
import sys

ARGS = sys.argv[1:]
CHECK = ARGS[ARGS.index("--check") + 1] if "--check" in ARGS[:-1] else None
ARGS = [a for a in ARGS if a not in ("--check", CHECK)]
VMXCAPS = ARGS[0] if ARGS else "build/vmxcaps"
FEATURES = [  # (column, control group, bit name)
    ("EPT", "proc2", "enable_ept"),
    ("VPID", "proc2", "enable_vpid"),
    ("unrestr. guest", "proc2", "unrestricted_guest"),
    ("PML", "proc2", "enable_pml"),
    ("posted intr.", "pin", "process_posted_interrupts"),
    ("preempt. timer", "pin", "activate_vmx_preemption_timer"),
    ("VMCS shadowing", "proc2", "vmcs_shadowing"),
    ("TSC scaling", "proc2", "use_tsc_scaling"),
]
LONG = {"posted intr.": "posted interrupts", "tertiary": "tertiary controls"}


def allowed(cpu, group, name):
    for b in cpu["controls"].get(group, []):
        if b["name"] == name:
            return "yes" if b["setting"] != "must-be-0" else "no"
    return "no"


def main():
    head = ["Bochs model", "rev", "controls allowed"] + [f[0] for f in FEATURES] + ["EPT 1G", "tertiary"]
    rows = []
    for dump in sorted(glob.glob("tests/dumps/bochs-*.msr")):
        model = dump[len("tests/dumps/bochs-"):-len(".msr")]
        out = subprocess.run([VMXCAPS, "--from", dump, "--json"], check=True,
                             capture_output=True, text=True).stdout
        cpu = json.loads(out)["cpus"][0]
        nbits = sum(1 for g in cpu["controls"].values() for b in g
                    if b["name"] not in ("reserved", "unknown") and b["setting"] != "must-be-0")
        row = [f"`{model}`", str(cpu["basic"]["revision"]), str(nbits)]
        row += [allowed(cpu, g, n) for _, g, n in FEATURES]
        row.append("yes" if cpu.get("ept_vpid", {}).get("ept_1gb_pages") else "no")
        row.append("yes" if "proc3" in cpu["controls"] else "no")
        rows.append(row)
    # A feature no model has goes below the table: the table fits a page.
    none = [i for i in range(3, len(head)) if all(r[i] == "no" for r in rows)]
    keep = [i for i in range(len(head)) if i not in none]
    out = ["| " + " | ".join(head[i] for i in keep) + " |",
           "|" + "|".join("-" * (len(head[i]) + 2) for i in keep) + "|"]
    out += ["| " + " | ".join(row[i] for i in keep) + " |" for row in rows]
    if none:
        out += ["", "Allowed by no model, so left out of the table: "
                + ", ".join(LONG.get(head[i], head[i]) for i in none) + "."]
    if CHECK:
        ok = rows and "\n".join(out) + "\n" in open(CHECK).read()
        print(("ok" if ok else "not ok") + f" - {CHECK} holds the models table as the dumps decode today"
              + ("" if ok else " (run tests/models-table.py and paste its output)"))
        sys.exit(0 if ok else 1)
    print("\n".join(out))


if __name__ == "__main__":
    main()
