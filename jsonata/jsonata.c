/* jsonata.c — the JSONata evaluator: walks a jsonata_node tree over JSON values.
 *
 * The semantics are JSONata 2.0.6's, and the structure follows its reference
 * evaluator so that the many small rules land in the same places:
 *
 *   - Every path step maps over a *sequence*; results are flattened one level
 *     into the next sequence. A sequence of 0 items is `undefined`, of 1 item
 *     that item (unless `[]` asked to keep it). Arrays built by `[...]` are
 *     marked (JA_CONS) and never flattened by a path.
 *   - A step that binds `@$v`, `#$i` or answers a `%` turns the rest of the
 *     path into a *tuple stream*: each item carries its variables along.
 *   - Functions are values: lambdas close over their scope and context,
 *     built-ins check their arguments against JSONata signatures, `?`
 *     arguments make partial applications, and calls in tail position come
 *     back as thunks that `jx_apply` runs in a loop (tail calls don't grow the
 *     C stack).
 *
 * Memory: every value of one evaluation lives in its arena (jctx), freed at
 * the end; errors longjmp back to jx_run. Input JSON is converted on first
 * use of $states or a variable (the library's input document: at the start);
 * strings and keys are borrowed from the caller's cJSON, which outlives the
 * evaluation.
 *
 * Two flavours share this code (jx_options.asl): Step Functions' (jsonata_eval:
 * no context value, `$states`, AWS's extra functions) and plain JSONata's
 * (jsonata.h: the input is `$` and `$$`).
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "jsonata_impl.h"
#include "random.h"

/* ------------------------------------------------------------ scopes */

/* The placeholder of a `?` argument in a partial application. */
static jval hole(void)
{
    jval v = jx_undef();
    v.t = JT_HOLE;
    return v;
}



/* A new, empty scope inside parent. */
static jframe *frame_new(jctx *c, jframe *parent)
{
    jframe *f = jx_alloc(c, sizeof *f);
    f->parent = parent;
    return f;
}

/* $name := v in scope f (replacing a binding of the same scope). */
static void frame_bind(jctx *c, jframe *f, const char *name, jval v)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->names[i], name)) {
            f->vals[i] = v;
            return;
        }
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 4;
        const char **nn = jx_alloc(c, sizeof *nn * (size_t)cap);
        jval *nv = jx_alloc(c, sizeof *nv * (size_t)cap);
        if (f->n) {
            memcpy(nn, f->names, sizeof *nn * (size_t)f->n);
            memcpy(nv, f->vals, sizeof *nv * (size_t)f->n);
        }
        f->names = nn;
        f->vals = nv;
        f->cap = cap;
    }
    f->names[f->n] = name;
    f->vals[f->n] = v;
    f->n++;
}

/* Looks name up in one scope only. */
static int frame_find(const jframe *f, const char *name, jval *out)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->names[i], name)) {
            *out = f->vals[i];
            return 1;
        }
    return 0;
}

/* The functions Step Functions adds to JSONata: not there in plain JSONata
   unless asked for (JSONATA_AWS_FUNCTIONS). */
static int aws_only(const char *name)
{
    static const char *const names[] = {"hash", "parse", "partition", "range", "uuid"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

/* What a name means outside every scope of the expression: $states (ASL),
   a variable the caller has, a built-in function; cached in the root frame. */
static jval global(jctx *c, const char *name)
{
    jval v;
    if (frame_find(c->root, name, &v))
        return v;
    v = jx_undef();
    if (name[0] == '!') {
        /* a parent (%) label that no step bound */
    } else if (c->o->asl && !strcmp(name, "states")) {
        v = jx_from_json(c, c->states, 0);
    } else {
        const cJSON *j = c->lookup ? c->lookup(c->lookup_ctx, name) : NULL;
        if (j) {
            v = jx_from_json(c, j, 0);
        } else {
            int b = jx_builtin_find(name);
            if (b >= 0 && (c->o->asl || c->o->aws_functions || !aws_only(name))) {
                jfn *f = jx_alloc(c, sizeof *f);
                f->kind = F_BUILTIN;
                f->builtin = b;
                v = jx_fnv(f);
            }
        }
    }
    frame_bind(c, c->root, name, v);
    return v;
}

/* $name: the innermost binding, else what global() finds. */
static jval var_lookup(jctx *c, const jframe *env, const char *name)
{
    jval v;
    for (const jframe *f = env; f && f != c->root; f = f->parent)
        if (frame_find(f, name, &v))
            return v;
    return global(c, name);
}

/* createFrameFromTuple: a scope holding a tuple's variables (not its @). */
static jframe *frame_from_tuple(jctx *c, jframe *env, const jtuple *t)
{
    jframe *f = frame_new(c, env);
    for (int i = 0; i < t->n; i++)
        frame_bind(c, f, t->names[i], t->vals[i]);
    return f;
}

/* A copy of t with room for `extra` more bindings. */
static jtuple *tuple_copy(jctx *c, const jtuple *t, int extra)
{
    jtuple *r = jx_alloc(c, sizeof *r);
    r->at = t->at;
    r->names = jx_alloc(c, sizeof *r->names * (size_t)(t->n + extra));
    r->vals = jx_alloc(c, sizeof *r->vals * (size_t)(t->n + extra));
    if (t->n) {
        memcpy(r->names, t->names, sizeof *r->names * (size_t)t->n);
        memcpy(r->vals, t->vals, sizeof *r->vals * (size_t)t->n);
    }
    r->n = t->n;
    return r;
}

/* Binds name in tuple t, which must have room (tuple_copy's `extra`) when
   name is new. */
static void tuple_bind(jtuple *t, const char *name, jval v)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->names[i], name)) {
            t->vals[i] = v;
            return;
        }
    t->names[t->n] = name;
    t->vals[t->n++] = v;
}

/* A tuple as a value, to sit in a tuple stream. */
static jval tuplev(jtuple *t)
{
    jval v = jx_undef();
    v.t = JT_TUPLE;
    v.u.tp = t;
    return v;
}

/* -------------------------------------------------------- signatures */

/* One parameter of a signature: the types it accepts (a set of the
   symbols s n b l o a f m, m being "missing"), how many arguments it takes,
   and whether a missing one is taken from the context. */
typedef struct sigparam {
    char type;          /* s n b l o a f j x, or '(' for a choice */
    char accept[12];    /* symbols, NUL-terminated */
    int opt, plus, context;
    const char *sub;    /* a<..> / f<..>: the subtype text */
    int sublen;
} sigparam;

#define SIG_MAX 16

/* Parses a JSONata signature such as "<s-nn?:s>" (the parser checked it). */
static int sig_parse(const char *sig, sigparam *ps)
{
    int n = 0;
    for (size_t i = 1; sig[i] && sig[i] != ':' && sig[i] != '>' && n < SIG_MAX; i++) {
        char ch = sig[i];
        sigparam *p = &ps[n];
        switch (ch) {
        case 's': case 'n': case 'b': case 'l': case 'o':
            memset(p, 0, sizeof *p);
            p->type = ch;
            p->accept[0] = ch;
            p->accept[1] = 'm';
            n++;
            break;
        case 'a': case 'x':
            memset(p, 0, sizeof *p);
            p->type = ch;
            strcpy(p->accept, "asnblfom");
            n++;
            break;
        case 'f':
            memset(p, 0, sizeof *p);
            p->type = 'f';
            strcpy(p->accept, "f");
            n++;
            break;
        case 'j':
            memset(p, 0, sizeof *p);
            p->type = 'j';
            strcpy(p->accept, "asnblom");
            n++;
            break;
        case '(': {
            memset(p, 0, sizeof *p);
            p->type = '(';
            size_t k = 0;
            for (i++; sig[i] && sig[i] != ')'; i++)
                if (k < sizeof p->accept - 2)
                    p->accept[k++] = sig[i];
            p->accept[k++] = 'm';
            n++;
            break;
        }
        case '-':
            if (n)
                ps[n - 1].context = 1;
            break;
        case '?':
            if (n)
                ps[n - 1].opt = 1;
            break;
        case '+':
            if (n)
                ps[n - 1].plus = 1;
            break;
        case '<': {
            size_t start = i + 1;
            int depth = 1;
            while (depth > 0 && sig[++i])
                depth += sig[i] == '<' ? 1 : sig[i] == '>' ? -1 : 0;
            if (n) {
                ps[n - 1].sub = sig + start;
                ps[n - 1].sublen = (int)(i - start);
            }
            if (!sig[i])
                return n;
            break;
        }
        default: break;
        }
    }
    return n;
}

