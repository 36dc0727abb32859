/* bindings.c — the --bindings file: resource (or pattern) -> local handler.
 *
 *   { "arn:aws:lambda:us-east-1:123456789012:function:Validate": {"exec": ["python3", "validate.py"]},
 *     "Charge":                                                {"http": "http://127.0.0.1:9001/..."},
 *     "arn:aws:states:::sqs:*":                                {"exec": ["./queue.sh"]} }
 *
 * Keys are matched against a Task's Resource, against the FunctionName of an
 * arn:aws:states:::lambda:invoke Task, and against the bare function name
 * inside a Lambda ARN; see aslrt_binding_match(). Exec handlers run in the
 * bindings file's directory, so relative paths in them mean what they mean
 * next to the file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bindings.h"
#include "exec.h"
#include "jsonfile.h"
#include "task.h"

struct aslrt_bindings {
    cJSON *doc;              /* the file: keys, argv strings and URLs point into it */
    char *dir;               /* its directory, absolute */
    int n;
    aslrt_binding *items;
    const char **keys;       /* items[i].key, for aslrt_binding_match */
};

int aslrt_pattern_match(const char *pattern, const char *text)
{
    /* Iterative glob with one backtrack point: on a mismatch after a `*`,
       let that `*` swallow one more character. Linear in practice, never
       recursive. */
    const char *p = pattern, *t = text, *star = NULL, *resume = NULL;
    while (*t) {
        if (*p == '*') {
            star = p++;
            resume = t;
        } else if (*p == *t) {
            p++;
            t++;
        } else if (star) {
            p = star + 1;
            t = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

char *aslrt_lambda_function_name(const char *arn)
{
    const char *f = arn ? strstr(arn, ":function:") : NULL;
    if (!f)
        return NULL;
    f += strlen(":function:");
    size_t n = strcspn(f, ":");
    if (n == 0)
        return NULL;
    char *s = aslrt_xmalloc(n + 1);
    memcpy(s, f, n);
    s[n] = '\0';
    return s;
}

int aslrt_binding_match(const char *const *keys, int n, const char *resource, const char *function_name)
{
    char *short_fn = aslrt_lambda_function_name(function_name);
    char *short_res = short_fn ? NULL : aslrt_lambda_function_name(resource);
    const char *names[3] = {resource, function_name, short_fn ? short_fn : short_res};
    int found = -1;
    for (int c = 0; c < 3 && found < 0; c++)
        for (int i = 0; names[c] && i < n && found < 0; i++)
            if (!strchr(keys[i], '*') && strcmp(keys[i], names[c]) == 0)
                found = i;
    for (int i = 0; i < n && found < 0; i++)
        for (int c = 0; c < 3 && found < 0; c++)
            if (names[c] && strchr(keys[i], '*') && aslrt_pattern_match(keys[i], names[c]))
                found = i;
    free(short_fn);
    free(short_res);
    return found;
}

int aslrt_lambda_invoke_kind(const char *resource)
{
    if (strncmp(resource, "arn:", 4) != 0)
        return 0;
    const char *s = strchr(resource + 4, ':'); /* after the partition */
    if (!s)
        return 0;
    if (strcmp(s, ":states:::lambda:invoke") == 0)
        return 1;
    return strcmp(s, ":states:::lambda:invoke.waitForTaskToken") == 0 ? 2 : 0;
}

/* The literal FunctionName of a lambda:invoke Task's Parameters; NULL when
   there is none, *dynamic = 1 when it is computed ("FunctionName.$"). */
static const char *literal_function_name(const aslrt_state *st, int *dynamic)
{
    *dynamic = 0;
    const aslrt_tmpl *p = st->parameters;
    if (p && p->kind == ASLRT_T_LITERAL) { /* Parameters without any .$ field */
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(p->value, "FunctionName");
        return cJSON_IsString(fn) ? fn->valuestring : NULL;
    }
    for (int i = 0; p && p->kind == ASLRT_T_OBJECT && i < p->n; i++) {
        const aslrt_tmpl *m = &p->items[i];
        if (!m->key || strcmp(m->key, "FunctionName") != 0)
            continue;
        if (m->kind == ASLRT_T_LITERAL && cJSON_IsString(m->value))
            return m->value->valuestring;
        *dynamic = 1;
    }
    return NULL;
}

int aslrt_bindings_cover(const aslrt_bindings *b, const aslrt_state *st, const char **function_name)
{
    *function_name = NULL;
    if (!st->resource || aslrt_task_builtin(st->resource))
        return 1;
    if (aslrt_lambda_invoke_kind(st->resource)) {
        int dynamic;
        *function_name = literal_function_name(st, &dynamic);
        if (dynamic)
            return 1;
    }
    return aslrt_bindings_find(b, st->resource, *function_name) != NULL;
}

const aslrt_binding *aslrt_bindings_find(const aslrt_bindings *b, const char *resource, const char *function_name)
{
    if (!b)
        return NULL;
    int i = aslrt_binding_match(b->keys, b->n, resource, function_name);
    return i < 0 ? NULL : &b->items[i];
}

/* What is wrong with one entry, as "NAME: /key/field: message" in *err
   (malloc'd); 0 when it is good: {"exec": [non-empty strings, at least
   one]} or {"http": "http://..." | "https://..."}, nothing else. */
static int check_entry(const char *name, const cJSON *v, char **err)
{
    const char *at[3] = { v->string, NULL, NULL };
    char index[24];
    if (v->string[0] == '\0') {
        *err = aslrt_json_problem(name, at, 1, "the resource must not be empty");
        return -1;
    }
    if (!cJSON_IsObject(v)) {
        *err = aslrt_json_problem(name, at, 1,
                                  "a binding must be an object: {\"exec\": [\"program\", \"arg\", ...]} or "
                                  "{\"http\": \"URL\"}, not %s",
                                  aslrt_json_kind(v));
        return -1;
    }
    const cJSON *dup = aslrt_json_duplicate_key(v);
    if (dup) {
        at[1] = dup->string;
        *err = aslrt_json_problem(name, at, 2, "duplicate key: an earlier member of this binding has the same name");
        return -1;
    }
    for (const cJSON *m = v->child; m; m = m->next) {
        if (strcmp(m->string, "exec") != 0 && strcmp(m->string, "http") != 0) {
            at[1] = m->string;
            *err = aslrt_json_problem(name, at, 2, "unknown field in a binding (only \"exec\" or \"http\")");
            return -1;
        }
    }
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(v, "exec");
    const cJSON *http = cJSON_GetObjectItemCaseSensitive(v, "http");
    if ((ex != NULL) == (http != NULL)) {
        *err = aslrt_json_problem(name, at, 1, "a binding needs exactly one of \"exec\" and \"http\"");
        return -1;
    }
    if (http) {
        at[1] = "http";
        if (cJSON_IsString(http) &&
            (strncmp(http->valuestring, "http://", 7) == 0 || strncmp(http->valuestring, "https://", 8) == 0))
            return 0;
        *err = aslrt_json_problem(name, at, 2, "\"http\" must be a URL starting with http:// or https://");
        return -1;
    }
    at[1] = "exec";
    if (!cJSON_IsArray(ex) || !ex->child) {
        *err = aslrt_json_problem(name, at, 2,
                                  "\"exec\" must be a non-empty array of strings: the program and its arguments, "
                                  "not %s",
                                  cJSON_IsArray(ex) ? "an empty array" : aslrt_json_kind(ex));
        return -1;
    }
    int i = 0;
    for (const cJSON *a = ex->child; a; a = a->next, i++) {
        snprintf(index, sizeof index, "%d", i);
        at[2] = index;
        if (!cJSON_IsString(a)) {
            *err = aslrt_json_problem(name, at, 3,
                                      "\"exec\" must be an array of strings: the program and its arguments; "
                                      "this is %s",
                                      aslrt_json_kind(a));
            return -1;
        }
        if (i == 0 && a->valuestring[0] == '\0') {
            *err = aslrt_json_problem(name, at, 3, "\"exec\": the program name is empty");
            return -1;
        }
    }
    return 0;
}

/* Checks the whole document: an object of good entries, each key once
   (a second copy of a key would never be found). */
static int check_doc(const char *name, const cJSON *doc, char **err)
{
    if (!cJSON_IsObject(doc)) {
        *err = aslrt_json_problem(name, NULL, 0,
                                  "a bindings file is a JSON object: {\"<resource or pattern>\": {\"exec\": [...]} | "
                                  "{\"http\": \"URL\"}}, not %s",
                                  aslrt_json_kind(doc));
        return -1;
    }
    const cJSON *dup = aslrt_json_duplicate_key(doc);
    if (dup) {
        const char *at[1] = { dup->string };
        *err = aslrt_json_problem(name, at, 1, "the same resource is bound twice");
        return -1;
    }
    for (const cJSON *m = doc->child; m; m = m->next)
        if (check_entry(name, m, err) != 0)
            return -1;
    return 0;
}

/* The absolute directory of `file`, malloc'd; NULL when it cannot be found. */
static char *directory_of(const char *file)
{
    char *real = realpath(file, NULL);
    if (!real)
        return NULL;
    char *slash = strrchr(real, '/');
    if (slash == real)
        slash[1] = '\0'; /* a file in / */
    else if (slash)
        *slash = '\0';
    return real;
}

/* The bindings of a checked doc (taken), exec handlers running in dir
   (taken). */
static aslrt_bindings *make(cJSON *doc, char *dir)
{
    int n = cJSON_GetArraySize(doc);
    aslrt_bindings *b = aslrt_xmalloc(sizeof *b);
    b->doc = doc;
    b->dir = dir;
    b->n = n;
    b->items = aslrt_xmalloc(sizeof *b->items * (size_t)(n ? n : 1));
    b->keys = aslrt_xmalloc(sizeof *b->keys * (size_t)(n ? n : 1));
    int i = 0;
    for (const cJSON *m = doc->child; m; m = m->next, i++) {
        aslrt_binding *it = &b->items[i];
        memset(it, 0, sizeof *it);
        it->key = b->keys[i] = m->string;
        it->dir = dir;
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(m, "exec");
        if (ex) {
            it->kind = ASLRT_BIND_EXEC;
            int argc = cJSON_GetArraySize(ex), k = 0;
            it->argv = aslrt_xmalloc(sizeof *it->argv * (size_t)(argc + 1));
            for (const cJSON *a = ex->child; a; a = a->next)
                it->argv[k++] = a->valuestring;
            it->argv[k] = NULL;
        } else {
            it->kind = ASLRT_BIND_HTTP;
            it->url = cJSON_GetObjectItemCaseSensitive(m, "http")->valuestring;
        }
    }
    return b;
}

aslrt_bindings *aslrt_bindings_parse(const char *name, const char *text, size_t len, const char *dir, char **err)
{
    cJSON *doc = aslrt_json_parse(name, text, len, err);
    if (!doc)
        return NULL;
    if (check_doc(name, doc, err) != 0) {
        cJSON_Delete(doc);
        return NULL;
    }
    return make(doc, aslrt_xstrdup(dir));
}

aslrt_bindings *aslrt_bindings_load(const char *file, char **err)
{
    cJSON *doc = aslrt_json_load(file, err);
    if (!doc)
        return NULL;
    const char *name = strcmp(file, "-") == 0 ? "<stdin>" : file;
    if (check_doc(name, doc, err) != 0) {
        cJSON_Delete(doc);
        return NULL;
    }
    char *dir = directory_of(file);
    if (!dir) {
        cJSON_Delete(doc);
        *err = aslrt_json_problem(name, NULL, 0, "cannot find the file's directory");
        return NULL;
    }
    return make(doc, dir);
}

void aslrt_bindings_free(aslrt_bindings *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->n; i++)
        free(b->items[i].argv);
    free(b->items);
    free(b->keys);
    free(b->dir);
    cJSON_Delete(b->doc);
    free(b);
}
