/* path.c — parses JSONPath text (Jayway JsonPath, as AWS Step Functions accepts
 * it) into the aslrt_path descriptors the runtime evaluates.
 *
 * Grammar (asl-reference §3.2; whitespace is allowed only where shown as ws):
 *
 *   path     := root step*
 *   root     := '$'            the input
 *             | '$$'           the context object
 *             | '$' varname    a variable        (varname: [A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)
 *             | '@'            the node a filter tests (only inside filters)
 *   step     := '.' dotname | '.*' | '.' '[' ws bracket ws ']'
 *             | '..' dotname | '..*' | "..['" name "']"
 *             | '[' ws bracket ws ']'
 *   dotname  := any characters up to '.', '[' or the end (Jayway: no blanks, no '(')
 *   bracket  := '*'
 *             | quoted (ws ',' ws quoted)*          field, or a union of fields
 *             | int (ws ',' ws int)*                index, or a union of indexes
 *             | int? ':' int? (':' int?)?           slice start:end:step
 *             | '?' ws '(' filter ')'
 *   quoted   := "'" chars "'" | '"' chars '"'      a backslash keeps the next
 *               character from ending the name; the name is the text as written
 *               (AWS recording: $['Test\""Name"'] selects the key Test\""Name")
 *   filter   := or;  or := and ('||' and)*;  and := unary ('&&' unary)*
 *   unary    := '!' unary | '(' or ')' | operand (relop operand)?
 *   relop    := '==' | '!=' | '<' | '<=' | '>' | '>='
 *   operand  := path (rooted at @ or $) | number | 'string' | "string" | true | false | null
 *             | bareword                         [A-Za-z_\x80-\xff][A-Za-z0-9_.\x80-\xff-]*,
 *                                                  taken as a string (see parse_operand)
 *
 * Jayway trims blanks around the whole path ("$$.Execution.Name " is a path
 * AWS accepted), and reads a name straight after ']' as the next field
 * ("$.Instances[0]InstanceId" is "$.Instances[0].InstanceId"); so do we.
 *
 * A path without a wildcard, slice, union, filter or '..' is definite: it
 * selects at most one node and yields the node itself.  Filters nest (a path
 * inside a filter may hold a filter); the nesting of filters, parentheses
 * and '!' is bounded so that hostile text cannot exhaust the C stack.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "xalloc.h"

/* How deep filters, parentheses and '!' may nest inside one path. */
#define MAX_FILTER_DEPTH 64

typedef struct parser {
    asl_arena *a;
    const char *s;   /* the text without its surrounding blanks */
    size_t base;     /* blanks trimmed off the front: error offsets count from the text as written */
    size_t pos;
    int flags;       /* ASL_PATH_* */
    int depth;       /* current filter nesting */
    const char *err; /* first error, in the arena */
} parser;

/* A growing list of steps, copied into the arena when complete. */
typedef struct stepvec {
    aslrt_step *v;
    int n, cap;
} stepvec;

static const aslrt_path *parse_path(parser *ps, int in_filter);
static const aslrt_filter *parse_or(parser *ps);

/* Records the first error, with the offset it happened at. */
__attribute__((format(printf, 3, 4)))
static void fail(parser *ps, size_t at, const char *fmt, ...)
{
    if (ps->err)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ps->err = asl_arena_printf(ps->a, "%s at offset %zu", msg, ps->base + at);
}

/* A character as an error message shows it. */
static const char *show(parser *ps, size_t at)
{
    unsigned char c = (unsigned char)ps->s[at];
    if (c == 0)
        return "the end";
    if (c < 0x20 || c >= 0x7f)
        return asl_arena_printf(ps->a, "byte 0x%02x", c);
    return asl_arena_printf(ps->a, "'%c'", c);
}

/* The character at the cursor (NUL at the end). */
static char cur(const parser *ps)
{
    return ps->s[ps->pos];
}

