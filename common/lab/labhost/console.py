"""L1's two UARTs, as run reads them.

ttyS0, the console (serial.log): kernel messages, L1's own "l1: " lines,
lab-progress's "lab: " lines, and the job's markers, which count only with
the job's nonce: BEGIN, END with the command's status and the bytes ttyS1
sent since boot, and, in a session, IDLE once L1 has reset itself for the
next job.  ttyS1 (job.log): the command's output, verbatim.  Nothing the
command prints reaches the console, so nothing it prints can end the job or
read as L1's panic.
"""
import os
import re


class Tail:
    """A file another process appends to, read from an offset on."""

    def __init__(self, path, offset=0):
        self.path, self.offset, self.partial = path, offset, b""

    def read(self):
        """The bytes appended since the last read."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return b""
        self.offset += len(data)
        return data

    def lines(self):
        """The complete lines appended since the last call (str, no line end)."""
        data = self.partial + self.read()
        *done, self.partial = data.split(b"\n")
        return [d.decode(errors="replace").rstrip("\r") for d in done]


class Console:
    """The console's lines of one job: feed() each, act on what it returns.

    feed returns (kind, text) pairs: ("out", line) for the run's stdout,
    ("say", text) for its progress on stderr, ("begin", "") when the job
    starts.  Afterwards: status (the command's, or 1 after L1's panic), tx
    (the bytes job.log must hold), idle (the session's L1 is ready for the
    next job), over (the session's L1 is lost: a panic).
    """

    def __init__(self, nonce, job=1):
        self.begin = f"<<<LAB:BEGIN {nonce}>>>"
        self.end = re.compile(rf"^<<<LAB:END {re.escape(nonce)} rc=(\d+) tx=(\d+)>>>$")
        self.idle_line = f"<<<LAB:IDLE {nonce} job={job}>>>"
        self.begun = self.idle = self.over = False
        self.status = self.tx = None

    def feed(self, line):
        if line == self.begin:
            self.begun = True
            return [("begin", "")]
        m = self.end.match(line)
        if m:
            self.status, self.tx = int(m[1]), int(m[2])
            self.begun = False
            return [("end", "")]
        if line == self.idle_line:
            self.idle = True
            return []
        if line.startswith("l1:"):
            # After the end, L1's lines are about its reset: progress.
            if self.status is None:
                return [("out", line)]
            return [("say", "L1: " + (line[4:] if line.startswith("l1: ") else line))]
        if "Kernel panic" in line:
            if self.status is None:
                self.status = 1
            self.over = True
            return [("out", line), ("say", "L1 kernel panic")]
        if line.startswith("lab: "):
            return [("say", "L1: " + line[5:])]
        if self.begun or "BUG:" in line or "WARNING:" in line:
            return [("out", line)]
        return []


def syscall_stacks(lines):
    """From SysRq-T's output, the tasks that sleep in a system call (user
    processes, not kernel threads): each one's reliable stack."""
    out, block, user, in_task = [], [], False, False
    unreliable = re.compile(r"\] +\? ")
    register = re.compile(r"\] (R[A-Z0-9]+|RSP|RBP|RDX|R1[0-5]):")
    for line in lines:
        if " task:" in line:
            block, user, in_task = [], False, True
        if not in_task or unreliable.search(line) or (register.search(line) and "RIP:" not in line):
            continue
        block.append(line)
        if "entry_SYSCALL_64" in line:
            user = True
        if "</TASK>" in line:
            if user:
                out += block
            in_task = False
    return out


def tail_lines(path, n):
    """The last n lines of a file, without carriage returns."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            data = f.read()
    except FileNotFoundError:
        return []
    return [x.decode(errors="replace").replace("\r", "") for x in data.splitlines()[-n:]]
