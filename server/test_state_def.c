/* test_state_def.c — TestState's one-state machine (test_state_def.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonprint.h"
#include "test_state_def.h"
#include "xalloc.h"

/* The stub standing for `target` (made on first use): a Pass that ends the run with its input
   (in either query language, the machine's), named so as not to be the state under test. */
static const char *stub_for(srv_test_def *t, const char *target)
{
    for (cJSON *m = t->stubs->child; m; m = m->next)
        if (strcmp(m->valuestring, target) == 0)
            return m->string;
    char name[40];
    int n = cJSON_GetArraySize(t->stubs);
    do
        snprintf(name, sizeof name, "aslc.next.%d", n++);
    while (strcmp(name, t->state_name) == 0);
    cJSON_AddStringToObject(t->stubs, name, target);
    cJSON *stub = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(t->machine, "States"), name);
    cJSON_AddStringToObject(stub, "Type", "Pass");
    cJSON_AddTrueToObject(stub, "End");
    return cJSON_GetArrayItem(t->stubs, cJSON_GetArraySize(t->stubs) - 1)->string;
}

/* Points obj's member `key` (a state name) at its stub, when it is a string. */
static void redirect(srv_test_def *t, cJSON *obj, const char *key)
{
    cJSON *next = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(next))
        cJSON_SetValuestring(next, stub_for(t, next->valuestring));
}

static void redirect_list(srv_test_def *t, cJSON *state, const char *list)
{
    cJSON *l = cJSON_GetObjectItemCaseSensitive(state, list);
    if (cJSON_IsArray(l))
        for (cJSON *c = l->child; c; c = c->next)
            if (cJSON_IsObject(c))
                redirect(t, c, "Next");
}

/* A Map or Parallel under a mock runs no iterations or branches: it becomes a Task whose
   result is the mock's, keeping the fields that shape its input and result. */
static cJSON *as_mocked_task(const cJSON *st)
{
    static const char *const keep[] = {"Comment", "QueryLanguage", "InputPath", "Parameters", "Arguments",
                                       "ResultSelector", "ResultPath", "OutputPath", "Output", "Assign",
                                       "Catch", "Next", "End"};
    cJSON *task = cJSON_CreateObject();
    cJSON_AddStringToObject(task, "Type", "Task");
    cJSON_AddStringToObject(task, "Resource", "arn:aws:states:::aslc:testState.mock");
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, keep[i]);
        if (v)
            cJSON_AddItemToObject(task, keep[i], cJSON_Duplicate(v, 1));
    }
    return task;
}

/* The mock as a MockConfigFile of one test case: Return the result, or Throw the error. */
static int mock_config(srv_test_def *t, const cJSON *mock, srv_err *e)
{
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(mock, "result");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(mock, "errorOutput");
    if (result && !cJSON_IsString(result))
        return srv_fail(e, "ValidationException", "mock.result must be a string holding JSON");
    if ((result != NULL) == (error != NULL))
        return srv_fail(e, "ValidationException", "A mock must have exactly one of result and errorOutput");
    cJSON *outcome = cJSON_CreateObject();
    if (result) {
        cJSON *v = cJSON_Parse(result->valuestring);
        if (!v) {
            cJSON_Delete(outcome);
            return srv_fail(e, "ValidationException", "mock.result is not valid JSON");
        }
        cJSON_AddItemToObject(outcome, "Return", v);
    } else {
        if (!cJSON_IsObject(error)) {
            cJSON_Delete(outcome);
            return srv_fail(e, "ValidationException", "mock.errorOutput must be an object");
        }
        cJSON *thr = cJSON_AddObjectToObject(outcome, "Throw");
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(error, "error");
        const cJSON *cause = cJSON_GetObjectItemCaseSensitive(error, "cause");
        cJSON_AddStringToObject(thr, "Error", cJSON_IsString(err) ? err->valuestring : "");
        cJSON_AddStringToObject(thr, "Cause", cJSON_IsString(cause) ? cause->valuestring : "");
    }
    cJSON *cfg = cJSON_CreateObject();
    cJSON *cases = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(cfg, "StateMachines"), SRV_TEST_MACHINE), "TestCases");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(cases, SRV_TEST_MACHINE), t->state_name, "mocked");
    cJSON *responses = cJSON_AddObjectToObject(cJSON_AddObjectToObject(cfg, "MockedResponses"), "mocked");
    cJSON_AddItemToObject(responses, "0", outcome);
    t->mock_config = aslrt_json_text(cfg);
    cJSON_Delete(cfg);
    return 0;
}

