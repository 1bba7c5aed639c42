#!/usr/bin/env python3
"""host_section.py FILE TAG HOST TITLE < SECTION

Put SECTION (standard input) into FILE as HOST's part, between the lines
<!-- TAG:HOST --> and <!-- /TAG:HOST -->, under the heading TITLE, the other
hosts' parts kept as they are: each emulated host's run (bench, regress)
writes its own results alone, and the file keeps one order (svm, vmx, kvm).
"""
import os
import re
import sys

HOSTS = ("svm", "vmx", "kvm")


def read(path, tag):
    """{host: its part} of FILE, the hosts that have one."""
    parts = {}
    if os.path.exists(path):
        text = open(path).read()
        for h in HOSTS:
            m = re.search(rf"<!-- {tag}:{h} -->\n(.*?)<!-- /{tag}:{h} -->\n", text, re.S)
            if m:
                parts[h] = m.group(1)
    return parts


def write(path, tag, host, title, section):
    if host not in HOSTS:
        sys.exit(f"host_section.py: unknown host '{host}' ({', '.join(HOSTS)})")
    parts = read(path, tag)
    parts[host] = section
    body = [title, ""]
    for h in HOSTS:
        if h in parts:
            body += [f"<!-- {tag}:{h} -->", parts[h].rstrip("\n") + "\n", f"<!-- /{tag}:{h} -->", ""]
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(body))
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(f"usage: {__doc__.strip().splitlines()[0]}")
    write(*sys.argv[1:5], sys.stdin.read())
