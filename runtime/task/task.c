/* task.c — the Task state: data flow around one unit of work, with Retry,
 * timeouts and task tokens.
 *
 * Where the work happens is decided per attempt, in design.md's order:
 *   1. the mock configuration (--mock-config/--test-case): its Return is the
 *      raw task result, as is; its Throw the failure;
 *   2. --bindings: an exec or http handler (bindings.c);
 *   3. native handlers linked into the executable (native.c);
 *   4. built-in integrations (arn:aws:states:::http:invoke);
 *   4b. with --aws, the AWS service itself (runtime/aws/aws_task.c): every
 *       arn:<partition>:states::: resource and Lambda function ARN;
 *   5. an embedding host (execution.h): a .waitForTaskToken Task waits for
 *      SendTaskSuccess/Failure, an activity for a worker (host_task.c);
 *   6. else States.TaskFailed naming the unbound resource.
 * A handler of arn:aws:states:::lambda:invoke gets the Payload and its answer
 * is wrapped as AWS wraps Lambda's ({"Payload": ..., "StatusCode": 200, ...});
 * a bare Lambda ARN's answer is the result itself. A .waitForTaskToken Task
 * gets a fresh token per attempt, visible as $$.Task.Token while its
 * Parameters are evaluated; the handler's answer is the callback's outcome.
 *
 * Each attempt re-evaluates Parameters (so $$.State.RetryCount counts) and
 * runs under TimeoutSeconds and HeartbeatSeconds, which fail it with
 * States.Timeout (no cause; AWS reports missed heartbeats that way too).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws_task.h"
#include "bindings.h"
#include "dataflow.h"
#include "enter.h"
#include "exec.h"
#include "exec_handler.h"
#include "history.h"
#include "host_task.h"
#include "http_handler.h"
#include "inspect.h"
#include "jsonpath.h"
#include "mock.h"
#include "native.h"
#include "query.h"
#include "retry.h"
#include "signals.h"
#include "task.h"
#include "timestamp.h"
#include "random.h"

/* What a Resource asks of its handler. */
enum {
    RES_OTHER,         /* the handler's answer is the result */
    RES_LAMBDA_INVOKE, /* arn:<partition>:states:::lambda:invoke: Payload in, AWS's wrapper out */
    RES_LAMBDA_TOKEN,  /* ...:::lambda:invoke.waitForTaskToken: Payload in, callback out */
    RES_LAMBDA_ARN     /* arn:<partition>:lambda:<region>:<acct>:function:<name>: the function itself */
};

/* The resource after "arn:<partition>:", or NULL when it is not an ARN. */
static const char *after_partition(const char *r)
{
    if (strncmp(r, "arn:", 4) != 0)
        return NULL;
    const char *colon = strchr(r + 4, ':');
    return colon ? colon + 1 : NULL;
}

static int resource_kind(const char *r)
{
    const char *s = after_partition(r);
    if (!s)
        return RES_OTHER;
    switch (aslrt_lambda_invoke_kind(r)) {
    case 1:
        return RES_LAMBDA_INVOKE;
    case 2:
        return RES_LAMBDA_TOKEN;
    }
    if (strncmp(s, "lambda:", 7) == 0 && strstr(s, ":function:"))
        return RES_LAMBDA_ARN;
    return RES_OTHER;
}

/* The callback pattern: arn:aws:states:::<service>:<action>.waitForTaskToken. */
static int waits_for_token(const char *r)
{
    static const char suffix[] = ".waitForTaskToken";
    size_t n = strlen(r), k = sizeof suffix - 1;
    return n > k && strcmp(r + n - k, suffix) == 0;
}

int aslrt_task_builtin(const char *resource)
{
    const char *s = after_partition(resource);
    return s && strcmp(s, "states:::http:invoke") == 0;
}

/* -------------------------------------------------------------- timing */

double aslrt_task_deadline(const aslrt_task *t)
{
    if (t->timeout_at > 0 && (t->heartbeat_at <= 0 || t->timeout_at <= t->heartbeat_at))
        return t->timeout_at;
    return t->heartbeat_at;
}

int aslrt_task_expired(const aslrt_task *t, double now)
{
    return (t->timeout_at > 0 && now >= t->timeout_at) || (t->heartbeat_at > 0 && now >= t->heartbeat_at);
}

/* TimeoutSeconds/TimeoutSecondsPath or HeartbeatSeconds/HeartbeatSecondsPath
   (`field` names the Path form), read from the effective input: *out in
   seconds, 0 for none. A path that misses is States.Runtime with
   InputPath's cause; its value must be a positive integer [?: AWS's exact
   cause for a bad value is not recorded]. */
