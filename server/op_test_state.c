/* op_test_state.c — TestState: one state run once on its own (test_state_def.c builds the
   machine around it), answered with its output or error, the state it would go to, a status
   (SUCCEEDED, FAILED, CAUGHT_ERROR, or RETRIABLE when a retrier would run it again), and at
   inspectionLevel DEBUG or TRACE the documents of its data flow, which the runtime reports
   through the host's inspect hook (execution.h). */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "bindings.h"
#include "buf.h"
#include "catch.h"
#include "diag.h"
#include "execution.h"
#include "front.h"
#include "interp.h"
#include "jsonprint.h"
#include "mock.h"
#include "test_state_def.h"
#include "timestamp.h"
#include "xalloc.h"

/* What the run told its host. */
typedef struct observed {
    const srv_test_def *def;
    cJSON *data;        /* what -> document, as the state under test reported them */
    char *next_stub;    /* the stub entered after it, or NULL */
} observed;

static void on_event(void *ctx, long id, long previous_id, double timestamp, const char *type,
                     const char *details_key, const cJSON *details)
{
    (void)id, (void)previous_id, (void)timestamp, (void)details_key;
    observed *o = ctx;
    size_t n = strlen(type);
    if (n < 12 || strcmp(type + n - 12, "StateEntered") != 0 || !details)
        return;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(details, "name");
    if (cJSON_IsString(name) && cJSON_GetObjectItemCaseSensitive(o->def->stubs, name->valuestring) && !o->next_stub)
        o->next_stub = aslrt_xstrdup(name->valuestring);
}

static void on_inspect(void *ctx, const char *state_name, const char *what, const cJSON *doc)
{
    observed *o = ctx;
    if (!state_name || strcmp(state_name, o->def->state_name) != 0)
        return; /* a stub */
    cJSON_DeleteItemFromObjectCaseSensitive(o->data, what);
    cJSON_AddItemToObject(o->data, what, cJSON_Duplicate(doc, 1));
}

/* ---------------------------------------------------------------- the request */

/* A request member holding JSON text, parsed (NULL when absent); -1 with e filled when it is
   not JSON (or not an object, with want_object). */
static int json_member(const cJSON *req, const char *name, int want_object, const char *exception,
                       cJSON **out, srv_err *e)
{
    *out = NULL;
    const char *text = srv_req_str(req, name);
    if (!text)
        return 0;
    cJSON *v = cJSON_Parse(text);
    if (!v || (want_object && !cJSON_IsObject(v))) {
        cJSON_Delete(v);
        return srv_fail(e, exception, "%s must be %s", name, want_object ? "a JSON object" : "valid JSON");
    }
    *out = v;
    return 0;
}

/* A string member of the context object at path a.b, or NULL. */
static const char *context_str(const cJSON *context, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(context, a), b);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The definition compiled (interp: nothing to build, and the same runtime as every mode);
   NULL with InvalidDefinition naming every problem. */
static asl_def *compile(const srv_test_def *t, srv_err *e)
{
    char *text = aslrt_json_text(t->machine);
    char *msgs = NULL;
    size_t msgs_len = 0;
    FILE *out = open_memstream(&msgs, &msgs_len);
    asl_diag d;
    asl_diag_init(&d, "definition", out ? out : stderr);
    asl_def *def = asl_front_load_text("definition", text, strlen(text), &d);
    if (out)
        fclose(out);
    free(text);
    if (!def) {
        /* "definition: /States/X/Field: message" lines, one a problem: the errors only */
        asl_buf b = {0};
        for (char *line = msgs ? strtok(msgs, "\n") : NULL; line; line = strtok(NULL, "\n")) {
            if (strstr(line, "warning:"))
                continue;
            const char *m = strncmp(line, "definition: ", 12) == 0 ? line + 12 : line;
            if (b.len)
                asl_buf_add(&b, "; ", 2);
            asl_buf_add(&b, m, strlen(m));
        }
        srv_fail(e, "InvalidDefinition", "Invalid State Machine Definition: '%s'", b.len ? b.data : "invalid");
        asl_buf_free(&b);
    }
    free(msgs);
    return def;
}

/* ------------------------------------------------------------------ the answer */

/* The first retrier of the state under test that takes `error`, and the interval before its
   next attempt (AWS rounds it to whole seconds); -1 when none would retry, having used its
   MaxAttempts (retry_count: stateConfiguration.retrierRetryCount) or taking nothing. */
