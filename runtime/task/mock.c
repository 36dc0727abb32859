/* mock.c — mocked Task responses, in the AWS Step Functions Local format:
 *   StateMachines.<machine>.TestCases.<case>.<state> = <response name>
 *   MockedResponses.<response name>.<"n" | "a-b"> = {Return: json} | {Throw: {Error, Cause}}
 * Invocations of a state are counted from 0 per execution, retries and
 * loops included.
 *
 * The whole file is checked when it is loaded, before anything runs: every
 * object, every invocation key, every response a test case names. A file
 * that passes cannot surprise the lookup later, and one that does not is
 * reported as "FILE: /JSON/pointer: what is wrong", as a definition's
 * problems are, not found out halfway through a run. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonfile.h"
#include "mock.h"

/* Read only once made: concurrent executions share one. */
struct aslrt_mock {
    cJSON *doc;             /* the whole file */
    const cJSON *test_case; /* state name -> response name */
    const cJSON *responses; /* MockedResponses */
};

/* One execution's invocations, counted per state. */
struct aslrt_mock_counts {
    cJSON *counts;          /* state name -> invocations so far */
    pthread_mutex_t lock;   /* guards counts: Parallel/Map branches invoke at once */
};

/* Invocation numbers go no higher: a key with more digits is a mistake,
   and every number the checks compare then fits a long with room for +1. */
#define MAX_INVOCATION 999999999L

/* One invocation number at *s, decimal digits only; advances *s. */
static int parse_number(const char **s, long *v)
{
    const char *p = *s;
    long n = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (MAX_INVOCATION - (*p - '0')) / 10)
            return -1; /* before it can overflow, even a 32-bit long */
        n = n * 10 + (*p - '0');
    }
    *s = p;
    *v = n;
    return 0;
}

/* An invocation key: "3" (first = last = 3) or the inclusive range "1-2".
   -1 for anything else; a range may still end before it starts. */
static int parse_invocations(const char *key, long *first, long *last)
{
    const char *s = key;
    if (parse_number(&s, first) != 0)
        return -1;
    *last = *first;
    if (*s == '-') {
        s++;
        if (parse_number(&s, last) != 0)
            return -1;
    }
    return *s == '\0' ? 0 : -1;
}

/* ------------------------------------------------------------ checking the file */

/* Where the check is: the file's name and the JSON pointer of the value
   being looked at, as reference tokens (the deepest is
   /MockedResponses/<name>/<key>/Throw/Error). */
typedef struct check {
    const char *name;
    const char *at[6];
    int depth;
    char *err; /* the problem, once one is found */
} check;

static int fail(check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = aslrt_vstrf(fmt, ap);
    va_end(ap);
    c->err = aslrt_json_problem(c->name, c->at, c->depth, "%s", msg);
    free(msg);
    return -1;
}

/* v (at the current pointer) must be an object whose keys are unique: cJSON
   keeps both copies of a key but every lookup finds the first, so a second
   copy would be silently ignored. */
static int want_object(check *c, const cJSON *v, const char *what)
{
    if (!cJSON_IsObject(v))
        return fail(c, "%s must be an object, not %s", what, aslrt_json_kind(v));
    const cJSON *dup = aslrt_json_duplicate_key(v);
    if (dup) {
        c->at[c->depth++] = dup->string;
        return fail(c, "duplicate key: an earlier member of this object has the same name");
    }
    return 0;
}

/* Every field of v must be a or b (b may be NULL). */
static int only_fields(check *c, const cJSON *v, const char *a, const char *b)
{
    for (const cJSON *m = v->child; m; m = m->next) {
        if (strcmp(m->string, a) != 0 && (!b || strcmp(m->string, b) != 0)) {
            c->at[c->depth++] = m->string;
            return b ? fail(c, "unknown field (only \"%s\" and \"%s\")", a, b)
                     : fail(c, "unknown field (only \"%s\")", a);
        }
    }
    return 0;
}

/* One invocation's response: {"Return": <any JSON>} or {"Throw": {"Error":
   string, "Cause": string}}, Cause optional (Step Functions Local leaves it
   out of the failure then). */
static int check_entry(check *c, const cJSON *e)
{
    if (want_object(c, e, "an invocation's response ({\"Return\": <any JSON>} or {\"Throw\": {\"Error\": "
                          "\"...\", \"Cause\": \"...\"}})") != 0 ||
        only_fields(c, e, "Return", "Throw") != 0)
        return -1;
    const cJSON *ret = cJSON_GetObjectItemCaseSensitive(e, "Return");
    const cJSON *thr = cJSON_GetObjectItemCaseSensitive(e, "Throw");
    if ((ret != NULL) == (thr != NULL))
        return fail(c, "an invocation's response needs exactly one of \"Return\" and \"Throw\"");
    if (ret)
        return 0;
    c->at[c->depth++] = "Throw";
    if (want_object(c, thr, "\"Throw\"") != 0 || only_fields(c, thr, "Error", "Cause") != 0)
        return -1;
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(thr, "Error");
    const cJSON *cause = cJSON_GetObjectItemCaseSensitive(thr, "Cause");
    if (!error)
        return fail(c, "\"Throw\" needs \"Error\", the error name a Retry or Catch sees");
    c->at[c->depth++] = "Error";
    if (!cJSON_IsString(error))
        return fail(c, "\"Error\" must be a string, not %s", aslrt_json_kind(error));
    c->at[c->depth - 1] = "Cause";
    if (cause && !cJSON_IsString(cause))
        return fail(c, "\"Cause\" must be a string, not %s", aslrt_json_kind(cause));
    c->depth -= 2;
    return 0;
}