static int task_seconds(aslrt_exec *ex, const aslrt_path *p, double literal, const char *field, const cJSON *eff,
                        double *out)
{
    *out = literal > 0 ? literal : 0;
    if (!p)
        return 0;
    const cJSON *n = aslrt_path_get(ex, p, eff);
    if (!n) {
        char *cause = aslrt_path_miss_cause(ex, p, eff);
        aslrt_runtime_error(ex, "%s", cause);
        free(cause);
        return -1;
    }
    if (!cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble) || n->valuedouble < 1 ||
        n->valuedouble > 99999999) {
        char *text = aslrt_json_text(n);
        aslrt_runtime_error(ex, "The %s parameter must reference a positive integer: %s == %s", field, p->text, text);
        free(text);
        return -1;
    }
    *out = n->valuedouble;
    return 0;
}

/* ------------------------------------------------------ handler answers */

char *aslrt_task_excerpt(const char *text, size_t len)
{
    enum { MAX = 200 };
    size_t n = len;
    int cut = 0;
    if (n > MAX) {
        n = MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
            n--;
        cut = 1;
    }
    char *s = aslrt_xmalloc(n + 4);
    memcpy(s, text, n);
    strcpy(s + n, cut ? "..." : "");
    for (size_t i = 0; i < n; i++) /* one line, no NULs */
        if (s[i] == '\0' || s[i] == '\n' || s[i] == '\r')
            s[i] = ' ';
    return s;
}

/* Strips whitespace around text[0..*len). */
static const char *trim(const char *text, size_t *len)
{
    size_t a = 0, b = *len;
    while (a < b && strchr(" \t\r\n", text[a]) && text[a])
        a++;
    while (b > a && strchr(" \t\r\n", text[b - 1]) && text[b - 1])
        b--;
    *len = b - a;
    return text + a;
}

/* text as exactly one JSON value (surrounding whitespace allowed), or NULL. */
static cJSON *parse_exact(const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!v)
        return NULL;
    size_t rest = len - (size_t)(end - text);
    trim(end, &rest);
    if (rest != 0) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

cJSON *aslrt_task_parse_result(aslrt_exec *ex, const char *who, const char *text, size_t len)
{
    const char *t = trim(text, &len);
    if (len == 0) {
        aslrt_error_setf(ex, "States.TaskFailed", "%s returned nothing; it must answer with the result as JSON.", who);
        return NULL;
    }
    cJSON *v = parse_exact(t, len);
    if (!v) {
        char *ex_text = aslrt_task_excerpt(t, len);
        aslrt_error_setf(ex, "States.TaskFailed", "%s returned a result that is not JSON: %s", who, ex_text);
        free(ex_text);
    }
    return v;
}

int aslrt_task_lambda_error(aslrt_exec *ex, const char *text, size_t len)
{
    const char *t = trim(text, &len);
    cJSON *v = len ? parse_exact(t, len) : NULL;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(v, "errorType");
    int is_error = cJSON_IsObject(v) && cJSON_IsString(type) && cJSON_GetObjectItemCaseSensitive(v, "errorMessage");
    for (const cJSON *m = is_error ? v->child : NULL; m; m = m->next) {
        static const char *const known[] = {"errorMessage", "errorType", "requestId", "stackTrace", "cause"};
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok |= strcmp(m->string, known[i]) == 0;
        is_error &= ok;
    }
    if (is_error) {
        char *cause = aslrt_xmalloc(len + 1);
        memcpy(cause, t, len);
        cause[len] = '\0';
        aslrt_error_set(ex, type->valuestring, cause);
        free(cause);
    }
    cJSON_Delete(v);
    return is_error;
}

/* ------------------------------------------------------- lambda:invoke */

/* Adds name: value to headers (HttpHeaders) and name: [value] to all
   (AllHttpHeaders), as the AWS SDK reports them. */
static void add_header(cJSON *all, cJSON *headers, const char *name, const char *value)
{
    cJSON *a = aslrt_xjson(cJSON_AddArrayToObject(all, name));
    cJSON_AddItemToArray(a, aslrt_xjson(cJSON_CreateString(value)));
    aslrt_xjson(cJSON_AddStringToObject(headers, name, value));
}

/* What arn:aws:states:::lambda:invoke returns around the function's answer
   `payload` (taken) [A recorded]: ExecutedVersion, Payload, SdkHttpMetadata
   {AllHttpHeaders, HttpHeaders, HttpStatusCode}, SdkResponseMetadata, and
   StatusCode, in that order. The headers are those AWS sends, with local
   values. */
