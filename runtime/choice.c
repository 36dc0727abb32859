/* choice.c — evaluating Choice rules (JSONPath): data tests and And/Or/Not.
 *
 * A data test reads its Variable, and for the ...Path operators its operand
 * too, with the same paths as everywhere else (jsonpath.c), so $, $$ and $var
 * roots all work.  The rules of asl-reference §4:
 *
 *   - a value of the wrong type makes the test false, never an error
 *     (booleans are not numbers, a string that is not a timestamp is not a
 *     timestamp);
 *   - a Variable that selects nothing is States.Runtime, except under
 *     IsPresent, which is then simply false;
 *   - a ...Path operand that selects nothing is States.Runtime with the same
 *     cause, naming the operand's path (no AWS recording; this is what
 *     third-party conformance suites written against AWS expect);
 *   - an indefinite path ($.a[*], filters) selects an array, [] when nothing
 *     matches, and is compared as that array.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "choice.h"
#include "jsonpath.h"
#include "timestamp.h"

/* Boolean rules nest; a definition can only nest them as deep as its JSON,
   but the limit keeps the C stack bounded whatever the IR holds. */
#define MAX_RULE_DEPTH 1000

/* The value a path selects for a test. A definite path's node is borrowed
   from its root; an indefinite path's array is built, returned in *owned for
   the caller to free. NULL when a definite path selects nothing; -1 in *err
   when evaluating the path itself raised an ASL error. */
static const cJSON *select_value(aslrt_exec *ex, const aslrt_path *p, const cJSON *input,
                                 cJSON **owned, int *err)
{
    *owned = NULL;
    *err = 0;
    if (p->definite) /* sets no error */
        return aslrt_path_get(ex, p, input);
    int had_error = ex->error != NULL;
    const cJSON *v = *owned = aslrt_path_eval(ex, p, input);
    if (!v && !had_error && ex->error)
        *err = -1;
    return v;
}

/* The cause AWS gives when a condition path selects nothing. */
static int invalid_path(aslrt_exec *ex, const aslrt_path *p)
{
    return aslrt_runtime_error(ex,
                               "Invalid path '%s': The choice state's condition path references "
                               "an invalid value.",
                               p->text ? p->text : "");
}

/* Orders two strings by code point. UTF-8 byte order is code point order,
   and strcmp compares bytes as unsigned char. */
static int string_cmp(const char *a, const char *b)
{
    return strcmp(a, b);
}

static int is_timestamp(const cJSON *v, aslrt_time *t)
{
    return cJSON_IsString(v) && v->valuestring && aslrt_timestamp_parse(v->valuestring, t) == 0;
}

/* The relation each comparison operator tests (aslrt.h's list), by
   ASLRT_OP_*. Rules come from the compiler, so r->op is always one of them. */
static const unsigned char rel_of[ASLRT_OP_COUNT] = {
#define X(id, name, family, rel, ...) [ASLRT_OP_##id] = ASLRT_REL_##rel,
    ASLRT_COMPARISONS(X)
#undef X
};

/* <0, 0, >0 turned into the truth of relation `rel` (EQ, LT, GT, LE, GE). */
static int holds(int rel, int c)
{
    switch (rel) {
    case ASLRT_REL_EQ: return c == 0;
    case ASLRT_REL_LT: return c < 0;
    case ASLRT_REL_GT: return c > 0;
    case ASLRT_REL_LE: return c <= 0;
    default: return c >= 0;
    }
}

/* The comparisons of the Variable's value v with the operand w, one per
   family that shares test_compared(); both present. Any mismatch of type is
   false. */
static int string_holds(int op, const cJSON *v, const cJSON *w)
{
    if (!cJSON_IsString(v) || !cJSON_IsString(w) || !v->valuestring || !w->valuestring)
        return 0;
    if (rel_of[op] == ASLRT_REL_MATCHES)
        return aslrt_string_matches(v->valuestring, w->valuestring);
    return holds(rel_of[op], string_cmp(v->valuestring, w->valuestring));
}

static int boolean_holds(int op, const cJSON *v, const cJSON *w)
{
    if (!cJSON_IsBool(v) || !cJSON_IsBool(w))
        return 0;
    return holds(rel_of[op], cJSON_IsTrue(v) - cJSON_IsTrue(w));
}