/* The invocations one entry of a response covers, and its key. */
typedef struct span {
    long first, last;
    const char *key;
} span;

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* A mocked response: invocation keys that cover 0..N once each, no gaps,
   no overlaps (what Step Functions Local requires), each with a good
   response. */
static int check_response(check *c, const cJSON *r)
{
    if (want_object(c, r, "a mocked response ({\"<invocation number or range>\": {\"Return\": ...}, ...})") != 0)
        return -1;
    if (!r->child)
        return fail(c, "a mocked response needs at least one invocation: {\"0\": {\"Return\": ...}}");
    int n = cJSON_GetArraySize(r), i = 0;
    span *v = aslrt_xmalloc(sizeof *v * (size_t)n);
    int rc = 0;
    for (const cJSON *e = r->child; e && rc == 0; e = e->next, i++) {
        c->at[c->depth++] = e->string;
        if (parse_invocations(e->string, &v[i].first, &v[i].last) != 0)
            rc = fail(c, "an invocation key is a number counted from 0 (\"0\") or a range (\"1-2\"), at most %ld",
                      MAX_INVOCATION);
        else if (v[i].first > v[i].last)
            rc = fail(c, "the range ends before it starts");
        else
            rc = check_entry(c, e);
        v[i].key = e->string;
        c->depth--;
    }
    if (rc == 0) {
        qsort(v, (size_t)n, sizeof *v, cmp_span);
        long next = 0; /* the first invocation not yet covered */
        for (i = 0; i < n && rc == 0; i++) {
            if (v[i].first > next) {
                rc = fail(c, "no response for invocation %ld: invocations are numbered from 0 without gaps", next);
            } else if (v[i].first < next) { /* v[i - 1] covers it: it would have failed already else */
                c->at[c->depth++] = v[i].key;
                rc = fail(c, "invocation %ld has a response under \"%s\" already", v[i].first, v[i - 1].key);
            }
            next = v[i].last + 1;
        }
    }
    free(v);
    return rc;
}

/* A test case: Task state name -> the name of a mocked response. */
static int check_test_case(check *c, const cJSON *tc, const cJSON *responses)
{
    if (want_object(c, tc, "a test case (state name -> mocked response name)") != 0)
        return -1;
    for (const cJSON *s = tc->child; s; s = s->next) {
        c->at[c->depth++] = s->string;
        if (!cJSON_IsString(s))
            return fail(c, "a test case maps a state to the name of a mocked response: a string, not %s",
                        aslrt_json_kind(s));
        if (!cJSON_GetObjectItemCaseSensitive(responses, s->valuestring))
            return fail(c, "no mocked response named \"%s\" under MockedResponses", s->valuestring);
        c->depth--;
    }
    return 0;
}

/* StateMachines: name -> {"TestCases": {case -> test case}}. */
static int check_machines(check *c, const cJSON *sms, const cJSON *responses)
{
    c->at[c->depth++] = "StateMachines";
    if (want_object(c, sms, "\"StateMachines\"") != 0)
        return -1;
    for (const cJSON *sm = sms->child; sm; sm = sm->next) {
        c->at[c->depth++] = sm->string;
        if (want_object(c, sm, "a state machine's entry ({\"TestCases\": {...}})") != 0 ||
            only_fields(c, sm, "TestCases", NULL) != 0)
            return -1;
        const cJSON *tcs = cJSON_GetObjectItemCaseSensitive(sm, "TestCases");
        if (!tcs)
            return fail(c, "a state machine's entry needs \"TestCases\"");
        c->at[c->depth++] = "TestCases";
        if (want_object(c, tcs, "\"TestCases\"") != 0)
            return -1;
        for (const cJSON *tc = tcs->child; tc; tc = tc->next) {
            c->at[c->depth++] = tc->string;
            if (check_test_case(c, tc, responses) != 0)
                return -1;
            c->depth--;
        }
        c->depth -= 2;
    }
    c->depth--;
    return 0;
}