/* Blanks are allowed inside brackets and filters only. */
static void skip_ws(parser *ps)
{
    while (cur(ps) == ' ' || cur(ps) == '\t' || cur(ps) == '\n' || cur(ps) == '\r')
        ps->pos++;
}

/* Consumes c, or records what was found instead. */
static int expect(parser *ps, char c)
{
    if (cur(ps) != c) {
        fail(ps, ps->pos, "expected '%c', found %s", c, show(ps, ps->pos));
        return -1;
    }
    ps->pos++;
    return 0;
}

/* A new zeroed step at the end of sv. */
static aslrt_step *push_step(stepvec *sv)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 4;
        sv->v = aslrt_xrealloc(sv->v, (size_t)sv->cap * sizeof *sv->v);
    }
    aslrt_step *st = &sv->v[sv->n++];
    memset(st, 0, sizeof *st);
    return st;
}

/* The finished steps, moved where the path lives: the arena. */
static const aslrt_step *steps_to_arena(parser *ps, const stepvec *sv)
{
    if (sv->n == 0)
        return NULL;
    aslrt_step *v = asl_arena_alloc(ps->a, (size_t)sv->n * sizeof *v);
    memcpy(v, sv->v, (size_t)sv->n * sizeof *v);
    return v;
}

/* ASCII digits only: isdigit() depends on the locale. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Variable names: Unicode ID_Start/ID_Continue in the spec; we take ASCII
   letters, digits, '_' and any non-ASCII byte, and leave the finer check to
   the validator that knows where variables are assigned. */
static int is_var_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* int := '-'? digit+, within int's range. */
static int parse_int(parser *ps, int *out)
{
    size_t start = ps->pos;
    int neg = 0;
    if (cur(ps) == '-') {
        neg = 1;
        ps->pos++;
    }
    if (!is_digit(cur(ps))) {
        fail(ps, ps->pos, "expected a number, found %s", show(ps, ps->pos));
        return -1;
    }
    long long v = 0;
    while (is_digit(cur(ps))) {
        v = v * 10 + (cur(ps) - '0');
        if (v > INT_MAX) {
            fail(ps, start, "array index out of range");
            return -1;
        }
        ps->pos++;
    }
    *out = (int)(neg ? -v : v);
    return 0;
}

/* quoted := "'" chars "'" | '"' chars '"'.  Jayway lets a backslash shield
   the next character; AWS keeps the name exactly as written (see top). */
static const char *parse_quoted_name(parser *ps)
{
    char q = cur(ps);
    size_t start = ++ps->pos;
    for (;;) {
        char c = cur(ps);
        if (c == 0) {
            fail(ps, start - 1, "unterminated quoted name");
            return NULL;
        }
        if (c == '\\' && ps->s[ps->pos + 1] != 0) {
            ps->pos += 2;
            continue;
        }
        if (c == q)
            break;
        ps->pos++;
    }
    const char *name = asl_arena_strndup(ps->a, ps->s + start, ps->pos - start);
    ps->pos++; /* closing quote */
    return name;
}

/* dotname: Jayway reads a property after '.' up to the next '.' or '['; it
   rejects blanks ("use bracket notation") and '(' (functions, which AWS
   does not support).  Inside a filter the name also ends where the
   expression goes on: at blanks, ')', ']', ',' or an operator character. */
static const char *parse_dot_name(parser *ps, int in_filter)
{
    size_t start = ps->pos;
    for (;;) {
        char c = cur(ps);
        if (c == 0 || c == '.' || c == '[')
            break;
        if (in_filter && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ')' ||
                          c == ']' || c == ',' || c == '=' || c == '!' || c == '<' ||
                          c == '>' || c == '&' || c == '|'))
            break;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            fail(ps, ps->pos, "a field name with blanks needs brackets, as in $['my key']");
            return NULL;
        }
        if (c == '(') {
            fail(ps, ps->pos, "path functions such as length() are not supported");
            return NULL;
        }
        ps->pos++;
    }
    if (ps->pos == start) {
        fail(ps, start, "expected a field name after '.'");
        return NULL;
    }
    return asl_arena_strndup(ps->a, ps->s + start, ps->pos - start);
}

