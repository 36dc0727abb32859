/* lint.c — AWS's warning codes for a definition (lint.h): values that look like paths or
   intrinsic functions where the field says they are plain text, so they stay text at run time.
   - NO_DOLLAR: in a payload template (Parameters, ResultSelector, ItemSelector, and the objects
     inside them), a value like "$.x", "$$.Execution.Id" or "States.Format(...)" under a key
     without the ".$" suffix.
   - NO_PATH: a Choice comparison against a value like "$.x" with an operator that is not the
     ...Path form (StringEquals rather than StringEqualsPath).
   - PASS_RESULT_IS_STATIC: a Pass state's Result holding such a value (Result is never
     evaluated). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lint.h"

/* Whether s looks like a JSONPath or an intrinsic function call. */
static int looks_like_path(const char *s)
{
    return strcmp(s, "$") == 0 || strncmp(s, "$.", 2) == 0 || strncmp(s, "$[", 2) == 0 ||
           strncmp(s, "$$.", 3) == 0 || (strncmp(s, "States.", 7) == 0 && strchr(s, '('));
}

/* pointer + "/" + token, escaped as RFC 6901 says. */
static char *join(const char *pointer, const char *token)
{
    asl_buf b = {0};
    asl_buf_puts(&b, pointer);
    asl_buf_putc(&b, '/');
    for (const char *t = token; *t; t++) {
        if (*t == '~')
            asl_buf_puts(&b, "~0");
        else if (*t == '/')
            asl_buf_puts(&b, "~1");
        else
            asl_buf_putc(&b, *t);
    }
    return asl_buf_take(&b);
}

/* pointer + "/" + the index i. */
static char *join_index(const char *pointer, int i)
{
    char index[16];
    snprintf(index, sizeof index, "%d", i);
    return join(pointer, index);
}

static void warn(cJSON *list, const char *code, const char *location, const char *message)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "severity", "WARNING");
    cJSON_AddStringToObject(d, "code", code);
    cJSON_AddStringToObject(d, "message", message);
    cJSON_AddStringToObject(d, "location", location);
    cJSON_AddItemToArray(list, d);
}

/* A payload template (or, for PASS_RESULT_IS_STATIC, a Pass state's Result): every string
   member that looks like a path under a key without ".$", at any depth. */
static void template_values(const cJSON *v, const char *pointer, const char *code, cJSON *list)
{
    const cJSON *item;
    int i = 0;
    cJSON_ArrayForEach(item, v)
    {
        char index[16];
        snprintf(index, sizeof index, "%d", i++);
        const char *key = cJSON_IsObject(v) ? item->string : index;
        char *where = join(pointer, key); /* an array's items by index */
        size_t n = strlen(key);
        int dollar = cJSON_IsObject(v) && n >= 2 && strcmp(key + n - 2, ".$") == 0;
        if (cJSON_IsString(item) && !dollar && looks_like_path(item->valuestring))
            warn(list, code, where,
                 strcmp(code, "NO_DOLLAR") == 0
                     ? "The value looks like a JSONPath or an intrinsic function, but the field name does not end "
                       "with '.$': it is passed as a plain string"
                     : "The Result of a Pass state is static: a JSONPath or intrinsic function in it is not "
                       "evaluated");
        else if (cJSON_IsObject(item) || cJSON_IsArray(item))
            template_values(item, where, code, list);
        free(where);
    }
}

/* The comparison operators whose ...Path form exists: all but Is* and the combinators. */
static void choice_rule(const cJSON *rule, const char *pointer, cJSON *list)
{
    const cJSON *field;
    cJSON_ArrayForEach(field, rule)
    {
        const char *k = field->string;
        char *where = join(pointer, k);
        size_t n = strlen(k);
        if ((strcmp(k, "And") == 0 || strcmp(k, "Or") == 0) && cJSON_IsArray(field)) {
            const cJSON *sub;
            int i = 0;
            cJSON_ArrayForEach(sub, field)
            {
                char *at = join_index(where, i++);
                choice_rule(sub, at, list);
                free(at);
            }
        } else if (strcmp(k, "Not") == 0 && cJSON_IsObject(field)) {
            choice_rule(field, where, list);
        } else if (cJSON_IsString(field) && strncmp(k, "Is", 2) != 0 && strcmp(k, "Variable") != 0 &&
                   strcmp(k, "Next") != 0 && strcmp(k, "Comment") != 0 && strcmp(k, "Condition") != 0 &&
                   !(n >= 4 && strcmp(k + n - 4, "Path") == 0) && looks_like_path(field->valuestring)) {
            warn(list, "NO_PATH", where, "The value looks like a path, but the field name does not end with 'Path': "
                                         "it is compared as a plain string");
        }
        free(where);
    }
}

static void states(const cJSON *machine, const char *pointer, int jsonata, cJSON *list);

static void state(const cJSON *st, const char *pointer, int jsonata, cJSON *list)
{
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(st, "QueryLanguage");
    if (cJSON_IsString(ql))
        jsonata = strcmp(ql->valuestring, "JSONata") == 0;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(st, "Type");
    if (!cJSON_IsString(type))
        return;
    static const char *const templates[] = {"Parameters", "ResultSelector", "ItemSelector"};
    for (size_t i = 0; !jsonata && i < sizeof templates / sizeof templates[0]; i++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(st, templates[i]);
        if (cJSON_IsObject(t)) {
            char *where = join(pointer, templates[i]);
            template_values(t, where, "NO_DOLLAR", list);
            free(where);
        }
    }
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(st, "Result");
    if (!jsonata && strcmp(type->valuestring, "Pass") == 0 && (cJSON_IsObject(result) || cJSON_IsArray(result))) {
        char *where = join(pointer, "Result");
        template_values(result, where, "PASS_RESULT_IS_STATIC", list);
        free(where);
    }
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(st, "Choices");
    if (!jsonata && strcmp(type->valuestring, "Choice") == 0 && cJSON_IsArray(choices)) {
        char *where = join(pointer, "Choices");
        const cJSON *rule;
        int i = 0;
        cJSON_ArrayForEach(rule, choices)
        {
            char *at = join_index(where, i++);
            choice_rule(rule, at, list);
            free(at);
        }
        free(where);
    }
    static const char *const nested[] = {"Iterator", "ItemProcessor"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(st, nested[i]);
        if (cJSON_IsObject(m)) {
            char *where = join(pointer, nested[i]);
            states(m, where, jsonata, list);
            free(where);
        }
    }
    const cJSON *branches = cJSON_GetObjectItemCaseSensitive(st, "Branches");
    if (cJSON_IsArray(branches)) {
        char *where = join(pointer, "Branches");
        const cJSON *b;
        int i = 0;
        cJSON_ArrayForEach(b, branches)
        {
            char *at = join_index(where, i++);
            states(b, at, jsonata, list);
            free(at);
        }
        free(where);
    }
}

/* A machine (the top level, a branch, an item processor): each of its states. */
static void states(const cJSON *machine, const char *pointer, int jsonata, cJSON *list)
{
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(machine, "QueryLanguage");
    if (cJSON_IsString(ql))
        jsonata = strcmp(ql->valuestring, "JSONata") == 0;
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(machine, "States"), *st;
    char *where = join(pointer, "States");
    cJSON_ArrayForEach(st, all)
    {
        if (!cJSON_IsObject(st) || !st->string)
            continue;
        char *at = join(where, st->string);
        state(st, at, jsonata, list);
        free(at);
    }
    free(where);
}

void srv_lint(const cJSON *doc, cJSON *list)
{
    if (cJSON_IsObject(doc))
        states(doc, "", 0, list);
}
