/* intrinsic.c — parsing intrinsic function calls ("States.Format('{}', $.x)")
 * into ASLRT_T_CALL templates, and rejecting at compile time every call that
 * could only ever fail.
 *
 * Grammar (ASL spec, "Intrinsic Functions"; AWS developer guide):
 *
 *   call    := "States." NAME "(" [ arg { "," arg } ] ")"
 *   arg     := string | number | "true" | "false" | "null" | path | call
 *   string  := "'" { char | "\'" | "\{" | "\}" | "\\" } "'"
 *   number  := [ "-" ] int [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]
 *   path    := "$" ...   up to the first "," or ")" outside brackets
 *
 * Whitespace is allowed around arguments. Calls nest at most 10 deep (the
 * outermost call counts as one). Any other backslash sequence inside a string
 * literal makes the definition invalid (AWS rejects `\"`).
 *
 * Literal arguments become cJSON nodes allocated in the arena: zeroed structs
 * filled in by hand, never given to cJSON_Delete, only read or duplicated.
 *
 * One convention the runtime relies on: the literal template of States.Format
 * (its first argument, when written as a string) keeps its escapes, because
 * Format must tell a placeholder `{}` from the escaped braces `\{\}`. Every
 * other string literal is stored decoded.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "diag.h"
#include "intrinsic.h"
#include "path.h"
#include "utf8.h"
#include "xalloc.h"

#define MAX_NESTING 10   /* calls per field, the outermost included */
#define MAX_CHARS   10000 /* Base64Encode/Decode and Hash input, in UTF-16 units */
#define MAX_RANGE   1000  /* items States.ArrayRange may produce */

/* Static types, as cJSON type bits; a set of them says what may appear.
   These are the type words of aslrt.h's ASLRT_INTRINSICS. */
#define TY_NONE 0 /* no such argument */
#define TY_BOOL (cJSON_True | cJSON_False)
#define TY_NUM  cJSON_Number
#define TY_STR  cJSON_String
#define TY_ARR  cJSON_Array
#define TY_OBJ  cJSON_Object
#define TY_ANY  (TY_BOOL | cJSON_NULL | TY_NUM | TY_STR | TY_ARR | TY_OBJ)

/* What each function takes and returns. `args` gives the type of each
   argument; TY_NONE (past the last one a variadic function lists) takes any. */
typedef struct func {
    const char *name;  /* as written, "States.Format" */
    int min, max;      /* argument count; max -1: no limit */
    int ret;           /* TY_* of the result */
    int args[3];
} func;

