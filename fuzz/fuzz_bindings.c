/* fuzz_bindings.c — libFuzzer target: the --bindings checker
   (runtime/bindings.c) and the matching of a Task to a binding. The first
   line of the input is a resource to look up, the rest is the file. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bindings.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define NAME "bindings.json"

/* Does binding key k bind one of the names a Task is known by? */
static int binds(const char *k, const char *resource, const char *short_name)
{
    return strcmp(k, resource) == 0 || aslrt_pattern_match(k, resource) ||
           (short_name && (strcmp(k, short_name) == 0 || aslrt_pattern_match(k, short_name)));
}

/* Every entry is well formed, every key finds its own entry (or, for a
   pattern, one at least as early), and a lookup answers with a binding that
   matches the Task or with none. */
static void check_bindings(const aslrt_bindings *b, const char *text, size_t len, const char *resource)
{
    cJSON *doc = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(doc))
        abort();
    for (const cJSON *m = doc->child; m; m = m->next) {
        if (!aslrt_pattern_match(m->string, m->string))
            abort();                             /* '*' matches itself too */
        const aslrt_binding *e = aslrt_bindings_find(b, m->string, NULL);
        if (!e)
            abort();
        if (!strchr(m->string, '*') && strcmp(e->key, m->string) != 0)
            abort();                             /* an exact key wins, and keys are unique */
        if (e->kind == ASLRT_BIND_EXEC ? !e->argv || !e->argv[0] || !e->argv[0][0]
                                       : e->kind != ASLRT_BIND_HTTP || strncmp(e->url, "http", 4) != 0)
            abort();
    }
    char *short_name = aslrt_lambda_function_name(resource);
    const aslrt_binding *e = aslrt_bindings_find(b, resource, NULL);
    if (e && !binds(e->key, resource, short_name))
        abort();
    free(short_name);
    cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t rlen = nl ? (size_t)(nl - text) : 0;
    char *resource = malloc(rlen + 1);
    if (!resource)
        abort();
    memcpy(resource, text, rlen);
    resource[rlen] = '\0';
    const char *body = nl ? nl + 1 : text;
    size_t blen = size - (size_t)(body - text);
    char *err = NULL;
    aslrt_bindings *b = aslrt_bindings_parse(NAME, body, blen, "/nonexistent", &err);
    if (!b) {
        if (!err || strncmp(err, NAME ":", strlen(NAME ":")) != 0)
            abort();                             /* every failure says why, naming the file */
        if (strncmp(err, NAME ": ", strlen(NAME ": ")) == 0)
            for (const char *c = err; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                    abort();                     /* and is one line */
    } else {
        if (err)
            abort();
        check_bindings(b, body, blen, resource);
    }
    aslrt_bindings_free(b);
    free(err);
    free(resource);
    return 0;
}
