/* subst.c — DefinitionSubstitutions: ${Name} placeholders filled before the
 * definition is parsed.
 *
 * What CloudFormation does (AWS::StepFunctions::StateMachine, whose handler
 * SAM and CDK templates also reach): the values are strings, integers or
 * booleans, anything else fails the stack; each "${" Name "}" in the
 * definition's text whose Name has a value is replaced by the value's text
 * (an integer in decimal, a boolean as true or false), wherever it stands:
 * inside a JSON string, a key, a JSONata expression, or between values; a
 * value that holds ${Other} is filled in turn, and a value that leads back
 * to itself fails. A placeholder with no value, and any other "${...}"
 * (Fn::Sub's "${!Literal}" included), is left as it is.
 *
 * Where aslc differs, on purpose: a string value that lands inside a JSON
 * string is written there with JSON's escapes, so the string holds exactly
 * the value. CloudFormation pastes the raw text, so a value holding " or \
 * or a control character gives a different string or a definition AWS
 * rejects as invalid JSON; for every other value (every ARN, name and
 * number) both give the same definition. Outside a string the value is
 * pasted as it is, as CloudFormation does ("TimeoutSeconds": ${Timeout}).
 * Names are checked: 1 to 255 of the characters placeholders are written
 * with (asl_subst_name_ok), where CloudFormation takes any key; and
 * integers are those of CloudFormation's (Java's) int, -2^31 to 2^31-1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonfile.h"
#include "subst.h"
#include "utf8.h"
#include "xalloc.h"

/* The definition after substitution may not grow past this: AWS takes a
   definition of at most 1 MiB, and values that hold placeholders could
   otherwise double it at each level. */
#define SUBST_MAX_TEXT (64u << 20)

typedef struct entry {
    char *name;
    char *value;     /* its text, as it is pasted */
    int from_option; /* --substitution, which wins over any file */
} entry;

struct asl_subst {
    entry *e;
    int n, cap;
    char **argv; /* the options as given, for asl_subst_argv */
    int argc;
};

asl_subst *asl_subst_new(void)
{
    asl_subst *s = aslrt_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    return s;
}

void asl_subst_free(asl_subst *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++) {
        free(s->e[i].name);
        free(s->e[i].value);
    }
    free(s->e);
    free(s->argv);
    free(s);
}

static int name_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
}

int asl_subst_name_ok(const char *name, size_t n)
{
    if (n == 0 || n > ASL_SUBST_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char((unsigned char)name[i]))
            return 0;
    return 1;
}

static void add(asl_subst *s, const char *name, size_t n, const char *value, int from_option)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->e = aslrt_xrealloc(s->e, (size_t)s->cap * sizeof *s->e);
    }
    entry *e = &s->e[s->n++];
    e->name = memcpy(aslrt_xmalloc(n + 1), name, n);
    e->name[n] = '\0';
    e->value = aslrt_xstrdup(value);
    e->from_option = from_option;
}

/* The value of name[0..n-1], or NULL: the last --substitution that names
   it, else the last file that does. */
static const char *lookup(const asl_subst *s, const char *name, size_t n)
{
    const char *from_file = NULL;
    for (int i = s->n - 1; i >= 0; i--) {
        const entry *e = &s->e[i];
        if (strlen(e->name) != n || memcmp(e->name, name, n) != 0)
            continue;
        if (e->from_option)
            return e->value;
        if (!from_file)
            from_file = e->value;
    }
    return from_file;
}

/* ---------------------------------------------------------------- options */

/* A whole number Java's int holds (checked before any conversion: one out
   of range is undefined). */
static int is_int32(double d)
{
    return d >= -2147483648.0 && d <= 2147483647.0 && d == (double)(int32_t)d;
}

static const char allowed_names[] = "1 to 255 letters, digits and _ . - : [ ]";

/* One member of a substitutions file; 0, or -1 after saying what is wrong. */
static int add_member(asl_subst *s, const char *file, const cJSON *m)
{
    const char *name = m->string ? m->string : "";
    const char *tok[1] = {name};
    char *problem = NULL, num[16];
    const char *value = NULL;
    if (!asl_subst_name_ok(name, strlen(name)))
        problem = aslrt_json_problem(file, tok, 1, "\"%.80s\" is not a placeholder name (%s)", name, allowed_names);
    else if (cJSON_IsString(m))
        value = m->valuestring;
    else if (cJSON_IsBool(m))
        value = cJSON_IsTrue(m) ? "true" : "false";
    else if (cJSON_IsNumber(m) && is_int32(m->valuedouble)) {
        snprintf(num, sizeof num, "%d", (int)(int32_t)m->valuedouble);
        value = num;
    } else if (cJSON_IsNumber(m))
        problem = aslrt_json_problem(file, tok, 1, "the value is a number that is not an integer from -2147483648 "
                                     "to 2147483647 (CloudFormation takes strings, integers and booleans)");
    else
        problem = aslrt_json_problem(file, tok, 1, "the value is %s: CloudFormation takes strings, integers and "
                                     "booleans", aslrt_json_kind(m));
    if (problem) {
        fprintf(stderr, "aslc: --substitutions %s\n", problem);
        free(problem);
        return -1;
    }
    add(s, name, strlen(name), value, 0);
    return 0;
}

