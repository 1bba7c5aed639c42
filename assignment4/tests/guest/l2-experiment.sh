#!/bin/sh
# (in L2) The original write-up's three counts: at boot, +5 s, +10 s (+G s,
# +2G s with G in /extra/gap), each an "exitstat --json" line;
# /extra/workload (if any) runs before the second and the third.  The last
# sample's first query carries the trace mark.
# The lines are printed only after the last sample: each character on the
# serial console is an I/O exit, which would land in the counts.
gap=$(cat /extra/gap 2>/dev/null) || gap=5
start=$(cut -d' ' -f1 /proc/uptime)
/extra/exitstat --json >/tmp/s0.json || exit 1
for i in 1 2; do
	[ -s /extra/workload ] && sh /extra/workload >/dev/null 2>&1
	# sleep until start + gap * i seconds of uptime
	now=$(cut -d' ' -f1 /proc/uptime)
	left=$(awk -v s="$start" -v n="$now" -v i="$i" -v g="$gap" 'BEGIN { d = s + g * i - n; print (d > 0 ? d : 0) }')
	sleep "$left"
	if [ "$i" = 2 ]; then
		/extra/exitstat --json --mark >/tmp/s$i.json
	else
		/extra/exitstat --json >/tmp/s$i.json
	fi || exit 1
done
cat /tmp/s0.json /tmp/s1.json /tmp/s2.json
