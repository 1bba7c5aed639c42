"""runtests: run the tests of tests.cfg and the builds they need, print TAP.

runtests [-g GROUP]... [--host HOST] [-l] [--plan] [NAME...]
Each test and build has its own log under $LOGDIR (default logs/; the
previous run's in logs.old/).  HOST (also from the environment) limits the
emulated hosts: vmx, svm or "vmx svm"; tests of host kvm are skipped, with
the reason, where this machine cannot nest (lab_kvm_host_usable).
LAB_JOBS: how many nodes run at once (default: the number of cores).
"""
import argparse
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

from . import cfg, logs, sched, shell, tap
from .session import Session

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PROGRESS = re.compile(r"^(lab|kvm-build|deps): ")


def durations_file():
    """Each node's last duration on this machine (logs.write_durations)."""
    return os.path.join(shell.cache_dir(), "lab-durations.tsv")


def estimates(path):
    """Seconds each node took last time here, else in the repository's run."""
    return {**logs.read_durations(os.path.join(TOP, "common/lab/durations.tsv")),
            **logs.read_durations(path)}


def build_argv(name):
    if name == "qemu":
        return [os.environ.get("LAB_QEMU_BUILD") or os.path.join(TOP, "common/lab/qemu-build")]
    kind, _, arg = name.partition(":")
    if kind == "kvm":
        return [os.path.join(TOP, "common/lab/kvm-build"), "--diff", arg]
    return [os.path.join(TOP, "common/regress/selftests-build"),
            "--tests", os.path.join(TOP, "common/regress/quick")]


def build_log(name):
    if name == "qemu":
        return "qemu-build.log"
    return "build-" + re.sub(r"[^\w.-]+", "-", name.replace("/kvm.diff", "")) + ".log"


def build_what(name):
    if name == "qemu":
        return "the SVM host's QEMU"
    if name.startswith("kvm:"):
        return "KVM from " + name[4:]
    return "KVM's selftests"


