"""common/lab/run: boot the stock Debian 6.12 kernel as L1 on an emulated (or
real) virtualization host, with KVM built from a diff, and run a command there.

The parts: the job's archive (what L1 runs), a Machine (machine.py) booted
for it or a session's L1 already up (session.py), and the follower, which
streams the job's output and reads the console's markers (console.py),
watching for a stalled L1 meanwhile.
"""
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import shell
from .console import Console, Tail, syscall_stacks, tail_lines
from .machine import QMP, Machine
from .session import Session, pid_running, stop
from .shell import LAB_DIR

USAGE = """\
usage: common/lab/run --host vmx|svm|kvm [--diff FILE | --stock | --no-kvm] [--kvm-param NAME=VALUE]...
                      [--add DIR] [--cpu MODEL] [--mem MB] [--append ARGS] [--timeout SECONDS]
                      [--stall SECONDS] [--plugin SO [--plugin-log FILE]] -- CMD [ARG]...
  --host vmx   Bochs emulating an Intel CPU with VMX (--cpu, default corei7_skylake_x)
  --host svm   QEMU TCG emulating an AMD EPYC with SVM
  --host kvm   QEMU with KVM on this machine (needs /dev/kvm and nested virtualization)
  --diff FILE  rebuild kvm.ko, kvm-intel.ko, kvm-amd.ko from linux-source-6.12 with FILE applied
  --stock      use the distribution's KVM modules (the default)
  --no-kvm     load no KVM module: CMD loads the one it needs (kvm-install --reload)
  --kvm-param  module parameter: kvm.NAME=V, kvm_intel.NAME=V, kvm_amd.NAME=V, or NAME=V
               for whichever vendor module the host needs (e.g. ept=0 or npt=0)
  --add DIR    copy DIR's contents to /extra in L1 (and from there into L2)
  --append A  more kernel parameters for L1 (e.g. initcall_debug)
  --stall S    give up when L1 prints nothing and the emulator idles for S seconds
               (default 120; 0: never)
  --plugin SO  svm only: L0 runs deterministically (-accel tcg,thread=single -icount shift=0)
               with the QEMU TCG plugin SO (QEMU's -plugin syntax: SO[,arg=V]...); its
               output (-d plugin) goes to a log of its own, never to L1's console, and its
               lines are shown here as 'lab: ... plugin: LINE' once QEMU has exited
  --plugin-log FILE  also copy the plugin's output to FILE
CMD runs as root in L1, with sh -c when it comes alone, else with its ARGs as they
are (no shell splits or expands them); its output streams here; the exit status is CMD's.
Inside L1, 'l2 [--smp N] [--mem MB] -- CMD' runs CMD in a nested L2 Linux guest.
With LAB_SESSION set to a directory (common/lab/runtests does), one L1 per host
serves the runs with the default --cpu and --mem and no --append or --plugin, one
after another, reset between them (common/lab/README.md, "Sessions"); run writes
the number of the session's job it is (1: it booted the session's L1) to
LAB_JOB_FILE, when set."""

CPU0, MEM0 = "corei7_skylake_x", 1536
TIMEOUT = {"vmx": 1500, "svm": 600, "kvm": 300}
NEEDS = {"vmx": ["bochs", "genisoimage"], "svm": ["qemu-system-x86_64"], "kvm": ["qemu-system-x86_64"]}


class Fail(Exception):
    """lab: error: MESSAGE, status 1."""


def usage(why=None):
    if why:
        print(f"lab: {why}", file=sys.stderr)
    print(USAGE, file=sys.stderr)
    sys.exit(2)


