/* jsonata_parse.c — JSONata 2.0.6 expressions, text -> jsonata_node (aslc at compile time, jsonata_compile).
 *
 * Three passes, as the JSONata reference implementation does them:
 *
 *   1. A lexer and a Pratt (top-down operator precedence) parser build a raw
 *      tree of `pnode`s. Binding powers (left binding power, lbp):
 *        :=  10      ? (condition)  20      or  25      and  30
 *        = != < <= > >= in ~> ^  40          + - &  50     * / %  60
 *        { (group-by)  70      .  75      [ ( @ #  80
 *      and prefix `-` binds its operand at 70. `:` `;` `,` `)` `]` `}` `..`
 *      `|` `**` only end an expression (lbp 0).
 *   2. `process` rewrites the raw tree into what the evaluator walks: `a.b.c`
 *      becomes one PATH with three steps, a predicate after a step becomes one
 *      of that step's stages, `@` `#` mark steps as binding a tuple stream,
 *      each `%` is resolved to the step whose context it names (and that step
 *      is told to record it), and a call in tail position of a lambda body is
 *      wrapped in a thunk so that tail recursion runs in constant stack.
 *   3. `freeze` copies the result into jsonata_node arrays in the arena: plain
 *      data, which the emitter can print as static initializers.
 *
 * Errors jump back to jsonata_parse_ex (longjmp): every allocation is in the
 * caller's arena, so nothing leaks. Nesting is bounded so that deep input
 * is an error, not a stack overflow.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_parse.h"
#include "utf8.h"

/* ------------------------------------------------------------------ types */

/* A `%` waiting to be resolved: `level` steps up from where it appears. */
typedef struct slot {
    const char *label; /* "!0", "!1", ...: the tuple binding holding the parent */
    int level;         /* steps still to go up */
} slot;

/* A growable list of slots; shared between nodes on purpose (see push_ancestry). */
typedef struct slotvec {
    slot **v;
    int n, cap;
} slotvec;

typedef struct pnode pnode;

typedef struct pvec {
    pnode **v;
    int n, cap;
} pvec;

/* Raw node kinds that `process` rewrites away; processed nodes use JSONATA_N_*. */
enum {
    R_DOT = 100, /* a . b */
    R_PRED,      /* a[b], and a[] (keep_array on a) */
    R_GROUP,     /* a{k: v} */
    R_ORDER,     /* a^(terms) */
    R_FOCUS,     /* a@$v */
    R_INDEXB     /* a#$i */
};

struct pnode {
    int kind;         /* JSONATA_N_* or R_* */
    int op;           /* BINARY */
    double num;       /* NUM, BOOL */
    const char *str;  /* as for jsonata_node */
    const char *str2; /* REGEX flags */
    int pos;          /* offset in the text, for messages */
    int depth;        /* height of the tree below, bounded */
    pvec kids;
    pvec stages;      /* predicates / index bindings */
    int is_stages;    /* stages are a step's (JSONATA_F_STAGES) */
    pnode *group;     /* OBJECT */
    const char *focus, *index;
    slot *ancestor;   /* step: the % slot it answers */
    slot *pslot;      /* PARENT: its slot */
    slotvec *seeking; /* % slots below, still looking for their step */
    unsigned keep_array : 1, tuple : 1, cons : 1, keep_singleton : 1, thunk : 1, desc : 1;
};

enum { T_END, T_OP, T_NAME, T_VAR, T_STR, T_NUM, T_VALUE, T_REGEX };

typedef struct token {
    int type;        /* T_* */
    const char *op;  /* T_OP: the operator's spelling (static); T_VALUE: "true"/"false"/"null" */
    const char *s;   /* NAME, VAR, STR, REGEX pattern */
    const char *s2;  /* REGEX flags */
    double num;
    int pos;
} token;

typedef struct parser {
    asl_arena *a;
    const char *src;
    size_t len, at;    /* lexer position */
    token tok;         /* the current token */
    int nest;          /* expression() recursion */
    int next_label;    /* for % slots */
    jmp_buf fail;
    const char *err;   /* "<code>: <message>" */
    int err_pos;       /* the offset it is about */
    jsonata_parse_info *info; /* recording node offsets, or NULL */
    int cap;           /* room in info->nodes and info->offsets */
} parser;

static const char *const kOps2[] = {"..", ":=", "!=", ">=", "<=", "**", "~>"};
static const char kOps1[] = ".[]{}(),@#;:?+-*/%|=<>^&!~";

/* ----------------------------------------------------------------- errors */

