#!/usr/bin/env python3
"""gen-results.py: results/runs/HOST-MODE.json (tests/experiment.sh) ->
results/exits.json, results/exits.md and results/exits-HOST.png (gnuplot).

exits.json = {"vmx": {"ept_on": RUN, "ept_off": RUN},
              "svm": {"npt_on": RUN, "npt_off": RUN}}   (the hosts that ran)
RUN = {"samples": [{"t", "total", "cycles", "counts", "cycles_by_reason"}],
       "tracepoint_total", "tracepoint_counts", "names", "meta"}
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
A4 = os.path.dirname(HERE)
CHECK = "--check" in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if a != "--check"]
RES = os.path.abspath(ARGS[0]) if ARGS else os.path.join(A4, "results")
COMMON = os.path.join(A4, "..", "common", "exit-reasons")
sys.path.insert(0, os.path.join(A4, "..", "common"))
import doc_block  # noqa: E402  (common/doc_block.py)
MODES = {"vmx": ("ept", "EPT"), "svm": ("npt", "NPT")}
ISA = {"vmx": "Intel VMX (Bochs 2.7, corei7_skylake_x)", "svm": "AMD SVM (QEMU 7.2 TCG, EPYC,+svm)"}


def header_names():
    """Reason names from the generated headers: {"vmx": {code: name}, "svm": {...}}."""
    vmx, svm = {}, {}
    with open(os.path.join(COMMON, "vmx_exit_reasons.h")) as f:
        for m in re.finditer(r'\[(\d+)\] = "(\w+)"', f.read()):
            vmx[int(m.group(1))] = m.group(2)
    with open(os.path.join(COMMON, "svm_exit_codes.h")) as f:
        for m in re.finditer(r'\{ 0x([0-9A-F]+)ULL, "(\w+)" \}', f.read()):
            svm[int(m.group(1), 16) & 0xFFFFFFFF] = m.group(2)
    return {"vmx": vmx, "svm": svm}


NAMES = header_names()


def code_str(host, code):
    return f"{code:#x}" if host == "svm" else str(code)


def fmt(n):
    return f"{n:,}" if isinstance(n, int) else n


def cpe(run, code):
    """Cycles per exit of a reason in the last sample, or '-'."""
    s = run["samples"][-1]
    n = s["counts"].get(str(code), 0)
    c = s.get("cycles_by_reason", {}).get(str(code), 0)
    return f"{c / n:,.0f}" if n else "-"


def ratio(on, off):
    if on == 0:
        return "new" if off else "-"
    if off == 0:
        return "gone"
    return f"{off / on:.2f}x" if off / on < 10 else f"{off / on:.0f}x"


def shown_codes(host, runs):
    codes = set()
    for run in runs.values():
        for s in run["samples"]:
            codes |= {int(k) for k, v in s["counts"].items() if v}
        codes |= {int(k) for k, v in run.get("tracepoint_counts", {}).items() if v}
    return sorted(codes)


def gap(runs):
    """Seconds between the samples (SAMPLE_GAP; runs before it: 5)."""
    gaps = {r["meta"].get("sample_gap_seconds", 5) for r in runs}
    if len(gaps) != 1:
        sys.exit(f"gen-results: runs sampled at different gaps {sorted(gaps)}: run the experiment again")
    return gaps.pop()


def no_vmexit(host, run, sample):
    """Exits the guest counts that L1's kvm_exit never sees: VMX reason 33
    counted by KVM without entering the guest (emulation_required), as L1's
    kprobe at the bail counted them."""
    if host != "vmx":
        return 0
    return run["invalid_state_bails"]


def chart(host, runs, on, off, path, g):
    """Clustered bars, log scale: exits per reason at the last sample, on vs off.
    A count of 0 has no bar on a log scale: it is marked "0" and listed below."""
    p, P = MODES[host]
    codes = shown_codes(host, runs)
    dat = path[:-4] + ".dat"
    zeros = {on: [], off: []}
    with open(dat, "w") as f:
        for c in codes:
            name = NAMES[host].get(c, str(c))
            a = runs[on]["samples"][-1]["counts"].get(str(c), 0)
            b = runs[off]["samples"][-1]["counts"].get(str(c), 0)
            for m, n in ((on, a), (off, b)):
                if n == 0:
                    zeros[m].append(name)
            f.write(f"{name} {max(a, 0.5)} {max(b, 0.5)} {int(a == 0)} {int(b == 0)}\n")
    note = "0 exits, so no bar on the log scale: " + "; ".join(
        f"{P} {m[len(p) + 1:]}: {', '.join(zeros[m]) or 'none'}" for m in (on, off))
    # Cluster i is centred on x = i; with two bars and gap 1 each bar is 1/3 wide.
    script = f"""
