/* jsonata_impl.h — what the JSONata evaluator's files share (internal to libjsonata).
 *
 * Values (jval) are small structs passed by value. Everything they point to
 * lives in one arena per evaluation (jctx), freed in one call when the
 * evaluation ends; nothing is reference counted. Errors jump back to
 * jx_run (longjmp): safe because every allocation made on the way
 * is in the arena or registered with it (parsed JSON), the few malloc'd
 * things (PCRE2 match data) are freed before anything can fail, and no lock
 * is held while evaluating. The longjmp never crosses generated code: it
 * stays inside this engine.
 */
#ifndef ASLRT_JSONATA_IMPL_H
#define ASLRT_JSONATA_IMPL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonata_eval.h"
#include "jsonnode.h"
#include "xalloc.h"
#include "utf8.h" /* the Unicode helpers every file of the engine uses */

/* Value types. JT_UNDEF is JSONata's `undefined` (also "no value"). */
enum { JT_UNDEF, JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ, JT_FN, JT_TUPLE, JT_HOLE };

typedef struct jarr jarr;
typedef struct jobj jobj;
typedef struct jfn jfn;
typedef struct jtuple jtuple;
typedef struct jframe jframe;

typedef struct jval {
    uint8_t t;     /* JT_* */
    uint8_t b;     /* BOOL */
    uint32_t len;  /* STR: length in bytes (the text is also NUL-terminated) */
    union {
        double n;
        const char *s;
        jarr *a;
        jobj *o;
        jfn *f;
        jtuple *tp;
    } u;
} jval;

/* jarr.flags: JSONata's array annotations. */
#define JA_SEQ 1    /* a sequence (result of a path): collapses when 0 or 1 long */
#define JA_KEEP 2   /* keep a singleton sequence as an array ([]) */
#define JA_CONS 4   /* built by an array constructor: not flattened by paths */
#define JA_OUTER 8  /* wraps an input array */
#define JA_TUPLES 16 /* items are JT_TUPLE (a tuple stream) */

struct jarr {
    jval *v;
    int n, cap;
    unsigned flags;
};

/* An object: keys in insertion order, with a hash index once it grows. */
struct jobj {
    const char **k;
    jval *v;
    int n, cap;
    int *idx;      /* open addressing over k, -1 empty; NULL while small */
    int icap;
};

/* Function kinds. */
enum {
    F_LAMBDA,    /* node: LAMBDA; env, input: where it was defined */
    F_BUILTIN,   /* builtin: index into jx_builtins */
    F_PARTIAL,   /* target applied to args, JT_HOLE where arguments go */
    F_COMPOSE,   /* f ~> g */
    F_REGEX,     /* node: REGEX */
    F_NEXT,      /* the `next` of a regex match: re, str, offset */
    F_TRANSFORM  /* node: TRANSFORM; env */
};

struct jfn {
    int kind;
    const jsonata_node *node;
    jframe *env;
    jval input;
    int nparams;             /* LAMBDA: parameters still to bind */
    const char *const *params;
    int builtin;
    jfn *target;             /* PARTIAL */
    int nargs;
    jval *args;
    jfn *f, *g;              /* COMPOSE */
    jfn *re;                 /* NEXT */
    jval str;                /* NEXT: the string being matched */
    size_t offset;           /* NEXT: where the next search starts (bytes) */
};

/* A tuple of a tuple stream: the context `@` and the variables bound so far. */
struct jtuple {
    jval at;
    int n;
    const char **names;
    jval *vals;
};

/* A scope: bindings made by :=, lambda parameters, tuple variables. */
struct jframe {
    jframe *parent;
    int n, cap;
    const char **names;
    jval *vals;
};

typedef struct jblock jblock;

/* How evaluations run: the ASL flavour (jsonata_eval, one static set) or plain
   JSONata (jsonata.h, from the caller's jsonata_env). Read only where it matters
   (starting, polling, allocating blocks), so setting one up costs ASL nothing. */
typedef struct jx_options {
    int asl;                   /* Step Functions: no context value, $states, AWS's functions */
    int aws_functions;         /* !asl: define AWS's functions all the same */
    int max_depth;             /* U1001 beyond */
    size_t max_memory;         /* U1002 beyond */
    double deadline_ms;        /* CLOCK_MONOTONIC milliseconds for U1001, or 0 */
    int (*cancelled)(void *user); /* polled: nonzero is U1003 */
    void *(*alloc)(void *user, size_t n); /* working memory (NULL result: U1002) */
    void (*dealloc)(void *user, void *p);
    void *user;
} jx_options;

/* Runs expr as o says, with doc as $states (asl) or as the input, the context
   value and $$ (NULL: undefined), and lookup(lookup_ctx, name) for variables
   nothing in the expression binds (lookup may be NULL). Returns 0 with *out
   (the caller's; NULL for undefined), JSONATA_FUNCTION, or -1 with
   "<code>: <message>" in err (1024 bytes) and, when `at` is not NULL, the node
   the error is about in *at (NULL when unknown). */