int srv_test_def_build(srv_test_def *t, const char *definition, const char *state_name, const cJSON *mock,
                       srv_err *e)
{
    memset(t, 0, sizeof *t);
    cJSON *doc = cJSON_Parse(definition);
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return srv_fail(e, "InvalidDefinition", "Invalid State Machine Definition: '%s'",
                        "the definition is not a JSON object");
    }
    cJSON *query_language = NULL; /* the machine's, when the state is one of a machine's */
    const cJSON *state;
    if (state_name) { /* a whole machine, and the state of it to test */
        const cJSON *states = cJSON_GetObjectItemCaseSensitive(doc, "States");
        if (!cJSON_IsObject(states)) {
            cJSON_Delete(doc);
            return srv_fail(e, "InvalidDefinition",
                            "Invalid State Machine Definition: 'with stateName, the definition must be a state "
                            "machine with States'");
        }
        state = cJSON_GetObjectItemCaseSensitive(states, state_name);
        if (!state) {
            cJSON_Delete(doc);
            return srv_fail(e, "ValidationException", "State '%s' is not in the definition's States", state_name);
        }
        const cJSON *ql = cJSON_GetObjectItemCaseSensitive(doc, "QueryLanguage");
        query_language = ql ? cJSON_Duplicate(ql, 1) : NULL;
    } else {
        state = doc;
    }
    if (!cJSON_IsObject(state)) {
        cJSON_Delete(query_language);
        cJSON_Delete(doc);
        return srv_fail(e, "InvalidDefinition", "Invalid State Machine Definition: 'a state must be a JSON object'");
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(state, "Type");
    const char *ty = cJSON_IsString(type) ? type->valuestring : "";
    int task = strcmp(ty, "Task") == 0; /* ty lives in doc: decided before doc goes */
    int mockable = task || strcmp(ty, "Map") == 0 || strcmp(ty, "Parallel") == 0;
    if (mock && !mockable) {
        srv_fail(e, "ValidationException", "A mock can only be given for a Task, Map or Parallel state, not %s%s",
                 *ty ? "a " : "one without a Type", ty);
        cJSON_Delete(query_language);
        cJSON_Delete(doc);
        return -1;
    }
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(state, "QueryLanguage");
    if (!cJSON_IsString(ql))
        ql = query_language;
    t->jsonata = cJSON_IsString(ql) && strcmp(ql->valuestring, "JSONata") == 0;
    t->state_name = aslrt_xstrdup(state_name ? state_name : "TestState");
    t->state = cJSON_Duplicate(state, 1);
    cJSON_Delete(doc);

    cJSON *st = mock && !task ? as_mocked_task(t->state) : cJSON_Duplicate(t->state, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(st, "Retry"); /* one run: RETRIABLE is decided from the error */
    t->machine = cJSON_CreateObject();
    t->stubs = cJSON_CreateObject();
    if (query_language)
        cJSON_AddItemToObject(t->machine, "QueryLanguage", query_language);
    cJSON_AddStringToObject(t->machine, "StartAt", t->state_name);
    /* AWS's limit on a TestState run: past it the state fails with States.Timeout */
    cJSON_AddNumberToObject(t->machine, "TimeoutSeconds", SRV_TEST_TIMEOUT_SECONDS);
    cJSON *states = cJSON_AddObjectToObject(t->machine, "States");
    cJSON_AddItemToObject(states, t->state_name, st);
    redirect(t, st, "Next");
    redirect(t, st, "Default");
    redirect_list(t, st, "Choices");
    redirect_list(t, st, "Catch");
    if (mock && mock_config(t, mock, e) != 0) {
        srv_test_def_free(t);
        return -1;
    }
    return 0;
}

void srv_test_def_free(srv_test_def *t)
{
    free(t->state_name);
    cJSON_Delete(t->state);
    cJSON_Delete(t->machine);
    cJSON_Delete(t->stubs);
    free(t->mock_config);
    memset(t, 0, sizeof *t);
}
