/* op_activity_task.c — GetActivityTask: a worker's long poll for a task of an activity. As AWS
   does, it waits up to 60 seconds for one and then answers without a token; the wait holds no
   HTTP thread (later.h). */
#include "api.h"
#include "executor.h"
#include "resources.h"

/* How long AWS holds a poll open. */
#define POLL_SECONDS 60.0

int srv_op_get_activity_task(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "activityArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_ACTIVITY, -1, &a, e) != 0)
        return -1;
    srv_activity act; /* only whether it exists */
    if (srv_activity_get(s, arn, &act, e) != 0)
        return -1;
    srv_activity_free(&act);
    srv_later *later = srv_later_take();
    cJSON *now = NULL;
    if (srv_tasks_poll(srv_executor_tasks(srv_executor_of(s)), arn, srv_req_str(req, "workerName"), later,
                       POLL_SECONDS, &now)) {
        if (later)
            srv_later_answer(later, now, NULL);
        else
            *resp = now;
    }
    return 0;
}