int jx_run(const jsonata_node *expr, const jx_options *o, const cJSON *doc, jsonata_lookup_fn lookup,
           void *lookup_ctx, cJSON **out, char err[1024], const jsonata_node **at);

/* One evaluation. */
typedef struct jctx {
    int depth;               /* eval() nesting */
    int max_depth;           /* o->max_depth, at hand for eval() */
    int ticks;               /* eval() and calls left before the next poll of the clock and
                                the cancel hook (poll_limits in jsonata.c) */
    const jsonata_node *at;  /* the node an error is about: the call, operator or construct
                                whose check failed (set there, not on every eval()) */
    const jx_options *o;
    jblock *blocks;          /* the arena */
    char *cur;
    size_t left;
    size_t used;             /* bytes allocated, bounded by o->max_memory */
    const cJSON *states;
    jsonata_lookup_fn lookup;
    void *lookup_ctx;
    jframe *root;            /* cache of $states, workflow variables, built-ins */
    double now_ms;           /* $now() and $millis(): fixed for the evaluation, */
    int have_now;            /* taken when first asked for */
    uint64_t rng;            /* $random, $shuffle, $uuid: seeded when first used */
    int have_rng;
    struct jowned *owned;    /* cJSON trees to delete when the evaluation ends */
    /* Not zeroed when an evaluation starts (jx_run): */
    jmp_buf fail;
    char err[1024];          /* "<code>: <message>" when failing */
    max_align_t first[512];  /* the arena's first block: small evaluations need no other */
} jctx;

#define JX_MAX_DEPTH 100              /* ASL: eval() nesting (U1001): AWS fails evaluations deeper than 100 */
#define JX_MAX_MEMORY (512u << 20)    /* ASL: arena bytes (U1002) */
#define JX_MAX_RANGE 10000000         /* items a range may make (D2014) */

/* Built-in functions: `sig` is JSONata's signature, `arity` the number of
   declared parameters (what higher-order functions pass). */
typedef struct jbuiltin {
    const char *name;
    const char *sig;
    int arity;
    jval (*fn)(jctx *c, jval *a, int n);
} jbuiltin;

extern const jbuiltin jx_builtins[];
extern const int jx_nbuiltins;