static const func k_funcs[ASLRT_FN_COUNT] = {
#define X(id, name, impl, min, max, ret, a1, a2, a3, ...) \
    [ASLRT_FN_##id] = {name, min, max, TY_##ret, {TY_##a1, TY_##a2, TY_##a3}},
    ASLRT_INTRINSICS(X)
#undef X
};

typedef struct parser {
    asl_arena *a;
    const char *text;  /* the whole call, for offsets in messages */
    const char *p;     /* the next character to read */
    const char *err;   /* the first error, in the arena */
} parser;

/* Records the first error, "... at offset N" where it helps, and returns NULL
   so that callers can `return fail(...)`. */
static void *fail(parser *ps, const char *msg)
{
    if (!ps->err)
        ps->err = msg;
    return NULL;
}

static void skip_ws(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static int offset(const parser *ps)
{
    return (int)(ps->p - ps->text);
}

/* A literal node in the arena (see the file comment). */
static cJSON *lit_new(asl_arena *a, int type)
{
    cJSON *j = asl_arena_alloc(a, sizeof *j);
    j->type = type;
    return j;
}

/* Java's Math.round: the nearest integer, halves toward +infinity
   (2.5 -> 3, -2.5 -> -2). floor(x + 0.5) would round 0.49999999999999994 up. */
static double java_round(double x)
{
    double r = floor(x);
    return x - r >= 0.5 ? r + 1 : r;
}

/* The type of a value, in words, for messages. */
static const char *type_words(int ty)
{
    switch (ty) {
    case cJSON_True:
    case cJSON_False:
    case TY_BOOL: return "a boolean";
    case cJSON_NULL: return "null";
    case TY_NUM: return "a number";
    case TY_STR: return "a string";
    case TY_ARR: return "an array";
    case TY_OBJ: return "an object";
    default: return "a value";
    }
}

/* string := "'" { char | "\'" | "\{" | "\}" | "\\" } "'"
   Stores the decoded text, or the text as written when keep_escapes. */
static int parse_string(parser *ps, aslrt_tmpl *out, int keep_escapes)
{
    const char *start = ps->p + 1, *q = start; /* after the opening quote */
    for (; *q != '\''; q++) {
        if (*q == '\0' || (*q == '\\' && q[1] == '\0')) {
            fail(ps, asl_arena_printf(ps->a, "unterminated string literal starting at offset %d", offset(ps)));
            return -1;
        }
        if (*q == '\\') {
            char e = *++q;
            if (e != '\'' && e != '{' && e != '}' && e != '\\') {
                fail(ps, asl_arena_printf(ps->a,
                    "invalid escape '\\%c' at offset %d: inside a string literal only "
                    "\\' \\{ \\} and \\\\ are allowed", e, (int)(q - 1 - ps->text)));
                return -1;
            }
        }
    }
    size_t len = (size_t)(q - start);
    char *text = asl_arena_strndup(ps->a, start, len);
    if (!keep_escapes) {
        char *w = text;
        for (const char *r = text; *r; r++)
            *w++ = *r == '\\' ? *++r : *r;
        *w = '\0';
    }
    cJSON *j = lit_new(ps->a, cJSON_String);
    j->valuestring = text;
    ps->p = q + 1; /* after the closing quote */
    out->kind = ASLRT_T_LITERAL;
    out->value = j;
    return 0;
}

/* number := [ "-" ] int [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]
   with int := "0" | [1-9] digits, as in JSON. */
static int parse_number(parser *ps, aslrt_tmpl *out)
{
    const char *s = ps->p, *q = s;
    if (*q == '-')
        q++;
    if (*q == '0')
        q++;
    else if (isdigit((unsigned char)*q))
        while (isdigit((unsigned char)*q))
            q++;
    else
        goto bad;
    if (*q == '.') {
        q++;
        if (!isdigit((unsigned char)*q))
            goto bad;
        while (isdigit((unsigned char)*q))
            q++;
    }
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!isdigit((unsigned char)*q))
            goto bad;
        while (isdigit((unsigned char)*q))
            q++;
    }
    if (isalnum((unsigned char)*q) || *q == '.' || *q == '_')
        goto bad;
    char *tok = asl_arena_strndup(ps->a, s, (size_t)(q - s));
    double d = strtod(tok, NULL);
    if (!isfinite(d)) {
        fail(ps, asl_arena_printf(ps->a, "number '%s' at offset %d is out of range", tok, offset(ps)));
        return -1;
    }
    cJSON *j = lit_new(ps->a, cJSON_Number);
    j->valuedouble = d;
    j->valueint = d >= INT_MAX ? INT_MAX : d <= INT_MIN ? INT_MIN : (int)d;
    out->kind = ASLRT_T_LITERAL;
    out->value = j;
    ps->p = q;
    return 0;
bad:
    while (*q && *q != ',' && *q != ')' && !isspace((unsigned char)*q))
        q++;
    fail(ps, asl_arena_printf(ps->a, "invalid number '%.*s' at offset %d",
                              (int)(q - s), s, offset(ps)));
    return -1;
}

/* path := "$" ... ending at the first "," or ")" outside brackets; quoted
   names inside brackets (['a,b']) may hold either. */