def parse(argv):
    o = {"host": "", "diff": "", "append": "", "cpu": CPU0, "mem": str(MEM0), "timeout": "",
         "stall": os.environ.get("LAB_STALL", "120"), "plugin": "", "plugin_log": "",
         "params": [], "adds": [], "kvm": "stock"}
    value = {"--host": "host", "--diff": "diff", "--cpu": "cpu", "--mem": "mem",
             "--timeout": "timeout", "--stall": "stall", "--append": "append",
             "--plugin": "plugin", "--plugin-log": "plugin_log"}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in value or a in ("--kvm-param", "--add"):
            v = argv[i + 1] if i + 1 < len(argv) else ""
            if a == "--kvm-param":
                o["params"].append(v)
            elif a == "--add":
                o["adds"].append(v)
            elif a == "--diff":
                # The last of --diff, --stock and --no-kvm counts.
                o["diff"], o["kvm"] = v, "diff"
            else:
                o[value[a]] = v
            i += 2
        elif a in ("--stock", "--no-kvm"):
            o["diff"], o["kvm"] = "", a[2:]
            i += 1
        elif a in ("-h", "--help"):
            usage()
        elif a == "--":
            i += 1
            break
        else:
            usage(f"unknown argument '{a}'")
    else:
        usage("no command given after --")
    if i >= len(argv):
        usage("no command given after --")
    # One argument is a shell command; several are an argv, quoted so that
    # L1's shell passes each as it is.
    rest = argv[i:]
    o["cmd"] = rest[0] if len(rest) == 1 else shlex.join(rest)
    return o


def check(o):
    host = o["host"]
    if not host:
        usage("--host is required")
    if host not in TIMEOUT:
        raise Fail(f"unknown host '{host}' (vmx, svm or kvm)")
    if o["kvm"] == "no-kvm" and o["params"]:
        raise Fail("--kvm-param with --no-kvm: no KVM module is loaded for it to go to")
    if host == "kvm":
        rc, why = shell.lib("lab_kvm_host_usable")
        if rc:
            raise Fail(f"--host kvm cannot run here: {why}; use --host vmx or --host svm (emulated hosts) instead")
    for t in NEEDS[host] + ["cpio", "depmod", "busybox", "xz"]:
        if not shutil.which(t):
            raise Fail(f"'{t}' is missing: run 'common/deps lab' (or 'make deps') first")
    if o["diff"] and not os.path.isfile(o["diff"]):
        raise Fail(f"diff '{o['diff']}' not found")
    for k in ("stall", "timeout"):
        if o[k] and not o[k].isdigit():
            raise Fail(f"--{k} '{o[k]}' is not a number of seconds")
    ips = os.environ.get("LAB_BOCHS_IPS", "100000000")
    if not re.fullmatch(r"[1-9][0-9]{3,}", ips):
        raise Fail(f"LAB_BOCHS_IPS '{ips}' is not a number of instructions a second (default 100000000)")
    o["ips"] = int(ips)
    for d in o["adds"]:
        if not os.path.isdir(d):
            raise Fail(f"--add '{d}' is not a directory")
    if o["plugin"]:
        if host != "svm":
            raise Fail("--plugin needs --host svm (QEMU TCG is the only L0 that runs TCG plugins)")
        if not os.path.isfile(o["plugin"].split(",")[0]):
            raise Fail(f"--plugin '{o['plugin'].split(',')[0]}' not found")
    elif o["plugin_log"]:
        raise Fail("--plugin-log needs --plugin")
    o["timeout"] = int(o["timeout"] or TIMEOUT[host])
    o["stall"] = int(o["stall"])


def kvm_params(params):
    """--kvm-param values as lines of /lab/kvm-params: MODULE NAME=VALUE,
    or vendor NAME=VALUE for whichever of kvm_intel and kvm_amd loads."""
    out = []
    for p in params:
        if re.match(r".*\..*=", p):
            mod, rest = p.split(".", 1)
            out.append(f"{mod.replace('-', '_')} {rest}")
        elif re.match(r".+=", p):
            out.append(f"vendor {p}")
        else:
            raise Fail(f"--kvm-param '{p}' is not NAME=VALUE")
    return "".join(line + "\n" for line in out)


def pack(root, out):
    """The job's tree as a newc archive, appended to out (an initrd or the
    session's job)."""
    if not shell.cpio_of(root, out):
        raise Fail(f"cannot archive {root}")


