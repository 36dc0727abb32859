#!/usr/bin/env bash
# substitutions.sh — templates as CloudFormation fills them: --substitutions FILE and
# --substitution NAME=VALUE on every command (compiler/subst.c says what they do).
# Usage: tests/substitutions.sh ASLC     Prints each failed test (VERBOSE=1: every test), then
#                                        `N passed, N failed`; exits 1 when a test failed.
# The expected outputs are computed here from the values (python3), never copied from a run.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/substitutions.sh ASLC (an executable aslc)" >&2
	exit 2
fi
ASLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-subst.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2

# expect_json NAME EXIT PYTHON: the last run's exit status, and stdout equal to the JSON value
# the Python expression computes (json and the values file `v` loaded as `v`).
expect_json() {
	local want
	want=$(python3 -c 'import json, sys; v = json.load(open("values.json")); print(json.dumps(eval(sys.argv[1])))' "$3") ||
		{ fail "$1" "cannot compute the expected value"; return; }
	expect "$1" "$2" "$want"
}
# expect_err NAME EXIT TEXT...: exit status EXIT, empty stdout, and each TEXT on stderr.
expect_err() {
	local name=$1 code=$2 t
	shift 2
	if [ "$rc" -ne "$code" ]; then
		fail "$name" "exit $rc, expected $code; stderr: $(firstline "$err")"
		return
	fi
	if [ "$code" -eq 2 ] && [ -n "$out" ]; then
		fail "$name" "exit 2 but stdout is not empty: $(firstline "$out")"
		return
	fi
	for t in "$@"; do
		if [[ $err != *"$t"* ]]; then
			fail "$name" "stderr does not contain '$t': $(firstline "$err")"
			return
		fi
	done
	ok "$name"
}

# ---------------------------------------------------------------- a template in every mode
# Placeholders inside strings (escaped there), between values (a number, a boolean), in a
# state name, a Resource, a JSONPath path, a JSONata expression and a Fail's Error and Cause.
cat >tpl.asl.json <<'EOF'
{
  "Comment": "the ${Stage} stage",
  "StartAt": "Shape ${Stage}",
  "TimeoutSeconds": ${Timeout},
  "States": {
    "Shape ${Stage}": {"Type": "Pass",
      "Parameters": {"greeting": "hello ${Who}", "count": ${Count}, "enabled": ${Enabled},
                     "picked.$": "$.${Field}", "literal": "${!Literal}"},
      "Next": "Call"},
    "Call": {"Type": "Task", "Resource": "${FnArn}", "Next": "Decide"},
    "Decide": {"Type": "Choice", "QueryLanguage": "JSONata",
      "Choices": [{"Condition": "{% $states.input.count = ${Count} and ${Enabled} %}", "Next": "Done"}],
      "Default": "Broken"},
    "Done": {"Type": "Succeed"},
    "Broken": {"Type": "Fail", "Error": "${ErrorName}", "Cause": "stage ${Stage}"}
  }
}
EOF
cat >values.json <<'EOF'
{"Stage": "prod", "Timeout": 60, "Who": "wor\"ld \\ tab\t", "Count": 3, "Enabled": true,
 "Field": "name", "FnArn": "arn:aws:lambda:us-east-1:123456789012:function:echo",
 "ErrorName": "Stage.Broken"}
EOF
echo '{"name": "Ada"}' >in.json
# The Task's handler echoes its input: the binding is found by the filled-in ARN.
python3 -c 'import json; v = json.load(open("values.json")); print(json.dumps({v["FnArn"]: {"exec": ["cat"]}}))' >bind.json
# The template's Pass output, from the values.
out_expr='{"greeting": "hello " + v["Who"], "count": v["Count"], "enabled": v["Enabled"], "picked": "Ada", "literal": "${!Literal}"}'
S=(--substitutions values.json)

run "$ASLC" check tpl.asl.json "${S[@]}"
if [ "$rc" -eq 0 ] && [ -z "$err" ]; then ok check_filled_template_is_clean; else
	fail check_filled_template_is_clean "exit $rc: $(firstline "$err")"; fi
for mode in interp jit aot; do
	run "$ASLC" run tpl.asl.json "${S[@]}" --input in.json --bindings bind.json --mode "$mode"
	expect_json "template_runs_filled_$mode" 0 "$out_expr"
done
run "$ASLC" build tpl.asl.json "${S[@]}" -o tpl.exe
if [ "$rc" -ne 0 ]; then fail template_builds "exit $rc: $(firstline "$err")"; else
	ok template_builds
	run ./tpl.exe --input in.json --bindings bind.json
	expect_json template_runs_filled_exe 0 "$out_expr"
fi

