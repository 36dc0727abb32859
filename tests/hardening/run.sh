#!/usr/bin/env bash
# hardening/run.sh — hostile inputs that once crashed aslc, escaped its sandbox or ran
# undefined behaviour (issue 19): each *.sh beside this file is one topic, run in turn with
# ASLC and a scratch directory; every reproducer must fail cleanly in every mode.
# Usage: tests/hardening/run.sh ASLC
set -u
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/hardening/run.sh ASLC (an executable aslc)" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
export ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
status=0
for topic in "$here"/*.sh; do
	[ "$(basename "$topic")" = run.sh ] && continue
	echo "-- $(basename "$topic" .sh)"
	bash "$topic" || status=1
done
exit $status
