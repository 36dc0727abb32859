/* fuzz_mockconfig.c — libFuzzer target: the mock configuration checker
   (runtime/mock.c) and the lookup of a state's response per invocation.
   The first line of the input names the test case, the rest is the file;
   the state machine is "wf" (or the file's only one). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "mock.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define NAME "mock.json"

/* A message of the "FILE: /pointer: text" kind is one line. */
static void check_message(const char *err)
{
    if (!err || strncmp(err, NAME ":", strlen(NAME ":")) != 0)
        abort();                                 /* every failure says why, naming the file */
    if (strncmp(err, NAME ": ", strlen(NAME ": ")) == 0)
        for (const char *c = err; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                abort();
}

/* Is v equal to the Return of some entry of response r? */
static int some_return(const cJSON *r, const cJSON *v)
{
    for (const cJSON *e = r->child; e; e = e->next)
        if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(e, "Return"), v, 1))
            return 1;
    return 0;
}

/* Is `error` the Error of some Throw of response r? */
static int some_throw(const cJSON *r, const char *error)
{
    for (const cJSON *e = r->child; e; e = e->next) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "Throw"), "Error");
        if (cJSON_IsString(x) && strcmp(x->valuestring, error) == 0)
            return 1;
    }
    return 0;
}

/* Invokes every state of the selected test case a few times: a file that
   passed the checks has a response for invocation 0 of each, and every
   answer comes from the response the test case names. */
static void invoke_all(aslrt_mock *m, const char *text, size_t len, const char *test_case)
{
    cJSON *doc = cJSON_ParseWithLength(text, len);
    if (!doc)
        abort();                                 /* it parsed once already */
    const cJSON *sms = cJSON_GetObjectItemCaseSensitive(doc, "StateMachines");
    const cJSON *sm = cJSON_GetObjectItemCaseSensitive(sms, "wf");
    if (!sm)
        sm = sms->child;
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sm, "TestCases"), test_case);
    const cJSON *responses = cJSON_GetObjectItemCaseSensitive(doc, "MockedResponses");
    if (!cJSON_IsObject(tc) || !cJSON_IsObject(responses))
        abort();
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    aslrt_mock_counts *counts = aslrt_mock_counts_new();
    for (const cJSON *s = tc->child; s; s = s->next) {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(responses, s->valuestring);
        if (!r)
            abort();                             /* checked: every name is a response */
        for (int n = 0; n < 4; n++) {
            cJSON *result = NULL;
            int rc = aslrt_mock_invoke(m, counts, &ex, s->string, &result);
            if (rc == 0 && (!result || !some_return(r, result)))
                abort();
            if (rc == -1 && (!ex.error || (strcmp(ex.error, "States.Runtime") != 0 && !some_throw(r, ex.error))))
                abort();
            if (rc == -1 && n == 0 && strcmp(ex.error, "States.Runtime") == 0)
                abort();                         /* checked: invocations start at 0 */
            if (rc != 0 && rc != -1)
                abort();                         /* the state is in the test case */
            cJSON_Delete(result);
            aslrt_error_clear(&ex);
        }
    }
    cJSON *result = NULL;
    const char *absent = "\x01 not a state";
    if (!cJSON_GetObjectItemCaseSensitive(tc, absent) && aslrt_mock_invoke(m, counts, &ex, absent, &result) != 1)
        abort();
    cJSON_Delete(result);
    aslrt_error_clear(&ex);
    aslrt_mock_counts_free(counts);
    cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t tlen = nl ? (size_t)(nl - text) : 0;
    char *test_case = malloc(tlen + 1);
    if (!test_case)
        abort();
    memcpy(test_case, text, tlen);
    test_case[tlen] = '\0';                      /* a NUL inside ends the name, as on a command line */
    const char *body = nl ? nl + 1 : text;
    size_t blen = size - (size_t)(body - text);
    char *err = NULL;
    aslrt_mock *m = aslrt_mock_parse(NAME, body, blen, "wf", test_case, &err);
    if (!m) {
        check_message(err);
    } else {
        if (err)
            abort();
        invoke_all(m, body, blen, test_case);
    }
    aslrt_mock_free(m);
    free(err);
    free(test_case);
    return 0;
}