static int load_file(asl_subst *s, const char *file)
{
    char *err = NULL;
    cJSON *doc = aslrt_json_load(file, &err);
    if (!doc) {
        fprintf(stderr, "aslc: --substitutions %s\n", err ? err : file);
        free(err);
        return -1;
    }
    int rc = 0;
    const cJSON *dup;
    if (!cJSON_IsObject(doc)) {
        fprintf(stderr, "aslc: --substitutions %s: expected a JSON object of names to values, not %s\n", file,
                aslrt_json_kind(doc));
        rc = -1;
    } else if ((dup = aslrt_json_duplicate_key(doc))) {
        const char *tok[1] = {dup->string};
        char *problem = aslrt_json_problem(file, tok, 1, "the name is given twice");
        fprintf(stderr, "aslc: --substitutions %s\n", problem);
        free(problem);
        rc = -1;
    } else {
        for (const cJSON *m = doc->child; m && rc == 0; m = m->next)
            rc = add_member(s, file, m);
    }
    cJSON_Delete(doc);
    return rc;
}

/* NAME=VALUE from the command line: the value is a string. */
static int add_pair(asl_subst *s, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        fprintf(stderr, "aslc: --substitution '%.80s': expected NAME=VALUE\n", arg);
        return -1;
    }
    size_t n = (size_t)(eq - arg);
    if (!asl_subst_name_ok(arg, n)) {
        fprintf(stderr, "aslc: --substitution '%.80s': \"%.*s\" is not a placeholder name (%s)\n", arg,
                (int)(n > 80 ? 80 : n), arg, allowed_names);
        return -1;
    }
    const char *value = eq + 1;
    size_t len = strlen(value), bad = aslrt_utf8_check(value, len);
    if (bad < len) {
        fprintf(stderr, "aslc: --substitution %.*s: the value is not valid UTF-8 (byte 0x%02X at offset %zu); "
                "a definition is UTF-8 text\n", (int)n, arg, (unsigned char)value[bad], bad);
        return -1;
    }
    add(s, arg, n, value, 1);
    return 0;
}

int asl_subst_option(asl_subst *s, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    int file = strcmp(a, "--substitutions") == 0;
    if (!file && strcmp(a, "--substitution") != 0)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "aslc: %s needs %s\n", a, file ? "a file (a JSON object of names to values)" : "NAME=VALUE");
        return -1;
    }
    const char *v = argv[++*i];
    if ((file ? load_file(s, v) : add_pair(s, v)) != 0)
        return -1;
    s->argv = aslrt_xrealloc(s->argv, (size_t)(s->argc + 2) * sizeof *s->argv);
    s->argv[s->argc++] = (char *)a;
    s->argv[s->argc++] = (char *)v;
    return 1;
}

char *const *asl_subst_argv(const asl_subst *s, int *n)
{
    *n = s ? s->argc : 0;
    return s ? s->argv : NULL;
}

/* ---------------------------------------------------------------- the text */

/* Where the scanner is: inside a JSON string or not. A definition that is
   not yet JSON (a placeholder between values) is scanned all the same. */
typedef struct scan {
    const char *t;
    size_t len, at;
    int in_string;
    int plain; /* a value, not JSON text: no strings or escapes to follow */
} scan;

/* The next placeholder "${Name}" at or after sc->at: 1 with its start and
   the name's offset and length, sc->at just past it; 0 when none is left. */
static int next_placeholder(scan *sc, size_t *start, size_t *name_at, size_t *name_len)
{
    const char *t = sc->t;
    while (sc->at < sc->len) {
        size_t i = sc->at++;
        char c = t[i];
        if (sc->plain) {
            /* nothing to follow */
        } else if (sc->in_string && c == '\\') {
            sc->at++; /* the escaped character, whatever it is */
            continue;
        } else if (c == '"') {
            sc->in_string = !sc->in_string;
            continue;
        }
        if (c != '$' || i + 1 >= sc->len || t[i + 1] != '{')
            continue;
        size_t k = i + 2;
        while (k < sc->len && k - (i + 2) <= ASL_SUBST_NAME_MAX && name_char((unsigned char)t[k]))
            k++;
        if (k < sc->len && t[k] == '}' && asl_subst_name_ok(t + i + 2, k - (i + 2))) {
            *start = i;
            *name_at = i + 2;
            *name_len = k - (i + 2);
            sc->at = k + 1;
            return 1;
        }
    }
    return 0;
}