static int retrier_for(const cJSON *state, const char *error, long retry_count, long *interval)
{
    if (aslrt_error_uncatchable(error))
        return -1;
    const cJSON *retry = cJSON_GetObjectItemCaseSensitive(state, "Retry");
    int i = 0;
    for (const cJSON *r = cJSON_IsArray(retry) ? retry->child : NULL; r; r = r->next, i++) {
        const cJSON *eq = cJSON_GetObjectItemCaseSensitive(r, "ErrorEquals");
        const char *names[64];
        int n = 0;
        for (const cJSON *x = cJSON_IsArray(eq) ? eq->child : NULL; x && n < 64; x = x->next)
            if (cJSON_IsString(x))
                names[n++] = x->valuestring;
        if (!aslrt_error_matches(names, n, error))
            continue;
        const cJSON *max = cJSON_GetObjectItemCaseSensitive(r, "MaxAttempts");
        const cJSON *iv = cJSON_GetObjectItemCaseSensitive(r, "IntervalSeconds");
        const cJSON *rate = cJSON_GetObjectItemCaseSensitive(r, "BackoffRate");
        const cJSON *cap = cJSON_GetObjectItemCaseSensitive(r, "MaxDelaySeconds");
        if (retry_count >= (cJSON_IsNumber(max) ? max->valuedouble : 3))
            return -1; /* used up: later retriers are not consulted */
        double delay = (cJSON_IsNumber(iv) ? iv->valuedouble : 1) *
                       pow(cJSON_IsNumber(rate) ? rate->valuedouble : 2.0, (double)retry_count);
        if (cJSON_IsNumber(cap) && cap->valuedouble > 0 && delay > cap->valuedouble)
            delay = cap->valuedouble;
        *interval = (long)llround(delay);
        return i;
    }
    return -1;
}

/* A reported document as inspectionData's string member, or `dflt` when it was not reported. */
static const cJSON *add_doc(cJSON *data, const char *name, const cJSON *reported, const cJSON *dflt)
{
    const cJSON *v = reported ? reported : dflt;
    if (v) {
        char *text = aslrt_json_text(v);
        cJSON_AddStringToObject(data, name, text);
        free(text);
    }
    return v;
}

/* inspectionData at DEBUG/TRACE: the documents of the state's data flow. Stages the state did
   not report (no InputPath, Parameters, ...) pass the document before them on, as AWS shows
   them; after a failure only what was reached is shown. */
static void add_inspection(cJSON *data, const observed *o, const cJSON *input, int succeeded, int trace)
{
    const cJSON *st = o->def->state;
    const cJSON *r = o->data;
#define REPORTED(name) cJSON_GetObjectItemCaseSensitive(r, name)
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(st, "Type");
    const char *ty = cJSON_IsString(type) ? type->valuestring : "";
    int jsonata = o->def->jsonata;
    add_doc(data, "input", input, NULL);
    if (jsonata) {
        add_doc(data, "afterArguments", REPORTED("afterArguments"), NULL);
        add_doc(data, "result", REPORTED("result"), NULL);
    } else {
        const cJSON *d = add_doc(data, "afterInputPath", REPORTED("afterInputPath"), input);
        int has_result = strcmp(ty, "Task") == 0 || strcmp(ty, "Pass") == 0 || strcmp(ty, "Map") == 0 ||
                         strcmp(ty, "Parallel") == 0;
        if (has_result) {
            d = add_doc(data, "afterParameters", REPORTED("afterParameters"), succeeded ? d : NULL);
            const cJSON *pass_result = strcmp(ty, "Pass") == 0 ? cJSON_GetObjectItemCaseSensitive(st, "Result") : NULL;
            d = add_doc(data, "result", REPORTED("result"), succeeded ? (pass_result ? pass_result : d) : NULL);
            d = add_doc(data, "afterResultSelector", REPORTED("afterResultSelector"), succeeded ? d : NULL);
            const cJSON *rp = cJSON_GetObjectItemCaseSensitive(st, "ResultPath");
            add_doc(data, "afterResultPath", REPORTED("afterResultPath"),
                    !succeeded ? NULL : (rp && cJSON_IsNull(rp)) ? input : d);
        }
    }
    if (strcmp(ty, "Map") == 0) {
        add_doc(data, "afterItemsPath", REPORTED("afterItemsPath"), NULL);
        static const char *const numbers[] = {"maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage"};
        for (int i = 0; i < 3; i++) {
            const cJSON *n = REPORTED(numbers[i]);
            if (n)
                cJSON_AddNumberToObject(data, numbers[i], n->valuedouble);
        }
    }
    const cJSON *vars = REPORTED("variables");
    if (vars && vars->child)
        add_doc(data, "variables", vars, NULL);
    if (trace) { /* the HTTP exchange of an http:invoke Task (objects, not JSON text) */
        static const char *const http[] = {"request", "response"};
        for (int i = 0; i < 2; i++)
            if (REPORTED(http[i]))
                cJSON_AddItemToObject(data, http[i], cJSON_Duplicate(REPORTED(http[i]), 1));
    }
#undef REPORTED
}