static _Noreturn void fail(parser *p, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records "<code>: <message>" and the offset, and unwinds to jsonata_parse_ex. */
static _Noreturn void fail(parser *p, int pos, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err = asl_arena_strdup(p->a, msg);
    p->err_pos = pos;
    longjmp(p->fail, 1);
}

/* How a token reads in a message: JSONata shows it JSON-quoted. */
static const char *tok_text(parser *p, const token *t)
{
    switch (t->type) {
    case T_END: return "(end)";
    case T_OP: case T_VALUE: return asl_arena_printf(p->a, "\"%s\"", t->op);
    case T_NAME: return asl_arena_printf(p->a, "\"%.60s\"", t->s);
    case T_VAR: return asl_arena_printf(p->a, "\"%.60s\"", t->s);
    case T_STR: return asl_arena_printf(p->a, "\"%.60s\"", t->s);
    case T_NUM: return asl_arena_printf(p->a, "%.17g", t->num);
    default: return "regex";
    }
}

/* ------------------------------------------------------------------ lexer */

/* Characters that end a name: the single-character operators. */
static int is_op_char(char c)
{
    return c && strchr(kOps1, c) != NULL;
}

/* White space between tokens. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

/* Four hex digits, as after a \u escape. */
static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

/* string literal: '"' chars '"' | "'" chars "'", with JSON's escapes
   \" \\ \/ \b \f \n \r \t \uXXXX (a surrogate pair makes one character). */
static void lex_string(parser *p, token *t)
{
    char q = p->src[p->at++];
    /* The buffer is as long as the literal as written (an escape never
       decodes longer than it is spelt), found first: sized by the rest of the
       text, n strings would cost n times the text, and a 1.6 MB expression
       of strings half a gigabyte before the nesting limit refused it. */
    size_t end = p->at;
    while (end < p->len && p->src[end] != q)
        end += p->src[end] == '\\' ? 2 : 1;
    char *buf = asl_arena_alloc(p->a, (end < p->len ? end : p->len) - p->at + 1), *o = buf;
    while (p->at < p->len) {
        char c = p->src[p->at];
        if (c == '\\') {
            p->at++;
            char e = p->at < p->len ? p->src[p->at] : '\0';
            switch (e) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '/': *o++ = '/'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u': {
                unsigned cp, lo;
                if (p->at + 4 >= p->len || hex4(p->src + p->at + 1, &cp) != 0)
                    fail(p, (int)p->at, "S0104: The escape sequence \\u must be followed by 4 hex digits");
                p->at += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && p->at + 6 < p->len && p->src[p->at + 1] == '\\' &&
                    p->src[p->at + 2] == 'u' && hex4(p->src + p->at + 3, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p->at += 6;
                }
                /* a lone surrogate has no UTF-8 form, and a NUL cannot live in a
                   C string (the text would end short of it): both become U+FFFD */
                if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                    cp = 0xFFFD;
                o += aslrt_utf8_put(o, cp);
                break;
            }
            default:
                fail(p, (int)p->at, "S0103: Unsupported escape sequence: \\\"%c\"", e ? e : ' ');
            }
            p->at++;
        } else if (c == q) {
            p->at++;
            *o = '\0';
            t->type = T_STR;
            t->s = buf;
            return;
        } else {
            *o++ = c;
            p->at++;
        }
    }
    fail(p, (int)p->at, "S0101: String literal must be terminated by a matching quote");
}

/* regex: '/' pattern '/' [im]*. The closing slash is the first unescaped
   one outside (), [] and {}; an empty pattern is an error. */
static void lex_regex(parser *p, token *t)
{
    size_t start = ++p->at;
    int depth = 0;
    while (p->at < p->len) {
        char c = p->src[p->at];
        if (c == '/' && depth == 0) {
            size_t bs = 0;
            while (p->at - bs > start && p->src[p->at - bs - 1] == '\\')
                bs++;
            if (bs % 2 == 0) {
                if (p->at == start)
                    fail(p, (int)p->at, "S0301: Empty regular expressions are not allowed");
                t->type = T_REGEX;
                t->s = asl_arena_strndup(p->a, p->src + start, p->at - start);
                size_t f = ++p->at;
                while (p->at < p->len && (p->src[p->at] == 'i' || p->src[p->at] == 'm'))
                    p->at++;
                t->s2 = asl_arena_strndup(p->a, p->src + f, p->at - f);
                return;
            }
        }
        int escaped = p->at > start && p->src[p->at - 1] == '\\';
        if ((c == '(' || c == '[' || c == '{') && !escaped)
            depth++;
        if ((c == ')' || c == ']' || c == '}') && !escaped)
            depth--;
        p->at++;
    }
    fail(p, (int)p->at, "S0302: No terminating / in regular expression");
}

/* number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?  (the minus is
   always lexed as an operator first, so a literal never starts with it). */
static int lex_number(parser *p, token *t)
{
    const char *s = p->src + p->at, *e = s;
    if (*e == '0')
        e++;
    else if (*e >= '1' && *e <= '9')
        while (*e >= '0' && *e <= '9')
            e++;
    else
        return 0;
    if (e[0] == '.' && e[1] >= '0' && e[1] <= '9') {
        e++;
        while (*e >= '0' && *e <= '9')
            e++;
    }
    if (*e == 'e' || *e == 'E') {
        const char *x = e + 1;
        if (*x == '+' || *x == '-')
            x++;
        if (*x >= '0' && *x <= '9') {
            while (*x >= '0' && *x <= '9')
                x++;
            e = x;
        }
    }
    char *text = asl_arena_strndup(p->a, s, (size_t)(e - s));
    double d = strtod(text, NULL);
    if (!isfinite(d))
        fail(p, (int)p->at, "S0102: Number out of range: %s", text);
    t->type = T_NUM;
    t->num = d;
    p->at += (size_t)(e - s);
    return 1;
}

/* The next token. `infix` says an operand was just read, so `/` divides;
   otherwise a `/` starts a regex literal. */
static void lex(parser *p, int infix)
{
    token *t = &p->tok;
    memset(t, 0, sizeof *t);
    for (;;) {
        while (p->at < p->len && is_space(p->src[p->at]))
            p->at++;
        if (p->at + 1 < p->len && p->src[p->at] == '/' && p->src[p->at + 1] == '*') {
            size_t start = p->at;
            p->at += 2;
            while (!(p->at + 1 < p->len && p->src[p->at] == '*' && p->src[p->at + 1] == '/')) {
                if (++p->at >= p->len)
                    fail(p, (int)start, "S0106: Comment has no closing tag");
            }
            p->at += 2;
            continue;
        }
        break;
    }
    t->pos = (int)p->at;
    if (p->at >= p->len) {
        t->type = T_END;
        return;
    }
    const char *s = p->src + p->at;
    if (!infix && *s == '/') {
        lex_regex(p, t);
        return;
    }
    for (size_t i = 0; i < sizeof kOps2 / sizeof kOps2[0]; i++)
        if (s[0] == kOps2[i][0] && s[1] == kOps2[i][1]) {
            t->type = T_OP;
            t->op = kOps2[i];
            p->at += 2;
            return;
        }
    if (is_op_char(*s)) {
        static const char *const one[] = {".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?",
                                          "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~"};
        t->type = T_OP;
        t->op = one[strchr(kOps1, *s) - kOps1];
        p->at++;
        return;
    }
    if (*s == '"' || *s == '\'') {
        lex_string(p, t);
        return;
    }
    if (lex_number(p, t))
        return;
    if (*s == '`') {
        const char *end = memchr(s + 1, '`', p->len - p->at - 1);
        if (!end)
            fail(p, (int)p->len, "S0105: Quoted property name must be terminated with a backquote (`)");
        t->type = T_NAME;
        t->s = asl_arena_strndup(p->a, s + 1, (size_t)(end - s - 1));
        p->at += (size_t)(end - s) + 1;
        return;
    }
    size_t i = p->at;
    while (i < p->len && !is_space(p->src[i]) && !is_op_char(p->src[i]))
        i++;
    if (*s == '$') {
        t->type = T_VAR;
        t->s = asl_arena_strndup(p->a, s + 1, i - p->at - 1);
    } else {
        char *name = asl_arena_strndup(p->a, s, i - p->at);
        if (!strcmp(name, "and") || !strcmp(name, "or") || !strcmp(name, "in")) {
            t->type = T_OP;
            t->op = name[0] == 'a' ? "and" : name[0] == 'o' ? "or" : "in";
        } else if (!strcmp(name, "true") || !strcmp(name, "false") || !strcmp(name, "null")) {
            t->type = T_VALUE;
            t->op = name[0] == 't' ? "true" : name[0] == 'f' ? "false" : "null";
        } else {
            t->type = T_NAME;
            t->s = name;
        }
    }
    p->at = i;
}

