#!/usr/bin/env bash
# layers.sh — the one-way rule of ARCHITECTURE.md, proven on the build itself: for every layer,
# a file that includes a header of a higher layer must not compile with that layer's include
# paths (the Makefile's <layer>_INC), while the same file compiles with the owner's paths.
# Usage: tests/layers.sh [CC]      Prints `N passed, N failed`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cc=${1:-${CC:-cc}}
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-layers.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$here/lib.sh"
cd "$root" || exit 2

layers=(json jsonata runtime compiler server)
# A make of its own, away from a calling make's jobserver (whose warnings go to stdout).
inc() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory print-layer-inc LAYER="$1" B="$T"; }
# headers LAYER: the headers a layer owns (its folder and rooms below it).
headers() { find "$1" -name '*.h' -printf '%f\n' | sort; }

for ((i = 0; i < ${#layers[@]}; i++)); do
	low=${layers[i]}
	low_inc=$(inc "$low")
	for ((j = i + 1; j < ${#layers[@]}; j++)); do
		high=${layers[j]}
		high_inc=$(inc "$high")
		for h in $(headers "$high"); do
			printf '#include "%s"\n' "$h" >"$T/probe.c"
			# shellcheck disable=SC2086
			if ! $cc -std=c11 -D_GNU_SOURCE -fsyntax-only $high_inc -I"$T" "$T/probe.c" 2>"$T/err"; then
				fail "${high}_${h}_compiles_in_its_own_layer" "$(head -n 1 "$T/err")"
			# shellcheck disable=SC2086
			elif $cc -std=c11 -D_GNU_SOURCE -fsyntax-only $low_inc "$T/probe.c" 2>/dev/null; then
				fail "${low}_cannot_include_${high}_${h}" "it compiled with $low's include paths"
			else
				ok "${low}_cannot_include_${high}_${h}"
			fi
		done
	done
done
summary