/* The file as a whole: {"StateMachines": {...}, "MockedResponses": {...}}. */
static int check_file(check *c, const cJSON *doc)
{
    if (want_object(c, doc, "a mock configuration") != 0 ||
        only_fields(c, doc, "StateMachines", "MockedResponses") != 0)
        return -1;
    const cJSON *sms = cJSON_GetObjectItemCaseSensitive(doc, "StateMachines");
    const cJSON *responses = cJSON_GetObjectItemCaseSensitive(doc, "MockedResponses");
    if (!sms)
        return fail(c, "a mock configuration needs \"StateMachines\": {\"<state machine>\": {\"TestCases\": ...}}");
    if (!responses)
        return fail(c, "a mock configuration needs \"MockedResponses\": {\"<response name>\": {\"0\": ...}}");
    c->at[c->depth++] = "MockedResponses";
    if (want_object(c, responses, "\"MockedResponses\"") != 0)
        return -1;
    for (const cJSON *r = responses->child; r; r = r->next) {
        c->at[c->depth++] = r->string;
        if (check_response(c, r) != 0)
            return -1;
        c->depth--;
    }
    c->depth--;
    return check_machines(c, sms, responses);
}

/* Checks doc (taken) and selects the test case. */
static aslrt_mock *from_doc(const char *name, cJSON *doc, const char *machine, const char *test_case, char **err)
{
    check c = { name, { NULL }, 0, NULL };
    if (check_file(&c, doc) != 0) {
        cJSON_Delete(doc);
        *err = c.err;
        return NULL;
    }
    const cJSON *sms = cJSON_GetObjectItemCaseSensitive(doc, "StateMachines");
    const cJSON *sm = machine ? cJSON_GetObjectItemCaseSensitive(sms, machine) : NULL;
    if (!sm && sms->child && !sms->child->next)
        sm = sms->child; /* the only one: its name need not match the definition's file name */
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sm, "TestCases"), test_case);
    const char *at[] = { "StateMachines", sm ? sm->string : "", "TestCases" };
    if (!sm) {
        *err = sms->child ? aslrt_json_problem(name, at, 1,
                                               "no state machine named \"%s\" (the definition's file name without "
                                               "its extension), and more than one to choose from",
                                               machine ? machine : "")
                          : aslrt_json_problem(name, at, 1, "no state machines, so no test case \"%s\"",
                                               test_case);
    } else if (!tc) {
        *err = aslrt_json_problem(name, at, 3, "no test case named \"%s\"", test_case);
    } else {
        aslrt_mock *m = aslrt_xmalloc(sizeof *m);
        m->doc = doc;
        m->test_case = tc;
        m->responses = cJSON_GetObjectItemCaseSensitive(doc, "MockedResponses");
        return m;
    }
    cJSON_Delete(doc);
    return NULL;
}

aslrt_mock *aslrt_mock_parse(const char *name, const char *text, size_t len, const char *machine,
                             const char *test_case, char **err)
{
    cJSON *doc = aslrt_json_parse(name, text, len, err);
    return doc ? from_doc(name, doc, machine, test_case, err) : NULL;
}

aslrt_mock *aslrt_mock_load(const char *file, const char *machine, const char *test_case, char **err)
{
    cJSON *doc = aslrt_json_load(file, err);
    return doc ? from_doc(strcmp(file, "-") == 0 ? "<stdin>" : file, doc, machine, test_case, err) : NULL;
}

void aslrt_mock_free(aslrt_mock *m)
{
    if (!m)
        return;
    cJSON_Delete(m->doc);
    free(m);
}

aslrt_mock_counts *aslrt_mock_counts_new(void)
{
    aslrt_mock_counts *c = aslrt_xmalloc(sizeof *c);
    c->counts = aslrt_xjson(cJSON_CreateObject());
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void aslrt_mock_counts_free(aslrt_mock_counts *c)
{
    if (!c)
        return;
    cJSON_Delete(c->counts);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int aslrt_mock_claims(const aslrt_mock *m, const char *state)
{
    return m && cJSON_GetObjectItemCaseSensitive(m->test_case, state) != NULL;
}

/* ------------------------------------------------------------ invocations */

int aslrt_mock_invoke(const aslrt_mock *m, aslrt_mock_counts *c, aslrt_exec *ex, const char *state,
                      cJSON **result)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m->test_case, state);
    if (!name)
        return 1;
    pthread_mutex_lock(&c->lock);
    cJSON *count = cJSON_GetObjectItemCaseSensitive(c->counts, state);
    if (!count)
        count = aslrt_xjson(cJSON_AddNumberToObject(c->counts, state, 0));
    long n = (long)count->valuedouble;
    cJSON_SetNumberValue(count, (double)(n + 1));
    pthread_mutex_unlock(&c->lock);

    /* The checks made sure the response exists and its keys parse. */
    const cJSON *response = cJSON_GetObjectItemCaseSensitive(m->responses, name->valuestring);
    const cJSON *entry = NULL;
    for (const cJSON *e = response->child; e && !entry; e = e->next) {
        long first, last;
        if (parse_invocations(e->string, &first, &last) == 0 && first <= n && n <= last)
            entry = e;
    }
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
    const cJSON *cause = cJSON_GetObjectItemCaseSensitive(thr, "Cause");
    return aslrt_error_set(ex, cJSON_GetObjectItemCaseSensitive(thr, "Error")->valuestring,
                           cause ? cause->valuestring : NULL);
}