/* ------------------------------------------------------------ filters */

/* A filter node in the arena. */
static aslrt_filter *new_filter(parser *ps, int op)
{
    aslrt_filter *f = asl_arena_alloc(ps->a, sizeof *f);
    f->op = op;
    return f;
}

/* Literal operands live in the arena as cJSON nodes nobody frees. */
static const cJSON *literal(parser *ps, int type, double num, const char *str)
{
    cJSON *j = asl_arena_alloc(ps->a, sizeof *j);
    j->type = type;
    j->valuedouble = num;
    j->valueint = num >= INT_MAX ? INT_MAX : num <= INT_MIN ? INT_MIN : (int)num;
    j->valuestring = (char *)str;
    return j;
}

/* Appends the UTF-8 encoding of code point u to buf at *n. */
static void put_utf8(char *buf, size_t *n, unsigned u)
{
    if (u < 0x80) {
        buf[(*n)++] = (char)u;
    } else if (u < 0x800) {
        buf[(*n)++] = (char)(0xc0 | (u >> 6));
        buf[(*n)++] = (char)(0x80 | (u & 0x3f));
    } else {
        buf[(*n)++] = (char)(0xe0 | (u >> 12));
        buf[(*n)++] = (char)(0x80 | ((u >> 6) & 0x3f));
        buf[(*n)++] = (char)(0x80 | (u & 0x3f));
    }
}

/* The value of a hex digit, -1 for anything else. */
static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A string literal in a filter: 'text' or "text", with the usual escapes
   (\\ \' \" \/ \b \f \n \r \t \uXXXX) resolved, as Jayway's filter strings. */
static const cJSON *parse_string_literal(parser *ps)
{
    char q = cur(ps);
    size_t start = ps->pos++;
    /* sized by the literal as written (decoding never grows the text), not by
       the rest of the path: n strings must not cost n times the path */
    size_t len = 0;
    while (ps->s[ps->pos + len] && ps->s[ps->pos + len] != q)
        len += ps->s[ps->pos + len] == '\\' && ps->s[ps->pos + len + 1] ? 2 : 1;
    char *buf = asl_arena_alloc(ps->a, len + 1);
    size_t n = 0;
    for (;;) {
        char c = cur(ps);
        if (c == 0) {
            fail(ps, start, "unterminated string");
            return NULL;
        }
        if (c == q) {
            ps->pos++;
            break;
        }
        if (c != '\\') {
            buf[n++] = c;
            ps->pos++;
            continue;
        }
        char e = ps->s[ps->pos + 1];
        if (e == 0) {            /* a backslash at the very end: never step past the NUL */
            fail(ps, ps->pos, "unterminated string");
            return NULL;
        }
        ps->pos += 2;
        switch (e) {
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned u = 0;
            for (int i = 0; i < 4; i++) {
                int h = hex_value(cur(ps));
                if (h < 0) {
                    fail(ps, ps->pos, "expected 4 hex digits after \\u");
                    return NULL;
                }
                u = u * 16 + (unsigned)h;
                ps->pos++;
            }
            put_utf8(buf, &n, u); /* at most 3 bytes for the 6 read */
            break;
        }
        default: /* \\ \' \" \/ and anything else: the character itself */
            buf[n++] = e;
            break;
        }
    }
    buf[n] = 0;
    return literal(ps, ASLRT_J_STRING, 0, buf);
}

