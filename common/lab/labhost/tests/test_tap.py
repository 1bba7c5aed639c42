import glob
import os
import unittest

from labhost import tap

TOP = os.path.join(os.path.dirname(__file__), "../../../..")


class Tap(unittest.TestCase):
    def test_innermost_failure_with_its_diagnostics(self):
        log = """lab: [ 2s] L1 took job 7
ok 1 - kvm-install --reload
# l1: ok 1 0x4FFFFFFC: signature
# l1: not ok 2 CPUID x1000: +1004, reason 0x72 +999
# l1: # expected +1003
# l1: #   got +999
# l1: ok 3 IN x53
not ok 2 - exit_stats_test
# a diagnostic of the outer check
""".splitlines(True)
        line, lines = tap.first_failure(log)
        self.assertEqual(line, 4)
        self.assertEqual(lines, ["# l1: not ok 2 CPUID x1000: +1004, reason 0x72 +999",
                                 "# l1: # expected +1003", "# l1: #   got +999"])

    def test_ktap_indentation(self):
        log = ["KTAP version 1\n", "1..1\n", "    not ok 1 - inner\n", "    # why\n",
               "not ok 1 - outer\n"]
        self.assertEqual(tap.first_failure(log), (3, ["not ok 1 - inner", "# why"]))

    def test_fail_style_and_todo(self):
        log = ["ok: one\n", "not ok 3 - later # TODO known\n", "FAIL: two (no line)\n"]
        self.assertEqual(tap.first_failure(log), (3, ["FAIL: two (no line)"]))

    def test_no_failure(self):
        self.assertIsNone(tap.first_failure(["ok 1 - a\n", "# ok, not ok? words\n",
                                             "lab: error: L1 stalled\n"]))

    def test_kept_logs_pass(self):
        logs = glob.glob(os.path.join(TOP, "assignment*/results/lab-*.log"))
        self.assertTrue(logs)
        for path in logs:
            with open(path, encoding="utf-8") as f:
                self.assertIsNone(tap.first_failure(f.readlines()), path)


if __name__ == "__main__":
    unittest.main()