static int parse_path(parser *ps, aslrt_tmpl *out)
{
    const char *s = ps->p, *q = s;
    int depth = 0;
    char quote = 0;
    for (; *q; q++) {
        if (quote) {
            if (*q == '\\' && q[1])
                q++;
            else if (*q == quote)
                quote = 0;
        } else if (depth > 0 && (*q == '\'' || *q == '"')) {
            quote = *q;
        } else if (*q == '[') {
            depth++;
        } else if (*q == ']') {
            depth--;
        } else if (depth <= 0 && (*q == ',' || *q == ')')) {
            break;
        }
    }
    const char *e = q;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    const char *text = asl_arena_strndup(ps->a, s, (size_t)(e - s));
    const char *perr = NULL;
    const aslrt_path *p = asl_path_parse(ps->a, text, 0, &perr);
    if (!p) {
        fail(ps, asl_arena_printf(ps->a, "invalid path '%s' at offset %d: %s", text, offset(ps),
                                  perr ? perr : "not a JSONPath"));
        return -1;
    }
    out->kind = ASLRT_T_PATH;
    out->path = p;
    ps->p = q;
    return 0;
}

static const aslrt_tmpl *parse_call(parser *ps, int depth);

/* true, false or null, not followed by more of a word. */
static int parse_keyword(parser *ps, aslrt_tmpl *out)
{
    static const struct { const char *word; int type; } k[] = {
        {"true", cJSON_True}, {"false", cJSON_False}, {"null", cJSON_NULL},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        size_t n = strlen(k[i].word);
        if (strncmp(ps->p, k[i].word, n) == 0 && !isalnum((unsigned char)ps->p[n]) && ps->p[n] != '_') {
            cJSON *j = lit_new(ps->a, k[i].type);
            j->valueint = k[i].type == cJSON_True;
            out->kind = ASLRT_T_LITERAL;
            out->value = j;
            ps->p += n;
            return 0;
        }
    }
    const char *q = ps->p;
    while (*q && *q != ',' && *q != ')' && !isspace((unsigned char)*q))
        q++;
    fail(ps, asl_arena_printf(ps->a,
        "unexpected '%.*s' at offset %d: an argument is a 'string', a number, true, false, "
        "null, a path or an intrinsic function call", (int)(q - ps->p), ps->p, offset(ps)));
    return -1;
}

/* arg := string | number | true | false | null | path | call */
static int parse_arg(parser *ps, aslrt_tmpl *out, int keep_escapes, int depth)
{
    char c = *ps->p;
    if (c == '\'')
        return parse_string(ps, out, keep_escapes);
    if (c == '$')
        return parse_path(ps, out);
    if (c == '-' || isdigit((unsigned char)c))
        return parse_number(ps, out);
    if (strncmp(ps->p, "States.", 7) == 0) {
        const aslrt_tmpl *call = parse_call(ps, depth + 1);
        if (!call)
            return -1;
        *out = *call;
        return 0;
    }
    return parse_keyword(ps, out);
}

/* The static type of an argument: a literal's own, a call's result, any for
   a path. */
static int static_type(const aslrt_tmpl *t)
{
    if (t->kind == ASLRT_T_LITERAL)
        return t->value->type & 0xff;
    if (t->kind == ASLRT_T_CALL)
        return t->fn == ASLRT_FN_UNKNOWN ? TY_ANY : k_funcs[t->fn].ret;
    return TY_ANY;
}

/* Placeholders `{}` in a Format template written with its escapes. */
static int count_placeholders(const char *s)
{
    int n = 0;
    for (; *s; s++) {
        if (*s == '\\' && s[1])
            s++;
        else if (s[0] == '{' && s[1] == '}')
            n++, s++;
    }
    return n;
}

/* An argument that must be an integer, rounded as AWS rounds: 1 with the
   value in *out when it is a literal in [lo, hi], 0 when it is not a literal,
   -1 (error recorded) when it is a literal out of range. */
