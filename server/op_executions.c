/* op_executions.c — StartExecution, StartSyncExecution, DescribeExecution, ListExecutions,
   StopExecution, GetExecutionHistory, DescribeStateMachineForExecution and RedriveExecution,
   over the executor (executor.h), answered as the service model and AWS's documentation say. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "executor.h"
#include "jsonread.h"
#include "random.h"
#include "xalloc.h"

/* AWS's limit on an execution's input: 256 KiB of UTF-8. */
#define INPUT_MAX 262144

/* ------------------------------------------------------------ starting */

/* The ARN of what an execution of `arn` runs: arn itself, or for an alias a version its routing
   picks by weight (*via_alias: the alias' ARN). Both malloc'd; 0, or -1 with e filled. */
static int target_of(srv *s, const char *arn, const srv_arn *a, char **target, char **via_alias, srv_err *e)
{
    *target = *via_alias = NULL;
    if (a->kind != SRV_ARN_ALIAS) {
        *target = aslrt_xstrdup(arn);
        return 0;
    }
    srv_alias alias;
    int rc = srv_store_alias_get(s->store, arn, &alias);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    cJSON *routing = aslrt_json_parse_plain(alias.routing);
    double total = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, routing)
    {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(r, "weight");
        total += cJSON_IsNumber(w) ? w->valuedouble : 0;
    }
    uint64_t r64;
    aslrt_random_bytes(&r64, sizeof r64);
    double pick = (double)(r64 >> 11) / 9007199254740992.0 * total; /* uniform in [0, total) */
    cJSON_ArrayForEach(r, routing)
    {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(r, "weight");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "stateMachineVersionArn");
        if (!cJSON_IsString(v))
            continue;
        free(*target);
        *target = aslrt_xstrdup(v->valuestring);
        if ((pick -= cJSON_IsNumber(w) ? w->valuedouble : 0) < 0)
            break;
    }
    cJSON_Delete(routing);
    srv_alias_free(&alias);
    if (!*target)
        return srv_fail(e, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn);
    *via_alias = aslrt_xstrdup(arn);
    return 0;
}

/* The machine or version an execution of `arn` runs, read from the store. */
static int resolve(srv *s, const char *arn, const srv_arn *a, srv_sm *sm, char **via_alias, srv_err *e)
{
    char *target;
    memset(sm, 0, sizeof *sm);
    if (target_of(s, arn, a, &target, via_alias, e) != 0)
        return -1;
    int rc = srv_store_sm_get(s->store, target, sm);
    free(target);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn);
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}

/* The execution's ARN: arn:P:states:R:A:execution:MACHINE:NAME, or for an EXPRESS one
   arn:P:states:R:A:express:MACHINE:NAME:ID. */
static char *execution_arn(const char *machine_arn, const char *name, int express)
{
    const char *res = strstr(machine_arn, ":stateMachine:");
    int prefix = (int)(res - machine_arn);
    const char *machine = res + strlen(":stateMachine:");
    if (!express)
        return aslrt_strf("%.*s:execution:%s:%s", prefix, machine_arn, machine, name);
    char id[37];
    aslrt_uuid4(id);
    return aslrt_strf("%.*s:express:%s:%s:%s", prefix, machine_arn, machine, name, id);
}