# Enabled=false makes the Choice fail to match: the Fail's Error and Cause are the filled text.
for mode in interp jit aot; do
	run "$ASLC" run tpl.asl.json "${S[@]}" --substitution Enabled=false --input in.json --bindings bind.json --mode "$mode"
	expect_json "errors_show_the_filled_definition_$mode" 1 '{"Error": v["ErrorName"], "Cause": "stage " + v["Stage"]}'
done

# History shows the filled definition: the Lambda's resource and the state's name.
run "$ASLC" run tpl.asl.json "${S[@]}" --input in.json --bindings bind.json --history hist.jsonl
if python3 - hist.jsonl values.json <<'EOF'; then ok history_shows_filled_names; else fail history_shows_filled_names "see above"; fi
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
v = json.load(open(sys.argv[2]))
names = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
res = [e["lambdaFunctionScheduledEventDetails"]["resource"] for e in events if "lambdaFunctionScheduledEventDetails" in e]
ok = names[0] == "Shape " + v["Stage"] and res == [v["FnArn"]] and "${" not in json.dumps(names)
if not ok:
    print("history: names %s, resources %s" % (names, res))
sys.exit(0 if ok else 1)
EOF

# The template filled by hand (Python, as CloudFormation would for these values, which need no
# escaping) runs exactly as the template with the options.
python3 - tpl.asl.json values.json >byhand.asl.json <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
v = json.load(open(sys.argv[2]))
v["Who"] = "world"  # CloudFormation pastes raw text: only a value without " \ or controls is the same
def fill(m):
    x = v.get(m.group(1))
    return m.group(0) if x is None else (json.dumps(x) if isinstance(x, bool) else str(x))
print(re.sub(r"\$\{([A-Za-z0-9_.:\[\]-]+)\}", fill, text))
EOF
for mode in interp jit aot; do
	run "$ASLC" run byhand.asl.json --input in.json --bindings bind.json --mode "$mode"
	want=$out
	run "$ASLC" run tpl.asl.json "${S[@]}" --substitution Who=world --input in.json --bindings bind.json --mode "$mode"
	if [ "$rc" -eq 0 ] && [ "$out" = "$want" ]; then ok "same_as_filled_by_hand_$mode"; else
		fail "same_as_filled_by_hand_$mode" "exit $rc, '$(firstline "$out")' vs '$(firstline "$want")'"; fi
done

# graph, emit-c and bench take the options too.
run "$ASLC" graph tpl.asl.json "${S[@]}"
if [ "$rc" -eq 0 ] && [[ $out == *"Shape prod"* ]] && [[ $out != *'${Stage}'* ]]; then ok graph_draws_filled_names; else
	fail graph_draws_filled_names "exit $rc: $(firstline "$err")"; fi
run "$ASLC" emit-c tpl.asl.json "${S[@]}" -o tpl.c
if [ "$rc" -eq 0 ] && grep -q 'function:echo' tpl.c; then ok emit_c_fills; else fail emit_c_fills "exit $rc: $(firstline "$err")"; fi
run "$ASLC" bench tpl.asl.json "${S[@]}" --input in.json --bindings bind.json --runs 1 --modes interp,jit --no-count
if [ "$rc" -eq 0 ]; then ok bench_fills_for_every_run; else fail bench_fills_for_every_run "exit $rc: $(firstline "$err")"; fi

# ---------------------------------------------------------------- which value wins
echo '{"Who": "from the first file"}' >first.json
echo '{"Who": "from the second file"}' >second.json
winner() { # winner NAME WANT ARGS...: the greeting the Pass state makes
	local name=$1 want=$2
	shift 2
	run "$ASLC" run tpl.asl.json "${S[@]}" "$@" --input in.json --bindings bind.json --mode interp
	local got
	got=$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["greeting"])' 2>/dev/null)
	if [ "$got" = "hello $want" ]; then ok "$name"; else fail "$name" "greeting '$got', expected 'hello $want'"; fi
}
winner later_file_wins "from the second file" --substitutions first.json --substitutions second.json
winner option_wins_over_a_later_file "from the option" --substitution "Who=from the option" --substitutions second.json
winner last_option_wins "two" --substitution Who=one --substitution Who=two
# The smallest integer CloudFormation takes pastes as written, between values and in JSONata.
echo '{"Count": -2147483648}' >smallest.json
run "$ASLC" run tpl.asl.json "${S[@]}" --substitutions smallest.json --input in.json --bindings bind.json --mode jit
expect_json smallest_integer_pastes 0 "dict($out_expr, count=-2147483648)"

