#!/usr/bin/env bash
# http_invoke.sh — arn:aws:states:::http:invoke and http bindings may reach only http(s): no
# file:// (literal or from the input), no redirect elsewhere, no header or request-line injection
# through Headers, Method or QueryParameters; a loopback http:// endpoint still works.
set -u
. "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/aslc-hardening.XXXXXX")
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 2

# A file no request may read: its contents must never appear in any output.
secret=SECRET-$$-do-not-read
echo "$secret" >"$T/secret.txt"
echo '{}' >"$T/empty.json" # the runs read stdin (here /dev/null) unless given --input

# The loopback server: every request is appended to requests.log (one JSON object a line) and
# answered with {"method", "path", "headers", "body"}; /redirect answers 302 to the secret file.
cat >"$T/server.py" <<'EOF'
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("latin-1") if n else ""
        seen = {"method": self.command, "path": self.path, "headers": [[k, v] for k, v in self.headers.items()],
                "body": body}
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps(seen) + "\n")
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file://" + sys.argv[3])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = handle_any

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
EOF
python3 "$T/server.py" "$T/port" "$T/requests.log" "$T/secret.txt" &
server_pid=$!
for _ in $(seq 100); do
	[ -s "$T/port" ] && break
	sleep 0.1
done
if [ ! -s "$T/port" ]; then
	echo "FAIL http_invoke: the loopback server did not start"
	exit 1
fi
PORT=$(cat "$T/port")
URL=http://127.0.0.1:$PORT

# task NAME PARAMETERS: a one-state workflow calling http:invoke with PARAMETERS (JSON).
task() {
	printf '{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": %s, "End": true}}}\n' \
		"$2" >"$T/$1.asl.json"
}
# input NAME JSON
input() { printf '%s\n' "$2" >"$T/$1.in.json"; }
no_secret() { [[ $out != *"$secret"* && $err != *"$secret"* ]]; }
# The requests the server saw that contain TEXT (0 when none did).
seen() {
	if [ -f "$T/requests.log" ]; then grep -c -F -- "$1" "$T/requests.log"; else echo 0; fi
}

# ---------------------------------------------------------------- file:// and other schemes

task file-literal '{"ApiEndpoint": "file:///etc/hostname", "Method": "GET"}'
run "$ASLC" check "$T/file-literal.asl.json"
expect_usage check_rejects_a_literal_file_endpoint "/States/Call/Parameters/ApiEndpoint: the value for the 'ApiEndpoint' field is not valid"
for mode in interp jit aot; do
	run "$ASLC" run "$T/file-literal.asl.json" --mode "$mode"
	expect_usage "run_rejects_a_literal_file_endpoint_$mode" "/States/Call/Parameters/ApiEndpoint"
done
run "$ASLC" build "$T/file-literal.asl.json" -o "$T/never"
expect_usage build_rejects_a_literal_file_endpoint "/States/Call/Parameters/ApiEndpoint"

i=0
for bad in "file://$T/secret.txt" "FILE://$T/secret.txt" "file:$T/secret.txt" "ftp://127.0.0.1:$PORT/x" \
	"gopher://127.0.0.1:$PORT/x" "dict://127.0.0.1:$PORT/x" "http://example.com:$PORT/" \
	"http://127.0.0.1@example.com/" "http://localhost.example.com:$PORT/" "http://127.0.0.1.nip.io/" \
	"http://127.1:$PORT/" "https://exa mple.com/" "$T/secret.txt"; do
	i=$((i + 1))
	task file-dynamic '{"ApiEndpoint.$": "$.url", "Method": "GET"}'
	input file-dynamic "$(python3 -c 'import json,sys; print(json.dumps({"url": sys.argv[1]}))' "$bad")"
	check_dynamic_endpoint() {
		if [ "$rc" -ne 1 ]; then
			fail "$1" "exit $rc, expected 1 for ApiEndpoint $bad; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
		elif ! python3 -c 'import json,sys; o=json.loads(sys.argv[1]); sys.exit(0 if o["Error"] == "States.Runtime" and "'"'"'ApiEndpoint'"'"' field is not valid" in o["Cause"] else 1)' "$out" 2>/dev/null; then
			fail "$1" "for ApiEndpoint $bad: $(firstline "$out")"
		elif ! no_secret; then
			fail "$1" "the file's contents reached the output"
		else
			ok "$1"
		fi
	}
	CHECK=check_dynamic_endpoint
	if [ "$i" -eq 1 ]; then
		in_every_mode dynamic_file_endpoint_fails_with_states_runtime "$T/file-dynamic.asl.json" --input "$T/file-dynamic.in.json"
	else
		run "$ASLC" run "$T/file-dynamic.asl.json" --input "$T/file-dynamic.in.json" --mode interp
		check_dynamic_endpoint "dynamic_endpoint_${i}_fails_with_states_runtime"
	fi
done
[ "$(seen /)" -eq 0 ] && ok refused_endpoints_sent_nothing || fail refused_endpoints_sent_nothing "$(cat "$T/requests.log")"