/* StartExecution and StartSyncExecution. */
static int start(srv *s, const cJSON *req, int sync, cJSON **resp, srv_err *e)
{
    const char *given = srv_req_str(req, "stateMachineArn");
    /* ARN#TestCase picks a test case of the mock configuration, as Step Functions Local does */
    const char *hash = strchr(given, '#');
    char *arn = hash ? aslrt_strf("%.*s", (int)(hash - given), given) : aslrt_xstrdup(given);
    const char *test_case = hash ? hash + 1 : NULL;
    srv_arn a;
    const char *why = srv_arn_parse(arn, &a);
    int rc = -1;
    srv_machine *machine = NULL;
    char *alias = NULL, *target = NULL;
    if (why)
        srv_fail(e, "InvalidArn", "%s", why);
    else if (a.kind != SRV_ARN_STATE_MACHINE && a.kind != SRV_ARN_VERSION && a.kind != SRV_ARN_ALIAS)
        srv_fail(e, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", arn);
    else if (test_case && !*test_case)
        srv_fail(e, "InvalidArn", "Invalid Arn: 'Test case name not valid: %s'", given);
    else if (target_of(s, arn, &a, &target, &alias, e) == 0)
        rc = srv_executor_machine(srv_executor_of(s), target, &machine, e);
    free(target);
    if (rc != 0) {
        free(alias);
        free(arn);
        return -1;
    }
    rc = -1;
    const srv_sm *sm = srv_machine_row(machine);
    int express = strcmp(sm->type, "EXPRESS") == 0;
    const char *name = srv_req_str(req, "name");
    const char *input = srv_req_str(req, "input");
    char uuid[37];
    aslrt_uuid4(uuid);
    cJSON *parsed = NULL;
    if (sync && !express)
        srv_fail(e, "StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
    else if (name && (why = srv_name_problem(name)))
        srv_fail(e, "InvalidName", "Invalid Name: '%s'", name);
    else if (input && strlen(input) > INPUT_MAX)
        srv_fail(e, "ValidationException",
                 "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have "
                 "length less than or equal to %d", INPUT_MAX);
    else if (input && !(parsed = aslrt_json_parse_plain(input)) && !(parsed = cJSON_Parse(input)))
        srv_fail(e, "InvalidExecutionInput", "Invalid State Machine Execution Input: 'Input is not valid JSON'");
    else
        rc = 0;
    cJSON_Delete(parsed);
    if (rc == 0) {
        srv_launch l = {
            .rec = {.machine_arn = aslrt_xstrdup(sm->machine_arn),
                    .version_arn = sm->version ? aslrt_xstrdup(sm->arn) : NULL,
                    .alias_arn = alias,
                    .name = aslrt_xstrdup(name ? name : uuid),
                    .type = aslrt_xstrdup(sm->type),
                    .input = aslrt_xstrdup(input ? input : "{}"),
                    .trace_header = srv_req_str(req, "traceHeader") ? aslrt_xstrdup(srv_req_str(req, "traceHeader"))
                                                                    : NULL,
                    .definition = aslrt_xstrdup(sm->definition),
                    .role_arn = aslrt_xstrdup(sm->role_arn),
                    .start = srv_now()},
            .machine = machine,
            .generated_name = !name,
            .test_case = test_case,
            .sync = sync,
            .metadata_only = sync && srv_req_str(req, "includedData") &&
                             strcmp(srv_req_str(req, "includedData"), "METADATA_ONLY") == 0,
        };
        alias = NULL;
        machine = NULL; /* the executor's now */
        l.rec.arn = execution_arn(sm->machine_arn, l.rec.name, express);
        char *exec_arn = aslrt_xstrdup(l.rec.arn);
        double start_date = 0;
        srv_later *later = sync ? srv_later_take() : NULL;
        rc = srv_executor_start(srv_executor_of(s), &l, later, &start_date, resp, e);
        if (rc == 0 && !sync) {
            *resp = cJSON_CreateObject();
            cJSON_AddStringToObject(*resp, "executionArn", exec_arn);
            cJSON_AddNumberToObject(*resp, "startDate", start_date);
        } else if (rc != 0 && later) { /* taken: the answer goes the later way */
            srv_later_answer(later, NULL, e);
            rc = 0;
        }
        free(exec_arn);
    }
    free(alias);
    srv_machine_release(machine);
    free(arn);
    return rc;
}

int srv_op_start_execution(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    return start(s, req, 0, resp, e);
}

int srv_op_start_sync_execution(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    return start(s, req, 1, resp, e);
}

/* ------------------------------------------------------------ reading */

/* The execution named by the request's executionArn; 0 or -1 with e (InvalidArn: an EXPRESS
   execution's ARN too, as AWS keeps no record of them; ExecutionDoesNotExist). */
static int find_execution(srv *s, const cJSON *req, srv_execution *x, srv_err *e)
{
    const char *arn = srv_req_str(req, "executionArn");
    srv_arn a;
    memset(x, 0, sizeof *x);
    if (srv_check_arn(arn, SRV_ARN_EXECUTION, -1, &a, e) != 0)
        return -1;
    int rc = srv_executor_get(srv_executor_of(s), arn, x);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn);
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}

static void add_date(cJSON *o, const char *name, double t)
{
    if (t > 0)
        cJSON_AddNumberToObject(o, name, t);
}

/* What DescribeExecution and ListExecutions both say of an execution. */
static void add_summary(cJSON *o, const srv_execution *x)
{
    cJSON_AddStringToObject(o, "executionArn", x->arn);
    cJSON_AddStringToObject(o, "stateMachineArn", x->machine_arn);
    cJSON_AddStringToObject(o, "name", x->name);
    cJSON_AddStringToObject(o, "status", x->status);
    add_date(o, "startDate", x->start);
    add_date(o, "stopDate", x->stop);
}

/* Whether the execution could be redriven (AWS: one that failed, timed out or was aborted),
   and if not why: DescribeExecution's redriveStatus and redriveStatusReason. */
static const char *not_redrivable(const srv_execution *x)
{
    if (strcmp(x->status, "RUNNING") == 0)
        return "Execution is RUNNING and cannot be redriven";
    if (strcmp(x->status, "SUCCEEDED") == 0)
        return "Execution is SUCCEEDED and cannot be redriven";
    return NULL;
}

int srv_op_describe_execution(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    srv_execution x;
    if (find_execution(s, req, &x, e) != 0)
        return -1;
    const char *included = srv_req_str(req, "includedData");
    int data = !included || strcmp(included, "METADATA_ONLY") != 0;
    cJSON *o = *resp = cJSON_CreateObject();
    add_summary(o, &x);
    if (data)
        srv_add_str(o, "input", x.input);
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "inputDetails"), "included", data);
    if (x.output) {
        if (data)
            cJSON_AddStringToObject(o, "output", x.output);
        cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "outputDetails"), "included", data);
    }
    srv_add_str(o, "traceHeader", x.trace_header);
    srv_add_str(o, "mapRunArn", x.map_run_arn);
    srv_add_str(o, "error", x.error);
    srv_add_str(o, "cause", x.cause);
    srv_add_str(o, "stateMachineVersionArn", x.version_arn);
    srv_add_str(o, "stateMachineAliasArn", x.alias_arn);
    cJSON_AddNumberToObject(o, "redriveCount", x.redrive_count);
    add_date(o, "redriveDate", x.redrive_date);
    const char *why = not_redrivable(&x);
    cJSON_AddStringToObject(o, "redriveStatus", why ? "NOT_REDRIVABLE" : "REDRIVABLE");
    srv_add_str(o, "redriveStatusReason", why);
    srv_execution_free(&x);
    return 0;
}

