/* jsonata_api.c — jsonata.h: compiling text into an expression that owns its tree, evaluating
 * it as plain JSONata with the caller's input, bindings and limits, and errors split into
 * code, position and message.
 *
 * The evaluator and parser are the ones the ASL runtime uses (jx_run, jsonata_parse_ex); this
 * file only translates. Positions of evaluation errors come from a table the parser fills
 * (node -> offset in the text), looked up when an error names the node it happened in, so
 * the tree itself, which generated programs also hold as static data, carries none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "jsonata.h"
#include "jsonata_impl.h"
#include "jsonata_parse.h"

struct jsonata_expr {
    asl_arena *arena;          /* the tree, its strings and the offsets */
    const jsonata_node *root;
    jsonata_parse_info info;   /* node offsets */
};

/* Splits "<code>: <message>" into err; a message without a code (jsonata-js's TypeErrors
   have none) keeps all its text. */
static void set_error(jsonata_error *err, const char *text, int position)
{
    if (!err)
        return;
    size_t n = 0;
    while (n < 5 && ((text[n] >= 'A' && text[n] <= 'Z') || (text[n] >= '0' && text[n] <= '9')))
        n++;
    int coded = n == 5 && text[0] >= 'A' && text[0] <= 'Z' && text[5] == ':' && text[6] == ' ';
    if (coded) {
        memcpy(err->code, text, 5);
        err->code[5] = '\0';
        text += 7;
    } else {
        err->code[0] = '\0';
    }
    snprintf(err->message, sizeof err->message, "%s", text);
    err->position = position;
}

jsonata_expr *jsonata_compile(const char *text, jsonata_error *err)
{
    if (!text) {
        set_error(err, "S0207: Unexpected end of expression", 0);
        return NULL;
    }
    asl_arena *a = asl_arena_new();
    jsonata_parse_info info;
    const jsonata_node *root = jsonata_parse_ex(a, text, 1, &info);
    if (!root) {
        set_error(err, info.error, info.error_offset);
        asl_arena_free(a);
        return NULL;
    }
    jsonata_expr *e = asl_arena_alloc(a, sizeof *e);
    e->arena = a;
    e->root = root;
    e->info = info;
    return e;
}

void jsonata_free(jsonata_expr *e)
{
    if (e)
        asl_arena_free(e->arena); /* e lives in it too */
}

/* jsonata_env's variables: its bindings object first, then its lookup hook. */
static const cJSON *env_lookup(void *ctx, const char *name)
{
    const jsonata_env *env = ctx;
    const cJSON *found = NULL;
    if (env->bindings)
        for (const cJSON *m = env->bindings->child; m; m = m->next)
            if (m->string && !strcmp(m->string, name))
                found = m; /* the last of duplicate keys, as a parsed object keeps it */
    if (!found && env->lookup)
        found = env->lookup(env->user, name);
    return found;
}

static void *std_alloc(void *user, size_t n)
{
    (void)user;
    return malloc(n);
}

static void std_dealloc(void *user, void *p)
{
    (void)user;
    free(p);
}

int jsonata_evaluate(const jsonata_expr *e, const cJSON *input, const jsonata_env *env, cJSON **result,
                     jsonata_error *err)
{
    static const jsonata_env k_defaults;
    if (!env)
        env = &k_defaults;
    *result = NULL;
    jx_options o;
    memset(&o, 0, sizeof o);
    o.aws_functions = (env->flags & JSONATA_AWS_FUNCTIONS) != 0;
    o.max_depth = env->max_depth > 0 ? env->max_depth : JSONATA_DEFAULT_MAX_DEPTH;
    o.max_memory = env->max_memory ? env->max_memory : JSONATA_DEFAULT_MAX_MEMORY;
    if (env->time_limit_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        o.deadline_ms = (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6 + env->time_limit_ms;
    }
    o.cancelled = env->cancelled;
    o.alloc = env->alloc && env->dealloc ? env->alloc : std_alloc;
    o.dealloc = env->alloc && env->dealloc ? env->dealloc : std_dealloc;
    o.user = env->user;
    char why[1024];
    const jsonata_node *at = NULL;
    int vars = env->bindings || env->lookup;
    int rc = jx_run(e->root, &o, input, vars ? env_lookup : NULL, (void *)env, result, why, &at);
    if (rc < 0)
        set_error(err, why, at ? jsonata_node_offset(&e->info, at) : -1);
    return rc;
}