# A redirect is the answer, not followed: not to file://, not anywhere.
task redirect "{\"ApiEndpoint\": \"$URL/redirect\", \"Method\": \"GET\"}"
check_redirect() {
	if [ "$rc" -ne 0 ] || ! no_secret || [[ $out != *'"StatusCode":302'* ]]; then
		fail "$1" "exit $rc; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
	else
		ok "$1"
	fi
}
CHECK=check_redirect in_every_mode redirect_to_file_is_not_followed "$T/redirect.asl.json" --input "$T/empty.json"

# The {"http": URL} binding: http(s) only, its redirects not followed either.
printf '{"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::aslc:bound", "End": true}}}\n' >"$T/bound.asl.json"
printf '{"arn:aws:states:::aslc:bound": {"http": "%s/redirect"}}\n' "$URL" >"$T/bindings.json"
run "$ASLC" run "$T/bound.asl.json" --bindings "$T/bindings.json" --input "$T/empty.json" --mode interp
if [ "$rc" -eq 1 ] && no_secret && [[ $out == *'answered HTTP 302'* ]]; then ok binding_redirect_is_not_followed
else fail binding_redirect_is_not_followed "exit $rc; stdout: $(firstline "$out"); stderr: $(firstline "$err")"; fi
printf '{"arn:aws:states:::aslc:bound": {"http": "file://%s"}}\n' "$T/secret.txt" >"$T/bindings.json"
run "$ASLC" run "$T/bound.asl.json" --bindings "$T/bindings.json" --input "$T/empty.json" --mode interp
expect_usage binding_to_a_file_url_is_refused '"http" must be a URL starting with http:// or https://'

# ---------------------------------------------------------------- header and request-line injection

task header-literal '{"ApiEndpoint": "'"$URL"'/h", "Method": "GET", "Headers": {"X-A": "v\r\nInjected: yes"}}'
run "$ASLC" check "$T/header-literal.asl.json"
expect_usage check_rejects_a_header_value_with_crlf "/States/Call/Parameters/Headers/X-A: the header \"X-A\" is not valid"
run "$ASLC" run "$T/header-literal.asl.json"
expect_usage run_rejects_a_header_value_with_crlf "/States/Call/Parameters/Headers/X-A"

task method-literal '{"ApiEndpoint": "'"$URL"'/m", "Method": "GET / HTTP/1.1\r\nX-Smuggled: 1\r\nFoo:"}'
run "$ASLC" check "$T/method-literal.asl.json"
expect_usage check_rejects_a_smuggling_method "/States/Call/Parameters/Method: \"GET / HTTP/1.1\\r\\nX-Smuggled: 1\\r\\nFoo:\" is not allowed here"
run "$ASLC" run "$T/method-literal.asl.json"
expect_usage run_rejects_a_smuggling_method "/States/Call/Parameters/Method"

task header-name-literal '{"ApiEndpoint": "'"$URL"'/h", "Method": "GET", "Headers": {"Host": "evil.example", "X-Amz-Date": "1", "Bad:Name": "1"}}'
run "$ASLC" check "$T/header-name-literal.asl.json"
expect_usage check_rejects_a_refused_header "/States/Call/Parameters/Headers/Host: the 'Headers' field contains unsupported values: [host]"
[[ $err == *"/Headers/X-Amz-Date: "* && $err == *"/Headers/Bad:Name: "* ]] && ok check_reports_every_bad_header \
	|| fail check_reports_every_bad_header "$err"

# from the input: States.Runtime naming the field, and nothing sent
# dynamic NAME PARAMETERS INPUT FIELD_TEXT: in every mode, exit 1 with States.Runtime whose Cause has FIELD_TEXT.
dynamic() {
	local name=$1
	task "$name" "$2"
	input "$name" "$3"
	want=$4
	check_runtime() {
		if [ "$rc" -ne 1 ]; then
			fail "$1" "exit $rc, expected 1; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
		elif ! python3 -c 'import json,sys; o=json.loads(sys.argv[1]); sys.exit(0 if o["Error"] == "States.Runtime" and sys.argv[2] in o["Cause"] else 1)' "$out" "$want" 2>/dev/null; then
			fail "$1" "expected States.Runtime with '$want' in the Cause: $(firstline "$out")"
		else
			ok "$1"
		fi
	}
	CHECK=check_runtime in_every_mode "$name" "$T/$name.asl.json" --input "$T/$name.in.json"
}
dynamic header_value_crlf_from_input_fails '{"ApiEndpoint": "'"$URL"'/h", "Method": "GET", "Headers": {"X-A.$": "$.v"}}' \
	'{"v": "v\r\nInjected: yes"}' "The header 'X-A' in the 'Headers' field is not valid"
dynamic header_name_crlf_from_input_fails '{"ApiEndpoint": "'"$URL"'/h", "Method": "GET", "Headers.$": "$.h"}' \
	'{"h": {"X-A: 1\r\nInjected": "yes"}}' "in the 'Headers' field is not valid"