static int timestamp_holds(int op, const cJSON *v, const cJSON *w)
{
    aslrt_time a, b;
    if (!is_timestamp(v, &a) || !is_timestamp(w, &b))
        return 0;
    return holds(rel_of[op], aslrt_time_cmp(a, b));
}

/* The type test of an Is* operator on a present value. */
static int type_test(int op, const cJSON *v)
{
    switch (op) {
    case ASLRT_OP_IS_NULL: return cJSON_IsNull(v);
    case ASLRT_OP_IS_PRESENT: return 1;
    case ASLRT_OP_IS_NUMERIC: return cJSON_IsNumber(v);
    case ASLRT_OP_IS_STRING: return cJSON_IsString(v);
    case ASLRT_OP_IS_BOOLEAN: return cJSON_IsBool(v);
    case ASLRT_OP_IS_TIMESTAMP: return is_timestamp(v, NULL);
    }
    return 0;
}

/* The two values of a comparison: the Variable's in *v, the operand (the
   literal, or what the ...Path selects) in *w; owned[] holds what
   indefinite paths built, for the caller to free. 0, or -1 with
   States.Runtime when a path selects nothing. */
__attribute__((always_inline)) static inline int test_values(aslrt_exec *ex, const aslrt_rule *r,
                                                             const cJSON *input, const cJSON **v, const cJSON **w,
                                                             cJSON **owned)
{
    *w = NULL;
    if (r->variable->definite && (!r->operand_path || r->operand_path->definite)) {
        /* the common case: nodes borrowed from the input, nothing built */
        owned[0] = owned[1] = NULL;
        if (!(*v = aslrt_path_get(ex, r->variable, input)))
            return invalid_path(ex, r->variable);
        *w = r->operand_path ? aslrt_path_get(ex, r->operand_path, input) : r->operand;
        if (r->operand_path && !*w)
            return invalid_path(ex, r->operand_path);
        return 0;
    }
    int err;
    owned[1] = NULL;
    *v = select_value(ex, r->variable, input, &owned[0], &err);
    if (err)
        return -1;
    if (!*v)
        return invalid_path(ex, r->variable);
    *w = r->operand;
    if (r->operand_path) {
        *w = select_value(ex, r->operand_path, input, &owned[1], &err);
        if (err || !*w) {
            int rc = err ? -1 : invalid_path(ex, r->operand_path);
            cJSON_Delete(owned[0]);
            cJSON_Delete(owned[1]);
            return rc;
        }
    }
    return 0;
}

/* Frees what test_values built (nothing, for definite paths). */
static void free_values(cJSON **owned)
{
    if (owned[0])
        cJSON_Delete(owned[0]);
    if (owned[1])
        cJSON_Delete(owned[1]);
}

/* The typed tests (aslrt.h): one comparison family each, shared by
   generated code, which calls them from plain C conditions, and by
   eval_test below. */
int aslrt_test_numeric(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    const cJSON *v, *w;
    cJSON *owned[2];
    if (test_values(ex, r, input, &v, &w, owned) != 0)
        return -1;
    int result = 0;
    if (w && (v->type & 0xff) == cJSON_Number && (w->type & 0xff) == cJSON_Number) {
        double a = v->valuedouble, b = w->valuedouble; /* JSON has no NaN */
        switch (rel_of[r->op]) {
        case ASLRT_REL_EQ: result = a == b; break;
        case ASLRT_REL_LT: result = a < b; break;
        case ASLRT_REL_GT: result = a > b; break;
        case ASLRT_REL_LE: result = a <= b; break;
        default: result = a >= b; break;
        }
    }
    free_values(owned);
    return result;
}

/* String, Boolean and Timestamp tests differ only in the comparison they
   pass; Numeric keeps its own copy with the comparison inline. Inlined into
   each, so that the comparison is a direct call (choice-heavy runs a third
   of its tests through here). */
static inline __attribute__((always_inline)) int test_compared(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input,
                         int (*compare)(int op, const cJSON *v, const cJSON *w))
{
    const cJSON *v, *w;
    cJSON *owned[2];
    if (test_values(ex, r, input, &v, &w, owned) != 0)
        return -1;
    int result = w && compare(r->op, v, w);
    free_values(owned);
    return result;
}

int aslrt_test_string(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    return test_compared(ex, r, input, string_holds);
}

