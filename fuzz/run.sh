#!/bin/sh
# fuzz/run.sh — links the libFuzzer targets (fuzz/fuzz_*.c) against the fuzzing build of the
# libraries, seeds them, and runs each for SECONDS.  `make fuzz FUZZ_SECONDS=N` calls it after
# building BUILD_DIR/libaslc.a and BUILD_DIR/libaslrt.a with clang and -fsanitize=fuzzer-no-link.
#
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]     TARGET: NAME of a fuzz/fuzz_NAME.c (default: all)
#   environment: LIBS (the libraries aslc links with), FUZZ_CC (default clang)
#
# Seeds come from fuzz/seeds/TARGET (small hand-made corpora kept in the tree), the repository's
# own definitions and, when it exists, ../shared (conformance cases and the real-world corpus);
# they are gathered in BUILD_DIR/seeds.  A target's dictionary is fuzz/TARGET.dict when it exists.
# New inputs the fuzzer finds go to BUILD_DIR/corpus/TARGET, crashes to BUILD_DIR/crash-TARGET-*.
# Exits 1 when a target found something.
set -u
if [ $# -lt 2 ]; then
	echo "usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]" >&2
	exit 2
fi
B=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=${*:-$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
root=$(cd "$here/.." && pwd)
shared=$(cd "$root/.." && pwd)/shared
cc=${FUZZ_CC:-clang}
flags="-std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all"

# Targets see every layer, as the unit tests do.
inc=
for d in json jsonata runtime runtime/task runtime/map compiler; do
	inc="$inc -I$root/$d"
done
for t in $targets; do
	echo "== linking $B/fuzz_$t"
	# shellcheck disable=SC2086
	$cc $flags $inc "$here/fuzz_$t.c" "$B/libaslc.a" "$B/libaslrt.a" \
		${LIBS:--lcjson -lpcre2-8 -lz -lm -lpthread -ltcc -ldl} -o "$B/fuzz_$t" || exit 2
done

# Seeds: whole definitions for the definition target; every string value that starts with "$"
# (paths) or "States." (intrinsic calls) for the others.  The path target reads a flags byte
# first, so its seeds start with "\0".
rm -rf "$B/seeds"
mkdir -p "$B/seeds"
python3 - "$B/seeds" "$root" "$shared" <<'PY'
import glob, hashlib, json, os, sys
out, root, shared = sys.argv[1:4]
for t in ("definition", "path", "intrinsic", "jsonata"):
    os.makedirs(os.path.join(out, t), exist_ok=True)
def save(target, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
defs = []
for pattern in ("tests/diag/*.asl.json", "tests/hostile/*.json", "examples/*.json", "examples/*/*.json"):
    for f in glob.glob(os.path.join(root, pattern)):
        with open(f, "rb") as fh:
            data = fh.read()
        save("definition", data)
        try:
            defs.append(json.loads(data))
        except (ValueError, RecursionError):
            pass
for f in glob.glob(os.path.join(root, "tests/cases/*.json")) + glob.glob(os.path.join(shared, "conformance/cases/*.json")):
    try:
        with open(f) as fh:
            d = json.load(fh)["definition"]
    except (ValueError, KeyError, OSError, RecursionError):
        continue
    save("definition", json.dumps(d, indent=1).encode())
    defs.append(d)
for f in glob.glob(os.path.join(shared, "corpus/realworld/*.asl.json")):
    with open(f, "rb") as fh:
        data = fh.read()
    save("definition", data)
    try:
        defs.append(json.loads(data))
    except (ValueError, RecursionError):
        pass
for d in defs:
    for s in strings(d):
        b = s.encode("utf-8", "surrogatepass")
        if s.startswith("$"):
            save("path", b"\0" + b)
        elif s.startswith("States."):
            save("intrinsic", b)
        elif s.startswith("{%") and s.endswith("%}"):
            save("jsonata", s[2:-2].strip().encode("utf-8", "surrogatepass"))
for f in glob.glob(os.path.join(shared, "jsonata/cases/*.json")):
    try:
        with open(f) as fh:
            d = json.load(fh)["definition"]
    except (ValueError, KeyError, OSError, RecursionError):
        continue
    for s in strings(d):
        if s.startswith("{%") and s.endswith("%}"):
            save("jsonata", s[2:-2].strip().encode("utf-8", "surrogatepass"))
for t in os.listdir(os.path.join(root, "fuzz", "seeds")) if os.path.isdir(os.path.join(root, "fuzz", "seeds")) else ():
    os.makedirs(os.path.join(out, t), exist_ok=True)
    for f in glob.glob(os.path.join(root, "fuzz", "seeds", t, "*")):
        with open(f, "rb") as fh:
            save(t, fh.read())
for t in sorted(os.listdir(out)):
    print("seeds for %s: %d" % (t, len(os.listdir(os.path.join(out, t)))))
PY

found=0
for t in $targets; do
	mkdir -p "$B/corpus/$t"
	case $t in
	definition | itemreader) max=65536 ;;
	*) max=4096 ;;
	esac
	echo "== fuzzing $t for $secs s"
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict="$here/$t.dict"
	mkdir -p "$B/seeds/$t"
	# shellcheck disable=SC2086
	"$B/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$max" \
		$dict -artifact_prefix="$B/crash-$t-" -print_final_stats=1 \
		"$B/corpus/$t" "$B/seeds/$t" 2>"$B/fuzz_$t.log"
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ *DONE)' "$B/fuzz_$t.log"
	if [ $rc -ne 0 ]; then
		echo "FOUND by $t (exit $rc): see $B/fuzz_$t.log and $B/crash-$t-*"
		grep -E 'ERROR|SUMMARY' "$B/fuzz_$t.log" | head -5
		found=1
	fi
done
exit $found