/* ---- jsonata_value.c: errors, memory, values, JSON */
_Noreturn void jx_fail(jctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *jx_alloc(jctx *c, size_t n);
char *jx_strndup(jctx *c, const char *s, size_t n);

jval jx_undef(void);
jval jx_null(void);
jval jx_bool(int b);
jval jx_num(jctx *c, double d);       /* D1001 when d is not finite */
jval jx_str(const char *s, size_t n); /* s must stay valid (arena/borrowed) and be NUL-terminated */
jval jx_strc(jctx *c, const char *s, size_t n); /* copies s */
jval jx_strz(const char *s);          /* borrowed C string */
jval jx_arrv(jarr *a);
jval jx_objv(jobj *o);
jval jx_fnv(jfn *f);

jarr *jx_arr_new(jctx *c, int cap, unsigned flags);
jarr *jx_seq1(jctx *c, jval v);  /* createSequence(v): a sequence of v, even undefined */
void jx_arr_push(jctx *c, jarr *a, jval v);
jobj *jx_obj_new(jctx *c, int cap);
jval jx_obj_get(const jobj *o, const char *key);
void jx_obj_set(jctx *c, jobj *o, const char *key, jval v);
void jx_obj_del(jobj *o, const char *key);

int jx_is_num(jctx *c, jval v);       /* a number (D1001 if not finite) */
int jx_is_fn(jval v);
int jx_truthy(jctx *c, jval v);       /* $boolean; undefined -> 0 */
int jx_deep_equal(jctx *c, jval a, jval b, int depth);
jval jx_append(jctx *c, jval a, jval b);
jval jx_lookup(jctx *c, jval input, const char *key);
jval jx_clone(jctx *c, jval v, int depth);
/* Parses JSON text into *out (0), or returns -1 when it is not JSON. */
int jx_parse_json(jctx *c, const char *s, size_t n, jval *out);
/* $string: strings as is, functions "", others JSON with numbers at 15
   significant digits; `pretty` indents by 2. */
jval jx_string(jctx *c, jval v, int pretty);
/* Appends JSON text of v (for messages): at most `max` bytes. */
const char *jx_show(jctx *c, jval v);
/* JSON text (JSON.stringify with JSONata's replacer). */
void jx_json(jctx *c, jval v, int pretty, int depth, int indent, char **buf, size_t *len, size_t *cap);
void jx_buf_add(jctx *c, char **buf, size_t *len, size_t *cap, const char *s, size_t n);

void jx_arena_free(jctx *c);     /* frees everything the evaluation allocated */
jval jx_from_json(jctx *c, const cJSON *j, int depth); /* strings borrowed from j */
void jx_check_depth(jctx *c, jval v, int depth);       /* U1001 when too deep for jx_to_json */
cJSON *jx_to_json(jctx *c, jval v, int depth);         /* NULL for undefined / functions */

/* ---- jsonata.c: scopes, calls, evaluation */
/* Calls function f with args (n of them); `input` is the caller's context
   (used for signature `-` defaults). Undefined f is T1006. */
jval jx_apply(jctx *c, jval f, jval *args, int n, jval input, const char *name);
int jx_arity(const jfn *f);
/* Calls a function passed to a higher-order built-in with (value, index,
   array) trimmed to the function's arity. */
jval jx_call_hof(jctx *c, jval f, jval v, jval i, jval arr);

/* Regex matching (PCRE2) for $match, $contains, $replace, $split. A matcher
   is a regex or any function behaving like one. */
typedef struct jmatch {
    int found;
    size_t start, end;       /* bytes */
    jval match;              /* the matched text */
    int ngroups;
    jval *groups;            /* strings ("" for unmatched groups) */
    jval next;               /* function matchers: their `next` */
} jmatch;
jval jx_regex_call(jctx *c, jfn *f, jval *args, int n); /* a regex called */
jval jx_next_call(jctx *c, jfn *f);                     /* a match's next() */
void jx_match_first(jctx *c, jval matcher, jval str, jmatch *m);
void jx_match_next(jctx *c, jval matcher, jval str, jmatch *m);
/* UTF-16 index of byte offset `off` in s (JavaScript string positions). */
double jx_u16_index(const char *s, size_t off);
size_t jx_u16_offset(const char *s, size_t len, double index);

/* The evaluation's fixed "now" (epoch milliseconds) and its random
   generator state (jsonata.c). */
double jx_now(jctx *c);
uint64_t *jx_rng(jctx *c);

/* ---- jsnum.c */
#include "jsnum.h"

/* ---- jsonata_fns.c */
int jx_builtin_find(const char *name);
jval jx_sort(jctx *c, jval arr, int (*cmp)(jctx *c, jval a, jval b, void *ud), void *ud);
double jx_round_half_even(double x, int prec);

/* ---- jsonata_format.c: $formatNumber $formatInteger $parseInteger $formatBase */

/* Text as an array of code points (the picture-string code works on these). */
typedef struct jcps {
    unsigned *v;
    int n, cap;
} jcps;
void jx_cps_from(jctx *c, jcps *out, const char *s, size_t n);
void jx_cps_push(jctx *c, jcps *a, unsigned cp);
jval jx_cps_str(jctx *c, const jcps *a);

/* An analysed integer picture (XPath fn:format-integer), as JSONata reads it. */
enum { JX_DECIMAL, JX_LETTERS, JX_ROMAN, JX_WORDS, JX_SEQUENCE };
enum { JX_LOWER, JX_UPPER, JX_TITLE };
#define JX_MAX_GROUPS 32
typedef struct jintfmt {
    int primary;              /* JX_DECIMAL ... */
    int tcase;                /* JX_LOWER ... */
    int ordinal;
    unsigned zero;            /* DECIMAL: code point of the zero digit */
    int mandatory, optional;  /* DECIMAL: digit counts */
    int regular;              /* grouping every group_pos digits with group_ch */
    int group_pos;
    unsigned group_ch;
    int ngroups;              /* irregular grouping: (position, character) pairs */
    int gpos[JX_MAX_GROUPS];
    unsigned gch[JX_MAX_GROUPS];
    int parse_width;          /* date/time parsing: fixed digit count, or 0 */
    const char *token;        /* SEQUENCE: the picture, for D3130 */
} jintfmt;
void jx_intfmt_analyse(jctx *c, const char *pic, size_t n, jintfmt *f);
jval jx_intfmt_format(jctx *c, double value, const jintfmt *f);
/* A regex (PCRE2 syntax) matching what f formats, and the value of a match. */
const char *jx_intfmt_regex(jctx *c, const jintfmt *f);
double jx_intfmt_parse(jctx *c, const jintfmt *f, const char *s, size_t n);
/* A pattern compiled for matching (cached like regex literals). */
const void *jx_regex_compile(jctx *c, const char *pattern, const char *flags);
/* Matches code at the start of s; on success fills ov (2 * (ngroups + 1)
   offsets, allocated) and returns the number of groups + 1, else 0. */
int jx_regex_exec(jctx *c, const void *code, jval s, size_t **ov);

jval jx_fn_format_number(jctx *c, jval *a, int n);
jval jx_fn_format_integer(jctx *c, jval *a, int n);
jval jx_fn_parse_integer(jctx *c, jval *a, int n);
jval jx_fn_format_base(jctx *c, jval *a, int n);
/* ---- jsonata_datetime.c: $now $millis $fromMillis $toMillis */
jval jx_fn_now(jctx *c, jval *a, int n);
jval jx_fn_millis(jctx *c, jval *a, int n);
jval jx_fn_from_millis(jctx *c, jval *a, int n);
jval jx_fn_to_millis(jctx *c, jval *a, int n);

#endif