# ---------------------------------------------------------------- placeholders left unfilled
# Once substitutions are given, a Resource left a placeholder is what AWS refuses: exit 2.
python3 -c 'import json; v = json.load(open("values.json")); del v["FnArn"]; print(json.dumps(v))' >no-fn.json
run "$ASLC" check tpl.asl.json --substitutions no-fn.json
expect_err unfilled_resource_is_an_error 2 'tpl.asl.json: /States/Call/Resource: ' '${FnArn}'
run "$ASLC" run tpl.asl.json --substitutions values.json --substitution Count=1 --input in.json \
	--bindings bind.json --mode jit
expect "filled_run_is_not_confused_by_other_values" 0 "$(python3 -c 'import json; v = json.load(open("values.json")); print(json.dumps({"greeting": "hello " + v["Who"], "count": 1, "enabled": True, "picked": "Ada", "literal": "${!Literal}"}))')"
cat >resource-only.asl.json <<'EOF'
{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "${FnArn}", "Parameters": {"who": "${Who}"}, "End": true}}}
EOF
run "$ASLC" run resource-only.asl.json --substitution Who=x --input in.json --mode interp
expect_err run_refuses_unfilled_resource 2 'resource-only.asl.json: /States/Call/Resource: ' '${FnArn}'
run "$ASLC" build resource-only.asl.json --substitution Who=x -o never.exe
expect_err build_refuses_unfilled_resource 2 '/States/Call/Resource' '${FnArn}'
[ ! -e never.exe ] && ok build_refused_writes_nothing || fail build_refused_writes_nothing "never.exe exists"
# Without any substitution option the file is the template itself: warnings, and the Task
# fails when it runs, naming the literal resource.
run "$ASLC" check resource-only.asl.json
expect_err template_check_warns 0 'resource-only.asl.json: /States/Call/Resource: warning: ' '${FnArn}' \
	'resource-only.asl.json: /States/Call/Parameters/who: warning: ' '${Who}'
for mode in interp jit aot; do
	run "$ASLC" run resource-only.asl.json --input in.json --mode "$mode"
	if [ "$rc" -eq 1 ] && [[ $out == *States.TaskFailed*'${FnArn}'* ]]; then ok "unfilled_task_fails_$mode"; else
		fail "unfilled_task_fails_$mode" "exit $rc: $(firstline "$out")"; fi
done
# A placeholder between values keeps the text from being JSON: the syntax error names it.
run "$ASLC" check tpl.asl.json --substitution Stage=x
expect_err bare_placeholder_named 2 'tpl.asl.json:4:21: ' '${Timeout} stands between values'
# Line and column are those of the filled text, and say so.
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${Long}", "End": true}}, @}\n' >late.asl.json
col=$(python3 -c 'import sys; print(open("late.asl.json").read().replace("${Long}", "0123456789").index("@") + 1)')
run "$ASLC" check late.asl.json --substitution Long=0123456789
expect_err syntax_error_positions_are_filled_text 2 "late.asl.json:1:$col: " 'placeholders filled'

# ---------------------------------------------------------------- hostile values
# A value that would end a C string or comment, start a preprocessor line, hold escapes, a
# control character and text outside ASCII reaches generated C only as escaped data: the
# workflow builds and gives back the value byte for byte in every mode.
python3 - <<'EOF'
import json
evil = 'q"uote */ end /* open \\ back\n#include "EVIL_MARKER.h"\n\\u0000 nul-escape \\x41 \x01 \u00e9\u4e2d ??/ trigraph'
json.dump({"Evil": evil}, open("evil.json", "w"))
json.dump({"StartAt": "P", "States": {"P": {"Type": "Pass",
    "Parameters": {"v": "${Evil}", "${Evil}": 1}, "End": True}}}, open("evil.asl.json", "w"))
EOF
evil_expr='{"v": json.load(open("evil.json"))["Evil"], json.load(open("evil.json"))["Evil"]: 1}'
for mode in interp jit aot; do
	run "$ASLC" run evil.asl.json --substitutions evil.json --input in.json --mode "$mode"
	expect_json "hostile_value_is_data_$mode" 0 "$evil_expr"
done
run "$ASLC" build evil.asl.json --substitutions evil.json -o evil.exe
if [ "$rc" -ne 0 ]; then fail hostile_value_builds "exit $rc: $(firstline "$err")"; else
	run ./evil.exe --input in.json
	expect_json hostile_value_is_data_exe 0 "$evil_expr"
fi
run "$ASLC" emit-c evil.asl.json --substitutions evil.json -o evil.c
if [ "$rc" -eq 0 ] && ! grep -q '^ *#include "EVIL_MARKER' evil.c && grep -q 'EVIL_MARKER' evil.c; then
	ok hostile_value_never_a_c_line; else fail hostile_value_never_a_c_line "exit $rc, or a line of C holds it"; fi
