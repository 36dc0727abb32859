#!/bin/sh
# beater.sh — an exec handler that beats: a line on stderr every 0.3 s, 17 times (about 5 s),
# then answers {"beats": 17}. A shell starts in milliseconds even on a loaded machine, so the
# first beat comes well inside a HeartbeatSeconds of 2 (python3 took up to 1.9 s to start).
cat >/dev/null
i=0
while [ $i -lt 17 ]; do
	echo beat >&2
	sleep 0.3
	i=$((i + 1))
done
echo '{"beats": 17}'