class Runner:
    def __init__(self, tests, hosts, logdir, slots):
        self.tests = {t.name: t for t in tests}
        self.hosts = hosts
        self.logdir = logdir
        self.events = queue.Queue()
        self.out_lock = threading.Lock()
        self.results = []
        self.schedule = []
        self.t0 = time.monotonic()
        self.durations_file = durations_file()
        self.durations = estimates(self.durations_file)
        self.measured = logs.read_durations(self.durations_file)
        runnable = []
        for t in tests:
            reason = self.skip_reason(t)
            if reason:
                self.result("skip", t.name, reason)
            else:
                runnable.append(t)
        self.plan = sched.Plan(runnable, self.durations, slots)
        self.session = None
        self.holders = {}  # host: the test its session serves now
        self.procs = set()

    def skip_reason(self, t):
        if t.host == "none":
            return ""
        if t.host == "kvm":
            rc, why = shell.lib("lab_kvm_host_usable")
            return "" if rc == 0 else why
        if t.host not in self.hosts:
            return f"host {t.host} not selected (HOST={' '.join(self.hosts)})"
        return ""

    def say(self, text):
        with self.out_lock:
            print(text, flush=True)

    def result(self, status, name, text, detail=""):
        with self.out_lock:
            self.results.append(status)
            n = len(self.results)
            line = {"pass": f"ok {n} - {name}{text}",
                    "skip": f"ok {n} - {name} # SKIP {text}",
                    "fail": f"not ok {n} - {name}{text}"}[status]
            print(line + (f"\n{detail}" if detail else ""), flush=True)

    # Running a node: a process group, its output to its log, progress lines
    # shown live, the end reported on self.events.
    def spawn(self, node):
        if node.kind == "build":
            argv, tmo, label = build_argv(node.name), 3600, f"build {node.name}"
            log = logs.fresh(self.logdir, build_log(node.name))
            shown = PROGRESS.match
            prefix = "# qemu-build: " if node.name == "qemu" else f"#   {node.name}: "
            self.say(f"# building {build_what(node.name)} (log {log})")
        else:
            t = self.tests[node.name]
            argv, tmo, label = t.shell_words(), t.timeout, t.name
            log = logs.fresh(self.logdir, f"{t.name}.log")
            shown, prefix = PROGRESS.match, f"#   {t.name}: "
            self.say(f"# {t.name}: {t.describe()} (host {t.host}, log {log})")
        if node.nice:
            argv = ["nice", "-n", str(node.nice)] + argv
        env = dict(os.environ, LAB_HOST=node.host)
        env.pop("LAB_T0", None)  # each lab run times itself
        if self.session and node.kind == "test" and node.host in ("vmx", "svm"):
            # A host's session serves one test at a time; a test on that
            # host meanwhile boots L1s of its own.
            if node.host in self.holders:
                env["LAB_SESSION"] = "none"
            else:
                self.holders[node.host] = node.name
        p = subprocess.Popen(argv, cwd=TOP, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        self.procs.add(p)
        timer = threading.Timer(tmo, self.kill, (p, log, label, tmo))
        timer.start()
        start = time.monotonic()

        def follow():
            with open(log, "wb") as f:
                for raw in p.stdout:
                    f.write(raw)
                    f.flush()
                    line = raw.decode("utf-8", "replace").rstrip("\n")
                    if shown(line):
                        self.say(prefix + line)
            _, status, ru = os.wait4(p.pid, 0)
            self.procs.discard(p)
            p.returncode = os.waitstatus_to_exitcode(status)
            timer.cancel()
            rc = 124 if getattr(p, "timed_out", False) else p.returncode
            self.events.put((node, rc, log, time.monotonic() - start, ru.ru_utime + ru.ru_stime))

        threading.Thread(target=follow, daemon=True).start()

    def kill(self, p, log, label, tmo):
        p.timed_out = True
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"# {label}: timed out after {tmo}s\n")
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                return
            time.sleep(10)

    def report(self, node, rc, log, secs, lost):
        dt = round(secs)
        if rc == 0:
            self.measured[node.name] = dt
        for t in lost:
            self.result("fail", t.name, f" (not run: {build_what(node.name)} did not build, log {log})")
        if node.kind == "build":
            self.say(f"# {build_what(node.name)}: " + (f"built in {dt}s" if rc == 0 else
                     f"failed (status {rc}), log {log}"))
            return
        if rc == 0:
            self.result("pass", node.name, f" ({dt}s)")
            return
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        if rc == 77:
            self.result("skip", node.name, lines[-1].strip() if lines else "status 77")
            return
        detail = []
        failure = tap.first_failure(lines)
        if failure:
            detail += [f"#   failed: {failure[1][0]}"] + [f"#     {x}" for x in failure[1][1:]]
            where = f"{log}:{failure[0]}"
        else:
            where = log
        detail += ["#   | " + x.rstrip("\n") for x in lines[-8:]]
        detail.append(f"#   log: {where} (the previous run's: {logs.old_path(self.logdir, os.path.basename(log))})")
        self.result("fail", node.name, f" ({dt}s, status {rc})", "\n".join(detail))

    def run(self):
        while not self.plan.finished():
            while True:
                node = self.plan.pick()
                if node is None:
                    break
                self.plan.start(node)
                self.schedule.append([node.name, round(time.monotonic() - self.t0)])
                self.spawn(node)
            if not self.plan.running:
                for n in self.plan.stuck():
                    self.result("fail", n.name, " (not run: nothing it needs can start)")
                break
            node, rc, log, secs, cpu = self.events.get()
            for row in self.schedule:
                if row[0] == node.name and len(row) == 2:
                    row += [round(secs), round(cpu), rc]
            self.report(node, rc, log, secs, self.plan.finish(node, rc == 0))
            if self.holders.get(node.host) == node.name:
                del self.holders[node.host]
            if node.kind == "test" and node.host in ("vmx", "svm") and self.plan.host_done(node.host):
                self.close_session(node.host)
        with open(logs.fresh(self.logdir, "schedule.tsv"), "w", encoding="utf-8") as f:
            f.write("# node\tstart_s\twall_s\tcpu_s\tstatus\n")
            for row in self.schedule:
                f.write("\t".join(map(str, row)) + "\n")
        logs.write_durations(self.durations_file, self.measured)

    # One L1 per emulated host serves its tests one after another (a session,
    # labhost/session.py), one test at a time (spawn), ended after the
    # host's last test and at exit.
    def open_sessions(self):
        if os.environ.get("LAB_SESSION") == "none":
            return
        self.session = tempfile.mkdtemp(prefix="lab-session.", dir=os.environ.get("TMPDIR", "/tmp"))
        os.environ["LAB_SESSION"] = self.session
        os.environ["LAB_SESSION_OWNER"] = str(os.getpid())

    def close_session(self, host):
        if self.session:
            Session(os.path.join(self.session, host)).close()

    def stop(self):
        """Every running node's process group, at once (runtests interrupted)."""
        for p in list(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def close_sessions(self):
        if self.session and os.path.isdir(self.session):
            for host in os.listdir(self.session):
                if os.path.isdir(os.path.join(self.session, host)):
                    self.close_session(host)
            subprocess.run(["rm", "-rf", self.session], check=False)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="runtests", description=__doc__.split("\n")[0])
    ap.add_argument("-g", dest="groups", action="append", default=[], metavar="GROUP")
    ap.add_argument("--host", default=os.environ.get("HOST") or "vmx svm")
    ap.add_argument("-l", dest="list", action="store_true", help="list the tests")
    ap.add_argument("--plan", action="store_true", help="print the order the estimates give")
    ap.add_argument("names", nargs="*", metavar="NAME")
    a = ap.parse_args(argv)
    path = os.environ.get("LAB_TESTS_CFG") or os.path.join(TOP, "common/lab/tests.cfg")
    try:
        tests = cfg.select(cfg.load(path), a.names, a.groups)
    except cfg.CfgError as e:
        print(f"runtests: {e}", file=sys.stderr)
        return 2
    if a.list:
        for t in tests:
            print(f"{t.name:24} {t.host:5} {' '.join(t.groups)}")
        return 0
    if not tests:
        print("runtests: no test matches", file=sys.stderr)
        return 2
    slots = int(os.environ.get("LAB_JOBS") or os.cpu_count() or 1)
    logdir = os.environ.get("LOGDIR") or os.path.join(TOP, "logs")
    if a.plan:
        plan = sched.Plan(tests, estimates(durations_file()), slots)
        for name, start, end in sched.simulate(plan):
            print(f"{start:6.0f} {end:6.0f}  {name}")
        return 0
    _, cache = shell.lib("lab_cache_state")
    print("TAP version 13")
    print(f"1..{len(tests)}", flush=True)
    r = Runner(tests, a.host.split(), logdir, slots)
    r.open_sessions()
    t0 = time.time()
    def interrupted(sig, _):
        raise SystemExit(128 + sig)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        r.run()
    except SystemExit:
        r.stop()
        raise
    finally:
        r.close_sessions()
    n = {s: r.results.count(s) for s in ("pass", "fail", "skip")}
    print(f"{n['pass']} passed, {n['fail']} failed, {n['skip']} skipped")
    # The whole suite's time, for the README (common/lab/timings record).
    if not a.names and not a.groups and not os.environ.get("LAB_TESTS_CFG"):
        shell.lib("lab_timing_write", os.path.join(logdir, "timing.tsv"), "make check", a.host,
            cache, str(round(time.time() - t0)), *(str(n[s]) for s in ("pass", "fail", "skip")))
    return 0 if n["fail"] == 0 else 1