static cJSON *lambda_response(cJSON *payload)
{
    char id[37], length[24], date[64], trace[80];
    char *text = aslrt_json_text(payload);
    snprintf(length, sizeof length, "%zu", strlen(text));
    free(text);
    aslrt_uuid4(id);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    char rnd[37];
    aslrt_uuid4(rnd);
    snprintf(trace, sizeof trace, "Root=1-%08lx-%.8s%.4s%.4s%.4s%.4s;Sampled=0", (unsigned long)now, rnd, rnd + 9,
             rnd + 14, rnd + 19, rnd + 24);

    cJSON *r = aslrt_xjson(cJSON_CreateObject());
    aslrt_xjson(cJSON_AddStringToObject(r, "ExecutedVersion", "$LATEST"));
    cJSON_AddItemToObject(r, "Payload", payload);
    cJSON *meta = aslrt_xjson(cJSON_AddObjectToObject(r, "SdkHttpMetadata"));
    cJSON *all = aslrt_xjson(cJSON_AddObjectToObject(meta, "AllHttpHeaders"));
    cJSON *headers = aslrt_xjson(cJSON_AddObjectToObject(meta, "HttpHeaders"));
    add_header(all, headers, "Connection", "keep-alive");
    add_header(all, headers, "Content-Length", length);
    add_header(all, headers, "Content-Type", "application/json");
    add_header(all, headers, "Date", date);
    add_header(all, headers, "X-Amz-Executed-Version", "$LATEST");
    add_header(all, headers, "x-amzn-Remapped-Content-Length", "0");
    add_header(all, headers, "x-amzn-RequestId", id);
    add_header(all, headers, "X-Amzn-Trace-Id", trace);
    aslrt_xjson(cJSON_AddNumberToObject(meta, "HttpStatusCode", 200));
    cJSON *sdk = aslrt_xjson(cJSON_AddObjectToObject(r, "SdkResponseMetadata"));
    aslrt_xjson(cJSON_AddStringToObject(sdk, "RequestId", id));
    aslrt_xjson(cJSON_AddNumberToObject(r, "StatusCode", 200));
    return r;
}

/* ---------------------------------------------------------- one attempt */

/* Carries out one attempt through the first resolver that takes it:
   0 with *result (owned), or -1 with ex's error. `params` is the effective
   input after Parameters. */
static int invoke(aslrt_task *t, const cJSON *params, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    const aslrt_state *st = t->st;
    if (ex->run->mock) {
        int r = aslrt_mock_invoke(ex->run->mock, ex->run->mock_counts, ex, st->name, result);
        if (r <= 0)
            return r;
    }
    int kind = resource_kind(st->resource);
    const char *function_name = NULL;
    const cJSON *input = params;
    cJSON *empty = NULL;
    if (kind == RES_LAMBDA_INVOKE || kind == RES_LAMBDA_TOKEN) {
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(params, "FunctionName");
        function_name = cJSON_IsString(fn) ? fn->valuestring : NULL;
        input = cJSON_GetObjectItemCaseSensitive(params, "Payload");
        if (!input) /* no Payload: the function gets an empty event */
            input = empty = aslrt_xjson(cJSON_CreateObject());
    }

    int rc, by_aws = 0;
    cJSON *answer = NULL;
    const aslrt_binding *b = aslrt_bindings_find(ex->run->bindings, st->resource, function_name);
    aslrt_handler_fn native = b ? NULL : aslrt_native_find(st->resource, function_name);
    if (b && b->kind == ASLRT_BIND_EXEC)
        rc = aslrt_exec_invoke(t, b, input, &answer);
    else if (b)
        rc = aslrt_http_invoke(t, b->url, input, &answer);
    else if (native)
        rc = aslrt_native_invoke(t, native, input, &answer);
    else if (aslrt_task_builtin(st->resource))
        rc = aslrt_http_task(t, params, &answer);
    else if (ex->run->opt.aws && aslrt_aws_claims(st->resource))
        rc = aslrt_aws_task(t, params, &answer), by_aws = 1; /* AWS's own result shapes */
    else if (t->hosted_activity || aslrt_host_takes_token(t))
        rc = aslrt_host_task(t, t->hosted_activity, params, &answer);
    else if (function_name)
        rc = aslrt_error_setf(ex, "States.TaskFailed",
                              "No handler is bound to the resource '%s' (FunctionName '%s') of state '%s' "
                              "(use --mock-config or --bindings).",
                              st->resource, function_name, st->name);
    else
        rc = aslrt_error_setf(ex, "States.TaskFailed",
                              "No handler is bound to the resource '%s' of state '%s' (use --mock-config or --bindings).",
                              st->resource, st->name);
    cJSON_Delete(empty);
    if (rc != 0)
        return -1;
    *result = kind == RES_LAMBDA_INVOKE && !by_aws ? lambda_response(answer) : answer;
    return 0;
}

