#!/usr/bin/env bash
# jsonata_lib.sh — libjsonata as someone outside the repository gets it: `make install
# PREFIX=<tmp>`, a small C program compiled with `pkg-config --cflags --libs jsonata`, and the
# installed `jsonata` tool: its results, its errors (stderr `CODE: message (at position N)`,
# exit 1), its usage errors (exit 2), then cases of ../shared/jsonata when present: every twentieth
# (starting a process costs tens of milliseconds here), or all of them under TIER=check.
# Usage: tests/jsonata_lib.sh BUILD_DIR     (a build/san-* dir links the program with that
#                                           sanitizer).  Prints `N passed, N failed[, N skipped]`.
# JSONata expressions are written in single quotes on purpose: their `$` is JSONata's.
# shellcheck disable=SC2016
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: tests/jsonata_lib.sh BUILD_DIR" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
B=$(cd "$1" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-jsonata.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$here/lib.sh"

# The Makefile names a sanitizer build dir build/san-A-B for SAN=A,B; its objects need the same
# flags when linked. `make test SAN=...` passes SAN on; run by hand, the name is read back, the
# dashes inside float-cast-overflow (the clang tier's) kept.
san=
case $(basename "$B") in
san-*) san=${SAN:-$(basename "$B" | sed 's/^san-//; s/-/,/g; s/float,cast,overflow/float-cast-overflow/g')} ;;
esac
sanflags=()
[ -n "$san" ] && sanflags=(-fsanitize="$san" -fno-omit-frame-pointer)

# expect_text NAME EXIT TEXT: the last run's exit status and exact stdout (the tool's output is
# deterministic, and comparing text needs no process: lib.sh's expect starts python).
expect_text() {
	if [ "$rc" -eq "$2" ] && [ "$out" = "$3" ]; then ok "$1"
	else fail "$1" "exit $rc (expected $2), stdout '$(firstline "$out")' (expected '$3'), stderr '$(firstline "$err")'"; fi
}

# ------------------------------------------------------------ make install
# (its own make: not a job of the `make test` that may be running this)
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s -C "$root" install PREFIX="$T/prefix" B="$B" SAN="$san" >"$T/install.log" 2>&1; then
	fail make_install_should_succeed "$(tail -n 3 "$T/install.log")"
	summary
	exit 1
fi
for f in lib/libjsonata.a include/jsonata.h lib/pkgconfig/jsonata.pc bin/jsonata; do
	if [ -e "$T/prefix/$f" ]; then ok "install_puts_$f"; else fail "install_puts_$f" "missing"; fi
done

# ------------------------------------------------------------ a program outside the repository
mkdir -p "$T/user"
cat >"$T/user/sum.c" <<'EOF'
#include <stdio.h>
#include <jsonata.h>