set terminal pngcairo size 1100,540 font ",10"
set output '{path}'
set title "{ISA[host]}: exits per reason of an L2 Linux, boot + {2 * g} s, {P} on vs off (log scale)" noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [0.5:1e6]
set ylabel "exits (counted by the patched KVM)"
set xtics rotate by -40 left noenhanced
set key top left horizontal noenhanced
set grid ytics
set bmargin 10
set label 1 "{note}" at screen 0.01, screen 0.03 left noenhanced
plot '{dat}' using 2:xtic(1) title "{P} on (nested paging)" lc rgb "#3465a4", \\
     '' using 3 title "{P} off (shadow paging)" lc rgb "#cc0000", \\
     '' using ($0 - 1.0/6):(0.75):($4 > 0 ? "0" : "") with labels tc rgb "#3465a4" notitle, \\
     '' using ($0 + 1.0/6):(0.75):($5 > 0 ? "0" : "") with labels tc rgb "#cc0000" notitle
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(dat)


def commentary(host, runs, on, off, g):
    p, P = MODES[host]
    a, b = runs[on]["samples"][-1], runs[off]["samples"][-1]
    lines = []
    ta, tb = a["total"], b["total"]
    lines.append(f"- Total exits at boot + {2 * g} s: {fmt(ta)} with {P}, {fmt(tb)} without "
                 f"({ratio(ta, tb)}); exit-handling cycles {ratio(a['cycles'], b['cycles'])}.")
    diffs = []
    for c in shown_codes(host, runs):
        x, y = a["counts"].get(str(c), 0), b["counts"].get(str(c), 0)
        diffs.append((y - x, c, x, y))
    diffs.sort(key=lambda d: -abs(d[0]))
    for d, c, x, y in diffs[:5]:
        name = NAMES[host].get(c, "?")
        verb = "more" if d > 0 else "fewer"
        lines.append(f"- {name} ({code_str(host, c)}): {fmt(x)} to {fmt(y)}, "
                     f"{fmt(abs(d))} {verb} without {P} ({ratio(x, y)}).")
    gone = [NAMES[host].get(c, str(c)) for d, c, x, y in diffs if x and not y]
    new = [NAMES[host].get(c, str(c)) for d, c, x, y in diffs if y and not x]
    if gone:
        lines.append(f"- Only with {P}: {', '.join(gone)}.")
    if new:
        lines.append(f"- Only with shadow paging: {', '.join(new)}.")
    return lines