class Run:
    def __init__(self, o):
        self.o = o
        self.host = o["host"]
        self.work = tempfile.mkdtemp(prefix="lab-run.", dir=os.environ.get("TMPDIR", "/tmp"))
        self.keep_logs = bool(os.environ.get("LAB_KEEP"))
        self.emu = None  # our Popen, for job 1
        self.emu_pid = None
        self.session = None
        self.l1_args, self.l2_args = shell.boot_args()

    def say(self, text):
        shell.say(text)

    # The job: command, nonce, parameters, /extra, rebuilt modules.
    def archive(self, rel):
        o, r = self.o, os.path.join(self.work, "initrd")
        os.makedirs(os.path.join(r, "lab"))
        os.makedirs(os.path.join(r, "extra"))
        self.nonce = secrets.token_hex(8)
        files = {"cmd": o["cmd"] + "\n", "nonce": self.nonce + "\n",
                 "env": f'LAB_HOST={self.host}\nLAB_RELEASE={rel}\nLAB_L2_BOOT_ARGS="{self.l2_args}"\n',
                 "kvm-params": kvm_params(o["params"])}
        if o["kvm"] == "no-kvm":
            files["no-kvm"] = ""
        for name, text in files.items():
            with open(os.path.join(r, "lab", name), "w") as f:
                f.write(text)
        for d in o["adds"]:
            subprocess.run(["cp", "-a", f"{d}/.", os.path.join(r, "extra")], check=True)
        if o["diff"]:
            rc, mods = shell.run([os.path.join(LAB_DIR, "kvm-build"), "--release", rel, "--diff", o["diff"]])
            if rc:
                raise Fail(f"KVM could not be built from {o['diff']}")
            jm = os.path.join(r, "lab", "job-mods")
            os.makedirs(jm)
            for m in ("kvm.ko", "kvm-intel.ko", "kvm-amd.ko"):
                shutil.copy(os.path.join(mods, m), jm)
            self.kvmsrc = f"KVM from {os.path.basename(o['diff'])}"
        else:
            self.kvmsrc = "no KVM" if o["kvm"] == "no-kvm" else "stock KVM"
        return r

    # A session (LAB_SESSION, runtests): the L1 booted for an earlier run
    # takes this run's archive from its disk instead of a new boot.  A run
    # with its own CPU model, memory size, kernel parameters or plugin, or
    # one that finds the session in use by another run, boots an L1 of its
    # own.
    def join_session(self, base):
        o, root = self.o, os.environ.get("LAB_SESSION", "")
        if not (root.startswith("/") and os.path.isdir(root) and os.environ.get("LAB_SESSION_OWNER")):
            return 1
        if (o["cpu"], o["mem"]) != (CPU0, str(MEM0)) or o["append"] or o["plugin"]:
            return 1
        s = Session(os.path.join(root, self.host))
        if not s.lock():
            return 1
        self.session = s
        if s.alive() and s.read("base") == base:
            return int(s.read("job")) + 1
        s.end()
        return 1

    def boot(self, kroot, rel, base, r):
        o, s = self.o, self.session
        edir = s.dir if s else self.work
        if s:
            s.create()
            open(os.path.join(r, "lab", "session"), "w").close()
        initrd = os.path.join(self.work, "initrd.cpio")
        shutil.copy(base, initrd)
        pack(r, initrd)
        for f in ("serial.log", "job.log"):
            open(os.path.join(edir, f), "w").close()
        # no_timer_check: on a loaded machine an emulated L1 can miss the
        # IO-APIC timer check's window and panic ("IO-APIC + timer doesn't
        # work!", seen under QEMU TCG with three other emulators on 2 cores).
        append = ("console=ttyS0,115200 quiet loglevel=3 panic=-1 mitigations=off no_timer_check "
                  + self.l1_args + (" " + o["append"] if o["append"] else ""))
        qemu = "qemu-system-x86_64"
        if self.host == "svm":
            # TCG's SVM: the lab's own build of QEMU (README, "The SVM host's QEMU").
            rc, qemu = shell.lib_passthrough("lab_qemu_tcg")
            if rc:
                sys.exit(1)
        m = Machine(self.host, os.path.join(kroot, "boot", f"vmlinuz-{rel}"), initrd, append, edir,
                    cpu=o["cpu"], mem=o["mem"], ips=o["ips"], qemu=qemu,
                    disk=s.file("disk.img") if s else "", plugin=o["plugin"],
                    plugin_log=os.path.join(self.work, "plugin.log"))
        try:
            argv = m.argv(self.work)
        except OSError as e:
            raise Fail(str(e)) from None
        self.machine, self.what = m, m.what()
        self.say(f"booting L1 on {self.what}: Debian {rel}, {self.kvmsrc}"
                 + (" (a session: it stays up for the next runs)" if s else ""))
        with open(os.path.join(edir, "emulator.log"), "w") as log:
            # A session's emulator outlives this run: in a session of its
            # own (not in the test's process group, which timeout kills).
            self.emu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        start_new_session=bool(s))
        self.emu_pid = self.emu.pid
        if s:
            s.started(self.emu_pid, base, self.what, int(os.environ["LAB_SESSION_OWNER"]))

    def submit(self, job, r):
        s = self.session
        self.what = s.read("what")
        self.emu_pid = s.pid
        archive = os.path.join(self.work, "job.cpio")
        pack(r, archive)
        try:
            s.submit(job, archive)
        except OSError as e:
            raise Fail(f"cannot write job {job} to the session's disk {s.file('disk.img')}: {e}") from None
        self.say(f"job {job} for the L1 already up on {self.what} (session): {self.kvmsrc}")
        try:
            os.kill(self.emu_pid, signal.SIGCONT)
        except (ProcessLookupError, TypeError):
            pass

    def emu_running(self):
        if self.emu is not None:
            return self.emu.poll() is None
        return self.emu_pid is not None and pid_running(self.emu_pid)

    def stall_report(self, edir):
        o = self.o
        self.say(f"no progress for {o['stall']}s: L1 prints nothing and {self.what} is idle; "
                 "the job's output and L1's console, last lines:")
        for line in tail_lines(os.path.join(edir, "job.log"), 15):
            print(f"lab:   | {line}", file=sys.stderr)
        for line in tail_lines(os.path.join(edir, "serial.log"), 15):
            print(f"lab:   console| {line}", file=sys.stderr)
        sock = os.path.join(edir, "qmp.sock")
        if not os.path.exists(sock):
            return
        # Best effort: QEMU may be gone by now.
        try:
            q = QMP(sock)
            self.say("L1's CPU and local APIC now (QEMU monitor):")
            for cmd in ("info registers", "info lapic", "info pic"):
                print(f"lab:   monitor| # {cmd}", file=sys.stderr)
                for line in q.hmp(cmd).splitlines():
                    if line.strip() and not re.match(r"(FPR|XMM|YMM|FCW|DR[0-9])", line):
                        print(f"lab:   monitor| {line}", file=sys.stderr)
            # Where L1's processes sleep: SysRq-T on the emulated keyboard
            # (loglevel 8 first: the console is quiet).
            at = os.path.getsize(os.path.join(edir, "serial.log"))
            q.send_keys("alt", "sysrq", "8")
            q.send_keys("alt", "sysrq", "t")
            q.close()
        except (OSError, RuntimeError, ValueError) as e:
            self.say(f"QEMU's monitor did not answer: {e}")
            return
        time.sleep(5)
        self.say("L1's tasks in a system call (SysRq-T):")
        t = Tail(os.path.join(edir, "serial.log"), at)
        for line in syscall_stacks(t.lines()):
            print(f"lab:   tasks| {line}", file=sys.stderr)

    def follow(self, job):
        """Stream the job's output; returns when it ended, failed or stalled."""
        o, s = self.o, self.session
        edir = s.dir if s else self.work
        con, out = Tail(os.path.join(edir, "serial.log")), Tail(os.path.join(edir, "job.log"))
        if job > 1:
            con.offset, out.offset = os.path.getsize(con.path), os.path.getsize(out.path)
        c = Console(self.nonce, job)
        t0 = last = last_out = busy_at = cpu_at = time.time()
        seen, prev_cpu, end_at = con.offset + out.offset, 0, 0
        self.emu_rc = self.stalled = None
        stdout = sys.stdout.buffer
        while True:
            for line in con.lines():
                for kind, text in c.feed(line):
                    if kind == "out":
                        stdout.write(text.encode() + b"\n")
                    elif kind == "say":
                        self.say(text)
                    elif kind == "begin":
                        took = int(time.time() - t0)
                        self.say(f"L1 up after {took} s; running command" if job == 1
                                 else f"L1 took job {job} after {took} s; running command")
                    elif kind == "end":
                        end_at = time.time()
            data = out.read()
            if data:
                stdout.write(data.replace(b"\r", b""))
            stdout.flush()
            now = time.time()
            if c.tx is not None and out.offset < c.tx:
                # The job's last bytes are on their way.
                if now - end_at >= 30:
                    self.say(f"the job's output is incomplete: {out.offset} of {c.tx} bytes 30 s after its end")
                    c.status, c.tx = 1, None
            elif c.status is not None:
                if not s or c.idle or c.over:
                    break
                if now - end_at >= 120:
                    self.say("L1 did not reset itself for the next run within 120 s: the session ends")
                    break
            if job > 1 and not c.begun and c.status is None and not self.emu_running():
                # The session's L1 went before taking this job: a new one.
                self.say(f"the session's L1 is gone before it took job {job}: booting a new one")
                self.emu_pid = None
                os.remove(s.file("pid"))
                return c, "again"
            if self.emu_pid is not None and not self.emu_running():
                # A session's emulator that an earlier run started is not
                # ours to wait for: its status is unknown.
                self.emu_rc = self.emu.wait() if self.emu is not None else "unknown"
                self.emu_pid = self.emu = None
                continue  # read what the logs still hold
            if self.emu_pid is None:
                break
            if con.offset + out.offset > seen:
                seen, last_out = con.offset + out.offset, now
            # An idle emulator (neither running nor waiting for a CPU, under
            # 20% of one) with a silent L1 is stuck, not slow: say where it
            # stopped now, not at the timeout.  Bochs never idles.
            if o["stall"] > 0 and now - cpu_at >= 5:
                cpu = shell.cpu_demand(self.emu_pid)
                if cpu - prev_cpu >= 20 * (now - cpu_at):
                    busy_at = now
                prev_cpu, cpu_at = cpu, now
                if now - last_out >= o["stall"] and now - busy_at >= o["stall"]:
                    self.stall_report(edir)
                    self.stalled = True
                    break
            if now - t0 >= o["timeout"]:
                self.say(f"timeout: no result after {o['timeout']}s (--timeout to change)")
                break
            if not c.begun and c.status is None and now - last >= 15:
                self.say(f"L1 booting... {int(now - t0)} s" if job == 1
                         else f"L1 taking job {job}... {int(now - t0)} s")
                last = now
            time.sleep(0.5)
        if out.partial:
            stdout.write(out.partial.replace(b"\r", b"") + b"\n")
        stdout.flush()
        if c.tx is not None and out.offset < c.tx:
            self.say(f"the job's output is incomplete: {out.offset} of {c.tx} bytes when L1 went")
            c.status = 1
        return c, "done"

    def finish(self, c, job):
        o, s = self.o, self.session
        if c.idle and self.emu_pid:
            # The session's L1 waits for the next run; Bochs would spin.
            if self.host == "vmx":
                try:
                    os.kill(self.emu_pid, signal.SIGSTOP)
                except ProcessLookupError:
                    pass
            s.idle(job)
            self.emu_pid = self.emu = None
        elif self.emu_pid:
            # Give the guest a moment to power off by itself, then stop it.
            if not self.stalled and not s and self.emu is not None:
                try:
                    self.emu.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            stop(self.emu_pid)
            if self.emu is not None:
                self.emu.wait()
            self.emu_pid = self.emu = None
        serial = os.path.join(s.dir if s else self.work, "serial.log")
        if s and not c.idle:
            # The session is over: its logs go with this run's.
            if os.path.exists(s.file("pid")):
                os.remove(s.file("pid"))
            for f in ("serial.log", "job.log", "emulator.log"):
                if os.path.exists(s.file(f)):
                    shutil.copy(s.file(f), self.work)
            serial = os.path.join(self.work, "serial.log")
        # The plugin writes its totals as QEMU exits: only now is its log complete.
        if o["plugin"]:
            plog = os.path.join(self.work, "plugin.log")
            text = open(plog).read() if os.path.exists(plog) else ""
            if o["plugin_log"]:
                with open(o["plugin_log"], "w") as f:
                    f.write(text)
            for line in text.splitlines():
                self.say(f"plugin: {line}")
        if c.status is None:
            self.keep_logs = True
            elog = os.path.join(self.work, "emulator.log")
            rc = self.emu_rc
            if rc is not None and not os.path.getsize(serial):
                # The emulator never got L1 going: its own words say why.
                for line in tail_lines(elog, 15):
                    print(f"lab:   {line}", file=sys.stderr)
                raise Fail(f"{self.what} exited with status {rc} before L1 printed anything "
                           f"(emulator log above, kept in {elog})")
            if self.stalled:
                raise Fail(f"L1 stalled (--stall {o['stall']}); serial log: {serial}")
            self.say(f"L1 did not report a status; serial log: {serial}, emulator log: {elog}")
            for line in tail_lines(elog, 5):
                print(f"lab:   {line}", file=sys.stderr)
            if rc == "unknown":
                raise Fail(f"{self.what}, the session's L1, exited before it finished job {job}")
            if rc is not None:
                raise Fail(f"{self.what} exited with status {rc} before L1 finished")
            raise Fail("no result from L1")
        self.say(f"done in {shell.elapsed()} s, status {c.status}")
        return c.status

    def cleanup(self):
        if self.emu_pid:
            stop(self.emu_pid)
            if self.session and os.path.exists(self.session.file("pid")):
                os.remove(self.session.file("pid"))
        # A failed run's logs stay for the reader; its boot archive (120 MB)
        # does not.
        if self.keep_logs:
            for f in ("initrd.cpio", "l1.iso", "job.cpio"):
                if os.path.exists(os.path.join(self.work, f)):
                    os.remove(os.path.join(self.work, f))
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def main(self):
        rc, rel = shell.lib_passthrough("lab_kernel_release")
        if not rc:
            rc, kroot = shell.lib_passthrough("lab_kernel_fetch", rel)
        if not rc:
            rc, base = shell.lib_passthrough("lab_l1_base", rel, kroot)
        if rc:
            return 1  # lib.sh said why
        r = self.archive(rel)
        job = self.join_session(base)
        if os.environ.get("LAB_JOB_FILE"):
            with open(os.environ["LAB_JOB_FILE"], "w") as f:
                f.write(f"{job if self.session else ''}\n")
        if job == 1:
            self.boot(kroot, rel, base, r)
        else:
            self.submit(job, r)
        c, how = self.follow(job)
        if how == "again":
            return "again"
        return self.finish(c, job)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    shell.start_clock()
    o = parse(argv)

    def interrupted(*_):
        sys.exit(130)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    run = None
    try:
        check(o)
        run = Run(o)
        rc = run.main()
        if rc == "again":
            run.session.unlock()
            run.cleanup()
            run = None
            os.execv(sys.executable, [sys.executable, os.path.join(LAB_DIR, "run"), *argv])
        return rc
    except Fail as e:
        print(f"lab: error: {e}", file=sys.stderr)
        return 1
    finally:
        if run is not None:
            run.cleanup()