/* JSON's escapes for text pasted inside a string. */
static void add_escaped(asl_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            asl_buf_putc(b, '\\');
            asl_buf_putc(b, (char)c);
        } else if (c == '\n') {
            asl_buf_puts(b, "\\n");
        } else if (c == '\t') {
            asl_buf_puts(b, "\\t");
        } else if (c == '\r') {
            asl_buf_puts(b, "\\r");
        } else if (c < 0x20) {
            asl_buf_printf(b, "\\u%04x", c);
        } else {
            asl_buf_putc(b, (char)c);
        }
    }
}

typedef struct expander {
    const asl_subst *s;
    const char *stack[64]; /* the names being filled, outermost first */
    int depth;
    char *err;
} expander;

/* Appends the value of name with the placeholders it holds filled in turn
   (raw: the caller escapes the whole). -1 with ex->err set on a cycle, a
   chain too deep, or a text too long. */
static int expand(expander *ex, const char *name, const char *value, asl_buf *out)
{
    for (int i = 0; i < ex->depth; i++) {
        if (strcmp(ex->stack[i], name) != 0)
            continue;
        asl_buf chain = {0};
        for (int k = i; k < ex->depth; k++)
            asl_buf_printf(&chain, "${%s} -> ", ex->stack[k]);
        asl_buf_printf(&chain, "${%s}", name);
        ex->err = aslrt_strf("the substitution for %s leads back to itself (%s), which CloudFormation refuses too",
                             name, chain.data);
        asl_buf_free(&chain);
        return -1;
    }
    if (ex->depth == (int)(sizeof ex->stack / sizeof ex->stack[0])) {
        ex->err = aslrt_strf("substitutions nest more than %d deep (at ${%s})", ex->depth, name);
        return -1;
    }
    ex->stack[ex->depth++] = name;
    scan sc = {value, strlen(value), 0, 0, 1};
    size_t from = 0, start, at, n;
    while (next_placeholder(&sc, &start, &at, &n)) {
        const char *v = lookup(ex->s, value + at, n);
        if (!v)
            continue;
        asl_buf_add(out, value + from, start - from);
        char inner[ASL_SUBST_NAME_MAX + 1];
        memcpy(inner, value + at, n);
        inner[n] = '\0';
        if (expand(ex, inner, v, out) != 0)
            return -1;
        from = sc.at;
    }
    asl_buf_add(out, value + from, sc.len - from);
    ex->depth--;
    if (out->len > SUBST_MAX_TEXT) {
        ex->err = aslrt_strf("the definition grows past %u MiB as substitutions are filled", SUBST_MAX_TEXT >> 20);
        return -1;
    }
    return 0;
}

char *asl_subst_apply(const asl_subst *s, const char *text, size_t len, size_t *out_len, char **err)
{
    expander ex = {s, {0}, 0, NULL};
    asl_buf out = {0}, val = {0};
    scan sc = {text, len, 0, 0, 0};
    size_t from = 0, start, at, n;
    *err = NULL;
    while (next_placeholder(&sc, &start, &at, &n)) {
        const char *v = lookup(s, text + at, n);
        if (!v)
            continue;
        asl_buf_add(&out, text + from, start - from);
        char name[ASL_SUBST_NAME_MAX + 1];
        memcpy(name, text + at, n);
        name[n] = '\0';
        val.len = 0;
        if (expand(&ex, name, v, &val) != 0) {
            asl_buf_free(&out);
            asl_buf_free(&val);
            *err = ex.err;
            return NULL;
        }
        if (sc.in_string) /* a placeholder never holds a quote, so it starts and ends inside */
            add_escaped(&out, val.data ? val.data : "", val.len);
        else
            asl_buf_add(&out, val.data ? val.data : "", val.len);
        from = sc.at;
        if (out.len > SUBST_MAX_TEXT) {
            asl_buf_free(&out);
            asl_buf_free(&val);
            *err = aslrt_strf("the definition grows past %u MiB as substitutions are filled", SUBST_MAX_TEXT >> 20);
            return NULL;
        }
    }
    asl_buf_add(&out, text + from, len - from);
    asl_buf_free(&val);
    *out_len = out.len;
    return asl_buf_take(&out);
}

char *asl_subst_bare(const char *text, size_t len)
{
    scan sc = {text, len, 0, 0, 0};
    size_t start, at, n;
    while (next_placeholder(&sc, &start, &at, &n))
        if (!sc.in_string)
            return aslrt_strf("${%.*s}", (int)n, text + at);
    return NULL;
}

/* ---------------------------------------------------------------- what is left */