def section(host, runs):
    p, P = MODES[host]
    on, off = f"{p}_on", f"{p}_off"
    out = [f"## {ISA[host]}", ""]
    for m in (on, off):
        if m not in runs:
            continue
        meta = runs[m]["meta"]
        out.append(f"- `{m}`: {meta['date']}, L1/L2 kernel {meta.get('kernel', '?')}, "
                   f"L0 {meta.get('l0', '?')}, L1 module parameter {meta.get('l1_param', '?')}, "
                   f"workload: {meta.get('workload') or 'none (idle)'}, {meta.get('wall_seconds', '?')} s of the host's clock.")
    out.append("")
    if on not in runs or off not in runs:
        out += [f"Incomplete: only {', '.join(runs)} ran.", ""]
        return out
    codes = shown_codes(host, runs)
    g = gap(runs.values())
    # referee
    out += ["### Totals and the referee", "",
            "| run | sample | L2 uptime (s) | exits (guest) | cycles (guest) | L1 kvm:kvm_exit | equal |",
            "|-----|--------|--------------:|--------------:|---------------:|----------------:|:-----:|"]
    for m in (on, off):
        r = runs[m]
        for i, s in enumerate(r["samples"]):
            last = i == len(r["samples"]) - 1
            tp = fmt(r["tracepoint_total"]) if last else ""
            nv = no_vmexit(host, r, s)
            eq = ""
            if last:
                eq = "yes" if r["tracepoint_total"] == s["total"] - nv else "**no**"
                if nv:
                    eq += f" (guest - {nv} without VM-exit)"
            out.append(f"| {m} | #{i + 1} | {s['t']:.1f} | {fmt(s['total'])} | {fmt(s['cycles'])} | {tp} | {eq} |")
    out += ["", "L1's histogram stops at sample #3's first query (the marked 0x4FFFFFFF), "
            "so its total and the guest's must be equal, up to the exits the guest counts "
            "without a VM-exit."]
    if any(no_vmexit(host, runs[m], runs[m]["samples"][-1]) for m in (on, off)):
        out += ["On VMX, KVM counts as `INVALID_STATE` (33) the runs of its emulator for "
                "guest state that VMX cannot enter (real mode without unrestricted guest, "
                "which KVM turns off with EPT): `vmx_vcpu_run()` returns before "
                "`kvm_exit` fires, so L1's tracepoint never sees them."]
    out.append("")
    # table 1: counts over time
    out += [f"### Counts over time, {P} on and off (the original write-up's first table)", "",
            f"| reason | name | {P} on #1 | #2 | #3 | {P} off #1 | #2 | #3 |",
            "|------:|-------------------|--------:|--------:|--------:|--------:|--------:|--------:|"]
    for c in codes:
        row = [code_str(host, c), NAMES[host].get(c, "?")]
        for m in (on, off):
            row += [fmt(s["counts"].get(str(c), 0)) for s in runs[m]["samples"]]
        out.append("| " + " | ".join(row) + " |")
    out += ["", f"All other reasons the architecture defines: 0 in every sample. "
            f"Samples at L2 uptime #1 (first command after boot), #2 = #1 + {g} s, #3 = #1 + {2 * g} s.", ""]
    # table 2: nested vs shadow
    out += [f"### Nested vs shadow paging, sample #3 (the original write-up's second table)", "",
            f"| reason | name | {P} on | {P} off | off / on | cycles/exit on | cycles/exit off |",
            "|------:|-------------------|--------:|--------:|-------:|---------:|---------:|"]
    a, b = runs[on]["samples"][-1], runs[off]["samples"][-1]
    for c in codes:
        x, y = a["counts"].get(str(c), 0), b["counts"].get(str(c), 0)
        out.append(f"| {code_str(host, c)} | {NAMES[host].get(c, '?')} | {fmt(x)} | {fmt(y)} | "
                   f"{ratio(x, y)} | {cpe(runs[on], c)} | {cpe(runs[off], c)} |")
    ca = a["cycles"] / a["total"] if a["total"] else 0
    cb = b["cycles"] / b["total"] if b["total"] else 0
    out.append(f"| | **total** | **{fmt(a['total'])}** | **{fmt(b['total'])}** | "
               f"**{ratio(a['total'], b['total'])}** | {ca:,.0f} with time away | {cb:,.0f} with time away |")
    out += ["", "Cycles are TSC cycles of the emulated host: emulated time, not the cost on real hardware. "
            "A reason's cycles are what handling its exits cost KVM; the time the vCPU was away "
            "(halted, preempted, in the VMM's userspace) is in the totals row only, which is why its "
            "cycles per exit exceed every reason's.", ""]
    out += ["### What changed most", ""] + commentary(host, runs, on, off, g) + [""]
    png = f"exits-{host}.png"
    if not CHECK:
        chart(host, runs, on, off, os.path.join(RES, png), g)
    out += [f"![{P} on vs off, exits per reason, log scale]({png})", ""]
    return out