/* number := '-'? digit+ ('.' digit+)? ([eE] [+-]? digit+)? */
static const cJSON *parse_number_literal(parser *ps)
{
    size_t start = ps->pos;
    if (cur(ps) == '-')
        ps->pos++;
    if (!is_digit(cur(ps))) {
        fail(ps, ps->pos, "expected a number, found %s", show(ps, ps->pos));
        return NULL;
    }
    while (is_digit(cur(ps)))
        ps->pos++;
    if (cur(ps) == '.') {
        ps->pos++;
        if (!is_digit(cur(ps))) {
            fail(ps, ps->pos, "expected a digit after '.'");
            return NULL;
        }
        while (is_digit(cur(ps)))
            ps->pos++;
    }
    if (cur(ps) == 'e' || cur(ps) == 'E') {
        ps->pos++;
        if (cur(ps) == '+' || cur(ps) == '-')
            ps->pos++;
        if (!is_digit(cur(ps))) {
            fail(ps, ps->pos, "expected a digit in the exponent");
            return NULL;
        }
        while (is_digit(cur(ps)))
            ps->pos++;
    }
    char tmp[64];
    size_t n = ps->pos - start;
    if (n >= sizeof tmp) {
        fail(ps, start, "number too long");
        return NULL;
    }
    memcpy(tmp, ps->s + start, n);
    tmp[n] = 0;
    return literal(ps, ASLRT_J_NUMBER, strtod(tmp, NULL), NULL);
}

/* Consumes the word kw when it stands alone (not the start of a longer name). */
static int keyword(parser *ps, const char *kw)
{
    size_t n = strlen(kw);
    if (strncmp(ps->s + ps->pos, kw, n) != 0 || is_var_char(ps->s[ps->pos + n]))
        return 0;
    ps->pos += n;
    return 1;
}

/* A bare word in a filter, such as Receipt in [?(@.Name==Receipt)], is a
   string.  Real definitions AWS accepted are written this way
   (`[?(@.Type.Text==AMOUNT_PAID)]`), so it cannot be a syntax error; Jayway's
   own filter compiler would read it as a number and give up, which helps
   nobody.  The one useful meaning is the author's: compare with the text. */
static const cJSON *parse_bare_word(parser *ps)
{
    size_t start = ps->pos;
    while (is_var_char(cur(ps)) || cur(ps) == '-' || cur(ps) == '.')
        ps->pos++;
    return literal(ps, ASLRT_J_STRING, 0, asl_arena_strndup(ps->a, ps->s + start, ps->pos - start));
}

/* operand := path | number | string | true | false | null | bareword.  Exactly one of
   *path and *lit is set on success. */
static int parse_operand(parser *ps, const aslrt_path **path, const cJSON **lit)
{
    *path = NULL;
    *lit = NULL;
    char c = cur(ps);
    if (c == '@' || c == '$')
        *path = parse_path(ps, 1);
    else if (c == '\'' || c == '"')
        *lit = parse_string_literal(ps);
    else if (c == '-' || is_digit(c))
        *lit = parse_number_literal(ps);
    else if (keyword(ps, "true"))
        *lit = literal(ps, ASLRT_J_TRUE, 0, NULL);
    else if (keyword(ps, "false"))
        *lit = literal(ps, ASLRT_J_FALSE, 0, NULL);
    else if (keyword(ps, "null"))
        *lit = literal(ps, ASLRT_J_NULL, 0, NULL);
    else if (is_var_char(c))
        *lit = parse_bare_word(ps);
    else
        fail(ps, ps->pos, "expected a path, number, string, true, false or null, found %s",
             show(ps, ps->pos));
    return (*path || *lit) ? 0 : -1;
}

/* relop := '==' | '!=' | '<=' | '>=' | '<' | '>'.  0 when none is here. */
static int parse_relop(parser *ps)
{
    const char *s = ps->s + ps->pos;
    static const struct { const char *text; int op; } ops[] = {
        {"==", ASLRT_FILTER_EQ}, {"!=", ASLRT_FILTER_NE}, {"<=", ASLRT_FILTER_LE},
        {">=", ASLRT_FILTER_GE}, {"<", ASLRT_FILTER_LT},  {">", ASLRT_FILTER_GT},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(s, ops[i].text, n) == 0) {
            if (s[n] == '=' || s[n] == '~') { /* ===, =~, !== ... */
                fail(ps, ps->pos, "unsupported filter operator");
                return -1;
            }
            ps->pos += n;
            return ops[i].op;
        }
    }
    if (s[0] == '=') { /* =, =~ */
        fail(ps, ps->pos, "unsupported filter operator");
        return -1;
    }
    return 0;
}