dynamic refused_header_from_input_fails '{"ApiEndpoint": "'"$URL"'/h", "Method": "GET", "Headers.$": "$.h"}' \
	'{"h": {"Host": "evil.example"}}' "The 'Headers' field contains unsupported values: [host]"
dynamic method_from_input_fails '{"ApiEndpoint": "'"$URL"'/m", "Method.$": "$.m"}' \
	'{"m": "GET / HTTP/1.1\r\nX-Smuggled: 1\r\nFoo:"}' "The value for the 'Method' field is not valid"
dynamic lower_case_method_fails '{"ApiEndpoint": "'"$URL"'/m", "Method.$": "$.m"}' '{"m": "get"}' \
	"The value for the 'Method' field is not valid"
[ "$(seen Injected)" -eq 0 ] && [ "$(seen Smuggled)" -eq 0 ] && [ "$(seen evil.example)" -eq 0 ] \
	&& ok injections_sent_nothing || fail injections_sent_nothing "$(grep -E 'Injected|Smuggled|evil' "$T/requests.log")"

# QueryParameters are percent-encoded: a CR LF stays inside the query.
task query '{"ApiEndpoint": "'"$URL"'/q?x=1#frag", "Method": "GET", "QueryParameters.$": "$.q"}'
input query '{"q": {"a b": "1\r\nInjected: yes", "k": "&=?#"}}'
check_query() {
	local path
	path=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ResponseBody"]["path"])' "$out" 2>/dev/null)
	if [ "$rc" -ne 0 ] || [ "$path" != "/q?x=1&a%20b=1%0D%0AInjected%3A%20yes&k=%26%3D%3F%23" ]; then
		fail "$1" "exit $rc; path '$path'; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
	else
		ok "$1"
	fi
}
CHECK=check_query in_every_mode query_parameters_are_percent_encoded "$T/query.asl.json" --input "$T/query.in.json"
[ "$(grep -c '"Injected"' "$T/requests.log")" -eq 0 ] && ok query_injection_adds_no_header \
	|| fail query_injection_adds_no_header "$(grep Injected "$T/requests.log")"

# ---------------------------------------------------------------- loopback endpoints still work

task loopback '{"ApiEndpoint.$": "$.url", "Method": "POST", "Headers": {"X-Test": "yes", "X-Empty": ""}, "RequestBody": {"k": "v"}}'
for host in 127.0.0.1 localhost; do
	input loopback "{\"url\": \"http://$host:$PORT/echo\"}"
	check_loopback() {
		if [ "$rc" -ne 0 ] || ! python3 - "$out" <<'EOF' 2>/dev/null; then
import json, sys
o = json.loads(sys.argv[1])
b = o["ResponseBody"]
h = {k.lower(): v for k, v in b["headers"]}
assert o["StatusCode"] == 200 and b["method"] == "POST" and b["path"] == "/echo"
assert h["x-test"] == "yes" and h["x-empty"] == "" and h["content-type"] == "application/json"
assert json.loads(b["body"]) == {"k": "v"}
EOF
			fail "$1" "exit $rc; stdout: $(firstline "$out"); stderr: $(firstline "$err")"
		else
			ok "$1"
		fi
	}
	CHECK=check_loopback in_every_mode "loopback_http_to_${host//./_}_works" "$T/loopback.asl.json" --input "$T/loopback.in.json"
done

task head '{"ApiEndpoint": "'"$URL"'/head", "Method": "HEAD"}'
run "$ASLC" run "$T/head.asl.json" --input "$T/empty.json" --mode interp
if [ "$rc" -eq 0 ] && [[ $out == *'"StatusCode":200'* ]]; then ok head_request_gets_its_answer
else fail head_request_gets_its_answer "exit $rc; stdout: $(firstline "$out"); stderr: $(firstline "$err")"; fi

# RequestBodyEncoding URL_ENCODED, in each array format.
for f in INDICES:'a[0]=x&a[1]=y%20z&o[k]=1&n=' BRACKETS:'a[]=x&a[]=y%20z&o[k]=1&n=' REPEAT:'a=x&a=y%20z&o[k]=1&n=' \
	COMMAS:'a=x,y%20z&o[k]=1&n='; do
	fmt=${f%%:*} want=${f#*:}
	task "form-$fmt" '{"ApiEndpoint": "'"$URL"'/form", "Method": "POST", "Headers": {"Content-Type": "text/plain"}, "RequestBody": {"a": ["x", "y z"], "o": {"k": 1}, "n": null}, "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "'"$fmt"'"}}}'
	run "$ASLC" run "$T/form-$fmt.asl.json" --input "$T/empty.json" --mode interp
	got=$(python3 -c 'import json,sys; b=json.loads(sys.argv[1])["ResponseBody"]; h={k.lower(): v for k, v in b["headers"]}; print(h["content-type"] + " " + b["body"])' "$out" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ "$got" = "application/x-www-form-urlencoded $want" ]; then ok "url_encoded_body_$fmt"
	else fail "url_encoded_body_$fmt" "exit $rc; got '$got', expected '$want'; stderr: $(firstline "$err")"; fi
done

summary
