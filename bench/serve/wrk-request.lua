-- wrk script for bench/serve.py: every request is the same awsJson1_0 call, an operation
-- (X-Amz-Target) and a body given in the environment, so that every server under test gets
-- identical requests. done() prints one JSON line that serve.py reads.
local target = os.getenv("SFN_TARGET")
local body = os.getenv("SFN_BODY")

wrk.method = "POST"
wrk.path = "/"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "AWSStepFunctions." .. target
-- A fixed, syntactically valid SigV4 header: servers that do not check signatures (all of them
-- here) still see what SDKs send.
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/states/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"

local non2xx = 0
function response(status, headers, body)
  if status ~= 200 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  -- response() runs in each thread's own interpreter; the counts come from the summary.
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "errors": %d, "non2xx": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
