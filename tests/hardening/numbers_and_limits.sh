#!/usr/bin/env bash
# numbers_and_limits.sh — numbers out of an integer's range ($round, $formatBase, MaxItemsPath,
# ToleratedFailureCount, $toMillis), --time-scale bounds, and the cost of refusing deep or long
# expressions: clean failures in every mode, no float-cast-overflow report, no hang.
set -u
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-hardening.XXXXXX"); trap 'rm -rf "$T"' EXIT; cd "$T" || exit 2

echo '{}' >empty.json

# jsonata_wf FILE EXPR: a JSONata Pass state whose Output is {% EXPR %}.
jsonata_wf() {
	python3 -c 'import json, sys
print(json.dumps({"QueryLanguage": "JSONata", "StartAt": "P",
                  "States": {"P": {"Type": "Pass", "Output": "{% " + sys.argv[1] + " %}", "End": True}}}))' \
		"$2" >"$1"
}

# --- $round(1.5, 1e10): JSONata shifts 1.5 by 10^10 places, gets Infinity, and returns NaN, which
# is no JSON number: D1001 here, as for $round(1.5, 400). The precision never reaches an int.
jsonata_wf round_up.asl.json '$round(1.5, 1e10)'
check_d1001() { expect_clean_failure "$1" 1 'D1001: Number out of range'; }
CHECK=check_d1001 in_every_mode round_precision_1e10_is_d1001 round_up.asl.json --input empty.json
# ... and 10^-10^10 places down is 0, as in JSONata.
jsonata_wf round_down.asl.json '$round(1.5, -1e10)'
check_zero() { expect "$1" 0 '0'; }
CHECK=check_zero in_every_mode round_precision_minus_1e10_is_0 round_down.asl.json --input empty.json

# --- $formatBase(10, 1e10): JSONata's D3100, naming the radix as given.
jsonata_wf radix.asl.json '$formatBase(10, 1e10)'
check_d3100() {
	expect_clean_failure "$1" 1 'D3100: The radix of the formatBase function must be between 2 and 36.  It was given 10000000000'
}
CHECK=check_d3100 in_every_mode format_base_radix_1e10_is_d3100 radix.asl.json --input empty.json

# --- $toMillis with a month of 10^400 or a year of 10^22: out of Date's range, so NaN in JSONata,
# undefined here ($exists says false); the month never reaches an int.
big=$(printf '9%.0s' $(seq 400))
jsonata_wf tomillis.asl.json "[\$exists(\$toMillis(\"2020-$big-01\", \"[Y]-[M]-[D]\")), \$exists(\$toMillis(\"99999999999999999999999-001\", \"[Y]-[d]\")), \$toMillis(\"2020-100\", \"[Y]-[d]\")]"
check_tomillis() { expect "$1" 0 '[false, false, 1586390400000]'; }
CHECK=check_tomillis in_every_mode to_millis_out_of_range_is_undefined tomillis.asl.json --input empty.json

# --- a Map whose ItemReader takes MaxItemsPath from the input: 1e300 (and -1e300) is no integer.
mkdir -p s3/bkt
printf '[1, 2, 3]' >s3/bkt/items.json
cat >reader.asl.json <<'EOF'
{"StartAt": "M", "States": {"M": {"Type": "Map",
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                 "Parameters": {"Bucket": "bkt", "Key": "items.json"},
                 "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.max"}},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
  "End": true}}}
EOF
echo '{"max": 1e300}' >max-huge.json
echo '{"max": -1e300}' >max-neg.json
echo '{"max": 2}' >max-two.json
check_max_items() {
	expect_clean_failure "$1" 1 "The MaxItemsPath field refers to value"
	[[ $out == *States.ItemReaderFailed* && $out == *"not a valid integer"* ]] ||
		fail "$1_error" "expected States.ItemReaderFailed, not a valid integer: $(firstline "$out")"
}
CHECK=check_max_items in_every_mode max_items_path_1e300_is_not_an_integer reader.asl.json \
	--input max-huge.json --s3-root s3
CHECK=check_max_items in_every_mode max_items_path_minus_1e300_is_not_an_integer reader.asl.json \
	--input max-neg.json --s3-root s3
