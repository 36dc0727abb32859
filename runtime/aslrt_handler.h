/* aslrt_handler.h — native Task handlers: C functions that do a Task's work
 * inside an executable built with
 *
 *     aslc build WF.asl.json -o EXE --handlers handlers.c
 *
 * A handlers file includes this header, defines its functions and registers
 * each for a resource with ASLRT_HANDLER:
 *
 *     #include <aslrt_handler.h>
 *
 *     static int validate(aslrt_task *task, const cJSON *input, cJSON **result)
 *     {
 *         const cJSON *qty = cJSON_GetObjectItemCaseSensitive(input, "quantity");
 *         if (!cJSON_IsNumber(qty))
 *             return aslrt_task_fail(task, "Order.Invalid", "quantity must be a number");
 *         *result = cJSON_CreateObject();
 *         cJSON_AddBoolToObject(*result, "valid", 1);
 *         return 0;
 *     }
 *     ASLRT_HANDLER("arn:aws:lambda:*:*:function:ValidateOrder", validate)
 *
 * The resource is an exact ARN or a pattern in which `*` stands for any run
 * of characters; for arn:aws:states:::lambda:invoke it is also matched
 * against the task's FunctionName, and a bare function name matches a
 * Lambda ARN naming it (as in --bindings files, which take precedence over
 * native handlers; mocks take precedence over both). The handler gets what
 * the function would: the Payload of a lambda:invoke, else the task's
 * effective input (after InputPath and Parameters); lambda:invoke results
 * are wrapped as AWS wraps them ({"Payload": ..., "StatusCode": 200, ...}).
 *
 * Handlers run on the thread that runs the state (several at once under
 * Parallel and Map): keep shared data thread-safe. They cannot be killed:
 * a handler that runs long should call aslrt_task_cancelled() now and then
 * and return when it says so. A result that arrives after TimeoutSeconds,
 * or after more than HeartbeatSeconds without aslrt_task_heartbeat(), is
 * discarded and the task fails with States.Timeout.
 *
 * Needs <cjson/cJSON.h> (Debian: libcjson-dev); the executable links
 * libcjson already.
 *
 * This is the public interface for handler authors, not a file's header:
 * runtime/task/native.c implements it, and what the runtime itself calls
 * there is in native.h.
 */
#ifndef ASLRT_HANDLER_H
#define ASLRT_HANDLER_H

#include <cjson/cJSON.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One invocation of a handler: opaque, valid only during the call. */
typedef struct aslrt_task aslrt_task;

/* A handler. `input` is borrowed (read it, keep no pointer to it). On
   success store a new value in *result (the runtime takes and frees it) and
   return 0. On failure return -1, after aslrt_task_fail() to name the error;
   without it the task fails with States.TaskFailed. */
typedef int (*aslrt_handler_fn)(aslrt_task *task, const cJSON *input, cJSON **result);

/* Registers fn for `resource` (an ARN or `*` pattern). The string is
   borrowed for the life of the program: pass a literal. Call it before the
   execution starts; ASLRT_HANDLER does, from a constructor. Later
   registrations of the same resource are ignored. */
void aslrt_handler_register(const char *resource, aslrt_handler_fn fn);

/* Sets the error this invocation fails with: `error` is its name (e.g.
   "Order.Invalid"), `cause` its text or NULL; both are copied. Returns -1,
   so that `return aslrt_task_fail(task, ...);` reads well. */
int aslrt_task_fail(aslrt_task *task, const char *error, const char *cause);

/* The Task's Resource and state name: borrowed, valid during the call. */
const char *aslrt_task_resource(const aslrt_task *task);
const char *aslrt_task_state_name(const aslrt_task *task);
/* $$.Task.Token for a .waitForTaskToken Task (borrowed), else NULL. The
   handler's result is the callback's outcome. */
const char *aslrt_task_token(const aslrt_task *task);

/* Records that the handler is alive (resets the HeartbeatSeconds clock). */
void aslrt_task_heartbeat(aslrt_task *task);
/* 1 once the handler should give up: the task timed out or missed its
   heartbeat, or the execution is being aborted or timed out; else 0. */
int aslrt_task_cancelled(aslrt_task *task);

/* Defines a constructor that registers fn for resource before main() runs.
   Use at file scope, once per handler function. */
#define ASLRT_HANDLER(resource, fn)                                            \
    static void aslrt_register_##fn(void) __attribute__((constructor));      \
    static void aslrt_register_##fn(void) { aslrt_handler_register((resource), (fn)); }

#ifdef __cplusplus
}
#endif
#endif
