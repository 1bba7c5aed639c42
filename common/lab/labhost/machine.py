"""The emulated (or real) host that boots L1: its command line, and QMP.

vmx: Bochs emulating an Intel CPU with VMX, booting an isolinux ISO.
svm: the lab's QEMU build (qemu-build), TCG emulating an AMD EPYC with SVM.
kvm: Debian's QEMU with KVM on this machine (nested virtualization).
Every host has two UARTs: ttyS0 the console, ttyS1 the job's output.
"""
import json
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass

from .shell import LAB_DIR

# A session's disk, which carries its jobs: Bochs wants its geometry (2 GiB).
DISK_CHS = (4161, 16, 63)
DISK_BYTES = DISK_CHS[0] * DISK_CHS[1] * DISK_CHS[2] * 512


@dataclass
class Machine:
    host: str
    kernel: str  # L1's bzImage
    initrd: str
    append: str
    edir: str  # where the emulator's files go (a session's outlive the run)
    cpu: str = "corei7_skylake_x"
    mem: int = 1536
    ips: int = 100_000_000
    qemu: str = "qemu-system-x86_64"
    disk: str = ""  # a session's disk image
    plugin: str = ""
    plugin_log: str = ""

    @property
    def serial(self):
        return os.path.join(self.edir, "serial.log")

    @property
    def joblog(self):
        return os.path.join(self.edir, "job.log")

    @property
    def qmp_path(self):
        return os.path.join(self.edir, "qmp.sock")

    def what(self):
        if self.host == "vmx":
            return f"Bochs {self.cpu}"
        if self.host == "kvm":
            return "QEMU/KVM (nested)"
        what = "QEMU TCG EPYC+SVM"
        if self.plugin:
            name = os.path.basename(self.plugin.split(",")[0])
            what += f" (deterministic, plugin {name})"
        return what

    def kernel_args(self):
        if self.host != "vmx":
            return self.append
        # Bochs' TSC counts instructions, its timers count seconds of ips
        # instructions; the CPU model says 3.5 GHz.  Told that, L1's clock
        # runs 35 times slower than its timers, each of which then fires
        # some 35 times before its hrtimer is due: 75,000 local timer
        # interrupts in one L2 boot (2,000 with this), each a VM exit
        # while L2 runs.
        return f"{self.append} tsc_early_khz={self.ips // 1000}"

    def qemu_argv(self):
        if self.host == "kvm":
            accel = ["-enable-kvm", "-cpu", "host"]
        elif self.plugin:
            # One vCPU thread, one instruction per virtual ns: a
            # deterministic run, counted by the plugin.
            accel = ["-accel", "tcg,thread=single", "-cpu", "EPYC,+svm", "-icount", "shift=0",
                     "-plugin", self.plugin, "-d", "plugin", "-D", self.plugin_log]
        else:
            accel = ["-accel", "tcg", "-cpu", "EPYC,+svm"]
        argv = [self.qemu, *accel, "-m", str(self.mem), "-smp", "1", "-nodefaults",
                "-display", "none", "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
                "-serial", f"file:{self.serial}", "-serial", f"file:{self.joblog}", "-no-reboot",
                "-kernel", self.kernel, "-initrd", self.initrd, "-append", self.kernel_args()]
        if self.disk:
            argv += ["-drive", f"file={self.disk},format=raw,if=virtio,readonly=on"]
        return argv

    def bochsrc(self, iso):
        disk = ""
        if self.disk:
            c, h, s = DISK_CHS
            disk = (f"ata0-slave: type=disk, path={self.disk}, mode=flat, "
                    f"cylinders={c}, heads={h}, spt={s}")
        with open(os.path.join(LAB_DIR, "bochsrc.in")) as f:
            text = f.read()
        for k, v in {"CPU": self.cpu, "IPS": self.ips, "MEM": self.mem, "ISO": iso,
                     "SERIAL": self.serial, "JOBLOG": self.joblog,
                     "LOG": os.path.join(self.edir, "bochs.log"), "DISK": disk}.items():
            text = text.replace(f"@{k}@", str(v))
        return text

    def bochs_iso(self, work):
        """L1's kernel and archive on an isolinux CD; returns its path."""
        iso = os.path.join(work, "iso")
        os.makedirs(os.path.join(iso, "isolinux"))
        for f in ("/usr/lib/ISOLINUX/isolinux.bin", "/usr/lib/syslinux/modules/bios/ldlinux.c32"):
            shutil.copy(f, os.path.join(iso, "isolinux"))
        shutil.copy(self.kernel, os.path.join(iso, "vmlinuz"))
        shutil.move(self.initrd, os.path.join(iso, "initrd"))
        with open(os.path.join(iso, "isolinux", "isolinux.cfg"), "w") as f:
            f.write("default l1\nprompt 0\nlabel l1\n  kernel /vmlinuz\n"
                    f"  append initrd=/initrd {self.kernel_args()}\n")
        out = os.path.join(self.edir, "l1.iso")
        p = subprocess.run(["genisoimage", "-quiet", "-o", out, "-b", "isolinux/isolinux.bin",
                            "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                            "-boot-info-table", "-J", "-R", iso], check=False)
        shutil.rmtree(iso)
        if p.returncode:
            raise OSError("genisoimage failed")
        return out

    def argv(self, work):
        """The emulator's command line; files it needs are made under work."""
        if self.host != "vmx":
            return self.qemu_argv()
        iso = self.bochs_iso(work)
        rc, rcfile = os.path.join(self.edir, "bochsrc"), os.path.join(self.edir, "bochs.rc")
        with open(rc, "w") as f:
            f.write(self.bochsrc(iso))
        with open(rcfile, "w") as f:
            f.write("c\n")  # Debian's Bochs has its debugger: continue
        return ["bochs", "-q", "-f", rc, "-rc", rcfile]


class QMP:
    """A QEMU's machine protocol socket: JSON commands, JSON replies."""

    def __init__(self, path, timeout=3):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self._reply()  # the greeting
        self.execute("qmp_capabilities")

    def _reply(self):
        while True:
            while b"\n" not in self.buf:
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("QMP: QEMU closed the socket")
                self.buf += data
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def execute(self, cmd, **args):
        self.sock.sendall(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
        msg = self._reply()
        if "error" in msg:
            raise RuntimeError(f"QMP {cmd}: {msg['error'].get('desc', msg['error'])}")
        return msg.get("return")

    def hmp(self, line):
        """A monitor command with no QMP twin (info registers, info lapic)."""
        return self.execute("human-monitor-command", **{"command-line": line})

    def send_keys(self, *keys):
        """Keys pressed together, e.g. ("alt", "sysrq", "t")."""
        self.execute("send-key", keys=[{"type": "qcode", "data": k} for k in keys])

    def close(self):
        self.sock.close()