int main(void)
{
    jsonata_error err;
    jsonata_expr *e = jsonata_compile("$sum(items.price)", &err);
    cJSON *doc = cJSON_Parse("{\"items\": [{\"price\": 10.5}, {\"price\": 32}]}");
    cJSON *result = NULL;
    if (!e || jsonata_evaluate(e, doc, NULL, &result, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        return 1;
    }
    char *text = cJSON_PrintUnformatted(result);
    printf("%s\n", text);
    cJSON_free(text);
    cJSON_Delete(result);
    cJSON_Delete(doc);
    jsonata_free(e);
    return 0;
}
EOF
export PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig"
if ! command -v pkg-config >/dev/null; then
	skip program_should_compile_with_pkg_config "pkg-config is not installed (tools/setup installs it)"
elif ! flags=$(pkg-config --cflags --libs jsonata 2>"$T/pc.err"); then
	fail pkg_config_should_know_jsonata "$(head -n 1 "$T/pc.err")"
else
	ok pkg_config_should_know_jsonata
	# shellcheck disable=SC2086
	if (cd "$T/user" && ${CC:-cc} -std=c11 -Wall -Wextra -Werror "${sanflags[@]}" sum.c $flags -o sum) 2>"$T/cc.err"; then
		ok program_should_compile_with_pkg_config
		run "$T/user/sum"
		expect_text program_should_print_the_sum 0 '42.5'
	else
		fail program_should_compile_with_pkg_config "$(head -n 3 "$T/cc.err")"
	fi
fi

# ------------------------------------------------------------ the jsonata tool
J=$T/prefix/bin/jsonata
echo '{"items": [{"price": 10.5, "qty": 2}, {"price": 32, "qty": 1}]}' >"$T/order.json"

run "$J" '$sum(items.price)' "$T/order.json"
expect_text cli_should_print_a_result 0 '42.5'
run_stdin '{"a": [1, 2]}' "$J" 'a[1]'
expect_text cli_should_read_standard_input 0 '2'
run_stdin '{"a": [1, 2]}' "$J" 'a' -
expect_text cli_should_read_dash_as_standard_input 0 '[1,2]'
run "$J" -n '$power(10, 30) & " " & 1e21'
expect_text cli_should_print_numbers_as_javascript_does 0 '"1e+30 1e+21"'
run "$J" -n '[$power(10, 30), 0.1, -1.5e-7, 100, "\u0001é"]'
expect_text cli_should_write_numbers_and_strings_as_json_stringify 0 '[1e+30,0.1,-1.5e-7,100,"\u0001é"]'
run "$J" -n -p '{"a": [1, {}], "b": "x\ny"}'
want=$(printf '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": "x\\ny"\n}')
expect_text cli_pretty_should_indent_by_two 0 "$want"
run "$J" -n -b rate=0.5 -b '$tags=["a","b"]' '[$rate, $tags[1]]'
expect_text cli_should_bind_variables 0 '[0.5,"b"]'
printf '$sum(items.(price * qty))' >"$T/expr.jsonata"
run "$J" -f "$T/expr.jsonata" "$T/order.json"
expect_text cli_should_read_the_expression_from_a_file 0 '53'
run "$J" 'missing' "$T/order.json"
if [ "$rc" -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]; then ok cli_should_print_nothing_for_undefined
else fail cli_should_print_nothing_for_undefined "exit $rc, stdout '$out', stderr '$err'"; fi

# expect_error NAME STDERR: exit 1, nothing on stdout, exactly STDERR on stderr.
expect_error() {
	if [ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$2" ]; then ok "$1"
	else fail "$1" "exit $rc, stdout '$(firstline "$out")', stderr '$(firstline "$err")'"; fi
}
run "$J" -n '[1, 2)'
expect_error cli_should_report_a_syntax_error 'S0202: Expected "]", got ")" (at position 5)'
run "$J" 'items.price + 1' "$T/order.json"
expect_error cli_should_report_an_evaluation_error 'T2001: The left side of the "+" operator must evaluate to a number (at position 12)'
run "$J" -n '$error("stop")'
expect_error cli_should_report_error_messages 'D3137: stop (at position 6)'
run "$J" -n --time-limit 100 '($f := function(){$f()}; $f())'
expect_error cli_should_stop_at_the_time_limit 'U1001: Expression evaluation timeout: Check for infinite loop (at position 20)'
run "$J" -n '$uuid()'
expect_error cli_should_not_define_aws_functions 'T1006: Attempted to invoke a non-function (at position 5)'
run "$J" -n --aws '$count($range(1, 3))'
expect_text cli_aws_should_define_aws_functions 0 '3'

run "$J"
expect_usage cli_without_an_expression_is_a_usage_error 'usage: jsonata'
run "$J" -n 'a' "$T/order.json"
expect_usage cli_no_input_with_a_file_is_a_usage_error 'usage: jsonata'
run "$J" -b novalue -n '1'
expect_usage cli_bind_needs_a_value 'NAME=JSON'
run "$J" 'a' "$T/missing.json"
expect_usage cli_missing_input_is_an_input_error 'missing.json'
printf '{\n  "a": @\n}\n' >"$T/bad.json"
run "$J" 'a' "$T/bad.json"
expect_usage cli_bad_input_should_say_where 'bad.json:2:'
run "$J" --help
if [ "$rc" -eq 0 ] && [[ $out == usage:* ]]; then ok cli_help_should_print_usage; else fail cli_help_should_print_usage "exit $rc"; fi

# ------------------------------------------------------------ the suite's cases through the tool
cases=$(cd "$root/.." && pwd)/shared/jsonata/cases
if [ -d "$cases" ]; then
	step=20
	[ "${TIER:-test}" = check ] && step=1
	if python3 - "$J" "$cases" "$T" "$step" >"$T/suite.log" 2>&1 <<'EOF'; then
# Each case of ../shared/jsonata (README there): source.expr with source.input ("none": -n,
# "null", or the case's input) and the Bind state's Assign as -b bindings; the output must be
# the expected JSON, or exit 1 with the suite's code at the start of stderr.
import json, os, subprocess, sys
cli, cases, tmp, step = sys.argv[1:]
passed = failed = 0
names = sorted(n for n in os.listdir(cases) if n.endswith(".json"))
for name in names[::int(step)]:
    with open(os.path.join(cases, name)) as f:
        c = json.load(f)
    src, want = c["source"], c["expected"]
    argv = [cli]
    bind = c["definition"]["States"].get("Bind", {}).get("Assign", {})
    for k, v in bind.items():
        argv += ["-b", k + "=" + json.dumps(v)]
    argv += ["--", src["expr"]]
    if src["input"] == "none":
        argv.insert(1, "-n")
    else:
        path = os.path.join(tmp, "input.json")
        with open(path, "w") as f:
            json.dump(None if src["input"] == "null" else c["input"], f)
        argv.append(path)
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    if want["status"] == "FAILED":
        ok = p.returncode == 1 and p.stdout == "" and p.stderr.startswith(src.get("code", "") + ": ")
    else:
        try:
            ok = p.returncode == 0 and json.loads(p.stdout) == want["output"]
        except ValueError:
            ok = False
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", name, src["expr"], "->", p.returncode, p.stdout.strip()[:200], p.stderr.strip()[:200])
print(f"{passed} passed, {failed} failed, of {len(names)} cases")
sys.exit(1 if failed else 0)
EOF
		ok "cli_should_agree_with_the_suite ($(tail -n 1 "$T/suite.log"))"
	else
		fail cli_should_agree_with_the_suite "$(grep -m 5 FAIL "$T/suite.log"; tail -n 1 "$T/suite.log")"
	fi
else
	skip cli_should_agree_with_the_suite "$cases not found"
fi

summary