/* The letter a signature uses for v's type (m: missing). */
static char symbol_of(jval v)
{
    switch (v.t) {
    case JT_FN: return 'f';
    case JT_STR: return 's';
    case JT_NUM: return 'n';
    case JT_BOOL: return 'b';
    case JT_NULL: return 'l';
    case JT_ARR: return 'a';
    case JT_OBJ: return 'o';
    default: return 'm';
    }
}

/* Matches the argument symbols against the parameters as the regular
   expression JSONata builds would: greedy, with backtracking. */
static int sig_match(const sigparam *ps, int np, int i, const char *sym, int j, int *counts)
{
    if (i == np)
        return sym[j] == '\0';
    const sigparam *p = &ps[i];
    int run = 0;
    while (sym[j + run] && strchr(p->accept, sym[j + run]))
        run++;
    int max = p->plus ? run : run > 0 ? 1 : 0;
    int min = (p->opt || p->context) ? 0 : 1;
    for (int k = max; k >= min; k--)
        if (sig_match(ps, np, i + 1, sym, j + k, counts)) {
            counts[i] = k;
            return 1;
        }
    return 0;
}

/* T0412's plural for a subtype letter. */
static const char *array_of(char t)
{
    switch (t) {
    case 'a': return "arrays";
    case 'b': return "booleans";
    case 'f': return "functions";
    case 'n': return "numbers";
    case 'o': return "objects";
    case 's': return "strings";
    default: return "values";
    }
}

static const char *fname(jctx *c, const char *name);

/* validateArguments: checks args against sig and returns the arguments the
   function gets: context for a missing `-` parameter, a non-array wrapped
   for an `a` parameter. *nout is at least the number of parameters. */
static jval *sig_validate(jctx *c, const char *sig, jval *args, int n, jval context, const char *name, int *nout)
{
    sigparam ps[SIG_MAX];
    int np = sig_parse(sig, ps);
    char sym[64];
    if (n > 60)
        jx_fail(c, "T0410: Argument %d of function %s does not match function signature", 61, fname(c, name));
    for (int i = 0; i < n; i++)
        sym[i] = symbol_of(args[i]);
    sym[n] = '\0';
    int counts[SIG_MAX];
    if (!sig_match(ps, np, 0, sym, 0, counts)) {
        /* find the first argument that does not fit, as JSONata reports it */
        int good = 0;
        for (int k = 1; k <= np; k++) {
            int cnt[SIG_MAX], ok = 0;
            for (int upto = n; upto >= 0 && !ok; upto--) {
                char save = sym[upto];
                sym[upto] = '\0';
                if (sig_match(ps, k, 0, sym, 0, cnt)) {
                    ok = 1;
                    good = upto;
                }
                sym[upto] = save;
            }
            if (!ok)
                break;
        }
        jx_fail(c, "T0410: Argument %d of function %s does not match function signature", good + 1,
                fname(c, name));
    }
    /* As JSONata builds them: each parameter's matched symbols come from
       the signature match, the argument from a running index; a parameter
       that matched nothing still takes an argument (unless it defaults to
       the context), and a `+` parameter of a non-array type repeats the
       argument it started at. */
    int cap = n + np + 1;
    jval *out = jx_alloc(c, sizeof *out * (size_t)cap);
    int k = 0, ai = 0, at = 0;
#define ARGAT(i) ((i) < n ? args[(i)] : jx_undef())
    for (int i = 0; i < np; i++) {
        const sigparam *p = &ps[i];
        const char *match = sym + at;
        int mlen = counts[i];
        at += mlen;
        jval arg = ARGAT(ai);
        if (mlen == 0) {
            if (p->context) {
                char cs = symbol_of(context);
                if (!strchr(p->accept, cs))
                    jx_fail(c, "T0411: Context value is not a compatible type with argument %d of function %s",
                            ai + 1, fname(c, name));
                out[k++] = context;
            } else {
                out[k++] = arg;
                ai++;
            }
            continue;
        }
        for (int m = 0; m < mlen; m++) {
            char single = match[m];
            if (p->type == 'a') {
                if (single == 'm') {
                    arg = jx_undef();
                } else {
                    arg = ARGAT(ai);
                    if (p->sub && p->sublen > 0) {
                        int ok = 1;
                        if (single != 'a') {
                            ok = mlen == p->sublen && !memcmp(match, p->sub, (size_t)mlen);
                        } else if (arg.t == JT_UNDEF || arg.t == JT_NULL) { /* JSONata's TypeError */
                            jx_fail(c, "Cannot read properties of %s (reading 'length')",
                                    arg.t == JT_NULL ? "null" : "undefined");
                        } else if (arg.t == JT_ARR && arg.u.a->n > 0) {
                            char t0 = symbol_of(arg.u.a->v[0]);
                            if (t0 != p->sub[0])
                                ok = 0;
                            for (int q = 1; ok && q < arg.u.a->n; q++)
                                if (symbol_of(arg.u.a->v[q]) != t0)
                                    ok = 0;
                        }
                        if (!ok)
                            jx_fail(c, "T0412: Argument %d of function %s must be an array of \"%s\"", ai + 1,
                                    fname(c, name), array_of(p->sub[0]));
                    }
                    if (single != 'a') {
                        jarr *w = jx_arr_new(c, 1, 0);
                        w->v[w->n++] = arg;
                        arg = jx_arrv(w);
                    }
                }
            }
            if (k < cap)
                out[k++] = arg;
            ai++;
        }
    }
#undef ARGAT
    while (k < np)
        out[k++] = jx_undef();
    *nout = k;
    return out;
}

/* ------------------------------------------------------------ calling */

static jval eval(jctx *c, const jsonata_node *x, jval in, jframe *env);
/* A transform |pattern|update, delete| applied to obj: a deep copy whose
   objects matched by pattern are updated in place. */
static jval transform_call(jctx *c, jfn *f, jval obj);

int jx_arity(const jfn *f)
{
    switch (f->kind) {
    case F_LAMBDA: return f->nparams;
    case F_BUILTIN: return jx_builtins[f->builtin].arity;
    case F_PARTIAL: {
        int k = 0;
        for (int i = 0; i < f->nargs; i++)
            k += f->args[i].t == JT_HOLE;
        return k;
    }
    case F_REGEX: return 2;
    case F_NEXT: return 0;
    default: return 1;
    }
}

/* A tail call waiting for the trampoline (see jx_apply). */
static int is_thunk(jval v)
{
    return v.t == JT_FN && v.u.f->kind == F_LAMBDA && (v.u.f->node->flags & JSONATA_F_THUNK);
}

/* applyInner: one call, without running thunks. */
static jval apply_call(jctx *c, jval proc, jval *args, int n, jval input, const char *name)
{
    if (proc.t != JT_FN)
        jx_fail(c, "T1006: Attempted to invoke a non-function");
    jfn *f = proc.u.f;
    switch (f->kind) {
    case F_LAMBDA: {
        const jsonata_node *x = f->node;
        if (x->str)
            args = sig_validate(c, x->str, args, n, input, name, &n);
        jframe *env = frame_new(c, f->env);
        for (int i = 0; i < f->nparams; i++)
            frame_bind(c, env, f->params[i], i < n ? args[i] : jx_undef());
        return eval(c, &x->kids[x->n - 1], f->input, env);
    }
    case F_BUILTIN: {
        const jbuiltin *b = &jx_builtins[f->builtin];
        int nv;
        jval *va = sig_validate(c, b->sig, args, n, input, name ? name : b->name, &nv);
        return b->fn(c, va, nv);
    }
    case F_PARTIAL: {
        jval *full = jx_alloc(c, sizeof *full * (size_t)(f->nargs + 1));
        int k = 0;
        for (int i = 0; i < f->nargs; i++)
            full[i] = f->args[i].t == JT_HOLE ? (k < n ? args[k++] : jx_undef()) : f->args[i];
        return apply_call(c, jx_fnv(f->target), full, f->nargs, jx_undef(), name);
    }
    case F_COMPOSE: {
        jval x = n > 0 ? args[0] : jx_undef();
        jval r = jx_apply(c, jx_fnv(f->f), &x, 1, jx_null(), name);
        return jx_apply(c, jx_fnv(f->g), &r, 1, jx_null(), name);
    }
    case F_REGEX: return jx_regex_call(c, f, args, n);
    case F_NEXT: return jx_next_call(c, f);
    case F_TRANSFORM: {
        int nv;
        jval *va = sig_validate(c, "<(oa):o>", args, n, input, name, &nv);
        return transform_call(c, f, va[0]);
    }
    default: jx_fail(c, "T1006: Attempted to invoke a non-function");
    }
}

