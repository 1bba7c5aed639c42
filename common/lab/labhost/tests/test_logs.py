import os
import tempfile
import unittest

from labhost import logs


class Logs(unittest.TestCase):
    def test_previous_run_kept_file_by_file(self):
        with tempfile.TemporaryDirectory() as d:
            logdir = os.path.join(d, "logs")
            for run in ("first", "second", "third"):
                with open(logs.fresh(logdir, "a.log"), "w") as f:
                    f.write(run)
            with open(logs.fresh(logdir, "b.log"), "w") as f:
                f.write("b")
            with open(os.path.join(logdir, "a.log")) as f:
                self.assertEqual(f.read(), "third")
            with open(logs.old_path(logdir, "a.log")) as f:
                self.assertEqual(f.read(), "second")
            self.assertFalse(os.path.exists(logs.old_path(logdir, "b.log")))

    def test_durations_round_trip(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "cache/durations.tsv")
            self.assertEqual(logs.read_durations(path), {})
            logs.write_durations(path, {"a": 3, "kvm:x/kvm.diff": 40})
            self.assertEqual(logs.read_durations(path), {"a": 3, "kvm:x/kvm.diff": 40})


if __name__ == "__main__":
    unittest.main()
