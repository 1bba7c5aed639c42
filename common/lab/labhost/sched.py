"""Which node (a test, or a build tests need) runs next.

The policy: Bochs (the vmx tests, one core for minutes each) is the
critical path, so it and the builds its tests wait for are urgent: they
start whenever fewer than `slots` urgent nodes run, even beside other
work, at nice 0 (Bochs) and 5 (the builds); the rest runs at nice 10,
only in a free slot.
 1. While no Bochs runs, the ready vmx test estimated longest.
 2. Builds a pending vmx test needs, most wanted first: a build's worth is
    the estimated time of the tests it unblocks (a vmx test's counting
    twice), shared among each test's builds still to do.  Builds in one
    kernel tree (kvm:*, selftests:*) run one at a time: they would wait on
    its lock.
 3. In a free slot: the other builds, most wanted first, then the other
    tests, longest first, so that the run ends with short ones.
Never two Bochs: a second one would boot an L1 of its own (a minute of a
core) beside the session's, which keeps the other core for the builds and
the SVM tests.
Estimates are the last passed run's wall times (durations), else a default
per kind.  Nothing depends on the order of the sections in tests.cfg.
"""
from dataclasses import dataclass, field

DEFAULT_EST = {"vmx": 90, "svm": 40, "kvm": 40, "none": 20, "build": 60}
TREE_BUILDS = ("kvm:", "selftests:")


@dataclass
class Node:
    name: str
    kind: str  # "test" or "build"
    host: str = "none"
    needs: list = field(default_factory=list)
    est: float = 0
    state: str = "pending"  # pending, running, passed, failed, skipped
    nice: int = 10
    urgent: bool = False

    @property
    def bochs(self):
        return self.kind == "test" and self.host == "vmx"

    @property
    def tree(self):
        return self.kind == "build" and self.name.startswith(TREE_BUILDS)


def build_nodes(tests):
    """The build nodes the tests need, by name."""
    return {b: Node(b, "build") for t in tests for b in t.needs}


class Plan:
    def __init__(self, tests, durations=None, slots=2):
        durations = durations or {}
        self.slots = slots
        self.nodes = {}
        for name, b in build_nodes(tests).items():
            b.est = durations.get(name, 300 if name == "qemu" else DEFAULT_EST["build"])
            self.nodes[name] = b
        for t in tests:
            self.nodes[t.name] = Node(t.name, "test", t.host, list(t.needs),
                                      durations.get(t.name, DEFAULT_EST[t.host]))

    def _of(self, state, kind=None):
        return [n for n in self.nodes.values()
                if n.state == state and (kind is None or n.kind == kind)]

    @property
    def running(self):
        return self._of("running")

    def finished(self):
        return not self._of("pending", "test") and not self.running

    def ready(self, n):
        if n.state != "pending":
            return False
        return all(self.nodes[b].state == "passed" for b in n.needs)

    def wanted(self, b, bochs=False):
        """A pending test (a vmx one, with bochs) needs build b."""
        return any(b.name in t.needs and (t.bochs or not bochs) for t in self._of("pending", "test"))

    def worth(self, b):
        w = 0
        for t in self._of("pending", "test"):
            if b.name in t.needs:
                todo = [x for x in t.needs if self.nodes[x].state != "passed"]
                w += (1 + t.est) * (2 if t.bochs else 1) / len(todo)
        return w

    def pick(self):
        """The next node to start, or None; the caller marks it running."""
        running = self.running
        free = len(running) < self.slots
        # One slot (LAB_JOBS=1): one node at a time, urgent or not.
        urgent = free if self.slots == 1 else sum(n.urgent for n in running) < self.slots
        ready = [n for n in self.nodes.values() if self.ready(n)]
        longest = lambda n: (-n.est, n.name)  # noqa: E731
        bochs = sorted((n for n in ready if n.bochs), key=longest)
        if bochs and urgent and not any(n.bochs for n in running):
            return self._urgent(bochs[0])
        tree_busy = any(n.tree for n in running)
        builds = [b for b in ready if b.kind == "build" and self.wanted(b)
                  and not (b.tree and tree_busy)]
        for_bochs = [b for b in builds if self.wanted(b, bochs=True)]
        worth = lambda b: (self.worth(b), b.name)  # noqa: E731
        if for_bochs and urgent:
            return self._urgent(max(for_bochs, key=worth))
        if not free:
            return None
        if builds:
            return max(builds, key=worth)
        others = sorted((n for n in ready if n.kind == "test" and not n.bochs), key=longest)
        if others:
            return others[0]
        return None

    @staticmethod
    def _urgent(n):
        # A build yields to Bochs, which it would otherwise slow down.
        n.urgent, n.nice = True, 0 if n.bochs else 5
        return n

    def start(self, n):
        n.state = "running"

    def finish(self, n, ok):
        """Mark n; returns the tests that now cannot run (a build they need failed)."""
        n.state = "passed" if ok else "failed"
        if ok or n.kind != "build":
            return []
        lost = [t for t in self._of("pending", "test") if n.name in t.needs]
        for t in lost:
            t.state = "failed"
        # Builds nobody waits for any more are not started.
        for b in self._of("pending", "build"):
            if not self.wanted(b):
                b.state = "skipped"
        return lost

    def stuck(self):
        """The tests left when nothing can start (a bug of the policy)."""
        return [n for n in self._of("pending", "test")]

    def host_done(self, host):
        """No test of host is left to start or running."""
        return not any(n.kind == "test" and n.host == host and n.state in ("pending", "running")
                       for n in self.nodes.values())


def simulate(plan):
    """[(name, start, end)] of a run in which every node takes its estimate
    and passes: the order the policy gives (runtests --plan)."""
    clock, running, out = 0.0, [], []
    while not plan.finished():
        while (n := plan.pick()) is not None:
            plan.start(n)
            running.append((clock + n.est, n.name))
            out.append([n.name, clock, clock + n.est])
        if not running:
            break
        running.sort()
        clock, name = running.pop(0)
        plan.finish(plan.nodes[name], True)
    return out
