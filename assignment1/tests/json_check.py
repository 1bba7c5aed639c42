#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks on 'vmxcaps --json' output (stdin), used by tests/unit.c.

    json_check.py keys         the documented shape and key names
    json_check.py nosecondary  groups of absent MSRs are left out
    json_check.py default1     proc bit 1 is default1 / either
    json_check.py full         basic and misc values of dumps/full.msr
"""
import json
import sys

CTL_GROUPS = ("pin", "proc", "proc2", "proc3", "exit", "exit2", "entry")
SETTINGS = ("either", "must-be-0", "must-be-1")


def keys(d):
    assert list(d) == ["cpus"], list(d)
    for c in d["cpus"]:
        for k in ("cpu", "msrs", "controls", "basic", "misc",
                  "cr0_fixed", "cr4_fixed"):
            assert k in c, k
        for g, entries in c["controls"].items():
            assert g in CTL_GROUPS, g
            for e in entries:
                assert sorted(e) == ["bit", "default1", "name", "setting"], e
                assert e["setting"] in SETTINGS, e
                assert isinstance(e["default1"], bool), e
        for k in ("revision", "vmcs_size", "memory_type", "true_ctls"):
            assert k in c["basic"], k
        for k in ("preemption_timer_shift", "cr3_targets", "max_msr_list"):
            assert k in c["misc"], k
        for k, v in c["msrs"].items():
            assert k.startswith("0x") and v.startswith("0x") and len(v) == 18


def nosecondary(d):
    c = d["cpus"][0]
    assert "proc2" not in c["controls"]
    assert "ept_vpid" not in c and "vmfunc" not in c


def default1(d):
    proc = d["cpus"][0]["controls"]["proc"]
    e = [x for x in proc if x["bit"] == 1][0]
    assert e["default1"] is True and e["setting"] == "either", e


def full(d):
    b = d["cpus"][0]["basic"]
    m = d["cpus"][0]["misc"]
    got = (b["memory_type"], b["vmcs_size"], b["revision"], b["true_ctls"],
           m["max_msr_list"], m["cr3_targets"])
    assert got == ("WB", 1024, 4, True, 512, 4), got


if __name__ == "__main__":
    globals()[sys.argv[1]](json.load(sys.stdin))
