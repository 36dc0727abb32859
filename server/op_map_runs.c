/* op_map_runs.c — DescribeMapRun, ListMapRuns and UpdateMapRun: the Map Runs of Distributed
   Map states, as map_runs.c records them. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "executor.h"
#include "map_runs.h"
#include "xalloc.h"

/* The Map Run named by the request's mapRunArn: InvalidArn when it is not one, ResourceNotFound
   when there is none such. */
static int find_map_run(srv *s, const cJSON *req, srv_map_run *m, srv_err *e)
{
    const char *arn = srv_req_str(req, "mapRunArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_MAP_RUN, -1, &a, e) != 0)
        return -1;
    int rc = srv_store_map_run_get(s->store, arn, m);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "ResourceNotFound", "Resource not found: '%s'", arn);
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}

int srv_op_describe_map_run(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    srv_map_run m;
    if (find_map_run(s, req, &m, e) != 0)
        return -1;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "mapRunArn", m.arn);
    cJSON_AddStringToObject(r, "executionArn", m.execution_arn);
    cJSON_AddStringToObject(r, "status", m.status);
    cJSON_AddNumberToObject(r, "startDate", m.start);
    if (m.stop > 0)
        cJSON_AddNumberToObject(r, "stopDate", m.stop);
    cJSON_AddNumberToObject(r, "maxConcurrency", (double)m.max_concurrency);
    cJSON_AddNumberToObject(r, "toleratedFailurePercentage", m.tolerated_failure_percentage);
    cJSON_AddNumberToObject(r, "toleratedFailureCount", (double)m.tolerated_failure_count);
    srv_add_json_text(r, "itemCounts", m.item_counts);
    srv_add_json_text(r, "executionCounts", m.execution_counts);
    cJSON_AddNumberToObject(r, "redriveCount", 0);
    srv_map_run_free(&m);
    *resp = r;
    return 0;
}

int srv_op_list_map_runs(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *exec_arn = srv_req_str(req, "executionArn");
    srv_arn a;
    if (srv_check_arn(exec_arn, SRV_ARN_EXECUTION, -1, &a, e) != 0)
        return -1;
    srv_execution x; /* a running execution may not be in the store yet: the executor knows */
    srv_executor *ex = srv_executor_of(s);
    int rc = ex ? srv_executor_get(ex, exec_arn, &x) : srv_store_execution_get(s->store, exec_arn, &x);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", exec_arn);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    srv_execution_free(&x);
    int limit;
    char *after;
    if (srv_page_start(req, "ListMapRuns", &limit, &after, e) != 0)
        return -1;
    srv_map_run *runs = NULL;
    int n = 0, more = 0;
    rc = srv_store_map_run_list(s->store, exec_arn, after, limit, &runs, &n, &more);
    free(after);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    cJSON *r = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(r, "mapRuns");
    for (int i = 0; i < n; i++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "executionArn", runs[i].execution_arn);
        cJSON_AddStringToObject(item, "mapRunArn", runs[i].arn);
        char *machine = srv_map_run_machine_arn(runs[i].arn);
        cJSON_AddStringToObject(item, "stateMachineArn", machine);
        free(machine);
        cJSON_AddNumberToObject(item, "startDate", runs[i].start);
        if (runs[i].stop > 0)
            cJSON_AddNumberToObject(item, "stopDate", runs[i].stop);
        cJSON_AddItemToArray(list, item);
    }
    srv_page_end(r, "ListMapRuns", more, n > 0 ? aslrt_xstrdup(runs[n - 1].arn) : NULL);
    for (int i = 0; i < n; i++)
        srv_map_run_free(&runs[i]);
    free(runs);
    *resp = r;
    return 0;
}

int srv_op_update_map_run(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    srv_map_run m;
    if (find_map_run(s, req, &m, e) != 0)
        return -1;
    const cJSON *mc = srv_req_item(req, "maxConcurrency");
    const cJSON *count = srv_req_item(req, "toleratedFailureCount");
    const cJSON *pct = srv_req_item(req, "toleratedFailurePercentage");
    if (!mc && !count && !pct) {
        srv_map_run_free(&m);
        return srv_fail(e, "ValidationException",
                        "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount "
                        "must be given");
    }
    if (mc)
        m.max_concurrency = (long)mc->valuedouble;
    if (count)
        m.tolerated_failure_count = (long)count->valuedouble;
    if (pct)
        m.tolerated_failure_percentage = pct->valuedouble;
    /* the running Map Run first, then its row: a report it makes meanwhile carries the new values */
    srv_map_runs_update(m.arn, mc ? m.max_concurrency : -1, count ? m.tolerated_failure_count : -1,
                        pct ? m.tolerated_failure_percentage : -1);
    int rc = srv_store_map_run_put(s->store, &m);
    srv_map_run_free(&m);
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}
