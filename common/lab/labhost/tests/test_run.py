import contextlib
import io
import os
import tempfile
import unittest

from labhost import run
from labhost.session import Session


class Arguments(unittest.TestCase):
    def test_command_and_options(self):
        o = run.parse(["--host", "svm", "--diff", "a.diff", "--kvm-param", "npt=0", "--stock",
                       "--", "echo", "a b"])
        self.assertEqual((o["host"], o["diff"], o["params"], o["cmd"]), ("svm", "", ["npt=0"], "echo 'a b'"))

    def test_an_argv_reaches_l1_as_it_is(self):
        o = run.parse(["--host", "vmx", "--", "exits-referee", "--l1", "a b", "--", "x && y", "$HOME"])
        self.assertEqual(o["cmd"], "exits-referee --l1 'a b' -- 'x && y' '$HOME'")
        self.assertEqual(run.parse(["--host", "vmx", "--", "echo $HOME; true"])["cmd"], "echo $HOME; true")

    def test_bad_arguments_exit_2(self):
        for argv in (["--host", "svm"], ["--host", "svm", "--"], ["--bogus", "--", "true"]):
            with self.assertRaises(SystemExit) as e, contextlib.redirect_stderr(io.StringIO()):
                run.parse(argv)
            self.assertEqual(e.exception.code, 2)

    def test_no_kvm_takes_no_module_parameter(self):
        o = run.parse(["--host", "vmx", "--diff", "a.diff", "--no-kvm", "--", "true"])
        self.assertEqual((o["diff"], o["kvm"]), ("", "no-kvm"))
        o2 = run.parse(["--host", "vmx", "--no-kvm", "--diff", "a.diff", "--", "true"])
        self.assertEqual((o2["diff"], o2["kvm"]), ("a.diff", "diff"))
        o["params"] = ["ept=0"]
        with self.assertRaisesRegex(run.Fail, "--kvm-param with --no-kvm"):
            run.check(o)

    def test_kvm_params(self):
        self.assertEqual(run.kvm_params(["kvm-intel.ept=0", "npt=0", "kvm.halt_poll_ns=7"]),
                         "kvm_intel ept=0\nvendor npt=0\nkvm halt_poll_ns=7\n")
        with self.assertRaisesRegex(run.Fail, "'=0' is not NAME=VALUE"):
            run.kvm_params(["=0"])


class Sessions(unittest.TestCase):
    def test_job_on_the_disk_and_the_lock(self):
        with tempfile.TemporaryDirectory() as d:
            s = Session(os.path.join(d, "svm"))
            s.create()
            with open(os.path.join(d, "job.cpio"), "wb") as f:
                f.write(b"070701" + b"x" * 3000000)
            s.submit(7, os.path.join(d, "job.cpio"))
            with open(s.file("disk.img"), "rb") as f:
                self.assertEqual(f.read(512), b"LABJOB 7 3\n".ljust(512, b"\0"))
                f.seek(1 << 20)
                self.assertEqual(f.read(6), b"070701")
            self.assertEqual((s.read("job"), s.read("state")), ("7", "busy 7"))
            self.assertTrue(s.lock())
            self.assertFalse(Session(s.dir).lock())
            s.unlock()
            self.assertFalse(s.alive())
            s.close()
            self.assertFalse(os.path.exists(s.dir))