def last(run, code):
    return run["samples"][-1]["counts"].get(str(code), 0)


def per_gap(run, code):
    """Exits of a reason between the second and the third sample."""
    return run["samples"][2]["counts"].get(str(code), 0) - run["samples"][1]["counts"].get(str(code), 0)


def reading(data, g):
    """README's "Reading the results": what the tables say, every figure from exits.json."""
    if set(data) != {"vmx", "svm"}:
        return ["Both hosts' runs are needed for this comparison (`make -C assignment4 experiment`)."]
    von, voff, son, soff = (data["vmx"]["ept_on"], data["vmx"]["ept_off"],
                            data["svm"]["npt_on"], data["svm"]["npt_off"])
    VPF, SPF, VCR, SCR3, VINV, SINV = 0, 0x4E, 28, 0x13, 14, 0x79
    nv = voff["invalid_state_bails"]
    c33 = voff["samples"][-1]["cycles_by_reason"].get("33", 0)
    out = [
        f"- **The physics holds on both hosts** (`tests/physics.sh`): with shadow paging there is not "
        f"one EPT violation or NPF, and #PF exits go from {fmt(last(von, VPF))} (VMX) or "
        f"{fmt(last(son, SPF))} (SVM) to {fmt(last(voff, VPF))} and {fmt(last(soff, SPF))}; CR3 "
        f"traffic (VMX `CR_ACCESS` {fmt(last(von, VCR))} to {fmt(last(voff, VCR))}; SVM `CR3_WRITE` "
        f"{fmt(last(son, SCR3))} to {fmt(last(soff, SCR3))}) and `INVLPG` ({fmt(last(von, VINV))} to "
        f"{fmt(last(voff, VINV))} and {fmt(last(son, SINV))} to {fmt(last(soff, SINV))}) appear. Boot "
        f"dominates: between the last two samples an idle L2 adds {fmt(per_gap(voff, VPF))} (VMX) and "
        f"{fmt(per_gap(soff, SPF))} (SVM) #PFs in {g} s under shadow paging.",
        f"- **The two emulated CPUs agree on the paging exits**: INVLPG {fmt(last(voff, VINV))} vs "
        f"{fmt(last(soff, SINV))}, #PF {fmt(last(voff, VPF))} vs {fmt(last(soff, SPF))}, CR3 writes "
        f"(VMX: CR accesses) {fmt(last(voff, VCR))} vs {fmt(last(soff, SCR3))}: the same kernel boots "
        f"the same way, and these counts depend on the guest's paging, not on the emulator. With nested "
        f"paging they differ in how memory exits: {fmt(last(von, 48))} EPT violations + "
        f"{fmt(last(von, 49))} EPT misconfigs (MMIO) on VMX, {fmt(last(son, 0x400))} NPFs on SVM.",
        f"- **Totals**: SVM goes from {fmt(son['samples'][-1]['total'])} to "
        f"{fmt(soff['samples'][-1]['total'])} exits ({ratio(son['samples'][-1]['total'], soff['samples'][-1]['total'])}), "
        f"VMX from {fmt(von['samples'][-1]['total'])} to {fmt(voff['samples'][-1]['total'])} "
        f"({ratio(von['samples'][-1]['total'], voff['samples'][-1]['total'])}). L1 takes "
        f"{fmt(last(von, 1))} and {fmt(last(voff, 1))} `EXTERNAL_INTERRUPT` exits on VMX, and L2's "
        f"timer shows as `PREEMPTION_TIMER` exits ({fmt(last(von, 52))} and {fmt(last(voff, 52))}).",
        f"- **VMX without EPT also loses unrestricted guest** (KVM needs EPT for it), so L2's real-mode "
        f"start runs in KVM's emulator: {fmt(nv)} `INVALID_STATE` \"exits\", counted by KVM (as "
        f"`vcpu->stat.exits` does) but never entering the guest, so L1's `kvm_exit` does not see them; "
        f"L1 counts them with a kprobe at the bail in `vmx_vcpu_run()`, and the guest's total is the "
        f"tracepoint's plus those ({fmt(voff['samples'][-1]['total'])} = "
        f"{fmt(voff['tracepoint_total'])} + {fmt(nv)}), checked exactly. Their cycles are those of the "
        f"emulation (about {fmt(int(round(c33 / nv, -2))) if nv else '-'} per \"exit\").",
        f"- **Cycles per exit** (VMX, where Bochs' TSC counts instructions): a #PF exit costs "
        f"{cpe(voff, VPF)} cycles without EPT, a CR access {cpe(voff, VCR)} without EPT (it switches "
        f"shadow roots) against {cpe(von, VCR)} with it, an EPT violation {cpe(von, 48)} (it builds EPT "
        f"entries), CPUID {cpe(von, 10)}, HLT {cpe(von, 12)} (its handling: the vCPU's sleep is time "
        f"away). The total cycles of `0x4FFFFFFF` grow less than the exits "
        f"({ratio(von['samples'][-1]['cycles'], voff['samples'][-1]['cycles'])} on VMX) because that "
        f"sleep is most of them: the total counts it, no reason does.",
    ]
    return out


