import os
import unittest

from labhost import cfg

TOP = os.path.join(os.path.dirname(__file__), "../../../..")


class Cfg(unittest.TestCase):
    def test_project_cfg(self):
        tests = cfg.load(os.path.join(TOP, "common/lab/tests.cfg"))
        names = [t.name for t in tests]
        self.assertEqual(len(names), len(set(names)))
        a3 = {t.name: t for t in tests}["a3-svm"]
        self.assertEqual(a3.needs, ["qemu", "kvm:assignment3/kvm.diff"])
        self.assertEqual(a3.argv, ["assignment3/tests/lab.sh", "svm"])
        for t in tests:
            for b in t.needs:
                if b.startswith("kvm:"):
                    self.assertTrue(os.path.exists(os.path.join(TOP, b[4:])), b)

    def test_values_whole(self):
        t, = cfg.parse("[x]\ncommand = a=$(b) && echo '# not a comment' # nor this\n")
        self.assertEqual(t.command, "a=$(b) && echo '# not a comment' # nor this")
        self.assertEqual(t.shell_words()[:2], ["bash", "-c"])

    def test_argv_split_once(self):
        t, = cfg.parse("[x]\nargv = prog 'two words' three\n")
        self.assertEqual(t.shell_words(), ["prog", "two words", "three"])

    def test_faults_name_their_line(self):
        for text, says in [
            ("[x]\ncommand = true\ncolour = red\n", "tests.cfg:3: unknown key colour"),
            ("[x]\ncommand = true\n[x]\ncommand = true\n", "tests.cfg:3: test [x] declared twice"),
            ("[x]\nhost = arm\ncommand = true\n", "tests.cfg:2: host arm"),
            ("[x]\ntimeout = soon\ncommand = true\n", "tests.cfg:2: timeout soon"),
            ("[x]\nhost = vmx\n", "tests.cfg:1: [x] needs exactly one of command and argv"),
            ("[x]\ncommand = a\nargv = b\n", "exactly one of"),
            ("[x]\ncommand = a\nneeds = kvm:nothing\n", "needs kvm:nothing: not a build"),
            ("command = true\n", "tests.cfg:1: expected [name]"),
        ]:
            with self.assertRaises(cfg.CfgError) as e:
                cfg.parse(text)
            self.assertIn(says, str(e.exception))

    def test_svm_needs_qemu(self):
        t, = cfg.parse("[x]\nhost = svm\nneeds = kvm:a/kvm.diff\nargv = true\n")
        self.assertEqual(t.needs, ["qemu", "kvm:a/kvm.diff"])

    def test_select(self):
        tests = cfg.parse("[a]\ngroups = g h\nargv = true\n[b]\ngroups = h\nargv = true\n[c]\nargv = true\n")
        self.assertEqual([t.name for t in cfg.select(tests, groups=["g"])], ["a"])
        self.assertEqual([t.name for t in cfg.select(tests, groups=["h"])], ["a", "b"])
        self.assertEqual([t.name for t in cfg.select(tests, names=["c", "a"])], ["c", "a"])
        self.assertEqual(len(cfg.select(tests)), 3)
        with self.assertRaises(cfg.CfgError):
            cfg.select(tests, names=["nope"])


if __name__ == "__main__":
    unittest.main()