/* Mirrors a comparison so that its path can go on the left: 5 < @.x is @.x > 5. */
static int mirror(int op)
{
    switch (op) {
    case ASLRT_FILTER_LT: return ASLRT_FILTER_GT;
    case ASLRT_FILTER_GT: return ASLRT_FILTER_LT;
    case ASLRT_FILTER_LE: return ASLRT_FILTER_GE;
    case ASLRT_FILTER_GE: return ASLRT_FILTER_LE;
    default: return op;
    }
}

/* comparison := operand (relop operand)?; an operand alone must be a path
   and tests that it selects something ([?(@.isbn)]). */
static const aslrt_filter *parse_comparison(parser *ps)
{
    size_t start = ps->pos;
    const aslrt_path *lp, *rp;
    const cJSON *ll, *rl;
    if (parse_operand(ps, &lp, &ll) != 0)
        return NULL;
    skip_ws(ps);
    int op = parse_relop(ps);
    if (op < 0)
        return NULL;
    if (op == 0) {
        if (!lp) {
            fail(ps, start, "a filter needs a path or a comparison");
            return NULL;
        }
        aslrt_filter *f = new_filter(ps, ASLRT_FILTER_EXISTS);
        f->lhs = lp;
        return f;
    }
    skip_ws(ps);
    if (parse_operand(ps, &rp, &rl) != 0)
        return NULL;
    if (!lp && !rp) {
        fail(ps, start, "a comparison needs a path on one side");
        return NULL;
    }
    aslrt_filter *f = new_filter(ps, op);
    if (lp) {
        f->lhs = lp;
        f->rhs_path = rp;
        f->rhs = rl;
    } else {
        f->op = mirror(op);
        f->lhs = rp;
        f->rhs = ll;
    }
    return f;
}

/* One level deeper into a filter; fails past MAX_FILTER_DEPTH (stack bound).
   Callers undo the increment whether or not it failed. */
static int enter(parser *ps)
{
    if (++ps->depth > MAX_FILTER_DEPTH) {
        fail(ps, ps->pos, "filter nested more than %d deep", MAX_FILTER_DEPTH);
        return -1;
    }
    return 0;
}

/* group := '(' or ')', from just after the '(' and one level deeper: a
   parenthesised filter, and the filter expression of [?( ... )]. */
static const aslrt_filter *parse_group(parser *ps)
{
    const aslrt_filter *r = NULL;
    if (enter(ps) == 0) {
        r = parse_or(ps);
        skip_ws(ps);
        if (r && expect(ps, ')') != 0)
            r = NULL;
    }
    ps->depth--;
    return r;
}

/* unary := '!' unary | '(' or ')' | comparison */
static const aslrt_filter *parse_unary(parser *ps)
{
    skip_ws(ps);
    const aslrt_filter *r = NULL;
    if (cur(ps) == '!' && ps->s[ps->pos + 1] != '=') {
        ps->pos++;
        if (enter(ps) == 0) {
            const aslrt_filter *a = parse_unary(ps);
            if (a) {
                aslrt_filter *f = new_filter(ps, ASLRT_FILTER_NOT);
                f->a = a;
                r = f;
            }
        }
        ps->depth--;
        return r;
    }
    if (cur(ps) == '(') {
        ps->pos++;
        return parse_group(ps);
    }
    return parse_comparison(ps);
}

/* chain := operand (op operand)*, left-associative, for the two-character
   operators && and || below. */