# The original write-up's counts on real Intel hardware (nested KVM, counted
# in L1, at an SSH login after boot): quoted, not measured here.
HARDWARE = [(0, "EXCEPTION_NMI (#PF)", 11836, 898976), (1, "EXTERNAL_INTERRUPT", 24653, 75616),
            (10, "CPUID", 135047, 135198), (12, "HLT", 33124, 8169), (14, "INVLPG", 0, 0),
            (28, "CR_ACCESS", 26387, 56085), (30, "IO_INSTRUCTION", 190884, 243147),
            (32, "MSR_WRITE", 85297, 28935), (48, "EPT_VIOLATION", 13760741, 0),
            (49, "EPT_MISCONFIG", 28854, 0), (58, "INVPCID", 0, 3201)]


def hardware(data):
    """README's table of the write-up's hardware counts beside the lab's (VMX, last sample)."""
    if "vmx" not in data:
        return ["The VMX host's runs are needed for this table (`make -C assignment4 experiment`)."]
    on, off = data["vmx"]["ept_on"], data["vmx"]["ept_off"]
    out = ["| reason | name | hardware EPT on | hardware EPT off | hardware ratio | lab EPT on | lab EPT off | lab ratio |",
           "|----:|----------------------|----------:|---------:|------:|--------:|--------:|------:|"]
    for code, name, hon, hoff in HARDWARE:
        hr = ratio(hon, hoff)
        if hr not in ("new", "gone", "-") and hoff / hon < 10:
            hr = f"{hoff / hon:.2g}"
            hr += "x" if "." in hr else ".0x"
        out.append(f"| {code} | {name} | {fmt(hon)} | {fmt(hoff)} | {hr} | {fmt(last(on, code))} "
                   f"| {fmt(last(off, code))} | {ratio(last(on, code), last(off, code))} |")
    out += ["", f"(Lab: VMX on Bochs, sample #3; hardware: the write-up's count #1, at an SSH login "
            "after boot.)", "",
            f"The direction is the same as ours: EPT violations and misconfigurations vanish, #PF exits "
            f"explode (76x there, from {fmt(last(on, 0))} to {fmt(last(off, 0))} here), CR accesses grow "
            f"and INVPCID appears. The write-up's guest flushed its TLB with INVPCID (3,201) and never "
            f"INVLPG, ours mostly with INVLPG ({fmt(last(off, 14))}): which one Linux uses depends on the "
            f"PCID/INVPCID support of the virtual CPU and on the kernel, and both exit only under shadow "
            f"paging. The scale is not the same: a desktop Ubuntu boot with a full userland and a much "
            f"larger memory caused 13.7 million EPT violations, where our busybox L2 with 256 MB caused "
            f"{fmt(last(on, 48))} and starts no userland besides the sampler."]
    return out


