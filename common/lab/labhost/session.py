"""A session: one L1 that serves many runs, one after another.

The run that boots it (job 1) leaves the emulator up when its job ends;
the next run with the same L1 archive writes its job to the session's
disk, which L1 polls (guest/l1-init), instead of booting.  Its directory
holds the emulator's pid, the L1 archive it booted (base), how to name it
(what), the last job's number (job) and state ("busy N", "idle N"), the
disk, and the UART logs.  DIR.lock is held by the run using it; runtests,
which made the session's root (LAB_SESSION), ends it (close).
"""
import fcntl
import os
import shutil
import signal
import sys
import time

from .machine import DISK_BYTES


def pid_running(pid):
    """pid exists and is not a zombie (an emulator a finished run started
    is reparented, and reaped later)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError, ValueError):
        return False


def stop(pid):
    """End an emulator, stopped (Bochs idles as SIGSTOP) or not."""
    for sig in (signal.SIGCONT, signal.SIGTERM):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return


class Session:
    def __init__(self, path):
        self.dir = path
        self.lock_fd = None

    def file(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        try:
            with open(self.file(name)) as f:
                return f.read().strip()
        except OSError:
            return ""

    def write(self, name, text):
        with open(self.file(name), "w") as f:
            f.write(f"{text}\n")

    def lock(self):
        """Take DIR.lock, or return False at once: another run uses it."""
        fd = os.open(self.dir + ".lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} (run) since {time.strftime('%H:%M:%S', time.gmtime())}\n".encode())
        self.lock_fd = fd
        return True

    def unlock(self):
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    @property
    def pid(self):
        p = self.read("pid")
        return int(p) if p.isdigit() else None

    def alive(self):
        """Its emulator runs and its last job ended."""
        pid = self.pid
        if not pid or not pid_running(pid):
            return False
        try:
            with open(f"/proc/{pid}/comm") as f:
                if not f.read().startswith(("bochs", "qemu-system")):
                    return False
        except OSError:
            return False
        return self.read("state") == f"idle {self.read('job')}"

    def create(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        with open(self.file("disk.img"), "wb") as f:
            f.truncate(DISK_BYTES)

    def started(self, pid, base, what, owner):
        """The emulator pid runs job 1; a watcher stops it when the session's
        owner (runtests) is gone."""
        self.write("pid", pid)
        self.write("base", base)
        self.write("what", what)
        self.write("state", "busy 1")
        if os.fork():
            return
        # The watcher: in no process group of the run's and holding none
        # of its files (a pipe left open would keep the test's output open).
        try:
            os.setsid()
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.closerange(3, 1 << 16)
            while pid_running(owner) and pid_running(pid):
                time.sleep(2)
            if pid_running(pid):
                stop(pid)
        finally:
            os._exit(0)

    def submit(self, n, archive):
        """Job n, the archive (a file), on the disk: from 1 MiB on, then the
        header L1 polls."""
        self.write("state", f"busy {n}")
        size = os.path.getsize(archive)
        mib = (size + (1 << 20) - 1) >> 20
        if (mib + 1) << 20 > DISK_BYTES:
            raise OSError(f"the job's archive ({mib} MiB) is larger than the session's disk")
        with open(self.file("disk.img"), "r+b") as disk, open(archive, "rb") as a:
            disk.seek(1 << 20)
            shutil.copyfileobj(a, disk, 1 << 20)
            disk.flush()
            disk.seek(0)
            disk.write(f"LABJOB {n} {mib}\n".encode().ljust(512, b"\0"))
        self.write("job", n)

    def idle(self, n):
        self.write("job", n)
        self.write("state", f"idle {n}")

    def end(self):
        """Stop its emulator (the caller holds its lock) and forget it."""
        pid = self.pid
        if pid and pid_running(pid):
            stop(pid)
        shutil.rmtree(self.dir, ignore_errors=True)

    def close(self):
        """The same, unless a run is using it."""
        if os.path.exists(self.dir) and self.lock():
            self.end()
            self.unlock()


if __name__ == "__main__":
    # python3 -m labhost.session close DIR (lib.sh's lab_session_close)
    if len(sys.argv) != 3 or sys.argv[1] != "close":
        sys.exit("usage: python3 -m labhost.session close DIR")
    Session(sys.argv[2]).close()