/* eval() and calls between two looks at the clock and the cancel hook: a
   few microseconds to a millisecond of work. */
#define POLL_TICKS 1024

/* Nesting past the limit is U1001 (the C stack is bounded with it); when the
   ticks run out, the time limit and the cancel hook are checked. eval() and
   calls test both at once, so that ASL evaluations, which have neither limit,
   pay one decrement more than the depth check they always had. */
static void poll_limits(jctx *c)
{
    if (c->depth > c->max_depth)
        jx_fail(c, "U1001: Stack overflow error: Check for non-terminating recursive function.  Consider rewriting "
                   "as tail-recursive.");
    const jx_options *o = c->o;
    if (!o->deadline_ms && !o->cancelled) {
        c->ticks = INT_MAX;
        return;
    }
    c->ticks = POLL_TICKS;
    if (o->deadline_ms) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if ((double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6 > o->deadline_ms)
            jx_fail(c, "U1001: Expression evaluation timeout: Check for infinite loop");
    }
    if (o->cancelled && o->cancelled(o->user))
        jx_fail(c, "U1003: The evaluation was cancelled");
}

/* Calls nest like evaluations do, also through built-ins such as $map and
   through tail calls run by the trampoline: count them against the same
   depth limit so that C's stack stays bounded. */
static jval apply_inner(jctx *c, jval proc, jval *args, int n, jval input, const char *name)
{
    if (++c->depth > c->max_depth || --c->ticks < 0)
        poll_limits(c);
    jval r = apply_call(c, proc, args, n, input, name);
    c->depth--;
    return r;
}

/* apply: a call, then the trampoline running tail-call thunks. */
jval jx_apply(jctx *c, jval proc, jval *args, int n, jval input, const char *name)
{
    jval r = apply_inner(c, proc, args, n, input, name);
    while (is_thunk(r)) {
        jfn *t = r.u.f;
        const jsonata_node *call = &t->node->kids[0];
        jval next = eval(c, &call->kids[0], t->input, t->env);
        int na = call->n - 1;
        jval *a = jx_alloc(c, sizeof *a * (size_t)(na + 1));
        for (int i = 0; i < na; i++)
            a[i] = eval(c, &call->kids[i + 1], t->input, t->env);
        const char *nm = call->kids[0].kind == JSONATA_N_VAR ? call->kids[0].str : name;
        c->at = call;
        r = apply_inner(c, next, a, na, input, nm);
    }
    return r;
}

jval jx_call_hof(jctx *c, jval f, jval v, jval i, jval arr)
{
    jval args[3] = {v, i, arr};
    int ar = f.t == JT_FN ? jx_arity(f.u.f) : 1;
    int n = ar >= 3 ? 3 : ar >= 2 ? 2 : 1;
    return jx_apply(c, f, args, n, jx_null(), NULL);
}

/* The name a call's procedure goes by in messages. */
static const char *proc_name(const jsonata_node *p)
{
    if (p->kind == JSONATA_N_PATH && p->n > 0 && p->kids[0].kind == JSONATA_N_NAME)
        return p->kids[0].str;
    return p->kind == JSONATA_N_VAR ? p->str : NULL;
}

/* A function's name in a message: JSON-quoted, or undefined as JSONata
   shows a function without one. */
static const char *fname(jctx *c, const char *name)
{
    if (!name)
        return "undefined";
    size_t n = strlen(name);
    char *q = jx_alloc(c, n + 3);
    q[0] = '"';
    memcpy(q + 1, name, n);
    q[n + 1] = '"';
    return q;
}

/* `sum(x)` for `$sum(x)`: when the procedure is a bare name that is bound
   as a variable, say so (T1005 / T1007). */
static const char *forgot_dollar(jctx *c, const jsonata_node *p, jframe *env)
{
    if (p->kind == JSONATA_N_PATH && p->n > 0 && p->kids[0].kind == JSONATA_N_NAME &&
        var_lookup(c, env, p->kids[0].str).t != JT_UNDEF)
        return p->kids[0].str;
    return NULL;
}

/* evaluateFunction: the procedure, then the arguments (after `applyto`,
   the left side of ~>, when given), then the call. */
static jval eval_call(jctx *c, const jsonata_node *x, jval in, jframe *env, const jval *applyto)
{
    const jsonata_node *p = &x->kids[0];
    jval proc = eval(c, p, in, env);
    const char *hint;
    if (proc.t == JT_UNDEF && (hint = forgot_dollar(c, p, env))) {
        c->at = x;
        jx_fail(c, "T1005: Attempted to invoke a non-function. Did you mean $%s?", hint);
    }
    int n = x->n - 1 + (applyto ? 1 : 0), k = 0;
    jval *args = jx_alloc(c, sizeof *args * (size_t)(n + 1));
    if (applyto)
        args[k++] = *applyto;
    for (int i = 1; i < x->n; i++)
        args[k++] = eval(c, &x->kids[i], in, env);
    c->at = x; /* errors of the call itself and of built-ins */
    return jx_apply(c, proc, args, n, in, proc_name(p));
}

/* evaluatePartialApplication: a lambda gets the given arguments bound and
   keeps the `?` ones as parameters; any other function is wrapped. */
