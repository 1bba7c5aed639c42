import os
import tempfile
import unittest

from labhost.console import Console, Tail, syscall_stacks

NONCE = "0123456789abcdef"


class Markers(unittest.TestCase):
    def feed(self, c, *lines):
        return [x for line in lines for x in c.feed(line)]

    def test_a_job(self):
        c = Console(NONCE)
        self.assertEqual(self.feed(c, "[ 1.0] early boot", "l1: ready"), [("out", "l1: ready")])
        self.assertEqual(c.feed(f"<<<LAB:BEGIN {NONCE}>>>"), [("begin", "")])
        self.assertEqual(c.feed("[ 9.1] kvm: a kernel line"), [("out", "[ 9.1] kvm: a kernel line")])
        c.feed(f"<<<LAB:END {NONCE} rc=5 tx=1234>>>")
        self.assertEqual((c.status, c.tx, c.begun, c.over), (5, 1234, False, False))
        self.assertEqual(c.feed("l1: resetting"), [("say", "L1: resetting")])

    def test_markers_without_the_nonce_are_text(self):
        c = Console(NONCE)
        c.feed(f"<<<LAB:BEGIN {NONCE}>>>")
        for line in ("<<<LAB:END rc=0>>>", "<<<LAB:END rc=0 tx=0>>>",
                     "<<<LAB:END 0123456789abcdee rc=0 tx=0>>>", f"<<<LAB:END {NONCE} rc=0>>>"):
            self.assertEqual(c.feed(line), [("out", line)])
        self.assertIsNone(c.status)

    def test_idle_needs_the_job(self):
        c = Console(NONCE, job=3)
        c.feed(f"<<<LAB:IDLE {NONCE} job=2>>>")
        self.assertFalse(c.idle)
        c.feed(f"<<<LAB:IDLE {NONCE} job=3>>>")
        self.assertTrue(c.idle)

    def test_l1_panic_fails_the_job_and_the_session(self):
        c = Console(NONCE)
        c.feed(f"<<<LAB:BEGIN {NONCE}>>>")
        out = c.feed("[ 5.0] Kernel panic - not syncing: Fatal exception")
        self.assertEqual(out[1], ("say", "L1 kernel panic"))
        self.assertEqual((c.status, c.over), (1, True))

    def test_progress_and_quiet_boot(self):
        c = Console(NONCE)
        self.assertEqual(c.feed("lab: step 2 of 3"), [("say", "L1: step 2 of 3")])
        self.assertEqual(c.feed("[ 0.5] random boot line"), [])
        self.assertEqual(c.feed("[ 0.6] WARNING: CPU: 0 PID: 1"), [("out", "[ 0.6] WARNING: CPU: 0 PID: 1")])


class Tailing(unittest.TestCase):
    def test_partial_lines_wait_for_their_end(self):
        with tempfile.NamedTemporaryFile("wb", buffering=0) as f:
            t = Tail(f.name)
            f.write(b"one\r\ntw")
            self.assertEqual(t.lines(), ["one"])
            self.assertEqual(t.lines(), [])
            f.write(b"o\nthree")
            self.assertEqual(t.lines(), ["two"])
            self.assertEqual((t.partial, t.offset), (b"three", 14))

    def test_missing_file(self):
        self.assertEqual(Tail(os.path.join(tempfile.gettempdir(), "no-such-lab-log")).lines(), [])


class SysrqT(unittest.TestCase):
    def test_user_tasks_reliable_frames(self):
        dump = """[ 41.5] task:init            state:S stack:0     pid:1
[ 41.5] Call Trace:
[ 41.5]  <TASK>
[ 41.5]  schedule+0x27/0xc0
[ 41.5]  ? unreliable_frame+0x1/0x2
[ 41.5]  do_syscall_64+0x87/0x1b0
[ 41.5]  entry_SYSCALL_64_after_hwframe+0x76/0x7e
[ 41.5] RIP: 0033:0x460a63
[ 41.5] RSP: 002b:00007ffd
[ 41.5]  </TASK>
[ 41.6] task:kworker/0:1     state:I stack:0     pid:9
[ 41.6]  <TASK>
[ 41.6]  worker_thread+0x1/0x2
[ 41.6]  </TASK>""".splitlines()
        self.assertEqual(syscall_stacks(dump), [dump[i] for i in (0, 1, 2, 3, 5, 6, 7, 9)])