/* ------------------------------------------------------------ tree helpers */

/* Appends to a node list (arena memory; the old array is abandoned). */
static void pvec_push(parser *p, pvec *v, pnode *n)
{
    if (v->n == v->cap) {
        int cap = v->cap ? 2 * v->cap : 4;
        pnode **nv = asl_arena_alloc(p->a, sizeof *nv * (size_t)cap);
        if (v->n)
            memcpy(nv, v->v, sizeof *nv * (size_t)v->n);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = n;
}

/* Appends to a slot list. */
static void slots_push(parser *p, slotvec *v, slot *s)
{
    if (v->n == v->cap) {
        int cap = v->cap ? 2 * v->cap : 4;
        slot **nv = asl_arena_alloc(p->a, sizeof *nv * (size_t)cap);
        if (v->n)
            memcpy(nv, v->v, sizeof *nv * (size_t)v->n);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = s;
}

/* A new node of `kind` at offset pos. */
static pnode *mk(parser *p, int kind, int pos)
{
    pnode *n = asl_arena_alloc(p->a, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    return n;
}

/* Adds a child and keeps the tree's height bounded. */
static void add_kid(parser *p, pnode *n, pnode *kid)
{
    pvec_push(p, &n->kids, kid);
    if (kid->depth + 1 > n->depth) {
        n->depth = kid->depth + 1;
        if (n->depth > JSONATA_MAX_NESTING)
            fail(p, n->pos, "S0299: The expression is nested too deeply (more than %d levels)",
                 JSONATA_MAX_NESTING);
    }
}

/* ----------------------------------------------------------------- parser */

/* Left binding power: how tightly an infix operator binds (table above). */
static int lbp(const token *t)
{
    static const struct {
        const char *op;
        int bp;
    } table[] = {{".", 75}, {"[", 80}, {"{", 70}, {"(", 80}, {"@", 80}, {"#", 80}, {"?", 20},  {"+", 50},
                 {"-", 50}, {"*", 60}, {"/", 60}, {"%", 60}, {"=", 40}, {"<", 40}, {">", 40},  {"^", 40},
                 {":=", 10}, {"!=", 40}, {"<=", 40}, {">=", 40}, {"~>", 40}, {"and", 30}, {"or", 25}, {"in", 40},
                 {"&", 50}};
    if (t->type != T_OP)
        return 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].op, t->op))
            return table[i].bp;
    return 0;
}

/* Is the token the operator op? */
static int is_op(const token *t, const char *op)
{
    return t->type == T_OP && !strcmp(t->op, op);
}

/* Moves past the current token, which must be `op` when op is not NULL. */
static void advance(parser *p, const char *op, int infix)
{
    if (op && !is_op(&p->tok, op)) {
        if (p->tok.type == T_END)
            fail(p, p->tok.pos, "S0203: Expected \"%s\" before end of expression", op);
        fail(p, p->tok.pos, "S0202: Expected \"%s\", got %s", op, tok_text(p, &p->tok));
    }
    lex(p, infix);
    if (p->tok.type == T_OP && (!strcmp(p->tok.op, "!") || !strcmp(p->tok.op, "~")))
        fail(p, p->tok.pos, "S0204: Unknown operator: \"%s\"", p->tok.op);
}

static pnode *expression(parser *p, int rbp);