/* -------------------------------------------------------------------- TestState */

typedef struct test_run {
    srv_test_def def;
    cJSON *input, *variables, *context;
    asl_def *program;
    aslrt_mock *mock;
    aslrt_bindings *bindings;
    observed seen;
    aslrt_execution_result result;
} test_run;

static void test_run_free(test_run *t)
{
    srv_test_def_free(&t->def);
    cJSON_Delete(t->input);
    cJSON_Delete(t->variables);
    cJSON_Delete(t->context);
    asl_def_free(t->program);
    aslrt_mock_free(t->mock);
    aslrt_bindings_free(t->bindings);
    cJSON_Delete(t->seen.data);
    free(t->seen.next_stub);
    aslrt_execution_result_free(&t->result);
}

/* Everything a run needs from the request; -1 with e filled. */
static int prepare(srv *s, const cJSON *req, test_run *t, srv_err *e)
{
    if (json_member(req, "input", 0, "InvalidExecutionInput", &t->input, e) != 0 ||
        json_member(req, "variables", 1, "ValidationException", &t->variables, e) != 0 ||
        json_member(req, "context", 1, "ValidationException", &t->context, e) != 0)
        return -1;
    const cJSON *mock = srv_req_item(req, "mock");
    if (srv_test_def_build(&t->def, srv_req_str(req, "definition"), srv_req_str(req, "stateName"), mock, e) != 0)
        return -1;
    if (!(t->program = compile(&t->def, e)))
        return -1;
    asl_interp_prepare(t->program);
    char *err = NULL;
    if (t->def.mock_config &&
        !(t->mock = aslrt_mock_parse("mock", t->def.mock_config, strlen(t->def.mock_config), SRV_TEST_MACHINE,
                                     SRV_TEST_MACHINE, &err))) {
        srv_fail(e, "ValidationException", "mock: %s", err ? err : "unusable");
        free(err);
        return -1;
    }
    if (s->opt.bindings && !(t->bindings = aslrt_bindings_load(s->opt.bindings, &err))) {
        fprintf(stderr, "aslc serve: TestState: bindings: %s\n", err ? err : "unusable");
        free(err);
        return srv_fail_status(e, 500, "InternalServerError", "the server's --bindings file is unusable");
    }
    return 0;
}

/* Runs the machine once; the context object given stands for the run's identity. */
static void run(srv *s, const cJSON *req, test_run *t)
{
    static atomic_long counter;
    char name[64];
    snprintf(name, sizeof name, "TestState-%ld", atomic_fetch_add(&counter, 1) + 1);
    char *machine_arn = aslrt_strf("arn:aws:states:%s:%s:stateMachine:%s", s->opt.region, s->opt.account,
                                   SRV_TEST_MACHINE);
    const char *exec_name = context_str(t->context, "Execution", "Name");
    const char *exec_arn = context_str(t->context, "Execution", "Id");
    char *own_arn = exec_arn ? NULL
                             : aslrt_strf("arn:aws:states:%s:%s:execution:%s:%s", s->opt.region, s->opt.account,
                                          SRV_TEST_MACHINE, exec_name ? exec_name : name);
    const char *start = context_str(t->context, "Execution", "StartTime");
    aslrt_time started;
    const char *input_text = srv_req_str(req, "input");
    char *vars_text = t->variables ? aslrt_json_text(t->variables) : NULL;
    t->seen.def = &t->def;
    t->seen.data = cJSON_CreateObject();
    aslrt_host host = {.ctx = &t->seen, .event = on_event, .inspect = on_inspect};
    aslrt_execution_params p = {
        .program = &t->program->program,
        .name = exec_name ? exec_name : name,
        .execution_arn = exec_arn ? exec_arn : own_arn,
        .state_machine_arn = context_str(t->context, "StateMachine", "Id") ? context_str(t->context, "StateMachine", "Id")
                                                                           : machine_arn,
        .state_machine_name = context_str(t->context, "StateMachine", "Name"),
        .role_arn = context_str(t->context, "Execution", "RoleArn") ? context_str(t->context, "Execution", "RoleArn")
                                                                    : srv_req_str(req, "roleArn"),
        .region = s->opt.region,
        .account = s->opt.account,
        .start_time = start && aslrt_timestamp_parse(start, &started) == 0
                          ? (double)started.sec + (double)started.nsec / 1e9
                          : 0,
        .input = input_text,
        .input_len = input_text ? strlen(input_text) : 0,
        .mock = t->mock,
        .bindings = t->bindings,
        .no_wait = 1, /* TestState does not wait out a Wait state or a retry interval */
        .host = &host,
        .variables = vars_text,
    };
    aslrt_execute(&p, &t->result);
    free(vars_text);
    free(own_arn);
    free(machine_arn);
}

