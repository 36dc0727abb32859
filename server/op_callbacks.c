/* op_callbacks.c — SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: the answers to
   .waitForTaskToken tasks and activity tasks (tasks.h). */
#include "api.h"
#include "executor.h"

int srv_op_send_task_success(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    return srv_tasks_succeed(srv_executor_tasks(srv_executor_of(s)), srv_req_str(req, "taskToken"),
                             srv_req_str(req, "output"), e);
}

int srv_op_send_task_failure(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    return srv_tasks_fail(srv_executor_tasks(srv_executor_of(s)), srv_req_str(req, "taskToken"),
                          srv_req_str(req, "error"), srv_req_str(req, "cause"), e);
}

int srv_op_send_task_heartbeat(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    return srv_tasks_heartbeat(srv_executor_tasks(srv_executor_of(s)), srv_req_str(req, "taskToken"), e);
}
