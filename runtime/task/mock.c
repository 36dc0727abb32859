/* mock.c — mocked Task responses, in the AWS Step Functions Local format:
 *   StateMachines.<machine>.TestCases.<case>.<state> = <response name>
 *   MockedResponses.<response name>.<"n" | "a-b"> = {Return: json} | {Throw: {Error, Cause}}
 * Invocations of a state are counted from 0 per execution, retries and
 * loops included. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonfile.h"
#include "mock.h"

struct aslrt_mock {
    cJSON *doc;             /* the whole file */
    const cJSON *test_case; /* state name -> response name */
    const cJSON *responses; /* MockedResponses */
    cJSON *counts;          /* state name -> invocations so far */
    pthread_mutex_t lock;   /* guards counts: Parallel/Map branches invoke at once */
};

static char *format(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = aslrt_xmalloc(n);
    snprintf(s, n, fmt, a, b);
    return s;
}

aslrt_mock *aslrt_mock_load(const char *file, const char *machine, const char *test_case, char **err)
{
    cJSON *doc = aslrt_json_load(file, err);
    if (!doc)
        return NULL;
    const cJSON *sms = cJSON_GetObjectItemCaseSensitive(doc, "StateMachines");
    const cJSON *sm = machine ? cJSON_GetObjectItemCaseSensitive(sms, machine) : NULL;
    if (!sm && cJSON_GetArraySize(sms) == 1)
        sm = sms->child;
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sm, "TestCases"), test_case);
    const cJSON *responses = cJSON_GetObjectItemCaseSensitive(doc, "MockedResponses");
    if (!cJSON_IsObject(sm)) {
        *err = format("%s: no state machine \"%s\" under StateMachines (and not exactly one to default to)%s", file,
                      machine ? machine : "");
    } else if (!cJSON_IsObject(tc)) {
        *err = format("%s: no test case \"%s\" for this state machine", file, test_case);
    } else if (!cJSON_IsObject(responses)) {
        *err = format("%s: MockedResponses must be an object%s", file, "");
    } else {
        aslrt_mock *m = aslrt_xmalloc(sizeof *m);
        m->doc = doc;
        m->test_case = tc;
        m->responses = responses;
        m->counts = aslrt_xjson(cJSON_CreateObject());
        pthread_mutex_init(&m->lock, NULL);
        return m;
    }
    cJSON_Delete(doc);
    return NULL;
}

void aslrt_mock_free(aslrt_mock *m)
{
    if (!m)
        return;
    cJSON_Delete(m->doc);
    cJSON_Delete(m->counts);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* Does key ("3" or "1-2") cover invocation n? */
static int covers(const char *key, long n)
{
    char *end;
    long a = strtol(key, &end, 10);
    if (end == key)
        return 0;
    long b = a;
    if (*end == '-') {
        const char *s = end + 1;
        b = strtol(s, &end, 10);
        if (end == s)
            return 0;
    }
    return *end == '\0' && a <= n && n <= b;
}

int aslrt_mock_invoke(aslrt_mock *m, aslrt_exec *ex, const char *state, cJSON **result)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m->test_case, state);
    if (!cJSON_IsString(name))
        return 1;
    pthread_mutex_lock(&m->lock);
    cJSON *count = cJSON_GetObjectItemCaseSensitive(m->counts, state);
    if (!count)
        count = aslrt_xjson(cJSON_AddNumberToObject(m->counts, state, 0));
    long n = (long)count->valuedouble;
    cJSON_SetNumberValue(count, (double)(n + 1));
    pthread_mutex_unlock(&m->lock);

    const cJSON *response = cJSON_GetObjectItemCaseSensitive(m->responses, name->valuestring);
    const cJSON *entry = NULL;
    for (const cJSON *e = response ? response->child : NULL; e && !entry; e = e->next)
        if (covers(e->string, n))
            entry = e;
    if (!entry)
        return aslrt_error_setf(ex, "States.Runtime",
                                "The mocked response \"%s\" for state '%s' has no entry for invocation %ld.",
                                name->valuestring, state, n);
    const cJSON *ret = cJSON_GetObjectItemCaseSensitive(entry, "Return");
    if (ret) {
        *result = aslrt_xjson(cJSON_Duplicate(ret, 1));
        return 0;
    }
    const cJSON *thr = cJSON_GetObjectItemCaseSensitive(entry, "Throw");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(thr, "Error");
    const cJSON *cause = cJSON_GetObjectItemCaseSensitive(thr, "Cause");
    return aslrt_error_set(ex, cJSON_IsString(error) ? error->valuestring : "States.TaskFailed",
                           cJSON_IsString(cause) ? cause->valuestring : NULL);
}
