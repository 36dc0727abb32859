#!/usr/bin/env bash
# tests/corpus.sh — the real-world corpus (../shared/corpus/realworld, when present): every
# definition whose `lint` column in MANIFEST.tsv is empty must pass `aslc check` (exit 0) and
# compile with `aslc build`.  A Task that nothing binds still compiles; it fails at run time.
#
#   tests/corpus.sh [--all] [ASLC]     ASLC: the aslc binary (default: $ASLC, else build/aslc)
#
# `aslc check` runs on every definition.  Building all ~400 takes a few minutes, so by default
# every 8th definition is built (a fixed sample); --all builds them all (`make check-all`).
# Templates (definitions with ${Name} placeholders, CloudFormation's DefinitionSubstitutions)
# are checked twice more: without substitutions aslc must name exactly the placeholders found
# in the text here, and with a --substitutions file filling all of them (made here from the
# text: an ARN for a Resource, a URL for an ApiEndpoint, true inside JSONata) it must pass
# `aslc check` with none left unfilled.
# Two jobs at a time, -O0.  Ends with `N passed, N failed`; exits 1 when something failed.
set -u

all=0
if [ "${1:-}" = --all ]; then
	all=1
	shift
fi
aslc=${1:-${ASLC:-build/aslc}}
case $aslc in
/*) ;;
*) aslc=$(pwd)/$aslc ;;
esac
corpus=$(cd "$(dirname "$0")/../.." && pwd)/shared/corpus/realworld
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "skipping corpus: ../shared not found"
	exit 0
fi
if [ ! -x "$aslc" ]; then
	echo "corpus: no aslc binary at $aslc" >&2
	exit 2
fi

# Lint-free definitions that AWS rejects all the same, so aslc must reject them too (exit 2).
# The lint column is a heuristic (unknown fields, wrong query language, non-ARN resources); it
# does not look inside values.  Each entry: file, then why.
# (Template placeholders such as "Choices": "DYNAMIC_ROUTING_CHOICES" and unknown States.*
# functions are only warnings: those definitions compile, and the state fails when it runs.)
rejected=(
	"step-functions-agent__step-functions_web-search-agent.asl.json"
	"States.Format('...\\n...') uses an escape AWS rejects (asl-reference §5); its States.Default calls are only warned about"
)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aslc-corpus.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# The `file` values of the rows whose `lint` column is empty, found by header name.
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["lint"] == "" { print $col["file"] }' "$corpus/MANIFEST.tsv" >"$tmp/lintfree"
for ((i = 0; i < ${#rejected[@]}; i += 2)); do
	echo "${rejected[i]}"
done >"$tmp/rejected"
grep -vxF -f "$tmp/rejected" "$tmp/lintfree" >"$tmp/accept"

# fill.py DEF [--names]: a substitutions object filling every ${Name} of DEF, or (--names) the
# names alone, one a line.  The names are found in the text as aslc defines them (subst.h).
cat >"$tmp/fill.py" <<'EOF'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
name = r"\$\{([A-Za-z0-9_.:\[\]-]{1,255})\}"
if sys.argv[2:] == ["--names"]:
    print("\n".join(sorted(set(re.findall(name, text)))))
    sys.exit(0)
values = {}
def word(n):
    return re.sub(r"[^A-Za-z0-9_]", "_", n)
for n in re.findall(r'"Resource"\s*:\s*"' + name + '"', text):
    values[n] = "arn:aws:lambda:us-east-1:123456789012:function:" + word(n)
for n in re.findall(r'"ApiEndpoint"\s*:\s*"' + name + '"', text):
    values.setdefault(n, "https://example.com/" + word(n))
for expr in re.findall(r"\{%.*?%\}", text):
    for n in re.findall(name, expr):
        values.setdefault(n, True)
for n in re.findall(name, text):
    values.setdefault(n, word(n))
print(json.dumps(values))
EOF

# One definition, as a job for xargs: prints a FAIL line when aslc does not do what it should.
# $1: check | build | reject | template; $2: the file.
cat >"$tmp/one" <<'EOF'
#!/bin/sh
aslc=$ASLC_UNDER_TEST tmp=$CORPUS_TMP what=$1 f=$2
name=$(basename "$f" .asl.json)
case $what in
check)
	"$aslc" check "$f" >/dev/null 2>"$tmp/$name.err"
	rc=$?
	[ $rc -eq 0 ] || { echo "FAIL check $name (exit $rc):"; head -n 3 "$tmp/$name.err" | cut -c1-300; } ;;
reject)
	"$aslc" check "$f" >/dev/null 2>"$tmp/$name.err"
	rc=$?
	[ $rc -eq 2 ] || echo "FAIL $name: AWS rejects it, but aslc check exited $rc" ;;
template)
	python3 "$tmp/fill.py" "$f" --names >"$tmp/$name.want"
	"$aslc" check "$f" 2>&1 >/dev/null | sed -n 's/.*placeholder \${\(.*\)}, not filled.*/\1/p' | LC_ALL=C sort -u >"$tmp/$name.got"
	cmp -s "$tmp/$name.want" "$tmp/$name.got" ||
		echo "FAIL template $name: aslc names the placeholders $(tr '\n' ' ' <"$tmp/$name.got"), the text holds $(tr '\n' ' ' <"$tmp/$name.want")"
	python3 "$tmp/fill.py" "$f" >"$tmp/$name.subst.json"
	"$aslc" check "$f" --substitutions "$tmp/$name.subst.json" >/dev/null 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -ne 0 ] || grep -q 'not filled\|fills:' "$tmp/$name.err"; then
		echo "FAIL template $name filled (exit $rc):"
		head -n 3 "$tmp/$name.err" | cut -c1-300
	fi
	rm -f "$tmp/$name.want" "$tmp/$name.got" "$tmp/$name.subst.json" ;;
build)
	"$aslc" build "$f" -o "$tmp/$name.exe" -O0 >/dev/null 2>"$tmp/$name.err"
	rc=$?
	rm -f "$tmp/$name.exe"
	[ $rc -eq 0 ] || { echo "FAIL build $name (exit $rc):"; head -n 3 "$tmp/$name.err" | cut -c1-300; } ;;
esac
rm -f "$tmp/$name.err"
EOF
chmod +x "$tmp/one"
export ASLC_UNDER_TEST=$aslc CORPUS_TMP=$tmp

# run WHAT LIST: each file of LIST through $tmp/one, two at a time; adds to the counts.
pass=0 fail=0
run() {
	local what=$1 list=$2 n out
	n=$(wc -l <"$list")
	out=$(cd "$corpus" && xargs -P 2 -n 1 "$tmp/one" "$what" <"$list")
	if [ -n "$out" ]; then
		echo "$out"
	fi
	local bad
	bad=$(printf '%s\n' "$out" | grep -c '^FAIL')
	pass=$((pass + n - bad))
	fail=$((fail + bad))
	echo "$what: $((n - bad)) of $n as expected"
}

run check "$tmp/accept"
run reject "$tmp/rejected"
(cd "$corpus" && xargs grep -l '\${' <"$tmp/accept") >"$tmp/templates"
run template "$tmp/templates"
if [ "$all" = 1 ]; then
	cp "$tmp/accept" "$tmp/build"
else
	awk 'NR % 8 == 1' "$tmp/accept" >"$tmp/build"
	echo "building every 8th definition (tests/corpus.sh --all, or make check-all, builds them all)"
fi
run build "$tmp/build"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
