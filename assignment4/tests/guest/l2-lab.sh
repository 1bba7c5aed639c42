#!/bin/sh
# (in L2) tests/lab.sh's command: the end-to-end checks, then the marked
# sample for exits-referee ("snapshot total", "reason R N after K") and the
# total after it ("end total").
sh /extra/l2-check.sh
s=$?
/extra/exitstat --referee || exit 1
/extra/exitstat --json | sed -n 's/.*"total":\([0-9]*\),"cycles".*/end total \1/p'
exit $s