static const aslrt_filter *parse_chain(parser *ps, const char *op, int kind,
                                       const aslrt_filter *(*operand)(parser *))
{
    const aslrt_filter *l = operand(ps);
    for (;;) {
        if (!l)
            return NULL;
        skip_ws(ps);
        if (strncmp(ps->s + ps->pos, op, 2) != 0)
            return l;
        ps->pos += 2;
        const aslrt_filter *r = operand(ps);
        if (!r)
            return NULL;
        aslrt_filter *f = new_filter(ps, kind);
        f->a = l;
        f->b = r;
        l = f;
    }
}

/* and := unary ('&&' unary)* */
static const aslrt_filter *parse_and(parser *ps)
{
    return parse_chain(ps, "&&", ASLRT_FILTER_AND, parse_unary);
}

/* or := and ('||' and)* */
static const aslrt_filter *parse_or(parser *ps)
{
    return parse_chain(ps, "||", ASLRT_FILTER_OR, parse_and);
}

/* ------------------------------------------------------------- steps */

/* '[' ws bracket ws ']' (see the grammar at the top); ps->pos is at '['. */
static int parse_bracket(parser *ps, stepvec *sv)
{
    ps->pos++;
    skip_ws(ps);
    char c = cur(ps);
    if (c == '*') {
        ps->pos++;
        push_step(sv)->kind = ASLRT_STEP_WILDCARD;
    } else if (c == '?') {
        ps->pos++;
        skip_ws(ps);
        if (expect(ps, '(') != 0)
            return -1;
        const aslrt_filter *f = parse_group(ps);
        if (!f)
            return -1;
        aslrt_step *st = push_step(sv);
        st->kind = ASLRT_STEP_FILTER;
        st->filter = f;
    } else if (c == '\'' || c == '"') {
        stepvec items = {0};
        for (;;) {
            const char *name = parse_quoted_name(ps);
            if (!name) {
                free(items.v);
                return -1;
            }
            aslrt_step *it = push_step(&items);
            it->kind = ASLRT_STEP_FIELD;
            it->name = name;
            skip_ws(ps);
            if (cur(ps) != ',')
                break;
            ps->pos++;
            skip_ws(ps);
            if (cur(ps) != '\'' && cur(ps) != '"') {
                fail(ps, ps->pos, "expected a quoted name after ','");
                free(items.v);
                return -1;
            }
        }
        if (items.n == 1) {
            *push_step(sv) = items.v[0];
        } else {
            aslrt_step *st = push_step(sv);
            st->kind = ASLRT_STEP_UNION;
            st->nitems = items.n;
            st->items = steps_to_arena(ps, &items);
        }
        free(items.v);
    } else if (c == '-' || c == ':' || is_digit(c)) {
        int first = 0, have_first = 0;
        if (c != ':') {
            if (parse_int(ps, &first) != 0)
                return -1;
            have_first = 1;
        }
        skip_ws(ps);
        if (cur(ps) == ':') {
            aslrt_step *st = push_step(sv);
            st->kind = ASLRT_STEP_SLICE;
            st->step = 1;
            st->start = first;
            if (!have_first)
                st->flags |= ASLRT_SLICE_NO_START;
            ps->pos++;
            skip_ws(ps);
            if (cur(ps) == '-' || is_digit(cur(ps))) {
                if (parse_int(ps, &st->end) != 0)
                    return -1;
                skip_ws(ps);
            } else {
                st->flags |= ASLRT_SLICE_NO_END;
            }
            if (cur(ps) == ':') {
                ps->pos++;
                skip_ws(ps);
                if (cur(ps) == '-' || is_digit(cur(ps))) {
                    size_t at = ps->pos;
                    if (parse_int(ps, &st->step) != 0)
                        return -1;
                    if (st->step == 0) {
                        fail(ps, at, "a slice step must not be 0");
                        return -1;
                    }
                }
            }
        } else if (cur(ps) == ',') {
            stepvec items = {0};
            aslrt_step *it = push_step(&items);
            it->kind = ASLRT_STEP_INDEX;
            it->index = first;
            while (cur(ps) == ',') {
                ps->pos++;
                skip_ws(ps);
                it = push_step(&items);
                it->kind = ASLRT_STEP_INDEX;
                if (parse_int(ps, &it->index) != 0) {
                    free(items.v);
                    return -1;
                }
                skip_ws(ps);
            }
            aslrt_step *st = push_step(sv);
            st->kind = ASLRT_STEP_UNION;
            st->nitems = items.n;
            st->items = steps_to_arena(ps, &items);
            free(items.v);
        } else {
            aslrt_step *st = push_step(sv);
            st->kind = ASLRT_STEP_INDEX;
            st->index = first;
        }
    } else {
        fail(ps, ps->pos, "expected '*', '?', a quoted name or a number after '[', found %s",
             show(ps, ps->pos));
        return -1;
    }
    skip_ws(ps);
    return expect(ps, ']');
}

