import random
import unittest

from labhost import cfg, sched

CFG = """
[stock-vmx]
host = vmx
argv = t
[diff-vmx]
host = vmx
needs = kvm:a2/kvm.diff
argv = t
[all-vmx]
host = vmx
needs = kvm:a2/kvm.diff kvm:a3/kvm.diff selftests:quick
argv = t
[diff-svm]
host = svm
needs = kvm:a3/kvm.diff
argv = t
[unit-one]
argv = t
[unit-long]
argv = t
"""
EST = {"stock-vmx": 80, "diff-vmx": 100, "all-vmx": 90, "diff-svm": 40, "unit-one": 5,
       "unit-long": 200, "qemu": 300, "kvm:a2/kvm.diff": 50, "kvm:a3/kvm.diff": 40,
       "selftests:quick": 60}


def plan(text=CFG, slots=2, est=None):
    return sched.Plan(cfg.parse(text), est or EST, slots)


def order(p):
    return [name for name, _, _ in sched.simulate(p)]


def spans(p):
    return {name: (start, end) for name, start, end in sched.simulate(p)}


class Sched(unittest.TestCase):
    def test_bochs_first_and_never_idle_waiting(self):
        s = spans(plan())
        self.assertEqual(s["stock-vmx"][0], 0)
        # The build the next Bochs test needs comes first in the other slot.
        self.assertEqual(s["kvm:a2/kvm.diff"][0], 0)
        self.assertLess(s["kvm:a3/kvm.diff"][0], s["qemu"][0])

    def test_one_bochs_at_a_time_while_there_is_other_work(self):
        s = spans(plan())
        vmx = sorted(s[n] for n in ("stock-vmx", "diff-vmx", "all-vmx"))
        for a, b in zip(vmx, vmx[1:]):
            self.assertLessEqual(a[1], b[0])

    def test_never_two_bochs(self):
        text = "".join(f"[v{i}]\nhost = vmx\nargv = t\n" for i in range(3))
        s = spans(plan(text, est={f"v{i}": 100 for i in range(3)}))
        self.assertEqual(sorted(v[0] for v in s.values()), [0, 100, 200])

    def test_tree_builds_one_at_a_time(self):
        s = spans(plan())
        tree = sorted(v for k, v in s.items() if k.startswith(("kvm:", "selftests:")))
        for a, b in zip(tree, tree[1:]):
            self.assertLessEqual(a[1], b[0])

    def test_longest_first_among_the_rest(self):
        o = order(plan())
        self.assertLess(o.index("unit-long"), o.index("unit-one"))

    def test_needs_before_tests(self):
        s = spans(plan())
        self.assertLessEqual(s["qemu"][1], s["diff-svm"][0])
        self.assertLessEqual(s["selftests:quick"][1], s["all-vmx"][0])

    def test_section_order_means_nothing(self):
        sections = ["[" + x for x in CFG.split("[") if x.strip()]
        want = order(plan())
        for seed in range(5):
            random.Random(seed).shuffle(sections)
            self.assertEqual(order(plan("\n".join(sections))), want)

    def test_one_slot(self):
        s = spans(plan(slots=1))
        ends = sorted(v for v in s.values())
        for a, b in zip(ends, ends[1:]):
            self.assertLessEqual(a[1], b[0])
        self.assertEqual(len(s), 10)

    def test_failed_build_fails_its_tests_once(self):
        p = plan()
        while (n := p.pick()) is not None:
            p.start(n)
        lost = p.finish(p.nodes["kvm:a2/kvm.diff"], False)
        self.assertEqual(sorted(t.name for t in lost), ["all-vmx", "diff-vmx"])
        self.assertEqual(p.finish(p.nodes["kvm:a3/kvm.diff"], False)[0].name, "diff-svm")
        # Nothing waits for selftests:quick any more: it never starts.
        p.finish(p.nodes["stock-vmx"], True)
        started = []
        while not p.finished():
            n = p.pick()
            if n is None:
                for r in p.running:
                    p.finish(r, True)
                continue
            p.start(n)
            started.append(n.name)
        self.assertNotIn("selftests:quick", started)
        self.assertNotIn("diff-vmx", started)

    def test_a_build_bochs_waits_for_starts_beside_other_work(self):
        p = plan()
        started = []
        while (n := p.pick()) is not None:
            p.start(n)
            started.append(n.name)
        self.assertEqual(started, ["stock-vmx", "kvm:a2/kvm.diff"])
        # Bochs is done and the tree is busy: QEMU takes the free slot.
        p.finish(p.nodes["stock-vmx"], True)
        self.assertEqual(p.pick().name, "qemu")
        p.start(p.nodes["qemu"])
        self.assertIsNone(p.pick())
        # The tree's build ends: Bochs starts, and so does the next build it
        # needs, beside QEMU's: nice 0, 5 and 10.
        p.finish(p.nodes["kvm:a2/kvm.diff"], True)
        self.assertEqual(p.pick().name, "diff-vmx")
        p.start(p.nodes["diff-vmx"])
        b = p.pick()
        self.assertEqual((b.name, p.nodes["diff-vmx"].nice, b.nice, p.nodes["qemu"].nice),
                         ("kvm:a3/kvm.diff", 0, 5, 10))
        p.start(b)
        self.assertIsNone(p.pick())

    def test_zero_estimates_still_run_everything(self):
        self.assertEqual(len(order(plan(est={k: 0 for k in EST}))), 10)

    def test_host_done(self):
        p = plan()
        self.assertFalse(p.host_done("svm"))
        for n in p.nodes.values():
            n.state = "passed"
        self.assertTrue(p.host_done("svm"))


if __name__ == "__main__":
    unittest.main()