static jval eval_partial(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    int n = x->n - 1;
    jval *args = jx_alloc(c, sizeof *args * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        args[i] = x->kids[i + 1].kind == JSONATA_N_HOLE ? hole() : eval(c, &x->kids[i + 1], in, env);
    const jsonata_node *p = &x->kids[0];
    jval proc = eval(c, p, in, env);
    const char *hint;
    c->at = x;
    if (proc.t == JT_UNDEF && (hint = forgot_dollar(c, p, env)))
        jx_fail(c, "T1007: Attempted to partially apply a non-function. Did you mean $%s?", hint);
    if (proc.t != JT_FN)
        jx_fail(c, "T1008: Attempted to partially apply a non-function");
    jfn *f = proc.u.f, *r = jx_alloc(c, sizeof *r);
    if (f->kind == F_LAMBDA) {
        /* bind the given arguments, keep the `?` ones as parameters */
        *r = *f;
        r->env = frame_new(c, f->env);
        const char **params = jx_alloc(c, sizeof *params * (size_t)(f->nparams + 1));
        r->nparams = 0;
        for (int i = 0; i < f->nparams; i++) {
            if (i < n && args[i].t == JT_HOLE)
                params[r->nparams++] = f->params[i];
            else
                frame_bind(c, r->env, f->params[i], i < n ? args[i] : jx_undef());
        }
        r->params = params;
    } else {
        r->kind = F_PARTIAL;
        r->target = f;
        r->nargs = n;
        r->args = args;
    }
    return jx_fnv(r);
}

/* A closure: the lambda with its scope and the context it was made in. */
static jval eval_lambda(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    jfn *f = jx_alloc(c, sizeof *f);
    f->kind = F_LAMBDA;
    f->node = x;
    f->env = env;
    f->input = in;
    if (x->flags & JSONATA_F_THUNK) {
        f->nparams = 0;
    } else {
        f->nparams = x->n - 1;
        const char **params = jx_alloc(c, sizeof *params * (size_t)(x->n));
        for (int i = 0; i < x->n - 1; i++)
            params[i] = x->kids[i].str;
        f->params = params;
    }
    return jx_fnv(f);
}

/* ------------------------------------------------------------ operators */

static const char *const op_text[] = {"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in", ".."};

/* + - * / %: numbers only; undefined in, undefined out. */
static jval arith(jctx *c, int op, jval l, jval r)
{
    if (l.t != JT_UNDEF && !jx_is_num(c, l))
        jx_fail(c, "T2001: The left side of the \"%s\" operator must evaluate to a number", op_text[op]);
    if (r.t != JT_UNDEF && !jx_is_num(c, r))
        jx_fail(c, "T2002: The right side of the \"%s\" operator must evaluate to a number", op_text[op]);
    if (l.t == JT_UNDEF || r.t == JT_UNDEF)
        return jx_undef();
    double a = l.u.n, b = r.u.n, v;
    switch (op) {
    case JSONATA_OP_ADD: v = a + b; break;
    case JSONATA_OP_SUB: v = a - b; break;
    case JSONATA_OP_MUL: v = a * b; break;
    case JSONATA_OP_DIV: v = a / b; break;
    default: v = fmod(a, b); break;
    }
    return jx_num(c, v);
}

/* Byte order of UTF-8 is code point order. */
static int str_cmp(jval a, jval b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int r = memcmp(a.u.s, b.u.s, n);
    return r ? r : a.len < b.len ? -1 : a.len > b.len;
}

/* < <= > >=: two numbers or two strings; undefined gives undefined. */
static jval compare(jctx *c, int op, jval l, jval r)
{
    int lc = l.t == JT_UNDEF || l.t == JT_STR || l.t == JT_NUM;
    int rc = r.t == JT_UNDEF || r.t == JT_STR || r.t == JT_NUM;
    if (!lc || !rc)
        jx_fail(c, "T2010: The expressions either side of operator \"%s\" must evaluate to numeric or string values",
                op_text[op]);
    if (l.t == JT_UNDEF || r.t == JT_UNDEF)
        return jx_undef();
    if (l.t != r.t)
        jx_fail(c, "T2009: The values %s and %s either side of operator \"%s\" must be of the same data type",
                jx_show(c, l), jx_show(c, r), op_text[op]);
    int cmp = l.t == JT_NUM ? (l.u.n < r.u.n ? -1 : l.u.n > r.u.n) : str_cmp(l, r);
    switch (op) {
    case JSONATA_OP_LT: return jx_bool(cmp < 0);
    case JSONATA_OP_LE: return jx_bool(cmp <= 0);
    case JSONATA_OP_GT: return jx_bool(cmp > 0);
    default: return jx_bool(cmp >= 0);
    }
}

/* `in`: strict equality (===) against the item or each array item. */
static int strict_equal(jval a, jval b)
{
    if (a.t != b.t)
        return 0;
    switch (a.t) {
    case JT_NULL: return 1;
    case JT_BOOL: return a.b == b.b;
    case JT_NUM: return a.u.n == b.u.n;
    case JT_STR: return a.len == b.len && !memcmp(a.u.s, b.u.s, a.len);
    case JT_ARR: return a.u.a == b.u.a;
    case JT_OBJ: return a.u.o == b.u.o;
    case JT_FN: return a.u.f == b.u.f;
    default: return 0;
    }
}

/* [a..b]: the integers a to b, as a sequence. */
static jval range(jctx *c, jval l, jval r)
{
    if (l.t != JT_UNDEF && !(l.t == JT_NUM && l.u.n == floor(l.u.n)))
        jx_fail(c, "T2003: The left side of the range operator (..) must evaluate to an integer");
    if (r.t != JT_UNDEF && !(r.t == JT_NUM && r.u.n == floor(r.u.n)))
        jx_fail(c, "T2004: The right side of the range operator (..) must evaluate to an integer");
    if (l.t == JT_UNDEF || r.t == JT_UNDEF || l.u.n > r.u.n)
        return jx_undef();
    double size = r.u.n - l.u.n + 1;
    if (size > JX_MAX_RANGE)
        jx_fail(c, "D2014: The size of the sequence allocated by the range operator (..) must not exceed 1e7.  "
                   "Attempted to allocate %.0f.", size);
    jarr *a = jx_arr_new(c, (int)size, JA_SEQ);
    for (int i = 0; i < (int)size; i++) {
        a->v[i].t = JT_NUM;
        a->v[i].u.n = l.u.n + i;
    }
    a->n = (int)size;
    return jx_arrv(a);
}

/* Binary operators; `and` and `or` evaluate their right side only when needed. */
static jval eval_binary(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    int op = x->op;
    jval l = eval(c, &x->kids[0], in, env);
    if (op == JSONATA_OP_AND)
        return jx_bool(jx_truthy(c, l) && jx_truthy(c, eval(c, &x->kids[1], in, env)));
    if (op == JSONATA_OP_OR)
        return jx_bool(jx_truthy(c, l) || jx_truthy(c, eval(c, &x->kids[1], in, env)));
    jval r = eval(c, &x->kids[1], in, env);
    c->at = x; /* the operator's errors */
    switch (op) {
    case JSONATA_OP_ADD: case JSONATA_OP_SUB: case JSONATA_OP_MUL: case JSONATA_OP_DIV: case JSONATA_OP_MOD:
        return arith(c, op, l, r);
    case JSONATA_OP_EQ:
    case JSONATA_OP_NE:
        if (l.t == JT_UNDEF || r.t == JT_UNDEF)
            return jx_bool(0);
        return jx_bool(jx_deep_equal(c, l, r, 0) == (op == JSONATA_OP_EQ));
    case JSONATA_OP_LT: case JSONATA_OP_LE: case JSONATA_OP_GT: case JSONATA_OP_GE:
        return compare(c, op, l, r);
    case JSONATA_OP_CONCAT: {
        jval ls = l.t == JT_UNDEF ? jx_strz("") : jx_string(c, l, 0);
        jval rs = r.t == JT_UNDEF ? jx_strz("") : jx_string(c, r, 0);
        char *s = jx_alloc(c, (size_t)ls.len + rs.len + 1);
        memcpy(s, ls.u.s, ls.len);
        memcpy(s + ls.len, rs.u.s, rs.len);
        return jx_str(s, (size_t)ls.len + rs.len);
    }
    case JSONATA_OP_IN:
        if (l.t == JT_UNDEF || r.t == JT_UNDEF)
            return jx_bool(0);
        if (r.t != JT_ARR)
            return jx_bool(strict_equal(l, r));
        for (int i = 0; i < r.u.a->n; i++)
            if (strict_equal(l, r.u.a->v[i]))
                return jx_bool(1);
        return jx_bool(0);
    default:
        return range(c, l, r);
    }
}

/* -------------------------------------------------------------- paths */

/* [predicate]: a number selects by index (negative from the end), anything
   else filters by truthiness; numbers from a predicate select indexes too. */
static jval filter(jctx *c, const jsonata_node *pred, jval input, jframe *env)
{
    int tuples = input.t == JT_ARR && (input.u.a->flags & JA_TUPLES);
    jarr *res = jx_arr_new(c, 0, JA_SEQ | (tuples ? JA_TUPLES : 0));
    jarr *in = input.t == JT_ARR ? input.u.a : jx_seq1(c, input);
    if (pred->kind == JSONATA_N_NUM) {
        double idx = floor(pred->num);
        if (idx < 0)
            idx += in->n;
        if (idx >= 0 && idx < in->n) {
            jval item = in->v[(int)idx];
            if (item.t == JT_ARR)
                return item;
            if (item.t != JT_UNDEF)
                jx_arr_push(c, res, item);
        }
        return jx_arrv(res);
    }
    for (int i = 0; i < in->n; i++) {
        jval item = in->v[i], ctx = item;
        jframe *e = env;
        if (tuples) {
            ctx = item.u.tp->at;
            e = frame_from_tuple(c, env, item.u.tp);
        }
        jval r = eval(c, pred, ctx, e);
        int numbers = 0;
        if (jx_is_num(c, r)) {
            numbers = 1;
        } else if (r.t == JT_ARR) {
            numbers = 1;
            for (int k = 0; k < r.u.a->n; k++)
                if (r.u.a->v[k].t != JT_NUM)
                    numbers = 0;
        }
        if (numbers) {
            int nn = r.t == JT_ARR ? r.u.a->n : 1;
            for (int k = 0; k < nn; k++) {
                double ix = floor(r.t == JT_ARR ? r.u.a->v[k].u.n : r.u.n);
                if (ix < 0)
                    ix += in->n;
                if (ix == i && item.t != JT_UNDEF)
                    jx_arr_push(c, res, item);
            }
        } else if (jx_truthy(c, r) && item.t != JT_UNDEF) {
            jx_arr_push(c, res, item);
        }
    }
    return jx_arrv(res);
}

/* `*`: the values of an object's fields (arrays among them flattened). */
static jval wildcard(jctx *c, jval in)
{
    jarr *r = jx_arr_new(c, 0, JA_SEQ);
    if (in.t == JT_ARR && (in.u.a->flags & JA_OUTER) && in.u.a->n)
        in = in.u.a->v[0];
    int n = in.t == JT_OBJ ? in.u.o->n : in.t == JT_ARR ? in.u.a->n : 0;
    for (int i = 0; i < n; i++) {
        jval v = in.t == JT_OBJ ? in.u.o->v[i] : in.u.a->v[i];
        if (v.t == JT_ARR) {
            /* flattened all the way */
            jarr *stack[64];
            int pos[64], sp = 0;
            stack[0] = v.u.a;
            pos[0] = 0;
            while (sp >= 0) {
                if (pos[sp] >= stack[sp]->n) {
                    sp--;
                    continue;
                }
                jval x = stack[sp]->v[pos[sp]++];
                if (x.t == JT_ARR && sp < 63) {
                    stack[++sp] = x.u.a;
                    pos[sp] = 0;
                } else if (x.t != JT_UNDEF) {
                    jx_arr_push(c, r, x);
                }
            }
        } else if (v.t != JT_UNDEF) {
            jx_arr_push(c, r, v);
        }
    }
    return jx_arrv(r);
}

/* Appends v (unless an array) and all values below it, depth first. */
static void descend(jctx *c, jval v, jarr *out, int depth)
{
    if (depth > 1000)
        jx_fail(c, "U1001: Stack overflow error: the value is nested too deeply");
    if (v.t != JT_ARR && v.t != JT_UNDEF)
        jx_arr_push(c, out, v);
    if (v.t == JT_ARR)
        for (int i = 0; i < v.u.a->n; i++)
            descend(c, v.u.a->v[i], out, depth + 1);
    else if (v.t == JT_OBJ)
        for (int i = 0; i < v.u.o->n; i++)
            descend(c, v.u.o->v[i], out, depth + 1);
}

/* `**`: every value at or below the context. */
static jval descendants(jctx *c, jval in)
{
    if (in.t == JT_UNDEF)
        return in;
    jarr *r = jx_arr_new(c, 0, JA_SEQ);
    descend(c, in, r, 0);
    return r->n == 1 ? r->v[0] : jx_arrv(r);
}

/* order-by: sorts the input (values, or tuples) by the terms. */
typedef struct sortctx {
    const jsonata_node *step;
    jframe *env;
    int tuples;
} sortctx;

/* The order-by comparator: terms in turn until one differs; undefined
   sorts last; returns 1 when b goes before a. */
static int sort_cmp(jctx *c, jval a, jval b, void *ud)
{
    sortctx *s = ud;
    int comp = 0;
    for (int i = 0; comp == 0 && i < s->step->n; i++) {
        const jsonata_node *term = &s->step->kids[i];
        jval ca = a, cb = b;
        jframe *ea = s->env, *eb = s->env;
        if (s->tuples) {
            ca = a.u.tp->at;
            ea = frame_from_tuple(c, s->env, a.u.tp);
            cb = b.u.tp->at;
            eb = frame_from_tuple(c, s->env, b.u.tp);
        }
        jval aa = eval(c, &term->kids[0], ca, ea);
        jval bb = eval(c, &term->kids[0], cb, eb);
        if (aa.t == JT_UNDEF) {
            comp = bb.t == JT_UNDEF ? 0 : 1;
            continue;
        }
        if (bb.t == JT_UNDEF) {
            comp = -1;
            continue;
        }
        c->at = term;
        if (!(aa.t == JT_STR || aa.t == JT_NUM) || !(bb.t == JT_STR || bb.t == JT_NUM))
            jx_fail(c, "T2008: The expressions within an order-by clause must evaluate to numeric or string values");
        if (aa.t != bb.t)
            jx_fail(c, "T2007: Type mismatch when comparing values %s and %s in order-by clause", jx_show(c, aa),
                    jx_show(c, bb));
        int d = aa.t == JT_NUM ? (aa.u.n < bb.u.n ? -1 : aa.u.n > bb.u.n) : str_cmp(aa, bb);
        if (d == 0)
            continue;
        comp = d < 0 ? -1 : 1;
        if (term->flags & JSONATA_F_DESCENDING)
            comp = -comp;
    }
    return comp == 1;
}

/* An order-by step over the whole input sequence (stable). */
static jval eval_sort(jctx *c, const jsonata_node *step, jval input, jframe *env)
{
    sortctx s = {step, env, input.t == JT_ARR && (input.u.a->flags & JA_TUPLES)};
    jval r = jx_sort(c, input, sort_cmp, &s);
    if (s.tuples && r.t == JT_ARR)
        r.u.a->flags |= JA_TUPLES | JA_SEQ;
    return r;
}

/* A step's stages in order: predicates filter, #$i bindings number the tuples. */
static jval eval_stages(jctx *c, const jsonata_node *step, jval r, jframe *env)
{
    for (int s = 0; s < step->nstages; s++) {
        const jsonata_node *st = &step->stages[s];
        if (st->kind == JSONATA_N_FILTER) {
            r = filter(c, &st->kids[0], r, env);
        } else if (r.t == JT_ARR) {
            for (int i = 0; i < r.u.a->n; i++) {
                jval t = r.u.a->v[i];
                if (t.t != JT_TUPLE)
                    continue;
                jtuple *nt = tuple_copy(c, t.u.tp, 1);
                tuple_bind(nt, st->str, jx_num(c, i));
                r.u.a->v[i] = tuplev(nt);
            }
        }
    }
    return r;
}

/* evaluateStep: the step applied to each item of the input sequence,
   results flattened one level (arrays built by [...] stay whole). */
static jval eval_step(jctx *c, const jsonata_node *step, jarr *in, jframe *env, int last)
{
    if (step->kind == JSONATA_N_SORT) {
        jval r = eval_sort(c, step, jx_arrv(in), env);
        if (step->nstages)
            r = eval_stages(c, step, r, env);
        return r;
    }
    jarr *res = jx_arr_new(c, in->n, JA_SEQ);
    for (int i = 0; i < in->n; i++) {
        jval r = eval(c, step, in->v[i], env);
        if (step->flags & JSONATA_F_STAGES)
            for (int s = 0; s < step->nstages; s++)
                if (step->stages[s].kind == JSONATA_N_FILTER)
                    r = filter(c, &step->stages[s].kids[0], r, env);
        if (r.t != JT_UNDEF)
            jx_arr_push(c, res, r);
    }
    if (last && res->n == 1 && res->v[0].t == JT_ARR && !(res->v[0].u.a->flags & JA_SEQ))
        return res->v[0];
    jarr *out = jx_arr_new(c, res->n, JA_SEQ);
    for (int i = 0; i < res->n; i++) {
        jval r = res->v[i];
        if (r.t != JT_ARR || (r.u.a->flags & JA_CONS)) {
            jx_arr_push(c, out, r);
        } else {
            for (int k = 0; k < r.u.a->n; k++)
                jx_arr_push(c, out, r.u.a->v[k]);
        }
    }
    return jx_arrv(out);
}

/* evaluateTupleStep: as eval_step, but each item carries its bindings. */
static jarr *eval_tuple_step(jctx *c, const jsonata_node *step, jarr *in, jarr *tuples, jframe *env)
{
    if (step->kind == JSONATA_N_SORT) {
        jval r;
        if (tuples) {
            r = eval_sort(c, step, jx_arrv(tuples), env);
        } else {
            jval sorted = eval_sort(c, step, jx_arrv(in), env);
            jarr *ts = jx_arr_new(c, 0, JA_SEQ | JA_TUPLES);
            jarr *sa = sorted.t == JT_ARR ? sorted.u.a : jx_seq1(c, sorted);
            for (int i = 0; i < sa->n; i++) {
                jtuple *t = jx_alloc(c, sizeof *t);
                t->at = sa->v[i];
                t->names = jx_alloc(c, sizeof *t->names);
                t->vals = jx_alloc(c, sizeof *t->vals);
                if (step->index)
                    tuple_bind(t, step->index, jx_num(c, i));
                jx_arr_push(c, ts, tuplev(t));
            }
            r = jx_arrv(ts);
        }
        if (step->nstages)
            r = eval_stages(c, step, r, env);
        return r.t == JT_ARR ? r.u.a : jx_arr_new(c, 0, JA_SEQ | JA_TUPLES);
    }
    jarr *result = jx_arr_new(c, 0, JA_SEQ | JA_TUPLES);
    if (!tuples) {
        tuples = jx_arr_new(c, in->n, JA_SEQ | JA_TUPLES);
        for (int i = 0; i < in->n; i++) {
            jtuple *t = jx_alloc(c, sizeof *t);
            t->at = in->v[i];
            tuples->v[tuples->n++] = tuplev(t);
        }
    }
    for (int e = 0; e < tuples->n; e++) {
        jtuple *t = tuples->v[e].u.tp;
        jframe *senv = frame_from_tuple(c, env, t);
        jval res = eval(c, step, t->at, senv);
        if (res.t == JT_UNDEF)
            continue;
        jarr *ra = res.t == JT_ARR ? res.u.a : jx_seq1(c, res);
        for (int b = 0; b < ra->n; b++) {
            jval item = ra->v[b];
            jtuple *nt;
            if ((ra->flags & JA_TUPLES) && item.t == JT_TUPLE) {
                nt = tuple_copy(c, t, item.u.tp->n);
                nt->at = item.u.tp->at;
                for (int k = 0; k < item.u.tp->n; k++)
                    tuple_bind(nt, item.u.tp->names[k], item.u.tp->vals[k]);
            } else {
                nt = tuple_copy(c, t, 3);
                if (step->focus) {
                    tuple_bind(nt, step->focus, item);
                    nt->at = t->at;
                } else {
                    nt->at = item;
                }
                if (step->index)
                    tuple_bind(nt, step->index, jx_num(c, b));
                if (step->ancestor)
                    tuple_bind(nt, step->ancestor, t->at);
            }
            jx_arr_push(c, result, tuplev(nt));
        }
    }
    if (step->nstages) {
        jval r = eval_stages(c, step, jx_arrv(result), env);
        result = r.t == JT_ARR ? r.u.a : jx_arr_new(c, 0, JA_SEQ | JA_TUPLES);
    }
    return result;
}

static jval eval_group(jctx *c, const jsonata_node *g, jval input, jframe *env);

/* What `for (i < v.length) v[i]` visits for a value that is not an array:
   a string's characters (code points here), nothing for anything else. */
static jarr *js_length_items(jctx *c, jval v)
{
    jarr *a = jx_arr_new(c, 0, JA_SEQ);
    if (v.t == JT_STR)
        for (size_t i = 0; i < v.len;) {
            size_t e = aslrt_utf8_next(v.u.s, v.len, i);
            jx_arr_push(c, a, jx_strc(c, v.u.s + i, e - i));
            i = e;
        }
    return a;
}

/* A step that is a field name and nothing more. */
static int plain_name(const jsonata_node *s)
{
    return s->kind == JSONATA_N_NAME && !s->flags && !s->nstages && !s->group && !s->focus && !s->index &&
           !s->ancestor;
}

/* The caller's JSON that $name stands for when nothing in the expression
   binds it and it has not been converted yet; else NULL. */
static const cJSON *raw_variable(jctx *c, const jframe *env, const char *name)
{
    jval v;
    if (!name[0] || !strcmp(name, "$") || name[0] == '!')
        return NULL;
    for (const jframe *f = env; f && f != c->root; f = f->parent)
        if (frame_find(f, name, &v))
            return NULL;
    if (frame_find(c->root, name, &v))
        return NULL;
    if (c->o->asl && !strcmp(name, "states"))
        return c->states;
    return c->lookup ? c->lookup(c->lookup_ctx, name) : NULL;
}

/* An object's member; with duplicate keys the last, as conversion keeps. */
static const cJSON *member(const cJSON *o, const char *key)
{
    const cJSON *found = NULL;
    for (const cJSON *m = o->child; m; m = m->next)
        if (m->string && !strcmp(m->string, key))
            found = m;
    return found;
}

/* The common `$states.input.a.b` / `$var.x`: walks the caller's cJSON
   along the plain field steps and converts only the node reached, rather
   than the whole document. Returns 1 with *result when the path is done,
   or 0 with the step to go on from (*start) and its input (*inseq); -1 when
   the path does not start that way. Same results as the general loop. */
static int walk_json(jctx *c, const jsonata_node *x, jframe *env, jval *result, int *start, jarr **inseq)
{
    const jsonata_node *s0 = &x->kids[0];
    if (x->n < 2 || x->flags || x->group || s0->kind != JSONATA_N_VAR || s0->flags || s0->nstages || s0->group ||
        s0->focus || s0->index || s0->ancestor)
        return -1;
    const cJSON *node = raw_variable(c, env, s0->str);
    if (!node)
        return -1;
    for (int i = 1;; i++) {
        if (i == x->n) {
            *result = jx_from_json(c, node, 0);
            return 1;
        }
        if (cJSON_IsArray(node)) { /* a step before the last: flattened */
            jval a = jx_from_json(c, node, 0);
            a.u.a->flags |= JA_SEQ;
            *inseq = a.u.a;
            *start = i;
            return 0;
        }
        const jsonata_node *s = &x->kids[i];
        if (!plain_name(s) || !cJSON_IsObject(node)) {
            *inseq = jx_seq1(c, jx_from_json(c, node, 0));
            *start = i;
            return 0;
        }
        const cJSON *child = member(node, s->str);
        if (!child) {
            *result = jx_undef();
            return 1;
        }
        if (cJSON_IsArray(child) && i == x->n - 1) {
            *result = jx_from_json(c, child, 0);
            return 1;
        }
        node = child;
    }
}

/* evaluatePath: each step over the sequence the previous one made; a tuple
   stream from the first step that binds @, # or a parent; then [] and
   group-by. A path starting with a variable does not iterate the input. */
static jval eval_path(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    jval result = jx_undef();
    int start = 0;
    jarr *inseq = NULL;
    int w = walk_json(c, x, env, &result, &start, &inseq);
    if (w == 1)
        return result;
    if (w < 0)
        inseq = in.t == JT_ARR && x->kids[0].kind != JSONATA_N_VAR ? in.u.a : jx_seq1(c, in);
    int tuple = 0;
    jarr *tuples = NULL;
    for (int i = start; i < x->n; i++) {
        const jsonata_node *step = &x->kids[i];
        if (step->flags & JSONATA_F_TUPLE)
            tuple = 1;
        if (i == 0 && (step->flags & JSONATA_F_CONS_ARRAY)) {
            result = eval(c, step, jx_arrv(inseq), env);
            if (result.t != JT_ARR && result.t != JT_UNDEF) {
                /* JSONata then steps through the value's `length`: a
                   string's characters, nothing for other values */
                inseq = js_length_items(c, result);
                if (i + 1 < x->n && (x->kids[i + 1].flags & JSONATA_F_TUPLE)) {
                    c->at = step;
                    jx_fail(c, "input.map is not a function");
                }
                continue;
            }
        } else if (tuple) {
            tuples = eval_tuple_step(c, step, inseq, tuples, env);
        } else {
            result = eval_step(c, step, inseq, env, i == x->n - 1);
        }
        if (!tuple && (result.t == JT_UNDEF || (result.t == JT_ARR && result.u.a->n == 0)))
            break;
        if (!step->focus)
            inseq = result.t == JT_ARR ? result.u.a : jx_seq1(c, result);
    }
    if (tuple) {
        if (!tuples)
            tuples = jx_arr_new(c, 0, JA_SEQ | JA_TUPLES);
        if (x->flags & JSONATA_F_TUPLE) {
            result = jx_arrv(tuples);
        } else {
            jarr *r = jx_arr_new(c, tuples->n, JA_SEQ);
            for (int i = 0; i < tuples->n; i++)
                r->v[r->n++] = tuples->v[i].u.tp->at;
            result = jx_arrv(r);
        }
    }
    if ((x->flags & JSONATA_F_KEEP_SINGLETON) && result.t == JT_UNDEF) {
        c->at = x;
        jx_fail(c, "Cannot set properties of undefined (setting 'keepSingleton')"); /* JSONata's TypeError */
    }
    if ((x->flags & JSONATA_F_KEEP_SINGLETON) && result.t == JT_ARR) {
        if ((result.u.a->flags & JA_CONS) && !(result.u.a->flags & JA_SEQ))
            result = jx_arrv(jx_seq1(c, result));
        result.u.a->flags |= JA_KEEP;
    }
    if (x->group)
        result = eval_group(c, x->group, tuple ? jx_arrv(tuples) : result, env);
    return result;
}

/* ------------------------------------------------ objects and group-by */

/* reduceTupleStream: one tuple from several, each binding appended. */
static jtuple *reduce_tuples(jctx *c, jval data)
{
    if (data.t == JT_TUPLE)
        return data.u.tp;
    jarr *a = data.u.a;
    jtuple *r = tuple_copy(c, a->v[0].u.tp, 0);
    for (int i = 1; i < a->n; i++) {
        jtuple *t = a->v[i].u.tp;
        r->at = jx_append(c, r->at, t->at);
        for (int k = 0; k < t->n; k++) {
            int found = 0;
            for (int m = 0; m < r->n; m++)
                if (!strcmp(r->names[m], t->names[k])) {
                    r->vals[m] = jx_append(c, r->vals[m], t->vals[k]);
                    found = 1;
                }
            if (!found) {
                jtuple *g = tuple_copy(c, r, 1);
                tuple_bind(g, t->names[k], t->vals[k]);
                r = g;
            }
        }
    }
    return r;
}

/* evaluateGroupExpression: an object constructor applied to a sequence:
   each key expression is evaluated per item, items with the same key are
   grouped, then each value expression is evaluated once per group. */
static jval eval_group(jctx *c, const jsonata_node *g, jval input, jframe *env)
{
    int reduce = input.t == JT_ARR && (input.u.a->flags & JA_TUPLES);
    jarr *in = input.t == JT_ARR ? input.u.a : jx_seq1(c, input);
    if (in->n == 0) {
        if (reduce) { /* JSONata reads '@' of the undefined it adds */
            c->at = g;
            jx_fail(c, "Cannot read properties of undefined (reading '@')");
        }
        in = jx_seq1(c, jx_undef());
    }
    jobj *groups = jx_obj_new(c, 0); /* key -> index into data, expr, keys */
    jarr *data = jx_arr_new(c, 0, 0);
    int *expr = NULL, nexpr = 0, capexpr = 0;
    const char **keys = NULL;
    int npairs = g->n / 2;
    for (int i = 0; i < in->n; i++) {
        jval item = in->v[i];
        int tup = reduce && item.t == JT_TUPLE;
        jframe *e = tup ? frame_from_tuple(c, env, item.u.tp) : env;
        for (int p = 0; p < npairs; p++) {
            jval key = eval(c, &g->kids[2 * p], tup ? item.u.tp->at : item, e);
            if (key.t == JT_UNDEF)
                continue;
            if (key.t != JT_STR) {
                c->at = &g->kids[2 * p];
                jx_fail(c, "T1003: Key in object structure must evaluate to a string; got: %s", jx_show(c, key));
            }
            jval slot = jx_obj_get(groups, key.u.s);
            if (slot.t == JT_NUM) {
                int k = (int)slot.u.n;
                if (expr[k] != p) {
                    c->at = &g->kids[2 * p];
                    jx_fail(c, "D1009: Multiple key definitions evaluate to same key: %s", jx_show(c, key));
                }
                data->v[k] = jx_append(c, data->v[k], item);
            } else {
                jx_obj_set(c, groups, key.u.s, jx_num(c, data->n));
                jx_arr_push(c, data, item);
                if (nexpr == capexpr) {
                    capexpr = capexpr ? 2 * capexpr : 8;
                    int *ne = jx_alloc(c, sizeof *ne * (size_t)capexpr);
                    const char **nk = jx_alloc(c, sizeof *nk * (size_t)capexpr);
                    if (nexpr) {
                        memcpy(ne, expr, sizeof *ne * (size_t)nexpr);
                        memcpy(nk, keys, sizeof *nk * (size_t)nexpr);
                    }
                    expr = ne;
                    keys = nk;
                }
                keys[nexpr] = key.u.s;
                expr[nexpr++] = p;
            }
        }
    }
    jobj *result = jx_obj_new(c, nexpr);
    for (int k = 0; k < nexpr; k++) {
        jval ctx = data->v[k];
        jframe *e = env;
        if (reduce && (ctx.t == JT_TUPLE || ctx.t == JT_ARR)) {
            jtuple *t = reduce_tuples(c, ctx);
            ctx = t->at;
            e = frame_from_tuple(c, env, t);
        }
        jval v = eval(c, &g->kids[2 * expr[k] + 1], ctx, e);
        if (v.t != JT_UNDEF)
            jx_obj_set(c, result, keys[k], v);
    }
    return jx_objv(result);
}

/* ------------------------------------------------------------ transform */

static jval transform_call(jctx *c, jfn *f, jval obj)
{
    if (obj.t == JT_UNDEF)
        return obj;
    const jsonata_node *x = f->node;
    jval clone;
    c->at = x;
    jval cf = var_lookup(c, f->env, "clone");
    if (cf.t != JT_FN)
        jx_fail(c, "T2013: The transform expression clones the input object using the $clone() function.  This has "
                   "been overridden in the current scope by a non-function.");
    if (cf.u.f->kind == F_BUILTIN)
        clone = jx_clone(c, obj, 0);
    else
        clone = jx_apply(c, cf, &obj, 1, jx_null(), "clone");
    jval matches = eval(c, &x->kids[0], clone, f->env);
    if (matches.t == JT_UNDEF)
        return clone;
    jarr *ms = matches.t == JT_ARR ? matches.u.a : jx_seq1(c, matches);
    for (int i = 0; i < ms->n; i++) {
        jval m = ms->v[i];
        jval upd = eval(c, &x->kids[1], m, f->env);
        c->at = x;
        if (upd.t != JT_UNDEF) {
            if (upd.t != JT_OBJ)
                jx_fail(c, "T2011: The insert/update clause of the transform expression must evaluate to an object: %s",
                        jx_show(c, upd));
            if (m.t == JT_OBJ)
                for (int k = 0; k < upd.u.o->n; k++)
                    jx_obj_set(c, m.u.o, upd.u.o->k[k], upd.u.o->v[k]);
            else if (m.t != JT_ARR && upd.u.o->n > 0) /* JavaScript's TypeError */
                jx_fail(c, "T2011: Cannot create property '%s' on %s", upd.u.o->k[0], jx_show(c, m));
        }
        if (x->n > 2) {
            jval del = eval(c, &x->kids[2], m, f->env);
            c->at = x;
            if (del.t == JT_UNDEF)
                continue;
            jarr *ds = del.t == JT_ARR ? del.u.a : jx_seq1(c, del);
            for (int k = 0; k < ds->n; k++)
                if (ds->v[k].t != JT_STR)
                    jx_fail(c, "T2012: The delete clause of the transform expression must evaluate to a string or "
                               "array of strings: %s", jx_show(c, del));
            if (m.t == JT_OBJ)
                for (int k = 0; k < ds->n; k++)
                    jx_obj_del(m.u.o, ds->v[k].u.s);
        }
    }
    return clone;
}

/* ----------------------------------------------------------- evaluate */

/* [a, b, ...]: values appended, arrays flattened one level except arrays
   built by a nested constructor. */
static jval eval_array(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    jarr *r = jx_arr_new(c, x->n, (x->flags & JSONATA_F_CONS_ARRAY) ? JA_CONS : 0);
    for (int i = 0; i < x->n; i++) {
        const jsonata_node *item = &x->kids[i];
        jval v = eval(c, item, in, env);
        if (v.t == JT_UNDEF)
            continue;
        if (item->kind == JSONATA_N_ARRAY || v.t != JT_ARR) {
            jx_arr_push(c, r, v);
        } else {
            for (int k = 0; k < v.u.a->n; k++)
                jx_arr_push(c, r, v.u.a->v[k]);
        }
    }
    return jx_arrv(r);
}

/* One node by kind, before its predicates and group-by (see eval). */
static jval eval_inner(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    switch (x->kind) {
    case JSONATA_N_PATH: return eval_path(c, x, in, env);
    case JSONATA_N_BINARY: return eval_binary(c, x, in, env);
    case JSONATA_N_NEG: {
        jval v = eval(c, &x->kids[0], in, env);
        if (v.t == JT_UNDEF)
            return v;
        c->at = x;
        if (!jx_is_num(c, v))
            jx_fail(c, "D1002: Cannot negate a non-numeric value: %s", jx_show(c, v));
        return jx_num(c, -v.u.n);
    }
    case JSONATA_N_ARRAY: return eval_array(c, x, in, env);
    case JSONATA_N_OBJECT: return eval_group(c, x, in, env);
    case JSONATA_N_NAME: return jx_lookup(c, in, x->str);
    case JSONATA_N_STR: return jx_strz(x->str);
    case JSONATA_N_NUM: return jx_num(c, x->num);
    case JSONATA_N_BOOL: return jx_bool(x->num != 0);
    case JSONATA_N_NULL: return jx_null();
    case JSONATA_N_WILDCARD: return wildcard(c, in);
    case JSONATA_N_DESCEND: return descendants(c, in);
    case JSONATA_N_PARENT: return var_lookup(c, env, x->str);
    case JSONATA_N_COND: {
        jval cond = eval(c, &x->kids[0], in, env);
        if (jx_truthy(c, cond))
            return eval(c, &x->kids[1], in, env);
        return x->n > 2 ? eval(c, &x->kids[2], in, env) : jx_undef();
    }
    case JSONATA_N_BLOCK: {
        jframe *f = frame_new(c, env);
        jval r = jx_undef();
        for (int i = 0; i < x->n; i++)
            r = eval(c, &x->kids[i], in, f);
        return r;
    }
    case JSONATA_N_BIND: {
        jval v = eval(c, &x->kids[0], in, env);
        frame_bind(c, env, x->str, v);
        return v;
    }
    case JSONATA_N_REGEX: {
        jfn *f = jx_alloc(c, sizeof *f);
        f->kind = F_REGEX;
        f->node = x;
        return jx_fnv(f);
    }
    case JSONATA_N_VAR:
        if (x->str[0] == '\0')
            return in.t == JT_ARR && (in.u.a->flags & JA_OUTER) && in.u.a->n ? in.u.a->v[0] : in;
        return var_lookup(c, env, x->str);
    case JSONATA_N_CALL: return eval_call(c, x, in, env, NULL);
    case JSONATA_N_PARTIAL: return eval_partial(c, x, in, env);
    case JSONATA_N_LAMBDA: return eval_lambda(c, x, in, env);
    case JSONATA_N_APPLY: {
        jval l = eval(c, &x->kids[0], in, env);
        const jsonata_node *rx = &x->kids[1];
        if (rx->kind == JSONATA_N_CALL)
            return eval_call(c, rx, in, env, &l);
        jval fn = eval(c, rx, in, env);
        c->at = x;
        if (fn.t != JT_FN)
            jx_fail(c, "T2006: The right side of the function application operator ~> must be a function");
        if (l.t == JT_FN) {
            jfn *f = jx_alloc(c, sizeof *f);
            f->kind = F_COMPOSE;
            f->f = l.u.f;
            f->g = fn.u.f;
            return jx_fnv(f);
        }
        return jx_apply(c, fn, &l, 1, jx_null(), proc_name(rx));
    }
    case JSONATA_N_TRANSFORM: {
        jfn *f = jx_alloc(c, sizeof *f);
        f->kind = F_TRANSFORM;
        f->node = x;
        f->env = env;
        return jx_fnv(f);
    }
    default:
        return jx_undef();
    }
}

/* evaluate: one node, then its predicates and group-by, then the sequence
   rule (empty: undefined; one item: the item, unless kept). */
static jval eval(jctx *c, const jsonata_node *x, jval in, jframe *env)
{
    if (++c->depth > c->max_depth || --c->ticks < 0)
        poll_limits(c);
    jval r = eval_inner(c, x, in, env);
    if (x->nstages && !(x->flags & JSONATA_F_STAGES))
        for (int i = 0; i < x->nstages; i++)
            if (x->stages[i].kind == JSONATA_N_FILTER)
                r = filter(c, &x->stages[i].kids[0], r, env);
    if (x->kind != JSONATA_N_PATH && x->group)
        r = eval_group(c, x->group, r, env);
    if (r.t == JT_ARR && (r.u.a->flags & JA_SEQ) && !(r.u.a->flags & JA_TUPLES)) {
        if (x->flags & JSONATA_F_KEEP_ARRAY)
            r.u.a->flags |= JA_KEEP;
        if (r.u.a->n == 0)
            r = jx_undef();
        else if (r.u.a->n == 1 && !(r.u.a->flags & JA_KEEP))
            r = r.u.a->v[0];
    }
    c->depth--;
    return r;
}

/* ------------------------------------------------------------ public API */

double jx_now(jctx *c)
{
    if (!c->have_now) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        c->now_ms = (double)tv.tv_sec * 1000.0 + (double)(tv.tv_usec / 1000);
        c->have_now = 1;
    }
    return c->now_ms;
}

