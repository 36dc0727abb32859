/* test_jsonata_suite.c — the JSONata test suite, in process, through the public API (jsonata.h).
 *
 * ../shared/jsonata/cases holds the jsonata-js suite as state machines (its README): each
 * case's `source` keeps the suite's own expression (`expr`), where its input came from
 * (`input`: "none" for no input, "null", or a document, which is the case's `input`) and,
 * for an error case, the suite's error `code`; a `Bind` state's `Assign` holds the suite's
 * variable bindings. Here each expression is compiled and evaluated as jsonata-js would:
 * `$` is the input, the bindings are jsonata_env bindings, and the result must equal the
 * expected output (as JSON values: 1 == 1.0, key order ignored), or the error carry the
 * suite's code. JSONATA_SUITE=DIR reads the cases elsewhere; without them the test skips.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "jsonata.h"
#include "jsonfile.h"

/* The case files' names in dir, sorted; NULL when dir cannot be read. */
static char **list_cases(const char *dir, int *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    int cap = 0;
    *n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            v = realloc(v, sizeof *v * (size_t)cap);
            assert_non_null(v);
        }
        v[(*n)++] = strdup(de->d_name);
    }
    closedir(d);
    for (int i = 1; i < *n; i++) /* insertion sort: a thousand names, once */
        for (int k = i; k > 0 && strcmp(v[k - 1], v[k]) > 0; k--) {
            char *t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    return v;
}

/* Member by exact name, NULL for a NULL object. */
static const cJSON *get(const cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Runs one case; returns NULL when it passes, else why not (malloc'd). */
static char *run_case(const cJSON *c)
{
    const cJSON *source = get(c, "source");
    const char *expr = str(source, "expr");
    const char *from = str(source, "input");
    const char *code = str(source, "code");
    const cJSON *expected = get(c, "expected");
    const char *status = str(expected, "status");
    if (!expr || !from || !status)
        return strdup("not a suite case (no source.expr, source.input or expected.status)");
    cJSON *null_input = cJSON_CreateNull();
    const cJSON *input = !strcmp(from, "none") ? NULL : !strcmp(from, "null") ? null_input : get(c, "input");
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.bindings = get(get(get(get(c, "definition"), "States"), "Bind"), "Assign");
    env.time_limit_ms = 5000; /* a runaway case fails instead of hanging the suite */

    char *why = NULL;
    jsonata_error err;
    cJSON *result = NULL;
    jsonata_expr *e = jsonata_compile(expr, &err);
    int rc = e ? jsonata_evaluate(e, input, &env, &result, &err) : -1;
    if (!strcmp(status, "FAILED")) {
        if (rc != -1) {
            char *got = result ? cJSON_PrintUnformatted(result) : strdup(rc ? "a function" : "undefined");
            if (asprintf(&why, "expected error %s, got %s", code ? code : "(any)", got) < 0)
                why = NULL;
            free(got);
        } else if (code && strcmp(err.code, code)) {
            if (asprintf(&why, "expected error %s, got %s: %s", code, err.code, err.message) < 0)
                why = NULL;
        }
    } else {
        const cJSON *want = get(expected, "output");
        if (rc == -1) {
            if (asprintf(&why, "expected a result, got %s: %s (at %d)", err.code, err.message, err.position) < 0)
                why = NULL;
        } else if (!result || !cJSON_Compare(result, want, 1)) {
            char *w = cJSON_PrintUnformatted(want);
            char *got = result ? cJSON_PrintUnformatted(result) : strdup(rc ? "a function" : "undefined");
            if (asprintf(&why, "expected %s\n    got      %s", w, got) < 0)
                why = NULL;
            free(w);
            free(got);
        }
    }
    cJSON_Delete(result);
    cJSON_Delete(null_input);
    jsonata_free(e);
    return why;
}

static void suite_cases_should_pass_in_process(void **state)
{
    (void)state;
    const char *dir = getenv("JSONATA_SUITE");
    if (!dir)
        dir = "../shared/jsonata/cases";
    int n = 0;
    char **names = list_cases(dir, &n);
    if (!names || n == 0) {
        printf(">>> %s not found: skipping the JSONata suite <<<\n", dir);
        free(names);
        skip();
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int passed = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        char path[4096], *lerr = NULL;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        cJSON *c = aslrt_json_load(path, &lerr);
        char *why = c ? run_case(c) : lerr;
        if (!c)
            lerr = NULL;
        if (why) {
            const char *expr = str(get(c, "source"), "expr");
            printf("FAIL %s\n    %s\n    %s\n", names[i], expr ? expr : "", why);
            failed++;
        } else {
            passed++;
        }
        free(why);
        free(lerr);
        cJSON_Delete(c);
        free(names[i]);
    }
    free(names);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("JSONata suite (%s): %d passed, %d failed, of %d, in %.2f s\n", dir, passed, failed, n, secs);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(suite_cases_should_pass_in_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