static int check_int(parser *ps, const func *f, int i, const aslrt_tmpl *t,
                     double lo, double hi, double *out)
{
    if (t->kind != ASLRT_T_LITERAL || !cJSON_IsNumber(t->value))
        return 0;
    double r = java_round(t->value->valuedouble);
    if (r < lo || r > hi) {
        fail(ps, asl_arena_printf(ps->a, "argument %d of %s must be between %.0f and %.0f, not %.17g",
                                  i + 1, f->name, lo, hi, t->value->valuedouble));
        return -1;
    }
    *out = r;
    return 1;
}

/* Rules AWS states for each function, checked wherever the arguments are
   known before run time:
   - argument count (Format >= 1, Array >= 0, MathRandom 2-3, UUID 0, ...);
   - argument types (a literal, or what a nested call returns);
   - Hash's algorithm is one of MD5, SHA-1, SHA-256, SHA-384, SHA-512;
   - JsonMerge's third argument is false (deep merge is not supported);
   - Base64Encode/Decode and Hash take at most 10,000 characters;
   - ArrayPartition's size > 0, ArrayGetItem's index >= 0, ArrayRange's step != 0
     and at most 1,000 items;
   - Format has exactly one value per `{}`. */
static int check_call(parser *ps, int fn, const aslrt_tmpl *items, int n)
{
    const func *f = &k_funcs[fn];
    if (n < f->min || (f->max >= 0 && n > f->max)) {
        const char *want = f->max < 0 ? asl_arena_printf(ps->a, "at least %d argument%s", f->min, f->min == 1 ? "" : "s")
                         : f->max == 0 ? "no arguments"
                         : f->min == f->max ? asl_arena_printf(ps->a, "%d argument%s", f->min, f->min == 1 ? "" : "s")
                         : asl_arena_printf(ps->a, "%d or %d arguments", f->min, f->max);
        fail(ps, asl_arena_printf(ps->a, "%s takes %s, not %d", f->name, want, n));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int want = i < 3 && f->args[i] ? f->args[i] : TY_ANY;
        int have = static_type(&items[i]);
        if (!(have & want)) {
            fail(ps, asl_arena_printf(ps->a, "argument %d of %s must be %s, not %s", i + 1, f->name,
                                      type_words(want), type_words(have)));
            return -1;
        }
    }
    const aslrt_tmpl *a0 = n > 0 ? &items[0] : NULL, *a1 = n > 1 ? &items[1] : NULL;
    double r;
    switch (fn) {
    case ASLRT_FN_FORMAT:
        if (a0->kind == ASLRT_T_LITERAL) {
            int holes = count_placeholders(a0->value->valuestring);
            if (holes != n - 1) {
                fail(ps, asl_arena_printf(ps->a, "States.Format's template has %d placeholder%s {} but %d value%s follow%s",
                                          holes, holes == 1 ? "" : "s", n - 1, n - 1 == 1 ? "" : "s",
                                          n - 1 == 1 ? "s" : ""));
                return -1;
            }
        }
        break;
    case ASLRT_FN_BASE64_ENCODE:
    case ASLRT_FN_BASE64_DECODE:
    case ASLRT_FN_HASH:
        if (a0->kind == ASLRT_T_LITERAL && aslrt_utf8_utf16_len(a0->value->valuestring) > MAX_CHARS) {
            fail(ps, asl_arena_printf(ps->a, "the input of %s is limited to %d characters", f->name, MAX_CHARS));
            return -1;
        }
        if (fn == ASLRT_FN_HASH && a1->kind == ASLRT_T_LITERAL) {
            static const char *const algs[] = {"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"};
            const char *alg = a1->value->valuestring;
            int ok = 0;
            for (int i = 0; i < 5; i++)
                ok |= strcmp(alg, algs[i]) == 0;
            if (!ok) {
                const char *hint = asl_did_you_mean(alg, algs, 5);
                fail(ps, asl_arena_printf(ps->a, "unknown hash algorithm '%s'%s%s%s: States.Hash supports "
                                          "MD5, SHA-1, SHA-256, SHA-384 and SHA-512",
                                          alg, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : ""));
                return -1;
            }
        }
        break;
    case ASLRT_FN_JSON_MERGE:
        if (items[2].kind == ASLRT_T_LITERAL && cJSON_IsTrue(items[2].value)) {
            fail(ps, "States.JsonMerge does not support deep merging: its third argument must be false");
            return -1;
        }
        break;
    case ASLRT_FN_ARRAY_PARTITION:
        if (check_int(ps, f, 1, a1, 1, INT_MAX, &r) < 0)
            return -1;
        break;
    case ASLRT_FN_ARRAY_GET_ITEM:
        if (check_int(ps, f, 1, a1, 0, INT_MAX, &r) < 0)
            return -1;
        break;
    case ASLRT_FN_ARRAY_RANGE: {
        double v[3] = {0, 0, 0};
        int known = 0;
        for (int i = 0; i < 3; i++) {
            int k = check_int(ps, f, i, &items[i], INT_MIN, INT_MAX, &v[i]);
            if (k < 0)
                return -1;
            known += k;
        }
        if (items[2].kind == ASLRT_T_LITERAL && v[2] == 0) {
            fail(ps, "the step of States.ArrayRange must not be 0");
            return -1;
        }
        if (known == 3) {
            double count = (v[1] - v[0]) / v[2];
            if (count >= 0 && floor(count) + 1 > MAX_RANGE) {
                fail(ps, asl_arena_printf(ps->a, "States.ArrayRange would make %.0f items; at most %d are allowed",
                                          floor(count) + 1, MAX_RANGE));
                return -1;
            }
        }
        break;
    }
    case ASLRT_FN_MATH_ADD:
        for (int i = 0; i < 2; i++)
            if (check_int(ps, f, i, &items[i], INT_MIN, INT_MAX, &r) < 0)
                return -1;
        break;
    case ASLRT_FN_MATH_RANDOM:
        for (int i = 0; i < 2; i++)
            if (check_int(ps, f, i, &items[i], INT_MIN, INT_MAX, &r) < 0)
                return -1;
        if (a0->kind == ASLRT_T_LITERAL && a1->kind == ASLRT_T_LITERAL &&
            java_round(a0->value->valuedouble) >= java_round(a1->value->valuedouble)) {
            fail(ps, "the end of States.MathRandom's range must be greater than its start");
            return -1;
        }
        break;
    default:
        break;
    }
    return 0;
}