/* The answer from what the run did. */
static cJSON *answer(const cJSON *req, test_run *t)
{
    const observed *o = &t->seen;
    const aslrt_execution_result *r = &t->result;
    const cJSON *err_out = cJSON_GetObjectItemCaseSensitive(o->data, "errorOutput");
    const cJSON *catch_index = cJSON_GetObjectItemCaseSensitive(o->data, "catchIndex");
    const char *error = NULL, *cause = NULL;
    if (err_out) { /* the state's own error, before a catcher took it */
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(err_out, "Error");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(err_out, "Cause");
        error = cJSON_IsString(x) ? x->valuestring : NULL;
        cause = cJSON_IsString(c) ? c->valuestring : NULL;
    } else if (r->status != ASLRT_STATUS_SUCCEEDED) {
        error = r->error;
        cause = r->cause;
    }
    int failed = err_out || r->status != ASLRT_STATUS_SUCCEEDED;
    const cJSON *config = srv_req_item(req, "stateConfiguration");
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(config, "retrierRetryCount");
    long interval = 0;
    int retrier = failed && (err_out || r->error) ? retrier_for(o->def->state, error, cJSON_IsNumber(rc) ? (long)rc->valuedouble : 0, &interval)
                                                  : -1;
    enum { SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR } outcome = !failed      ? SUCCEEDED
                                                                 : retrier >= 0 ? RETRIABLE
                                                                 : catch_index && r->status == ASLRT_STATUS_SUCCEEDED
                                                                     ? CAUGHT_ERROR
                                                                     : FAILED;
    static const char *const status_names[] = {"SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"};
    const char *status = status_names[outcome];
    cJSON *resp = cJSON_CreateObject();
    int caught = outcome == CAUGHT_ERROR;
    if (outcome == SUCCEEDED || caught)
        srv_add_str(resp, "output", r->output);
    if (failed) {
        srv_add_str(resp, "error", error);
        srv_add_str(resp, "cause", cause);
    }
    if ((outcome == SUCCEEDED || caught) && o->next_stub) {
        const cJSON *target = cJSON_GetObjectItemCaseSensitive(o->def->stubs, o->next_stub);
        srv_add_str(resp, "nextState", target->valuestring);
    }
    cJSON_AddStringToObject(resp, "status", status);

    const char *level = srv_req_str(req, "inspectionLevel");
    int trace = level && strcmp(level, "TRACE") == 0;
    int debug = trace || (level && strcmp(level, "DEBUG") == 0);
    cJSON *data = cJSON_CreateObject();
    if (debug)
        add_inspection(data, o, t->input, !failed, trace);
    if (retrier >= 0 || caught) {
        cJSON *details = cJSON_AddObjectToObject(data, "errorDetails");
        if (retrier >= 0) {
            cJSON_AddNumberToObject(details, "retryIndex", retrier);
            cJSON_AddNumberToObject(details, "retryBackoffIntervalSeconds", (double)interval);
        } else {
            cJSON_AddNumberToObject(details, "catchIndex", catch_index->valuedouble);
        }
    }
    if (data->child)
        cJSON_AddItemToObject(resp, "inspectionData", data);
    else
        cJSON_Delete(data);
    return resp;
}

int srv_op_test_state(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    test_run t;
    memset(&t, 0, sizeof t);
    if (prepare(s, req, &t, e) != 0) {
        test_run_free(&t);
        return -1;
    }
    if (!t.input)
        t.input = cJSON_CreateObject();
    run(s, req, &t);
    *resp = answer(req, &t);
    test_run_free(&t);
    return 0;
}