/* JSONATA_OP_* of a binary operator, or -1. */
static int binop_code(const char *op)
{
    static const char *const names[] = {"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (!strcmp(names[i], op))
            return i; /* same order as JSONATA_OP_* */
    return -1;
}

/* object constructor / group-by body: '{' (expr ':' expr (',' expr ':' expr)*)? '}'
   (the '{' is already consumed). Returns an OBJECT node: key, value, ... */
static pnode *object_body(parser *p, int pos)
{
    pnode *o = mk(p, JSONATA_N_OBJECT, pos);
    if (!is_op(&p->tok, "}")) {
        for (;;) {
            add_kid(p, o, expression(p, 0));
            advance(p, ":", 0);
            add_kid(p, o, expression(p, 0));
            if (!is_op(&p->tok, ","))
                break;
            advance(p, ",", 0);
        }
    }
    advance(p, "}", 1);
    return o;
}

/* Prefix position ("nud"): literals, names, variables, and the prefix forms
   - * ** % ( [ { | . */
static pnode *nud(parser *p, const token *t)
{
    pnode *n;
    switch (t->type) {
    case T_END:
        fail(p, t->pos, "S0207: Unexpected end of expression");
    case T_NUM:
        n = mk(p, JSONATA_N_NUM, t->pos);
        n->num = t->num;
        return n;
    case T_STR:
        n = mk(p, JSONATA_N_STR, t->pos);
        n->str = t->s;
        return n;
    case T_VALUE:
        if (!strcmp(t->op, "null"))
            return mk(p, JSONATA_N_NULL, t->pos);
        n = mk(p, JSONATA_N_BOOL, t->pos);
        n->num = !strcmp(t->op, "true");
        return n;
    case T_REGEX:
        n = mk(p, JSONATA_N_REGEX, t->pos);
        n->str = t->s;
        n->str2 = t->s2;
        return n;
    case T_NAME:
        n = mk(p, JSONATA_N_NAME, t->pos);
        n->str = t->s;
        return n;
    case T_VAR:
        n = mk(p, JSONATA_N_VAR, t->pos);
        n->str = t->s;
        return n;
    default:
        break;
    }
    const char *op = t->op;
    if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "in")) {
        /* the logical operators can be field names */
        n = mk(p, JSONATA_N_NAME, t->pos);
        n->str = op;
        return n;
    }
    if (!strcmp(op, "-")) {
        n = mk(p, JSONATA_N_NEG, t->pos);
        add_kid(p, n, expression(p, 70));
        return n;
    }
    if (!strcmp(op, "*"))
        return mk(p, JSONATA_N_WILDCARD, t->pos);
    if (!strcmp(op, "**"))
        return mk(p, JSONATA_N_DESCEND, t->pos);
    if (!strcmp(op, "%"))
        return mk(p, JSONATA_N_PARENT, t->pos);
    if (!strcmp(op, "(")) {
        /* block: '(' (expr (';' expr)*)? ';'? ')' */
        n = mk(p, JSONATA_N_BLOCK, t->pos);
        while (!is_op(&p->tok, ")")) {
            add_kid(p, n, expression(p, 0));
            if (!is_op(&p->tok, ";"))
                break;
            advance(p, ";", 0);
        }
        advance(p, ")", 1);
        return n;
    }
    if (!strcmp(op, "[")) {
        /* array constructor: '[' (item (',' item)*)? ']', item: expr ('..' expr)? */
        n = mk(p, JSONATA_N_ARRAY, t->pos);
        if (!is_op(&p->tok, "]")) {
            for (;;) {
                pnode *item = expression(p, 0);
                if (is_op(&p->tok, "..")) {
                    pnode *r = mk(p, JSONATA_N_BINARY, p->tok.pos);
                    r->op = JSONATA_OP_RANGE;
                    advance(p, "..", 0);
                    add_kid(p, r, item);
                    add_kid(p, r, expression(p, 0));
                    item = r;
                }
                add_kid(p, n, item);
                if (!is_op(&p->tok, ","))
                    break;
                advance(p, ",", 0);
            }
        }
        advance(p, "]", 1);
        return n;
    }
    if (!strcmp(op, "{")) {
        pnode *o = object_body(p, t->pos);
        return o;
    }
    if (!strcmp(op, "|")) {
        /* transform: '|' pattern '|' update (',' delete)? '|' */
        n = mk(p, JSONATA_N_TRANSFORM, t->pos);
        add_kid(p, n, expression(p, 0));
        advance(p, "|", 0);
        add_kid(p, n, expression(p, 0));
        if (is_op(&p->tok, ",")) {
            advance(p, ",", 0);
            add_kid(p, n, expression(p, 0));
        }
        advance(p, "|", 0);
        return n;
    }
    fail(p, t->pos, "S0211: The symbol \"%s\" cannot be used as a unary operator", op);
}

/* The signature after a lambda's parameter list: '<' ... '>' with nested
   <> balanced, whitespace dropped. The current token is the '<'. */
static const char *lambda_signature(parser *p)
{
    size_t i = (size_t)p->tok.pos, depth = 0, n = 0;
    /* measured first, so that each signature costs its own length, not the
       rest of the text's (see lex_string) */
    for (size_t k = i; k < p->len; k++) {
        n++;
        if (p->src[k] == '<')
            depth++;
        else if ((p->src[k] == '>' && --depth == 0) || p->src[k] == '{')
            break;
    }
    depth = 0;
    char *sig = asl_arena_alloc(p->a, n + 1), *o = sig;
    for (; i < p->len; i++) {
        char c = p->src[i];
        if (is_space(c))
            continue;
        *o++ = c;
        if (c == '<')
            depth++;
        else if (c == '>' && --depth == 0)
            break;
        else if (c == '{')
            break;
    }
    if (i >= p->len || p->src[i] != '>')
        fail(p, p->tok.pos, "S0202: Expected \">\", got %s", i >= p->len ? "(end)" : "\"{\"");
    *o = '\0';
    p->at = i + 1;
    lex(p, 1);
    return sig;
}

static void check_signature(parser *p, const char *sig, int pos);