# The same value pasted between values is JSON text, so it must parse as JSON: here it does not.
cat >bare.asl.json <<'EOF'
{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": ${Evil}, "End": true}}}
EOF
run "$ASLC" check bare.asl.json --substitutions evil.json
expect_err hostile_bare_value_is_a_syntax_error 2 'bare.asl.json:1:' 'placeholders filled'
# A value that is JSON pastes as JSON there, as CloudFormation pastes it.
run "$ASLC" run bare.asl.json --substitution 'Evil={"a": ["*/", "#include"]}' --input in.json --mode aot
expect bare_json_value_pastes 0 '{"a": ["*/", "#include"]}'
# Invalid UTF-8 and NUL are refused where they come in.
run "$ASLC" check evil.asl.json --substitution "Evil=$(printf 'ok\377')"
expect_err invalid_utf8_option_refused 2 '--substitution Evil: the value is not valid UTF-8'
printf '{"Evil": "ok\377"}' >badutf8.json
run "$ASLC" check evil.asl.json --substitutions badutf8.json
expect_err invalid_utf8_file_refused 2 '--substitutions badutf8.json:1:' 'UTF-8'
printf '{"Evil": "a\\u0000b"}' >nul.json
run "$ASLC" check evil.asl.json --substitutions nul.json
expect_err nul_in_file_refused 2 '--substitutions nul.json:1:' 'NUL'

# ---------------------------------------------------------------- bad options, every command
bad() { # bad NAME TEXT ARGS...: each command refuses ARGS with exit 2 and TEXT on stderr
	local name=$1 text=$2 cmd
	shift 2
	for cmd in check run build emit-c graph bench; do
		local extra=()
		[ "$cmd" = build ] && extra=(-o never.exe)
		run "$ASLC" "$cmd" tpl.asl.json "${extra[@]}" "$@"
		expect_err "${name}_$cmd" 2 "$text"
	done
}
echo '["not", "an", "object"]' >array.json
echo '{"Stage": {"nested": 1}}' >object-value.json
echo '{"Stage": [1]}' >array-value.json
echo '{"Stage": null}' >null-value.json
echo '{"Count": 1.5}' >fraction.json
echo '{"Count": 3000000000}' >too-big.json
echo '{"bad name": "x"}' >bad-name.json
echo '{"Stage": "a", "Stage": "b"}' >twice.json
printf '{"Stage": @}' >notjson.json
bad not_an_object '--substitutions array.json: expected a JSON object of names to values, not an array' \
	--substitutions array.json
bad object_value '--substitutions object-value.json: /Stage: the value is an object' --substitutions object-value.json
bad array_value '--substitutions array-value.json: /Stage: the value is an array' --substitutions array-value.json
bad null_value '--substitutions null-value.json: /Stage: the value is null' --substitutions null-value.json
bad fraction_value 'fraction.json: /Count: the value is a number that is not an integer' --substitutions fraction.json
bad too_big_value 'too-big.json: /Count: the value is a number that is not an integer' --substitutions too-big.json
bad bad_name_in_file '--substitutions bad-name.json: /bad name: "bad name" is not a placeholder name' \
	--substitutions bad-name.json
bad name_twice '--substitutions twice.json: /Stage: the name is given twice' --substitutions twice.json
bad file_not_json '--substitutions notjson.json:1:' --substitutions notjson.json
bad missing_file '--substitutions no-such.json: ' --substitutions no-such.json
bad no_equals "--substitution 'Stage': expected NAME=VALUE" --substitution Stage
bad bad_name_option 'is not a placeholder name' --substitution 'a b=c'
bad empty_name_option 'is not a placeholder name' --substitution '=c'
bad no_value '--substitution needs NAME=VALUE' --substitution
bad no_file '--substitutions needs a file' --substitutions
echo '{"A": "x${B}", "B": "y${A}"}' >cycle.json
sed 's/"hello ${Who}"/"${A}"/' tpl.asl.json >cycle.asl.json
run "$ASLC" check cycle.asl.json --substitutions cycle.json --substitution FnArn=arn:aws:lambda:us-east-1:1:function:f
expect_err cycle_refused 2 'the substitution for A leads back to itself (${A} -> ${B} -> ${A})'
# A value may hold another placeholder, filled in turn, as CloudFormation fills it.
run "$ASLC" run tpl.asl.json "${S[@]}" --substitution 'Who=${Stage}!' --input in.json --bindings bind.json --mode interp
got=$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["greeting"])' 2>/dev/null)
[ "$got" = "hello prod!" ] && ok nested_value_filled || fail nested_value_filled "greeting '$got'"

summary