check_two_items() { expect "$1" 0 '[1, 2]'; }
CHECK=check_two_items in_every_mode max_items_path_2_reads_two reader.asl.json --input max-two.json --s3-root s3

# --- ToleratedFailureCount 1e300 (the definition allows it) and from JSONata: tolerates all.
cat >tolerate.asl.json <<'EOF'
{"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": 1e300,
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
  "End": true}}}
EOF
cat >tolerate-jsonata.asl.json <<'EOF'
{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "Items": "{% [1, 2] %}",
  "ToleratedFailureCount": "{% 1e300 %}",
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
  "End": true}}}
EOF
echo '[1, 2]' >two.json
CHECK=check_two_items in_every_mode tolerated_failure_count_1e300 tolerate.asl.json --input two.json
CHECK=check_two_items in_every_mode tolerated_failure_count_jsonata_1e300 tolerate-jsonata.asl.json --input empty.json

# --- --time-scale: nonsense is refused before anything runs (exit 2), by aslc and by a built
# executable alike; a scale that stretches a valid Wait past 2^31 s fails it at once.
cat >wait1.asl.json <<'EOF'
{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}
EOF
cat >wait-long.asl.json <<'EOF'
{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": true}}}
EOF
run "$ASLC" build wait1.asl.json -o wait1
[ "$rc" -eq 0 ] || fail time_scale_build "aslc build failed (exit $rc): $(firstline "$err")"
for scale in 1e300 inf nan -1 1001 ''; do
	run timeout 20 "$ASLC" run wait1.asl.json --input empty.json --time-scale "$scale"
	expect_usage "time_scale_${scale:-empty}_is_refused" "--time-scale needs a number from 0 to 1000"
	run timeout 20 ./wait1 --input empty.json --time-scale "$scale"
	expect_usage "time_scale_${scale:-empty}_is_refused_by_the_executable" "--time-scale needs a number from 0 to 1000"
done
check_too_long() { expect_clean_failure "$1" 1 'Wait state delay is too long: 99999999 seconds scaled by --time-scale 1000'; }
CHECK=check_too_long in_every_mode time_scale_1000_on_a_long_wait_fails wait-long.asl.json \
	--input empty.json --time-scale 1000
check_empty() { expect "$1" 0 '{}'; }
CHECK=check_empty in_every_mode time_scale_0_skips_the_wait wait-long.asl.json --input empty.json --time-scale 0

# --- 200,000 nested object constructors in a JSONata expression: refused at the nesting limit,
# naming the field, without first spending half a gigabyte (measured: 6 MB, 0.1 s).
python3 - <<'EOF'
import json
n = 200000
def wf(expr, name, lang="JSONata"):
    d = {"QueryLanguage": lang, "StartAt": "P",
         "States": {"P": {"Type": "Pass", "Output": "{% " + expr + " %}", "End": True}}}
    with open(name, "w") as f:
        json.dump(d, f)
wf('{"a":' * n + '1' + '}' * n, "deep.asl.json")
# 20,000 string literals, 20,000 lambda signatures: each once cost the rest of the text
wf('[' + ','.join(['"a"'] * 20000) + ']', "strings.asl.json")
wf('[' + ','.join(['function($x)<n:n>{$x}'] * 20000) + ']', "lambdas.asl.json")
cond = ' || '.join(["@.a == 'x'"] * 20000)
with open("path-strings.asl.json", "w") as f:
    json.dump({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.items[?(" + cond + ")]",
                                                "End": True}}}, f)
EOF
run timeout 20 "$ASLC" check deep.asl.json
if [ "$rc" -ne 2 ]; then
	fail deep_jsonata_is_refused "exit $rc, expected 2: $(firstline "$err")"
elif [[ $err != *"deep.asl.json: /States/P/Output: invalid JSONata expression"* ||
	$err != *"S0299: The expression is nested too deeply (more than 500 levels)"* ]]; then
	fail deep_jsonata_is_refused "unexpected message: $(firstline "$err")"
else
	ok deep_jsonata_is_refused
fi
for f in strings lambdas path-strings; do
	run timeout 20 "$ASLC" check "$f.asl.json"
	if [ "$rc" -eq 0 ]; then ok "many_${f}_check"; else fail "many_${f}_check" "exit $rc: $(firstline "$err")"; fi
done

summary