/* Infix position ("led"): t is the operator just consumed, left its left operand. */
static pnode *led(parser *p, const token *t, pnode *left)
{
    const char *op = t->op;
    pnode *n;
    int code = binop_code(op);
    if (code >= 0 || !strcmp(op, ".") || !strcmp(op, "~>")) {
        n = mk(p, !strcmp(op, ".") ? R_DOT : !strcmp(op, "~>") ? JSONATA_N_APPLY : JSONATA_N_BINARY, t->pos);
        n->op = code;
        add_kid(p, n, left);
        add_kid(p, n, expression(p, lbp(t)));
        return n;
    }
    if (!strcmp(op, ":=")) {
        if (left->kind != JSONATA_N_VAR)
            fail(p, left->pos, "S0212: The left side of := must be a variable name (start with $)");
        n = mk(p, JSONATA_N_BIND, t->pos);
        n->str = left->str;
        add_kid(p, n, expression(p, 9)); /* right associative */
        return n;
    }
    if (!strcmp(op, "@") || !strcmp(op, "#")) {
        n = mk(p, op[0] == '@' ? R_FOCUS : R_INDEXB, t->pos);
        add_kid(p, n, left);
        pnode *v = expression(p, 80);
        if (v->kind != JSONATA_N_VAR)
            fail(p, v->pos, "S0214: The right side of \"%s\" must be a variable name (start with $)", op);
        n->str = v->str;
        return n;
    }
    if (!strcmp(op, "?")) {
        n = mk(p, JSONATA_N_COND, t->pos);
        add_kid(p, n, left);
        add_kid(p, n, expression(p, 0));
        if (is_op(&p->tok, ":")) {
            advance(p, ":", 0);
            add_kid(p, n, expression(p, 0));
        }
        return n;
    }
    if (!strcmp(op, "[")) {
        if (is_op(&p->tok, "]")) {
            /* a[]: keep singleton arrays; marks the innermost predicated node */
            pnode *step = left;
            while (step->kind == R_PRED)
                step = step->kids.v[0];
            step->keep_array = 1;
            advance(p, "]", 1);
            return left;
        }
        n = mk(p, R_PRED, t->pos);
        add_kid(p, n, left);
        add_kid(p, n, expression(p, 0));
        advance(p, "]", 1);
        return n;
    }
    if (!strcmp(op, "{")) {
        n = mk(p, R_GROUP, t->pos);
        add_kid(p, n, left);
        add_kid(p, n, object_body(p, t->pos));
        return n;
    }
    if (!strcmp(op, "^")) {
        /* order-by: '^' '(' ('<'|'>')? expr (',' ('<'|'>')? expr)* ')' */
        n = mk(p, R_ORDER, t->pos);
        add_kid(p, n, left);
        advance(p, "(", 0);
        for (;;) {
            pnode *term = mk(p, JSONATA_N_TERM, p->tok.pos);
            if (is_op(&p->tok, "<")) {
                advance(p, "<", 0);
            } else if (is_op(&p->tok, ">")) {
                term->desc = 1;
                advance(p, ">", 0);
            }
            add_kid(p, term, expression(p, 0));
            add_kid(p, n, term);
            if (!is_op(&p->tok, ","))
                break;
            advance(p, ",", 0);
        }
        advance(p, ")", 0);
        return n;
    }
    if (!strcmp(op, "(")) {
        /* call: expr '(' (arg (',' arg)*)? ')', arg: expr | '?' ;
           lambda: ('function' | 'λ') '(' $var, ... ')' signature? '{' expr '}' */
        n = mk(p, JSONATA_N_CALL, t->pos);
        add_kid(p, n, left);
        if (!is_op(&p->tok, ")")) {
            for (;;) {
                if (is_op(&p->tok, "?")) {
                    n->kind = JSONATA_N_PARTIAL;
                    add_kid(p, n, mk(p, JSONATA_N_HOLE, p->tok.pos));
                    advance(p, "?", 0);
                } else {
                    add_kid(p, n, expression(p, 0));
                }
                if (!is_op(&p->tok, ","))
                    break;
                advance(p, ",", 0);
            }
        }
        advance(p, ")", 1);
        if (left->kind == JSONATA_N_NAME && (!strcmp(left->str, "function") || !strcmp(left->str, "\xCE\xBB"))) {
            pnode *lam = mk(p, JSONATA_N_LAMBDA, left->pos);
            for (int i = 1; i < n->kids.n; i++) {
                pnode *a = n->kids.v[i];
                if (a->kind != JSONATA_N_VAR)
                    fail(p, a->pos, "S0208: Parameter %d of function definition must be a variable name (start with $)",
                         i);
                add_kid(p, lam, a);
            }
            if (is_op(&p->tok, "<")) {
                int pos = p->tok.pos;
                lam->str = lambda_signature(p);
                check_signature(p, lam->str, pos);
            }
            advance(p, "{", 0);
            add_kid(p, lam, expression(p, 0));
            advance(p, "}", 0);
            return lam;
        }
        return n;
    }
    fail(p, t->pos, "S0201: Syntax error: \"%s\"", op);
}

/* expression(rbp): a prefix form, then infix operators binding tighter than rbp. */
static pnode *expression(parser *p, int rbp)
{
    if (++p->nest > JSONATA_MAX_NESTING)
        fail(p, p->tok.pos, "S0299: The expression is nested too deeply (more than %d levels)",
             JSONATA_MAX_NESTING);
    token t = p->tok;
    advance(p, NULL, 1);
    pnode *left = nud(p, &t);
    while (rbp < lbp(&p->tok)) {
        t = p->tok;
        advance(p, NULL, 0);
        left = led(p, &t, left);
    }
    p->nest--;
    return left;
}

/* ------------------------------------------------------ function signatures */

/* signature: '<' param* (':' return)? '>', param: type ('<' subtype '>')?
   ('?' | '+' | '-')*, type: one of s n b l o a f j x, or '(' types ')'.
   Only what JSONata rejects is checked here (S0401, S0402); other
   characters are ignored, as there; jsonata.c interprets it. */
static void check_signature(parser *p, const char *sig, int pos)
{
    char prev = 0;
    for (size_t i = 1; sig[i] && sig[i] != ':' && sig[i] != '>'; i++) {
        char c = sig[i];
        if (strchr("snbloafjx", c)) {
            prev = c;
        } else if (c == '(') {
            const char *end = strchr(sig + i, ')');
            if (!end)
                fail(p, pos, "S0402: Choice groups containing parameterized types are not supported");
            for (const char *q = sig + i + 1; q < end; q++)
                if (*q == '<')
                    fail(p, pos, "S0402: Choice groups containing parameterized types are not supported");
            i = (size_t)(end - sig);
            prev = '(';
        } else if (c == '<') {
            if (prev != 'a' && prev != 'f')
                fail(p, pos, "S0401: Type parameters can only be applied to functions and arrays");
            int depth = 1;
            while (depth > 0 && sig[++i])
                depth += sig[i] == '<' ? 1 : sig[i] == '>' ? -1 : 0;
            if (!sig[i])
                break;
        }
        /* other characters are ignored, as JSONata does */
    }
}

/* ------------------------------------------------------- the rewriting pass */

static pnode *process(parser *p, pnode *e);

/* pushAncestry: `result` takes over the % slots `value` is still seeking.
   As in the reference implementation the list is shared, not copied. */
