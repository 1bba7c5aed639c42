#!/usr/bin/env python3
"""doc_block.py: the generated blocks of the project's documents.

A block is what lies between the lines <!-- NAME:begin ... --> and
<!-- NAME:end --> of a Markdown file; the tools that carry measured figures
into documents (bench, regress, lab results, timings, assignment 4's
results) write their block with put() and check it with put(check=True),
so that a figure typed over, or a run not carried over, fails a test.
"""
import re

PATTERN = r"(<!-- {name}:begin[^\n]*-->\n)(.*?)(<!-- {name}:end -->)"


def replace(text, name, lines):
    """text with NAME's block made of lines; KeyError when text has none."""
    m = re.search(PATTERN.format(name=re.escape(name)), text, re.S)
    if not m:
        raise KeyError(f"no <!-- {name}:begin --> ... <!-- {name}:end --> block")
    return text[:m.start(2)] + "\n".join(lines).strip("\n") + "\n" + text[m.end(2):]


def put(path, name, lines, check=False):
    """Write NAME's block of the file at path; with check, write nothing.
    True when the file held those lines already (or now holds them)."""
    with open(path) as f:
        text = f.read()
    new = replace(text, name, lines)
    if new == text or check:
        return new == text
    with open(path, "w") as f:
        f.write(new)
    return True


def has(path, name):
    with open(path) as f:
        return re.search(PATTERN.format(name=re.escape(name)), f.read(), re.S) is not None