int aslrt_test_boolean(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    return test_compared(ex, r, input, boolean_holds);
}

int aslrt_test_timestamp(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    return test_compared(ex, r, input, timestamp_holds);
}

/* Is*: "IsPresent: false" holds exactly when the Variable selects nothing;
   the other type tests need it to select something. */
int aslrt_test_type(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    cJSON *owned[2] = {NULL, NULL};
    int err, result;
    const cJSON *v = select_value(ex, r->variable, input, &owned[0], &err);
    if (err)
        return -1;
    if (!v && r->op != ASLRT_OP_IS_PRESENT) {
        result = invalid_path(ex, r->variable);
    } else {
        int test = v ? type_test(r->op, v) : 0;
        result = test == (r->operand ? cJSON_IsTrue(r->operand) : 1);
    }
    free_values(owned);
    return result;
}

/* A data test: Variable plus one operator, by family. */
static int eval_test(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    if (!r->variable)
        return 0;
    switch (r->op) {
#define X(id, name, family, ...) case ASLRT_OP_##id: return aslrt_test_##family(ex, r, input);
        ASLRT_COMPARISONS(X)
#undef X
    }
    return 0;
}

/* And/Or evaluate their rules in order and stop at the first that decides
   the result, as the spec's short-circuit requires; an error stops at once. */
static int eval(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input, int depth)
{
    if (depth > MAX_RULE_DEPTH)
        return aslrt_runtime_error(ex, "The choice rule is nested more than %d levels deep.",
                                   MAX_RULE_DEPTH);
    switch (r->op) {
    case ASLRT_OP_AND:
        for (int i = 0; i < r->n; i++) {
            int x = eval(ex, &r->sub[i], input, depth + 1);
            if (x != 1)
                return x;
        }
        return 1;
    case ASLRT_OP_OR:
        for (int i = 0; i < r->n; i++) {
            int x = eval(ex, &r->sub[i], input, depth + 1);
            if (x != 0)
                return x;
        }
        return 0;
    case ASLRT_OP_NOT: {
        if (r->n < 1)
            return 0;
        int x = eval(ex, &r->sub[0], input, depth + 1);
        return x < 0 ? x : !x;
    }
    default:
        return eval_test(ex, r, input);
    }
}

/* Entry point for aslrt_choice_state: one top-level rule on the effective
   input (Variable paths rooted at $ read `input`). */
int aslrt_rule_eval(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input)
{
    return eval(ex, r, input, 0);
}

/* One pattern element: a literal byte, or (star set) an unescaped `*`.
   `\` escapes the next byte, so `\*` is a literal star and `\\` a literal
   backslash. Validation rejects any other escape; here `\c` simply means c,
   and a lone trailing `\` means a backslash. Returns the pattern after it. */
static const char *next_token(const char *p, int *star, unsigned char *lit)
{
    *star = 0;
    if (*p == '*') {
        *star = 1;
        return p + 1;
    }
    if (*p == '\\' && p[1] != '\0') {
        *lit = (unsigned char)p[1];
        return p + 2;
    }
    *lit = (unsigned char)*p;
    return p + 1;
}

/* StringMatches, from the spec: "the value ... matches the pattern ...
 * '*' matches zero or more characters; '\*' a literal star, '\\' a literal
 * backslash".
 *
 * Greedy matching with one resumption point: when a literal fails, go back
 * to the most recent star and let it swallow one more byte.  An earlier star
 * never needs revisiting (whatever a later star's retry skips over, the
 * earlier one could have skipped too), so this takes O(len(s) * len(pattern))
 * time at worst, never the exponential time of naive backtracking on
 * patterns like "*a*a*a*a*b".  Bytes match bytes: for UTF-8 that is the
 * same as matching code points, since no code point's encoding starts in
 * the middle of another's. */
int aslrt_string_matches(const char *s, const char *pattern)
{
    const char *p = pattern;
    const char *star_p = NULL; /* pattern just after the last star */
    const char *star_s = NULL; /* where in s that star's run currently ends */
    while (*s) {
        int star;
        unsigned char lit;
        const char *after = *p ? next_token(p, &star, &lit) : NULL;
        if (after && star) {
            star_p = p = after;
            star_s = s;
        } else if (after && lit == (unsigned char)*s) {
            p = after;
            s++;
        } else if (star_p) {
            p = star_p;
            s = ++star_s;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}
