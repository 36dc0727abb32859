/* tasks.h — the tasks executions wait on: .waitForTaskToken tokens that SendTaskSuccess/
   Failure/Heartbeat answer, and activity tasks that GetActivityTask hands to workers, with the
   workers' long polls waiting for them. In memory: a token lives as long as its task. */
#ifndef SRV_TASKS_H
#define SRV_TASKS_H

#include <stddef.h>

#include "execution.h"
#include "later.h"
#include "srv.h"

typedef struct srv_tasks srv_tasks;

srv_tasks *srv_tasks_new(void);
/* After every task has ended and every poll was answered (srv_tasks_quiesce). */
void srv_tasks_free(srv_tasks *t);

/* The runtime's hooks (aslrt_host's wait_task, activity and task_done). */
void srv_tasks_wait(srv_tasks *t, aslrt_callback *cb, const aslrt_task_request *req);
void srv_tasks_activity(srv_tasks *t, aslrt_callback *cb, const aslrt_task_request *req);
void srv_tasks_done(srv_tasks *t, aslrt_callback *cb);

/* SendTaskSuccess (output: JSON text), SendTaskFailure, SendTaskHeartbeat: 0, or -1 with e:
   InvalidToken for a token never handed out, TaskTimedOut for one whose task has ended,
   InvalidOutput for output that is not JSON. */
int srv_tasks_succeed(srv_tasks *t, const char *token, const char *output, srv_err *e);
int srv_tasks_fail(srv_tasks *t, const char *token, const char *error, const char *cause, srv_err *e);
int srv_tasks_heartbeat(srv_tasks *t, const char *token, srv_err *e);

/* GetActivityTask: a task of the activity for worker (may be NULL). With one waiting it is
   answered at once: 1 with *resp ({taskToken, input}). Else with later (not NULL) the poll
   waits up to `seconds` and later is answered ({} when nothing came): 0. Without later: 1
   with *resp = {}. */
int srv_tasks_poll(srv_tasks *t, const char *activity_arn, const char *worker, srv_later *later, double seconds,
                   cJSON **resp);
/* Answers the polls whose time is up ({}), as of now. */
void srv_tasks_expire(srv_tasks *t, double now);
/* Answers every waiting poll ({}): the server is stopping. */
void srv_tasks_quiesce(srv_tasks *t);

#endif