/* '..' then a name, '*' or ['name']; ps->pos is at the first '.'. */
static int parse_descent(parser *ps, stepvec *sv, int in_filter)
{
    ps->pos += 2;
    aslrt_step *st;
    if (cur(ps) == '*') {
        ps->pos++;
        push_step(sv)->kind = ASLRT_STEP_DESCEND;
        return 0;
    }
    if (cur(ps) == '[') {
        size_t at = ps->pos;
        ps->pos++;
        skip_ws(ps);
        if (cur(ps) != '\'' && cur(ps) != '"') {
            fail(ps, at, "after '..' only a name, '*' or ['name'] is supported");
            return -1;
        }
        const char *name = parse_quoted_name(ps);
        if (!name)
            return -1;
        skip_ws(ps);
        if (expect(ps, ']') != 0)
            return -1;
        st = push_step(sv);
        st->kind = ASLRT_STEP_DESCEND;
        st->name = name;
        return 0;
    }
    if (cur(ps) == '.' || cur(ps) == 0) {
        fail(ps, ps->pos, "expected a field name or '*' after '..'");
        return -1;
    }
    const char *name = parse_dot_name(ps, in_filter);
    if (!name)
        return -1;
    st = push_step(sv);
    st->kind = ASLRT_STEP_DESCEND;
    st->name = name;
    return 0;
}

/* Reference paths (ResultPath, ItemsPath, *SecondsPath, ...) select exactly
   one node: "only .name, ['name'] and [n]; no @ , : ? * .." (§3.2). */
static int check_reference_step(parser *ps, const aslrt_step *st, size_t at)
{
    if (st->kind == ASLRT_STEP_FIELD || st->kind == ASLRT_STEP_INDEX)
        return 0;
    fail(ps, at, "a reference path may only use .name, ['name'] and [n]");
    return -1;
}

/* path := root step*  (see the grammar at the top).  Inside a filter the
   path ends at the first character that cannot continue it. */