static void push_ancestry(parser *p, pnode *result, pnode *value)
{
    if (!value->seeking && value->kind != JSONATA_N_PARENT)
        return;
    slotvec *slots = value->seeking;
    if (!slots)
        slots = asl_arena_alloc(p->a, sizeof *slots);
    if (value->kind == JSONATA_N_PARENT)
        slots_push(p, slots, value->pslot);
    if (!result->seeking) {
        result->seeking = slots;
    } else if (result->seeking != slots) {
        int n = slots->n;
        for (int i = 0; i < n; i++)
            slots_push(p, result->seeking, slots->v[i]);
    }
}

/* seekParent: the step `node` answers a % `slot` when the slot's level runs
   out on it; names and wildcards can, paths and blocks look inside. */
static slot *seek_parent(parser *p, pnode *node, slot *s)
{
    switch (node->kind) {
    case JSONATA_N_NAME:
    case JSONATA_N_WILDCARD:
        s->level--;
        if (s->level == 0) {
            if (node->ancestor)
                s->label = node->ancestor->label; /* reuse the existing label */
            node->ancestor = s;
            node->tuple = 1;
        }
        break;
    case JSONATA_N_PARENT:
        s->level++;
        break;
    case JSONATA_N_BLOCK:
        if (node->kids.n > 0) {
            node->tuple = 1;
            s = seek_parent(p, node->kids.v[node->kids.n - 1], s);
        }
        break;
    case JSONATA_N_PATH: {
        node->tuple = 1;
        int i = node->kids.n - 1;
        s = seek_parent(p, node->kids.v[i--], s);
        while (s->level > 0 && i >= 0)
            s = seek_parent(p, node->kids.v[i--], s);
        break;
    }
    default:
        fail(p, node->pos, "S0217: The object representing the 'parent' cannot be derived from this expression");
    }
    return s;
}

/* resolveAncestry: after a path is built, the % slots its last step seeks
   are matched against the steps before it. */
static void resolve_ancestry(parser *p, pnode *path)
{
    int index = path->kids.n - 1;
    pnode *last = path->kids.v[index];
    slotvec *slots = last->seeking;
    if (!slots)
        slots = asl_arena_alloc(p->a, sizeof *slots);
    if (last->kind == JSONATA_N_PARENT)
        slots_push(p, slots, last->pslot);
    for (int is = 0; is < slots->n; is++) {
        slot *s = slots->v[is];
        index = path->kids.n - 2;
        while (s->level > 0) {
            if (index < 0) {
                if (!path->seeking)
                    path->seeking = asl_arena_alloc(p->a, sizeof *path->seeking);
                slots_push(p, path->seeking, s);
                break;
            }
            pnode *step = path->kids.v[index--];
            while (index >= 0 && step->focus && path->kids.v[index]->focus)
                step = path->kids.v[index--];
            s = seek_parent(p, step, s);
        }
    }
}

/* tailCallOptimize: a call in tail position becomes a thunk the caller's
   trampoline runs, so that tail recursion does not grow the stack. */
static pnode *tail_call(parser *p, pnode *e)
{
    if (e->kind == JSONATA_N_CALL && !(e->stages.n && !e->is_stages)) {
        pnode *t = mk(p, JSONATA_N_LAMBDA, e->pos);
        t->thunk = 1;
        pvec_push(p, &t->kids, e);
        t->depth = e->depth + 1;
        return t;
    }
    if (e->kind == JSONATA_N_COND) {
        e->kids.v[1] = tail_call(p, e->kids.v[1]);
        if (e->kids.n > 2)
            e->kids.v[2] = tail_call(p, e->kids.v[2]);
    } else if (e->kind == JSONATA_N_BLOCK && e->kids.n > 0) {
        e->kids.v[e->kids.n - 1] = tail_call(p, e->kids.v[e->kids.n - 1]);
    }
    return e;
}

/* e as a path: itself if it is one, else a path of one step. */
static pnode *as_path(parser *p, pnode *e)
{
    if (e->kind == JSONATA_N_PATH)
        return e;
    pnode *path = mk(p, JSONATA_N_PATH, e->pos);
    add_kid(p, path, e);
    return path;
}

/* Moves a node's predicates to its stages (it became a path step). */
static void predicates_to_stages(pnode *e)
{
    if (e->stages.n && !e->is_stages)
        e->is_stages = 1;
}

/* a.b: one path of both sides' steps; quoted strings as steps are names,
   number/boolean/null steps are errors; constructors at the ends are kept
   whole; % slots are resolved against the steps. */
static pnode *process_dot(parser *p, pnode *e)
{
    pnode *lstep = process(p, e->kids.v[0]);
    pnode *result = as_path(p, lstep);
    if (lstep->kind == JSONATA_N_PARENT) {
        result->seeking = asl_arena_alloc(p->a, sizeof *result->seeking);
        slots_push(p, result->seeking, lstep->pslot);
    }
    pnode *rest = process(p, e->kids.v[1]);
    if (rest->kind == JSONATA_N_PATH) {
        for (int i = 0; i < rest->kids.n; i++)
            add_kid(p, result, rest->kids.v[i]);
    } else {
        predicates_to_stages(rest);
        add_kid(p, result, rest);
    }
    for (int i = 0; i < result->kids.n; i++) {
        pnode *s = result->kids.v[i];
        if (s->kind == JSONATA_N_NUM || s->kind == JSONATA_N_BOOL || s->kind == JSONATA_N_NULL)
            fail(p, s->pos, "S0213: The literal value %s cannot be used as a step within a path expression",
                 s->kind == JSONATA_N_NUM ? asl_arena_printf(p->a, "%.17g", s->num)
                 : s->kind == JSONATA_N_NULL ? "null" : s->num ? "true" : "false");
        if (s->kind == JSONATA_N_STR)
            s->kind = JSONATA_N_NAME; /* "quoted" steps are field names */
        if (s->keep_array)
            result->keep_singleton = 1;
    }
    pnode *first = result->kids.v[0];
    if (first->kind == JSONATA_N_ARRAY)
        first->cons = 1;
    pnode *last = result->kids.v[result->kids.n - 1];
    if (last->kind == JSONATA_N_ARRAY)
        last->cons = 1;
    resolve_ancestry(p, result);
    return result;
}

/* a[b]: the predicate goes to the last step's stages (a path) or to the
   node itself; a % inside it may be answered by that step. */