int srv_op_describe_state_machine_for_execution(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    srv_execution x;
    if (find_execution(s, req, &x, e) != 0)
        return -1;
    /* the machine as the execution ran it; its configuration from the store while it exists */
    srv_sm sm = {0};
    int have = srv_store_sm_get(s->store, x.version_arn ? x.version_arn : x.machine_arn, &sm) == SRV_OK;
    cJSON *o = *resp = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stateMachineArn", x.version_arn ? x.version_arn : x.machine_arn);
    cJSON_AddStringToObject(o, "name", have ? sm.name : strrchr(x.machine_arn, ':') + 1);
    cJSON_AddStringToObject(o, "definition", x.definition);
    srv_add_str(o, "roleArn", x.role_arn);
    cJSON_AddNumberToObject(o, "updateDate", have ? (sm.updated > 0 ? sm.updated : sm.created) : x.start);
    if (have) {
        srv_add_json_text(o, "loggingConfiguration", sm.logging);
        srv_add_json_text(o, "tracingConfiguration", sm.tracing);
        srv_add_str(o, "revisionId", sm.revision_id);
        srv_add_json_text(o, "encryptionConfiguration", sm.encryption);
    }
    srv_add_str(o, "mapRunArn", x.map_run_arn);
    srv_sm_free(&sm);
    srv_execution_free(&x);
    return 0;
}