uint64_t *jx_rng(jctx *c)
{
    if (!c->have_rng) {
        aslrt_random_bytes(&c->rng, sizeof c->rng);
        c->have_rng = 1;
    }
    return &c->rng;
}

/* Working memory for ASL evaluations: as the rest of the runtime, out of
   memory ends the process. */
static void *asl_alloc(void *user, size_t n)
{
    (void)user;
    return aslrt_xmalloc(n);
}

static void asl_dealloc(void *user, void *p)
{
    (void)user;
    free(p);
}

/* Step Functions' flavour and bounds; AWS's runtime has no time limit or cancelling. */
static const jx_options k_asl = {
    .asl = 1, .max_depth = JX_MAX_DEPTH, .max_memory = JX_MAX_MEMORY, .alloc = asl_alloc, .dealloc = asl_dealloc};

int jsonata_eval(const jsonata_node *expr, const cJSON *states, jsonata_lookup_fn lookup, void *ctx, cJSON **out,
                 char **err)
{
    char why[1024];
    int rc = jx_run(expr, &k_asl, states, lookup, ctx, out, why, NULL);
    *err = rc < 0 ? aslrt_xstrdup(why) : NULL;
    return rc;
}

/* The context value of the whole expression in plain JSONata: the input,
   an array wrapped in a sequence of one as jsonata-js does (so that a path
   applies its first step to the array, not to each item); `$$` is the input. */