static pnode *process_pred(parser *p, pnode *e)
{
    pnode *result = process(p, e->kids.v[0]);
    pnode *step = result;
    int stages = 0;
    if (result->kind == JSONATA_N_PATH) {
        step = result->kids.v[result->kids.n - 1];
        stages = 1;
    }
    if (step->group)
        fail(p, e->pos, "S0209: A predicate cannot follow a grouping expression in a step");
    if (step->stages.n && step->is_stages != stages)
        fail(p, e->pos, "S0201: Syntax error: a predicate in this position is not supported");
    step->is_stages = stages;
    pnode *pred = process(p, e->kids.v[1]);
    if (pred->seeking) {
        for (int i = 0; i < pred->seeking->n; i++) {
            slot *s = pred->seeking->v[i];
            if (s->level == 1)
                seek_parent(p, step, s);
            else
                s->level--;
        }
        push_ancestry(p, step, pred);
    }
    pnode *f = mk(p, JSONATA_N_FILTER, e->pos);
    add_kid(p, f, pred);
    pvec_push(p, &step->stages, f);
    if (f->depth + 1 > step->depth)
        step->depth = f->depth + 1;
    return result;
}

/* The rewriting pass (the reference implementation's processAST). */
static pnode *process(parser *p, pnode *e)
{
    pnode *result = e;
    switch (e->kind) {
    case R_DOT:
        result = process_dot(p, e);
        break;
    case R_PRED:
        result = process_pred(p, e);
        break;
    case R_GROUP:
        result = process(p, e->kids.v[0]);
        if (result->group)
            fail(p, e->pos, "S0210: Each step can only have one grouping expression");
        {
            pnode *obj = e->kids.v[1];
            for (int i = 0; i < obj->kids.n; i++)
                obj->kids.v[i] = process(p, obj->kids.v[i]);
            result->group = obj;
        }
        break;
    case R_ORDER: {
        result = as_path(p, process(p, e->kids.v[0]));
        pnode *sort = mk(p, JSONATA_N_SORT, e->pos);
        for (int i = 1; i < e->kids.n; i++) {
            pnode *term = e->kids.v[i];
            term->kids.v[0] = process(p, term->kids.v[0]);
            push_ancestry(p, sort, term->kids.v[0]);
            add_kid(p, sort, term);
        }
        add_kid(p, result, sort);
        resolve_ancestry(p, result);
        break;
    }
    case R_FOCUS: {
        result = process(p, e->kids.v[0]);
        pnode *step = result->kind == JSONATA_N_PATH ? result->kids.v[result->kids.n - 1] : result;
        if (step->stages.n)
            fail(p, e->pos, "S0215: A context variable binding must precede any predicates on a step");
        if (step->kind == JSONATA_N_SORT)
            fail(p, e->pos, "S0216: A context variable binding must precede the 'order-by' clause on a step");
        if (e->keep_array)
            step->keep_array = 1;
        step->focus = e->str;
        step->tuple = 1;
        break;
    }
    case R_INDEXB: {
        result = process(p, e->kids.v[0]);
        pnode *step = result;
        if (result->kind == JSONATA_N_PATH) {
            step = result->kids.v[result->kids.n - 1];
        } else {
            result = as_path(p, result);
            predicates_to_stages(step);
        }
        if (!step->stages.n) {
            step->index = e->str;
        } else {
            step->is_stages = 1;
            pnode *ix = mk(p, JSONATA_N_INDEX, e->pos);
            ix->str = e->str;
            pvec_push(p, &step->stages, ix);
        }
        step->tuple = 1;
        break;
    }
    case JSONATA_N_BIND:
    case JSONATA_N_APPLY:
    case JSONATA_N_BINARY:
    case JSONATA_N_NEG:
    case JSONATA_N_ARRAY:
    case JSONATA_N_OBJECT:
    case JSONATA_N_COND:
    case JSONATA_N_TRANSFORM:
        for (int i = 0; i < e->kids.n; i++) {
            e->kids.v[i] = process(p, e->kids.v[i]);
            if (e->kind != JSONATA_N_TRANSFORM)
                push_ancestry(p, e, e->kids.v[i]);
        }
        if (e->kind == JSONATA_N_NEG && e->kids.v[0]->kind == JSONATA_N_NUM && !e->kids.v[0]->stages.n &&
            !e->kids.v[0]->group) {
            result = e->kids.v[0]; /* fold -<number> */
            result->num = -result->num;
        }
        break;
    case JSONATA_N_BLOCK:
        for (int i = 0; i < e->kids.n; i++) {
            pnode *part = process(p, e->kids.v[i]);
            e->kids.v[i] = part;
            push_ancestry(p, e, part);
            if (part->cons || (part->kind == JSONATA_N_PATH && part->kids.v[0]->cons))
                e->cons = 1;
        }
        break;
    case JSONATA_N_CALL:
    case JSONATA_N_PARTIAL:
        for (int i = 1; i < e->kids.n; i++) {
            e->kids.v[i] = process(p, e->kids.v[i]);
            push_ancestry(p, e, e->kids.v[i]);
        }
        e->kids.v[0] = process(p, e->kids.v[0]);
        break;
    case JSONATA_N_LAMBDA: {
        int b = e->kids.n - 1;
        e->kids.v[b] = tail_call(p, process(p, e->kids.v[b]));
        break;
    }
    case JSONATA_N_NAME:
        result = as_path(p, e);
        if (e->keep_array)
            result->keep_singleton = 1;
        break;
    case JSONATA_N_PARENT:
        e->pslot = asl_arena_alloc(p->a, sizeof *e->pslot);
        e->pslot->label = asl_arena_printf(p->a, "!%d", p->next_label++);
        e->pslot->level = 1;
        break;
    default: /* literals, regex, variables, wildcards, holes */
        break;
    }
    if (e->keep_array)
        result->keep_array = 1;
    return result;
}

/* ------------------------------------------------------------ freezing */

static void freeze(parser *p, const pnode *n, jsonata_node *out);