int srv_op_list_executions(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *machine = srv_req_str(req, "stateMachineArn");
    const char *map_run = srv_req_str(req, "mapRunArn");
    srv_arn a;
    if ((machine != NULL) == (map_run != NULL))
        return srv_fail(e, "ValidationException", "Exactly one of stateMachineArn and mapRunArn must be given");
    if (machine) {
        const char *why = srv_arn_parse(machine, &a);
        if (why)
            return srv_fail(e, "InvalidArn", "%s", why);
        if (a.kind != SRV_ARN_STATE_MACHINE && a.kind != SRV_ARN_VERSION && a.kind != SRV_ARN_ALIAS)
            return srv_fail(e, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", machine);
        srv_sm sm;
        char *alias = NULL;
        if (resolve(s, machine, &a, &sm, &alias, e) != 0)
            return -1;
        int express = strcmp(sm.type, "EXPRESS") == 0;
        srv_sm_free(&sm);
        free(alias);
        if (express)
            return srv_fail(e, "StateMachineTypeNotSupported",
                            "This operation is not supported by this type of state machine");
    } else {
        if (srv_check_arn(map_run, SRV_ARN_MAP_RUN, -1, &a, e) != 0)
            return -1;
        srv_map_run run;
        int rc = srv_store_map_run_get(s->store, map_run, &run);
        srv_map_run_free(&run);
        if (rc == SRV_NOT_FOUND)
            return srv_fail(e, "ResourceNotFound", "Resource not found: '%s'", map_run);
        if (rc != SRV_OK)
            return srv_fail_store(e);
    }
    int limit;
    char *after;
    if (srv_page_start(req, "ListExecutions", &limit, &after, e) != 0)
        return -1;
    /* no execution is ever redriven here: REDRIVEN lists none, NOT_REDRIVEN all */
    const char *redrive = srv_req_str(req, "redriveFilter");
    srv_execution *list = NULL;
    int n = 0, more = 0, rc = SRV_OK;
    if (!redrive || strcmp(redrive, "REDRIVEN") != 0) {
        srv_executor_flush(srv_executor_of(s));
        rc = srv_store_execution_list(s->store, machine, map_run, srv_req_str(req, "statusFilter"), after, limit,
                                      &list, &n, &more);
    }
    free(after);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    cJSON *o = *resp = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(o, "executions");
    for (int i = 0; i < n; i++) {
        const srv_execution *x = &list[i];
        cJSON *it = cJSON_CreateObject();
        add_summary(it, x);
        srv_add_str(it, "mapRunArn", x->map_run_arn);
        srv_add_str(it, "stateMachineVersionArn", x->version_arn);
        srv_add_str(it, "stateMachineAliasArn", x->alias_arn);
        if (x->redrive_count > 0) {
            cJSON_AddNumberToObject(it, "redriveCount", x->redrive_count);
            add_date(it, "redriveDate", x->redrive_date);
        }
        cJSON_AddItemToArray(items, it);
    }
    srv_page_end(o, "ListExecutions", more, n ? srv_execution_key(&list[n - 1]) : NULL);
    for (int i = 0; i < n; i++)
        srv_execution_free(&list[i]);
    free(list);
    return 0;
}

int srv_op_stop_execution(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "executionArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_EXECUTION, -1, &a, e) != 0)
        return -1;
    double stop = 0;
    if (srv_executor_stop(srv_executor_of(s), arn, srv_req_str(req, "error"), srv_req_str(req, "cause"), &stop) !=
        SRV_OK) {
        /* not running: unknown, or ended already (its stop date stands) */
        srv_execution x;
        if (find_execution(s, req, &x, e) != 0)
            return -1;
        stop = x.stop > 0 ? x.stop : srv_now();
        srv_execution_free(&x);
    }
    *resp = cJSON_CreateObject();
    cJSON_AddNumberToObject(*resp, "stopDate", stop);
    return 0;
}

/* Drops input and output from an event's details (includeExecutionData false). */
static void drop_data(cJSON *event)
{
    cJSON *d;
    cJSON_ArrayForEach(d, event)
    {
        if (cJSON_IsObject(d)) {
            cJSON_DeleteItemFromObjectCaseSensitive(d, "input");
            cJSON_DeleteItemFromObjectCaseSensitive(d, "output");
        }
    }
}

int srv_op_get_execution_history(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "executionArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_EXECUTION, -1, &a, e) != 0)
        return -1;
    int limit;
    char *after;
    if (srv_page_start(req, "GetExecutionHistory", &limit, &after, e) != 0)
        return -1;
    long from = after ? strtol(after, NULL, 10) : 0;
    free(after);
    char *text = NULL;
    int rc = srv_executor_history(srv_executor_of(s), arn, &text);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    cJSON *all = aslrt_json_parse_plain(text);
    free(text);
    if (!all)
        return srv_fail_store(e);
    int reverse = srv_req_bool(req, "reverseOrder", 0);
    int data = srv_req_bool(req, "includeExecutionData", 1);
    cJSON *o = *resp = cJSON_CreateObject();
    cJSON *events = cJSON_AddArrayToObject(o, "events");
    int total = cJSON_GetArraySize(all), n = 0, more = 0;
    cJSON **item = aslrt_xmalloc(sizeof *item * (size_t)(total + 1));
    int k = 0;
    for (cJSON *ev = all->child; ev; ev = ev->next)
        item[k++] = ev;
    long last = 0;
    /* events are in id order, ids counting from 1: item[i] has id i + 1 */
    for (k = 0; k < total; k++) {
        int i = reverse ? total - 1 - k : k;
        long id = i + 1;
        if (from && (reverse ? id >= from : id <= from))
            continue;
        if (n == limit) {
            more = 1;
            break;
        }
        cJSON *ev = cJSON_DetachItemViaPointer(all, item[i]);
        if (!data)
            drop_data(ev);
        cJSON_AddItemToArray(events, ev);
        last = id;
        n++;
    }
    free(item);
    cJSON_Delete(all);
    srv_page_end(o, "GetExecutionHistory", more, more ? aslrt_strf("%ld", last) : NULL);
    return 0;
}

int srv_op_redrive_execution(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    srv_execution x;
    if (find_execution(s, req, &x, e) != 0)
        return -1;
    const char *why = not_redrivable(&x);
    char *arn = aslrt_xstrdup(x.arn);
    srv_execution_free(&x);
    if (why)
        srv_fail(e, "ExecutionNotRedrivable", "Execution Not Redrivable: '%s'. %s", arn, why);
    else
        srv_fail(e, "ExecutionNotRedrivable",
                 "Execution Not Redrivable: '%s'. aslc serve does not redrive executions yet", arn);
    free(arn);
    return -1;
}