/* call := "States." NAME "(" [ arg { "," arg } ] ")" */
static const aslrt_tmpl *parse_call(parser *ps, int depth)
{
    const char *start = ps->p;
    if (depth > MAX_NESTING)
        return fail(ps, asl_arena_printf(ps->a, "intrinsic function calls are nested more than %d deep "
                                         "(at offset %d)", MAX_NESTING, offset(ps)));
    if (strncmp(ps->p, "States.", 7) != 0)
        return fail(ps, asl_arena_printf(ps->a, "expected an intrinsic function call such as "
                                         "States.Format(...) at offset %d", offset(ps)));
    const char *name = ps->p;
    ps->p += 7;
    while (isalnum((unsigned char)*ps->p))
        ps->p++;
    size_t len = (size_t)(ps->p - name);
    int fn = -1;
    for (int i = 0; i < ASLRT_FN_COUNT; i++)
        if (strlen(k_funcs[i].name) == len && strncmp(k_funcs[i].name, name, len) == 0)
            fn = i;
    const char *word = asl_arena_strndup(ps->a, name, len);
    if (fn < 0 && len > 7 && *ps->p == '(') {
        /* A well-formed call of a States.* function aslc does not know:
           validate.c warns, and running it fails (ASLRT_FN_UNKNOWN). */
        fn = ASLRT_FN_UNKNOWN;
    } else if (fn < 0) {
        const char *names[ASLRT_FN_COUNT];
        for (int i = 0; i < ASLRT_FN_COUNT; i++)
            names[i] = k_funcs[i].name;
        const char *hint = asl_did_you_mean(word, names, ASLRT_FN_COUNT);
        return fail(ps, asl_arena_printf(ps->a, "unknown intrinsic function '%s'%s%s%s", word,
                                         hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : ""));
    }
    if (*ps->p != '(')
        return fail(ps, asl_arena_printf(ps->a, "expected '(' after %s at offset %d", word, offset(ps)));
    ps->p++;

    int n = 0, cap = 4;
    aslrt_tmpl *items = aslrt_xmalloc(sizeof *items * (size_t)cap);
    skip_ws(ps);
    if (*ps->p == ')') {
        ps->p++;
    } else {
        for (;;) {
            if (n == cap)
                items = aslrt_xrealloc(items, sizeof *items * (size_t)(cap *= 2));
            memset(&items[n], 0, sizeof items[n]);
            int keep = fn == ASLRT_FN_FORMAT && n == 0;
            if (parse_arg(ps, &items[n], keep, depth) != 0) {
                free(items);
                return NULL;
            }
            n++;
            skip_ws(ps);
            if (*ps->p == ')') {
                ps->p++;
                break;
            }
            if (*ps->p != ',') {
                free(items);
                if (*ps->p == '\0')
                    return fail(ps, asl_arena_printf(ps->a, "missing ')' to close %s", word));
                return fail(ps, asl_arena_printf(ps->a, "expected ',' or ')' at offset %d", offset(ps)));
            }
            ps->p++;
            skip_ws(ps);
        }
    }
    if (fn != ASLRT_FN_UNKNOWN && check_call(ps, fn, items, n) != 0) {
        free(items);
        return NULL;
    }
    aslrt_tmpl *t = asl_arena_alloc(ps->a, sizeof *t);
    t->kind = ASLRT_T_CALL;
    t->fn = fn;
    t->text = asl_arena_strndup(ps->a, start, (size_t)(ps->p - start));
    t->n = n;
    if (n > 0) {
        aslrt_tmpl *copy = asl_arena_alloc(ps->a, sizeof *copy * (size_t)n);
        memcpy(copy, items, sizeof *copy * (size_t)n);
        t->items = copy;
    }
    free(items);
    return t;
}