/* A node list as a contiguous jsonata_node array (NULL when empty). */
static const jsonata_node *freeze_vec(parser *p, const pvec *v)
{
    if (!v->n)
        return NULL;
    jsonata_node *arr = asl_arena_alloc(p->a, sizeof *arr * (size_t)v->n);
    for (int i = 0; i < v->n; i++)
        freeze(p, v->v[i], &arr[i]);
    return arr;
}

/* Notes where in the text node `out` came from (jsonata_parse_info). */
static void record_offset(parser *p, const jsonata_node *out, int pos)
{
    jsonata_parse_info *in = p->info;
    if (in->npos == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        struct jsonata_node_pos *v = asl_arena_alloc(p->a, sizeof *v * (size_t)p->cap);
        if (in->npos)
            memcpy(v, in->pos, sizeof *v * (size_t)in->npos);
        in->pos = v;
    }
    in->pos[in->npos].node = out;
    in->pos[in->npos++].offset = pos;
}

/* Copies the processed tree into plain jsonata_node data. */
static void freeze(parser *p, const pnode *n, jsonata_node *out)
{
    if (p->info)
        record_offset(p, out, n->pos);
    out->kind = n->kind;
    out->op = n->kind == JSONATA_N_BINARY ? n->op : 0;
    out->num = n->num;
    out->str = n->kind == JSONATA_N_PARENT ? n->pslot->label : n->str;
    out->str2 = n->str2;
    out->flags = (n->is_stages ? JSONATA_F_STAGES : 0) | (n->keep_array ? JSONATA_F_KEEP_ARRAY : 0) |
                 (n->keep_singleton ? JSONATA_F_KEEP_SINGLETON : 0) | (n->cons ? JSONATA_F_CONS_ARRAY : 0) |
                 (n->tuple ? JSONATA_F_TUPLE : 0) | (n->thunk ? JSONATA_F_THUNK : 0) |
                 (n->desc ? JSONATA_F_DESCENDING : 0);
    out->n = n->kids.n;
    out->kids = freeze_vec(p, &n->kids);
    out->nstages = n->stages.n;
    out->stages = freeze_vec(p, &n->stages);
    if (n->group) {
        jsonata_node *g = asl_arena_alloc(p->a, sizeof *g);
        freeze(p, n->group, g);
        out->group = g;
    }
    out->focus = n->focus;
    out->index = n->index;
    out->ancestor = n->ancestor ? n->ancestor->label : NULL;
}

/* ------------------------------------------------------------ public API */

const jsonata_node *jsonata_parse(asl_arena *a, const char *expr, const char **err)
{
    jsonata_parse_info info;
    const jsonata_node *x = jsonata_parse_ex(a, expr, 0, &info);
    if (err)
        *err = x ? NULL : asl_arena_printf(a, "%s (at offset %d)", info.error, info.error_offset);
    return x;
}

/* Orders jsonata_parse_info's nodes by address, for jsonata_node_offset. */
static int by_node(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct jsonata_node_pos *)a)->node;
    uintptr_t y = (uintptr_t)((const struct jsonata_node_pos *)b)->node;
    return x < y ? -1 : x > y;
}

int jsonata_node_offset(const jsonata_parse_info *info, const jsonata_node *x)
{
    int lo = 0, hi = info->npos - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        uintptr_t at = (uintptr_t)info->pos[mid].node;
        if (at == (uintptr_t)x)
            return info->pos[mid].offset;
        if (at < (uintptr_t)x)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

const jsonata_node *jsonata_parse_ex(asl_arena *a, const char *expr, int want_offsets, jsonata_parse_info *info)
{
    parser p;
    memset(&p, 0, sizeof p);
    memset(info, 0, sizeof *info);
    p.a = a;
    p.src = expr;
    p.len = strlen(expr);
    if (setjmp(p.fail)) {
        info->error = p.err;
        info->error_offset = p.err_pos;
        info->npos = 0;
        return NULL;
    }
    advance(&p, NULL, 0);
    pnode *e = expression(&p, 0);
    if (p.tok.type != T_END)
        fail(&p, p.tok.pos, "S0201: Syntax error: %s", tok_text(&p, &p.tok));
    e = process(&p, e);
    if (e->kind == JSONATA_N_PARENT || e->seeking)
        fail(&p, e->pos, "S0217: The object representing the 'parent' cannot be derived from this expression");
    jsonata_node *root = asl_arena_alloc(a, sizeof *root);
    p.info = want_offsets ? info : NULL;
    freeze(&p, e, root);
    if (info->npos)
        qsort(info->pos, (size_t)info->npos, sizeof *info->pos, by_node);
    return root;
}

int jsonata_reads_context(const jsonata_node *x)
{
    switch (x->kind) {
    case JSONATA_N_NAME:
    case JSONATA_N_WILDCARD:
    case JSONATA_N_DESCEND:
    case JSONATA_N_PARENT:
        return 1;
    case JSONATA_N_VAR:
        return x->str[0] == '\0' || !strcmp(x->str, "$");
    case JSONATA_N_PATH:
        return x->n > 0 && jsonata_reads_context(&x->kids[0]);
    case JSONATA_N_LAMBDA: /* its body runs when called, on its own arguments */
    case JSONATA_N_TRANSFORM:
    case JSONATA_N_SORT:
        return 0;
    default:
        for (int i = 0; i < x->n; i++)
            if (jsonata_reads_context(&x->kids[i]))
                return 1;
        return 0;
    }
}

int jsonata_uses_states_field(const jsonata_node *x, const char *field)
{
    if (x->kind == JSONATA_N_PATH && x->n >= 2 && x->kids[0].kind == JSONATA_N_VAR && !strcmp(x->kids[0].str, "states") &&
        x->kids[1].kind == JSONATA_N_NAME && !strcmp(x->kids[1].str, field))
        return 1;
    for (int i = 0; i < x->n; i++)
        if (jsonata_uses_states_field(&x->kids[i], field))
            return 1;
    for (int i = 0; i < x->nstages; i++)
        if (jsonata_uses_states_field(&x->stages[i], field))
            return 1;
    return x->group && jsonata_uses_states_field(x->group, field);
}