char *aslrt_task_new_token(void)
{
    unsigned char b[32];
    aslrt_secure_random_bytes(b, sizeof b);
    char *s = aslrt_xmalloc(2 * sizeof b + 1);
    for (size_t i = 0; i < sizeof b; i++)
        sprintf(s + 2 * i, "%02x", b[i]);
    return s;
}

/* Sets or clears $$.Task.Token (taken), dropping the cached $$. */
static void set_token(aslrt_exec *ex, char *token)
{
    free(ex->task_token);
    ex->task_token = token;
    cJSON_Delete(ex->context);
    ex->context = NULL;
}

/* One attempt: Parameters (with a fresh task token), the history events,
   the invocation under the task's timeouts. */
static int attempt(aslrt_exec *ex, const aslrt_state *st, const cJSON *eff, double timeout, double heartbeat,
                   cJSON **result)
{
    if (aslrt_stop_check(ex) != 0)
        return -1;
    char *token = waits_for_token(st->resource) ? aslrt_task_new_token() : NULL;
    cJSON *params;
    if (st->parameters) {
        if (token)
            set_token(ex, aslrt_xstrdup(token));
        params = aslrt_tmpl_eval(ex, st->parameters, eff);
        if (token)
            set_token(ex, NULL);
    } else {
        params = aslrt_xjson(cJSON_Duplicate(eff, 1));
    }
    if (!params) {
        free(token);
        return -1;
    }
    ASLRT_INSPECT(ex, (st->flags & ASLRT_JSONATA) ? "afterArguments" : "afterParameters", params);
    /* An activity the host hands to a worker is started when one takes it. */
    int hosted_activity = aslrt_host_takes_activity(ex, st);
    aslrt_history_task_scheduled(ex, st, params);
    if (!hosted_activity)
        aslrt_history_task_started(ex, st);
    double now = aslrt_now();
    aslrt_task t = {
        .ex = ex,
        .st = st,
        .token = token,
        .hosted_activity = hosted_activity,
        .timeout = timeout > 0 ? timeout : 0,
        .timeout_at = timeout > 0 ? now + timeout : 0,
        .heartbeat = heartbeat,
        .heartbeat_at = heartbeat > 0 ? now + heartbeat : 0,
    };
    int rc = invoke(&t, params, result);
    if (rc == 0)
        aslrt_history_task_succeeded(ex, st, *result);
    else
        aslrt_history_task_failed(ex, st);
    cJSON_Delete(params);
    free(token);
    return rc;
}

int aslrt_task_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (aslrt_state_enter(ex, st, *v) != 0)
        return -1;
    cJSON *eff = aslrt_input_path(ex, st, *v);
    if (!eff)
        return -1;
    double timeout, heartbeat;
    if (task_seconds(ex, st->timeout_seconds_path, st->timeout_seconds, "TimeoutSecondsPath", eff, &timeout) != 0 ||
        task_seconds(ex, st->heartbeat_seconds_path, st->heartbeat_seconds, "HeartbeatSecondsPath", eff,
                     &heartbeat) != 0 ||
        /* JSONata TimeoutSeconds / HeartbeatSeconds expressions (query.c) */
        (st->timeout_seconds_expr &&
         aslrt_query_number(ex, st->timeout_seconds_expr, eff, 1, 1, 99999999, &timeout) != 0) ||
        (st->heartbeat_seconds_expr &&
         aslrt_query_number(ex, st->heartbeat_seconds_expr, eff, 1, 1, 99999999, &heartbeat) != 0)) {
        cJSON_Delete(eff);
        return -1;
    }
    aslrt_retries retries;
    aslrt_retries_init(&retries, st);
    cJSON *result = NULL;
    int rc;
    for (;;) {
        rc = attempt(ex, st, eff, timeout, heartbeat, &result);
        if (rc == 0 || !aslrt_retry(ex, st, &retries))
            break;
        aslrt_error_clear(ex);
    }
    aslrt_retries_free(&retries);
    cJSON_Delete(eff);
    if (rc != 0)
        return -1;
    /* Assign, ResultSelector, ResultPath, OutputPath, or JSONata's Assign and Output */
    if (aslrt_state_finish(ex, st, v, result, st->assign, st->output) != 0)
        return -1;
    return aslrt_state_exit(ex, st, *v);
}