def readme(md, data, g):
    """README.md with its generated sections: the results (exits.md one
    heading level down), the reading of them, the hardware table."""
    path = os.path.join(A4, "README.md")
    body = []
    for line in md[2:]:
        if line.startswith("#"):
            line = "#" + line
        line = re.sub(r"!\[([^]]*)\]\((exits-\w+\.png)\)", r"![\1](results/\2)", line)
        body.append(line)
    with open(path) as f:
        text = f.read()
    text = doc_block.replace(text, "results", body)
    text = doc_block.replace(text, "reading", reading(data, g))
    r = reading(data, g)
    text = doc_block.replace(text, "key", [r[0], r[2]] if len(r) > 2 else r)
    return doc_block.replace(text, "hardware", hardware(data))


def main():
    runs_dir = os.path.join(RES, "runs")
    data = {}
    for host in ("vmx", "svm"):
        p = MODES[host][0]
        for m in (f"{p}_on", f"{p}_off"):
            f = os.path.join(runs_dir, f"{host}-{m}.json")
            if os.path.exists(f):
                with open(f) as fh:
                    data.setdefault(host, {})[m] = json.load(fh)
    if not data:
        sys.exit("gen-results: no runs in results/runs (run tests/experiment.sh first)")
    g = gap(r for runs in data.values() for r in runs.values())
    md = ["# EPT/NPT vs shadow paging: exits of an L2 Linux, measured", "",
          "Generated by `tests/gen-results.py` from `exits.json` (runs of `tests/experiment.sh`). "
          "Each host: one L1 boot with KVM from `kvm.diff`, EPT/NPT on, then the vendor module reloaded "
          "with it off; in each mode one L2 Linux, which samples with "
          f"`exitstat --json` at boot, +{g} s and +{2 * g} s; L1's `kvm:kvm_exit` histogram counts the same "
          "VM up to the last sample's marked query.", ""]
    for host in ("vmx", "svm"):
        if host in data:
            md += section(host, data[host])
    files = {os.path.join(RES, "exits.json"): json.dumps(data, indent=1, sort_keys=True) + "\n",
             os.path.join(RES, "exits.md"): "\n".join(md) + "\n"}
    if RES == os.path.join(A4, "results"):
        files[os.path.join(A4, "README.md")] = readme(md, data, g)
    if CHECK:
        # The documents must say what the runs measured: a figure typed
        # over, or runs changed without regenerating, fails here.
        stale = []
        for path, text in files.items():
            with open(path) as f:
                if f.read() != text:
                    stale.append(os.path.relpath(path, A4))
        for path in stale:
            print(f"not ok - {path} is not what tests/gen-results.py makes of results/runs: run it")
        if not stale:
            print(f"ok - {', '.join(os.path.relpath(p, A4) for p in files)}: as generated from results/runs")
        sys.exit(1 if stale else 0)
    for path, text in files.items():
        with open(path, "w") as f:
            f.write(text)
    print(f"gen-results: {RES}: exits.json, exits.md, "
          + ", ".join(f"exits-{h}.png" for h in data)
          + (" and README.md's generated sections" if RES == os.path.join(A4, "results") else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