static jval top_context(jctx *c, const cJSON *input)
{
    if (!input)
        return jx_undef();
    jval v = jx_from_json(c, input, 0);
    frame_bind(c, c->root, "$", v);
    if (v.t != JT_ARR)
        return v;
    jarr *w = jx_arr_new(c, 1, JA_SEQ | JA_OUTER);
    w->v[w->n++] = v;
    return jx_arrv(w);
}

int jx_run(const jsonata_node *expr, const jx_options *o, const cJSON *doc, jsonata_lookup_fn lookup,
           void *lookup_ctx, cJSON **out, char err[1024], const jsonata_node **at)
{
    *out = NULL;
    err[0] = '\0';
    if (at)
        *at = NULL;
    jctx *c = o->alloc(o->user, sizeof *c);
    if (!c) {
        snprintf(err, 1024, "U1002: Out of memory");
        return -1;
    }
    memset(c, 0, offsetof(jctx, fail)); /* the arena's first block is zeroed as it is used */
    c->o = o;
    c->states = o->asl ? doc : NULL;
    c->lookup = lookup;
    c->lookup_ctx = lookup_ctx;
    c->max_depth = o->max_depth;
    c->ticks = o->deadline_ms || o->cancelled ? 0 : INT_MAX; /* poll at once: the limit may be past */
    c->cur = (char *)c->first;
    c->left = sizeof c->first;
    int rc = 0;
    if (setjmp(c->fail) == 0) {
        c->root = frame_new(c, NULL);
        jframe *top = frame_new(c, c->root);
        jval in = o->asl ? jx_undef() : top_context(c, doc);
        jval r = eval(c, expr, in, top);
        if (r.t == JT_FN) {
            rc = JSONATA_FUNCTION;
        } else {
            jx_check_depth(c, r, 0);
            *out = jx_to_json(c, r, 0);
        }
    } else {
        snprintf(err, 1024, "%s", c->err);
        if (at)
            *at = c->at;
        rc = -1; /* *out is still NULL: nothing after jx_to_json fails */
    }
    jx_arena_free(c);
    o->dealloc(o->user, c);
    return rc;
}
