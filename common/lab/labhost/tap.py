"""Reads a test's log for the check that failed.

The lab's tests print TAP (ok N - ... / not ok N - ...), nested either by
KTAP indentation or by a "# NAME: " prefix (exits-referee's "# l1: " and
"# l2: "); some print "ok: ..." / "FAIL: ..." lines.  A nested check
prints before the check that holds it, so the first failure in the log is
the innermost: it is reported with the diagnostics ("# ...") under it.
"""
import re

FAILED = re.compile(r"^(not ok\b(?!.*# TODO)|FAIL: )")
NESTING = re.compile(r"^\s*(#\s+[\w.-]+: )*")


def check(line):
    """A log line without its nesting: indentation and '# NAME: ' prefixes."""
    return line[NESTING.match(line).end():].rstrip("\n")


def first_failure(lines, diag=4):
    """(line number, [the failing check, its diagnostics...]) or None."""
    for i, raw in enumerate(lines):
        if FAILED.match(check(raw)):
            out = [raw.strip()]
            for more in lines[i + 1:i + 1 + diag]:
                if not check(more).startswith("#"):
                    break
                out.append(more.strip())
            return i + 1, out
    return None
