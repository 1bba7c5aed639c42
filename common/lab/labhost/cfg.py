"""tests.cfg: one section per test, read into Test records.

A key's value is taken whole (no inline comments, no interpolation), so a
command may hold '=', '#' and '$'.  Section order means nothing: what a test
needs before it starts is its needs key.
"""
import re
import shlex
from dataclasses import dataclass, field

HOSTS = ("none", "vmx", "svm", "kvm")
KEYS = {"host", "command", "argv", "timeout", "groups", "needs"}
# Builds a test may need: the SVM host's QEMU, a diff's KVM, the selftests.
BUILD_RE = re.compile(r"^(qemu|kvm:[\w./-]+\.diff|selftests:quick)$")


class CfgError(Exception):
    pass


@dataclass
class Test:
    name: str
    host: str = "none"
    command: str = ""
    argv: list = field(default_factory=list)
    timeout: int = 300
    groups: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    line: int = 0

    def shell_words(self):
        """The test as an argv: its own, or its command under bash -c."""
        return self.argv or ["bash", "-c", self.command]

    def describe(self):
        return shlex.join(self.argv) if self.argv else self.command


def parse(text, path="tests.cfg"):
    """Parse tests.cfg text; CfgError names path:line of the first fault."""
    tests, test = {}, None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{path}:{n}"
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[([\w.-]+)\]", line)
        if m:
            if m.group(1) in tests:
                raise CfgError(f"{where}: test [{m.group(1)}] declared twice")
            test = tests[m.group(1)] = Test(m.group(1), line=n)
            continue
        key, eq, value = raw.partition("=")
        key, value = key.strip(), value.strip()
        if test is None or not eq:
            raise CfgError(f"{where}: expected [name] or key = value, got '{line}'")
        if key not in KEYS:
            raise CfgError(f"{where}: unknown key {key} (known: {' '.join(sorted(KEYS))})")
        if key == "host":
            if value not in HOSTS:
                raise CfgError(f"{where}: host {value}: not one of {' '.join(HOSTS)}")
            test.host = value
        elif key == "timeout":
            if not value.isdigit() or int(value) == 0:
                raise CfgError(f"{where}: timeout {value}: not a number of seconds")
            test.timeout = int(value)
        elif key == "command":
            test.command = value
        elif key == "argv":
            test.argv = shlex.split(value)
        else:
            setattr(test, key, value.split())
    for t in tests.values():
        where = f"{path}:{t.line}"
        if bool(t.command) == bool(t.argv):
            raise CfgError(f"{where}: [{t.name}] needs exactly one of command and argv")
        for b in t.needs:
            if not BUILD_RE.match(b):
                raise CfgError(f"{where}: [{t.name}] needs {b}: not a build "
                               "(qemu, kvm:FILE.diff, selftests:quick)")
        if t.host == "svm" and "qemu" not in t.needs:
            t.needs.insert(0, "qemu")
    return list(tests.values())


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return parse(f.read(), path)
    except OSError as e:
        raise CfgError(f"{path}: {e.strerror}") from e


def select(tests, names=(), groups=()):
    """The tests NAME... (each must exist), else those in a GROUP, else all."""
    if names:
        known = {t.name: t for t in tests}
        missing = [n for n in names if n not in known]
        if missing:
            raise CfgError(f"no test named {' '.join(missing)} (runtests -l lists them)")
        return [known[n] for n in names]
    if groups:
        return [t for t in tests if set(groups) & set(t.groups)]
    return list(tests)