/* Where a string stands, for how much an unfilled placeholder there matters. */
typedef enum { IN_MACHINE, IN_STATE, IN_READER, ELSEWHERE } role;

typedef struct reporter {
    int filled;
    asl_arena *a;
    asl_diag *d;
} reporter;

/* Where the walk is, a token a level, on the C stack: the JSON pointer is
   only spelled out for a string that holds a placeholder. */
typedef struct seg {
    const struct seg *up; /* NULL at the document */
    const char *key;      /* the member's name, or NULL for an array's element: */
    int index;
} seg;

static const char *pointer(asl_arena *a, const seg *s)
{
    if (!s)
        return "";
    const char *up = pointer(a, s->up);
    return s->key ? asl_ptr_join(a, up, s->key) : asl_ptr_index(a, up, s->index);
}

/* Every placeholder in s (a value, or a key when is_key), at ptr. An
   unfilled ${X} is the literal text "${X}" on AWS too. In a Resource AWS
   refuses it when the state machine is created (not an ARN), so once
   substitutions are given, which says the definition is the one to deploy,
   it is an error there; before that (no substitution option) the file is
   the template itself, which aslc has always checked with its Tasks left to
   fail at run time, so it is a warning. Anywhere else AWS takes the text as
   it is, and so does aslc: a warning. */
static void report_string(reporter *r, const char *s, const seg *at_seg, int is_resource, int is_key)
{
    if (!strstr(s, "${"))
        return;
    const char *ptr = pointer(r->a, at_seg);
    scan sc = {s, strlen(s), 0, 0, 1};
    size_t start, at, n;
    while (next_placeholder(&sc, &start, &at, &n)) {
        if (is_resource && r->filled)
            asl_diag_error(r->d, ptr, "the Resource holds the placeholder ${%.*s}, which no --substitution or "
                           "--substitutions value fills: AWS refuses a Resource that is not an ARN when the "
                           "state machine is created", (int)n, s + at);
        else if (is_resource)
            asl_diag_warning(r->d, ptr, "the Resource holds the placeholder ${%.*s}, not filled (give it a value "
                             "with --substitution %.*s=VALUE or --substitutions FILE): as it is, the Task fails "
                             "with States.TaskFailed unless a mock or a binding covers it",
                             (int)n, s + at, (int)n, s + at);
        else
            asl_diag_warning(r->d, ptr, "%s ${%.*s}, not filled (give it a value with --substitution %.*s=VALUE "
                             "or --substitutions FILE): it stays the literal text, as CloudFormation leaves it",
                             is_key ? "this name holds the placeholder" : "the text holds the placeholder",
                             (int)n, s + at, (int)n, s + at);
    }
}

/* The strings and keys of v at ptr; ro says which Resource members are a
   state's (or its ItemReader's or ResultWriter's) ARN, not a key of the
   data a state passes on, which may well be called "Resource" too. */
static void walk(reporter *r, const cJSON *v, const seg *at, role ro)
{
    if (cJSON_IsString(v)) {
        report_string(r, v->valuestring, at, 0, 0);
        return;
    }
    int i = 0;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        if (cJSON_IsArray(v)) {
            seg e = {at, NULL, i};
            walk(r, m, &e, ro == IN_MACHINE ? IN_MACHINE : ELSEWHERE);
            continue;
        }
        if (!cJSON_IsObject(v))
            break;
        const char *key = m->string ? m->string : "";
        seg p = {at, key, 0};
        report_string(r, key, &p, 0, 1);
        role next = ELSEWHERE;
        if (ro == IN_MACHINE && strcmp(key, "States") == 0 && cJSON_IsObject(m)) {
            for (const cJSON *st = m->child; st; st = st->next) {
                seg sp = {&p, st->string ? st->string : "", 0};
                report_string(r, sp.key, &sp, 0, 1);
                walk(r, st, &sp, cJSON_IsObject(st) ? IN_STATE : ELSEWHERE);
            }
            continue;
        }
        if ((ro == IN_STATE || ro == IN_READER) && strcmp(key, "Resource") == 0 && cJSON_IsString(m)) {
            report_string(r, m->valuestring, &p, 1, 0);
            continue;
        }
        if (ro == IN_STATE && (strcmp(key, "ItemReader") == 0 || strcmp(key, "ResultWriter") == 0))
            next = IN_READER;
        else if (ro == IN_STATE && (strcmp(key, "ItemProcessor") == 0 || strcmp(key, "Iterator") == 0 ||
                                    strcmp(key, "Branches") == 0)) /* a machine, or an array of them */
            next = IN_MACHINE;
        walk(r, m, &p, next);
    }
}

void asl_subst_report_unfilled(const cJSON *doc, int filled, asl_arena *a, asl_diag *d)
{
    reporter r = {filled, a, d};
    if (doc)
        walk(&r, doc, NULL, IN_MACHINE);
}
