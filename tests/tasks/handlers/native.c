/* native.c — native Task handlers for tests/tasks/run.sh, linked into an executable with
   `aslc build WF -o EXE --handlers native.c` (see runtime/aslrt_handler.h). */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c99 */
#include <time.h>

#include <aslrt_handler.h>

/* {"n": x} -> {"doubled": 2x}; anything else fails with Native.BadInput. */
static int double_it(aslrt_task *task, const cJSON *input, cJSON **result)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(input, "n");
    if (!cJSON_IsNumber(n))
        return aslrt_task_fail(task, "Native.BadInput", "n must be a number");
    *result = cJSON_CreateObject();
    cJSON_AddNumberToObject(*result, "doubled", 2 * n->valuedouble);
    return 0;
}
ASLRT_HANDLER("arn:aws:lambda:*:*:function:NativeDouble", double_it)

/* Fails without naming an error: the runtime says States.TaskFailed. */
static int fail_plainly(aslrt_task *task, const cJSON *input, cJSON **result)
{
    (void)task, (void)input, (void)result;
    return -1;
}
ASLRT_HANDLER("NativeFailPlainly", fail_plainly)

/* Answers what it knows about its invocation: state, resource, token. */
static int describe(aslrt_task *task, const cJSON *input, cJSON **result)
{
    *result = cJSON_CreateObject();
    cJSON_AddItemToObject(*result, "input", cJSON_Duplicate(input, 1));
    cJSON_AddStringToObject(*result, "state", aslrt_task_state_name(task));
    cJSON_AddStringToObject(*result, "resource", aslrt_task_resource(task));
    const char *token = aslrt_task_token(task);
    if (token)
        cJSON_AddStringToObject(*result, "token", token);
    return 0;
}
ASLRT_HANDLER("arn:aws:states:::aslc:describe*", describe)

/* Works until told to stop (TimeoutSeconds, or the execution ending). */
static int work_forever(aslrt_task *task, const cJSON *input, cJSON **result)
{
    (void)input, (void)result;
    struct timespec ms10 = {0, 10 * 1000 * 1000};
    while (!aslrt_task_cancelled(task))
        nanosleep(&ms10, NULL);
    return aslrt_task_fail(task, "Native.Cancelled", "stopped as asked");
}
ASLRT_HANDLER("NativeForever", work_forever)

/* Heartbeats every 100 ms for a second, then answers. */
static int beat_then_answer(aslrt_task *task, const cJSON *input, cJSON **result)
{
    (void)input;
    struct timespec ms100 = {0, 100 * 1000 * 1000};
    for (int i = 0; i < 10 && !aslrt_task_cancelled(task); i++) {
        aslrt_task_heartbeat(task);
        nanosleep(&ms100, NULL);
    }
    *result = cJSON_CreateString("done");
    return 0;
}
ASLRT_HANDLER("NativeBeats", beat_then_answer)
