/* host_task.h — Tasks an embedding host completes: .waitForTaskToken Tasks
   answered by SendTaskSuccess/Failure, and activity tasks taken by
   GetActivityTask workers (execution.h's wait_task and activity hooks).
   Internal. */
#ifndef ASLRT_HOST_TASK_H
#define ASLRT_HOST_TASK_H

#include <cjson/cJSON.h>

#include "task.h"

/* Would the host's activity hook take Task st (an activity resource that no
   mock, binding or native handler claims, with a host that has the hook)?
   task.c then leaves ActivityStarted to the worker that takes it. */
int aslrt_host_takes_activity(const aslrt_exec *ex, const aslrt_state *st);
/* Would the host's wait_task hook take t (a .waitForTaskToken Task that
   nothing before it claimed, with a host that has the hook)? */
int aslrt_host_takes_token(const aslrt_task *t);

/* Hands the attempt to the host (`activity`: the activity hook, else
   wait_task) and waits for its answer under the task's timeout and
   heartbeat, the execution's stop and its deadline: 0 with *result (owned),
   or -1 with ex's error (the host's error and cause, States.Timeout, or the
   stop's). `params` is the effective input. */
int aslrt_host_task(aslrt_task *t, int activity, const cJSON *params, cJSON **result);

#endif