static const aslrt_path *parse_path(parser *ps, int in_filter)
{
    size_t start = ps->pos;
    aslrt_path *p = asl_arena_alloc(ps->a, sizeof *p);
    p->definite = 1;
    if (cur(ps) == '@') {
        if (!in_filter) {
            fail(ps, ps->pos, "'@' is only allowed inside a filter [?(...)]");
            return NULL;
        }
        p->root = ASLRT_ROOT_CURRENT;
        ps->pos++;
    } else if (cur(ps) == '$') {
        ps->pos++;
        if (cur(ps) == '$') {
            if (in_filter) {
                fail(ps, ps->pos - 1, "'$$' is not allowed inside a filter");
                return NULL;
            }
            if (ps->flags & ASL_PATH_NO_CONTEXT) {
                fail(ps, ps->pos - 1, "the context object ($$) is not allowed here");
                return NULL;
            }
            p->root = ASLRT_ROOT_CONTEXT;
            ps->pos++;
        } else if (is_var_char(cur(ps))) {
            size_t vstart = ps->pos;
            if (in_filter) {
                fail(ps, vstart - 1, "variables are not allowed inside a filter");
                return NULL;
            }
            if (ps->flags & ASL_PATH_NO_VARS) {
                fail(ps, vstart - 1, "variables are not allowed here");
                return NULL;
            }
            if (is_digit(cur(ps))) {
                fail(ps, vstart, "a variable name must not start with a digit");
                return NULL;
            }
            while (is_var_char(cur(ps)))
                ps->pos++;
            p->root = ASLRT_ROOT_VAR;
            p->var = asl_arena_strndup(ps->a, ps->s + vstart, ps->pos - vstart);
        } else {
            p->root = ASLRT_ROOT_INPUT;
        }
    } else {
        fail(ps, ps->pos, "a path must start with '$', found %s", show(ps, ps->pos));
        return NULL;
    }

    stepvec sv = {0};
    int rc = 0;
    while (rc == 0) {
        size_t at = ps->pos;
        char c = cur(ps);
        int after_bracket = at > 0 && ps->s[at - 1] == ']' && sv.n > 0;
        if (after_bracket && is_var_char(c)) { /* Jayway: "[0]name" is "[0].name" */
            const char *name = parse_dot_name(ps, in_filter);
            if (!name) {
                rc = -1;
                break;
            }
            aslrt_step *st = push_step(&sv);
            st->kind = ASLRT_STEP_FIELD;
            st->name = name;
        } else if (c == '.' && ps->s[ps->pos + 1] == '.') {
            rc = parse_descent(ps, &sv, in_filter);
        } else if (c == '.') {
            ps->pos++;
            if (cur(ps) == '*') {
                ps->pos++;
                push_step(&sv)->kind = ASLRT_STEP_WILDCARD;
            } else if (cur(ps) == '[') { /* Jayway reads $.['a'] as $['a'] */
                rc = parse_bracket(ps, &sv);
            } else {
                const char *name = parse_dot_name(ps, in_filter);
                if (!name) {
                    rc = -1;
                    break;
                }
                aslrt_step *st = push_step(&sv);
                st->kind = ASLRT_STEP_FIELD;
                st->name = name;
            }
        } else if (c == '[') {
            rc = parse_bracket(ps, &sv);
        } else if (c == 0 || in_filter) {
            break;
        } else {
            fail(ps, ps->pos, "unexpected %s", show(ps, ps->pos));
            rc = -1;
            break;
        }
        if (rc == 0 && (ps->flags & ASL_PATH_REFERENCE) && !in_filter)
            rc = check_reference_step(ps, &sv.v[sv.n - 1], at);
    }
    if (rc != 0) {
        free(sv.v);
        return NULL;
    }
    for (int i = 0; i < sv.n; i++)
        if (sv.v[i].kind != ASLRT_STEP_FIELD && sv.v[i].kind != ASLRT_STEP_INDEX)
            p->definite = 0;
    p->nsteps = sv.n;
    p->steps = steps_to_arena(ps, &sv);
    p->text = asl_arena_strndup(ps->a, ps->s + start, ps->pos - start);
    free(sv.v);
    return p;
}

/* Blanks as Jayway's trim() drops them around a path. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Trims the blanks around text, then parses it as a path (see the top). */
const aslrt_path *asl_path_parse(asl_arena *a, const char *text, int flags, const char **err)
{
    size_t lead = 0, n = strlen(text);
    while (is_blank(text[lead]))
        lead++;
    while (n > lead && is_blank(text[n - 1]))
        n--;
    if (lead > 0 || text[n] != 0)
        text = asl_arena_strndup(a, text + lead, n - lead);
    parser ps = {.a = a, .s = text, .base = lead, .flags = flags};
    const aslrt_path *p = parse_path(&ps, 0);
    if (p && cur(&ps) != 0) {
        fail(&ps, ps.pos, "unexpected %s", show(&ps, ps.pos));
        p = NULL;
    }
    if (!p && err)
        *err = ps.err ? ps.err : "invalid path";
    return p;
}