const char *asl_intrinsic_unknown(asl_arena *a, const aslrt_tmpl *t)
{
    if (!t || t->kind != ASLRT_T_CALL)
        return NULL;
    if (t->fn == ASLRT_FN_UNKNOWN) {
        const char *paren = strchr(t->text, '(');
        const char *word = asl_arena_strndup(a, t->text, paren ? (size_t)(paren - t->text) : strlen(t->text));
        const char *names[ASLRT_FN_COUNT];
        for (int i = 0; i < ASLRT_FN_COUNT; i++)
            names[i] = k_funcs[i].name;
        const char *hint = asl_did_you_mean(word, names, ASLRT_FN_COUNT);
        return asl_arena_printf(a, "unknown intrinsic function '%s'%s%s%s", word, hint ? " (did you mean '" : "",
                                hint ? hint : "", hint ? "'?)" : "");
    }
    for (int i = 0; i < t->n; i++) { /* the parser bounds the nesting */
        const char *m = asl_intrinsic_unknown(a, &t->items[i]);
        if (m)
            return m;
    }
    return NULL;
}

const aslrt_tmpl *asl_intrinsic_parse(asl_arena *a, const char *text, const char **err)
{
    parser ps = {a, text ? text : "", text ? text : "", NULL};
    skip_ws(&ps);
    const aslrt_tmpl *t = parse_call(&ps, 1);
    if (t) {
        skip_ws(&ps);
        if (*ps.p != '\0')
            t = fail(&ps, asl_arena_printf(a, "unexpected text after the call at offset %d", offset(&ps)));
    }
    if (!t && err)
        *err = ps.err;
    return t;
}
