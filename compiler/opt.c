/* opt.c — compile-time decisions about a built IR, recorded as flags in the
 * descriptors (aslrt.h: ASLRT_TF_*, ASLRT_MOVE_INPUT). Both the interpreter
 * and generated code read the same descriptors, so a decision taken here
 * holds in every mode; the runtime acts on a flag, it never proves one.
 *
 * Moving instead of copying (style.md §4: documents that are no longer
 * needed are moved). A Pass state whose ResultPath is "$" discards its raw
 * input once Parameters has been evaluated, so a member "k.$": "$.a.b" can
 * take the node out of the input rather than duplicate it, provided no
 * path the template evaluates after it (members and intrinsic arguments,
 * in order) may select the node, a node inside it, or a node it is inside,
 * and no member before it moved such a node (a path read before it, and
 * copied or consumed by an intrinsic, is done with it). Two steps may select
 * the same node when they are the same field name, or both array indices
 * (indices can be negative, and detaching an element shifts the later
 * ones); a path's steps after its first wildcard, slice, union, descent or
 * filter read a whole subtree, and a filter with a $-rooted path reads the
 * whole document.
 *
 * A Map state takes its items out of its input, rather than copying each one,
 * under the same condition: the input dies with the state (mark_takes_items).
 *
 * Folding constants. An intrinsic call whose arguments are all literals
 * (States.MathAdd(1, 2), States.ArrayRange(1, 9, 2)) gives the same value
 * every time, except States.UUID and an unseeded States.MathRandom: it is
 * called once here, through the runtime's own intrinsics, and becomes a
 * literal. A call that fails is left for the run to fail when it gets there.
 */
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "intrinsics.h"
#include "opt.h"

/* Templates nest as deep as the definition's JSON (cJSON bounds it at 1000
   levels); the walks below stop at this depth, which only costs a flag. */
#define MAX_DEPTH 1024

/* ------------------------------------------------------ distinct keys */

static int cmp_keys(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Are the keys of object template t pairwise distinct? */
static int keys_distinct(const aslrt_tmpl *t)
{
    const char **keys = aslrt_xmalloc(sizeof *keys * (size_t)(t->n ? t->n : 1));
    for (int i = 0; i < t->n; i++)
        keys[i] = t->items[i].key ? t->items[i].key : "";
    qsort(keys, (size_t)t->n, sizeof *keys, cmp_keys);
    int distinct = 1;
    for (int i = 1; i < t->n && distinct; i++)
        distinct = strcmp(keys[i - 1], keys[i]) != 0;
    free(keys);
    return distinct;
}

/* Flags every object of template t whose keys are distinct. */
static void mark_unique_keys(aslrt_tmpl *t, int depth)
{
    if (!t || depth > MAX_DEPTH)
        return;
    if (t->kind == ASLRT_T_OBJECT && keys_distinct(t))
        t->flags |= ASLRT_TF_UNIQUE_KEYS;
    if (t->kind == ASLRT_T_OBJECT || t->kind == ASLRT_T_ARRAY || t->kind == ASLRT_T_CALL)
        for (int i = 0; i < t->n; i++)
            mark_unique_keys((aslrt_tmpl *)&t->items[i], depth + 1);
}

/* ------------------------------------------------------------- moves */

/* One path into the input that a template evaluates: `node` is the member
   it came from when it is a candidate for moving, else NULL. */
typedef struct read {
    const aslrt_path *path;
    int prefix;        /* its leading .name / [n] steps; everything below them is read */
    aslrt_tmpl *node;
} read;

typedef struct reads {
    read *v;
    int n, cap;
    int whole;         /* some path reads the whole input through a $-rooted filter */
} reads;

static int filter_reads_root(const aslrt_filter *f, int depth);

/* Do any of the steps' filters read from the document root ($)? */
static int steps_read_root(const aslrt_step *steps, int n, int depth)
{
    if (depth > MAX_DEPTH)
        return 1;
    for (int i = 0; i < n; i++) {
        if (steps[i].filter && filter_reads_root(steps[i].filter, depth + 1))
            return 1;
        if (steps[i].nitems && steps_read_root(steps[i].items, steps[i].nitems, depth + 1))
            return 1;
    }
    return 0;
}

static int filter_reads_root(const aslrt_filter *f, int depth)
{
    if (!f)
        return 0;
    if (depth > MAX_DEPTH)
        return 1;
    const aslrt_path *paths[] = {f->lhs, f->rhs_path};
    for (int i = 0; i < 2; i++) {
        const aslrt_path *p = paths[i];
        if (p && (p->root != ASLRT_ROOT_CURRENT || steps_read_root(p->steps, p->nsteps, depth + 1)))
            return 1;
    }
    return filter_reads_root(f->a, depth + 1) || filter_reads_root(f->b, depth + 1);
}

static void add_read(reads *r, const aslrt_path *p, aslrt_tmpl *node)
{
    if (p->root != ASLRT_ROOT_INPUT)
        return; /* $$ and variables are documents of their own */
    if (steps_read_root(p->steps, p->nsteps, 0))
        r->whole = 1;
    int prefix = 0;
    while (prefix < p->nsteps &&
           (p->steps[prefix].kind == ASLRT_STEP_FIELD || p->steps[prefix].kind == ASLRT_STEP_INDEX))
        prefix++;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->v = aslrt_xrealloc(r->v, sizeof *r->v * (size_t)r->cap);
    }
    r->v[r->n++] = (read){p, prefix, node};
}

/* Every path into the input that template t evaluates; members of objects
   and arrays (not intrinsic arguments, which are only read) that are
   definite paths are candidates for moving. */
static void collect_reads(aslrt_tmpl *t, reads *r, int in_call, int depth)
{
    if (depth > MAX_DEPTH) {
        r->whole = 1;
        return;
    }
    switch (t->kind) {
    case ASLRT_T_PATH:
        add_read(r, t->path, !in_call && t->path->definite ? t : NULL);
        break;
    case ASLRT_T_CALL:
    case ASLRT_T_OBJECT:
    case ASLRT_T_ARRAY:
        for (int i = 0; i < t->n; i++)
            collect_reads((aslrt_tmpl *)&t->items[i], r, in_call || t->kind == ASLRT_T_CALL, depth + 1);
        break;
    case ASLRT_T_JSONATA:
        r->whole = 1; /* not in JSONPath states; never move around one */
        break;
    default:
        break;
    }
}

/* Could steps a and b select the same node? */
static int may_alias(const aslrt_step *a, const aslrt_step *b)
{
    if (a->kind == ASLRT_STEP_FIELD && b->kind == ASLRT_STEP_FIELD)
        return strcmp(a->name ? a->name : "", b->name ? b->name : "") == 0;
    return a->kind == ASLRT_STEP_INDEX && b->kind == ASLRT_STEP_INDEX;
}

/* Could the node that move m takes be, contain or lie inside what read r
   reads? True when one's steps may match a prefix of the other's. */
static int overlaps(const read *m, const read *r)
{
    int n = m->path->nsteps < r->prefix ? m->path->nsteps : r->prefix;
    for (int i = 0; i < n; i++)
        if (!may_alias(&m->path->steps[i], &r->path->steps[i]))
            return 0;
    return 1;
}

/* Is the raw input of Pass state st discarded once Parameters is evaluated,
   and the effective input a node of it (not a copy)? */
static int input_dies(const aslrt_state *st)
{
    if (st->type != ASLRT_PASS || (st->flags & (ASLRT_JSONATA | ASLRT_RESULT_PATH_NULL | ASLRT_INPUT_PATH_NULL)))
        return 0;
    if (!st->parameters || st->result)
        return 0; /* Result replaces what Parameters made */
    const aslrt_path *rp = st->result_path;
    if (rp && (rp->root != ASLRT_ROOT_INPUT || rp->nsteps != 0))
        return 0; /* the result goes into the raw input, which lives on */
    const aslrt_path *ip = st->input_path;
    return !ip || (ip->root == ASLRT_ROOT_INPUT && ip->definite);
}

/* Marks, in evaluation order (members, then intrinsic arguments left to
   right), the definite $ paths evaluated after the first member that
   moves: ASLRT_TF_CHECK. Returns the number marked. */
static int mark_checks(aslrt_tmpl *t, int *seen_move, int depth)
{
    if (depth > MAX_DEPTH)
        return 0;
    int n = 0;
    if (t->kind == ASLRT_T_PATH) {
        if (*seen_move && t->path->root == ASLRT_ROOT_INPUT && t->path->definite) {
            t->flags |= ASLRT_TF_CHECK;
            n++;
        }
        if (t->flags & ASLRT_TF_MOVE)
            *seen_move = 1;
    } else if (t->kind == ASLRT_T_OBJECT || t->kind == ASLRT_T_ARRAY || t->kind == ASLRT_T_CALL) {
        for (int i = 0; i < t->n; i++)
            n += mark_checks((aslrt_tmpl *)&t->items[i], seen_move, depth + 1);
    }
    return n;
}

/* Flags the members of st's Parameters that can be moved. */
static void mark_moves(aslrt_state *st)
{
    if (!input_dies(st))
        return;
    reads r = {0};
    collect_reads((aslrt_tmpl *)st->parameters, &r, 0, 0);
    int moved = 0; /* r.v is in evaluation order: decide in that order */
    for (int i = 0; i < r.n && !r.whole; i++) {
        if (!r.v[i].node)
            continue;
        int alone = 1;
        for (int k = 0; k < r.n && alone; k++)
            alone = k == i || (k < i && !(r.v[k].node && (r.v[k].node->flags & ASLRT_TF_MOVE))) ||
                    !overlaps(&r.v[i], &r.v[k]);
        if (alone) {
            r.v[i].node->flags |= ASLRT_TF_MOVE;
            moved = 1;
        }
    }
    if (moved) {
        st->flags |= ASLRT_MOVE_INPUT;
        int seen_move = 0;
        if (mark_checks((aslrt_tmpl *)st->parameters, &seen_move, 0))
            ((aslrt_tmpl *)st->parameters)->flags |= ASLRT_TF_CHECKS;
    }
    free(r.v);
}

/* Does template t read a $ path (a path, or an intrinsic's argument)? */
static int reads_input(const aslrt_tmpl *t, int depth)
{
    if (!t || depth > MAX_DEPTH)
        return t != NULL;
    if (t->kind == ASLRT_T_PATH)
        return t->path->root == ASLRT_ROOT_INPUT || steps_read_root(t->path->steps, t->path->nsteps, 0);
    if (t->kind == ASLRT_T_JSONATA)
        return 1;
    if (t->kind == ASLRT_T_OBJECT || t->kind == ASLRT_T_ARRAY || t->kind == ASLRT_T_CALL)
        for (int i = 0; i < t->n; i++)
            if (reads_input(&t->items[i], depth + 1))
                return 1;
    return 0;
}

/* May JSONPath Map state st take its items out of its input (ASLRT_TAKES_ITEMS)?
   Only if the raw input dies with the state, as with a Pass that moves:
   ResultPath "$", no Retry (an attempt starts again from the same input),
   every catcher's ResultPath "$", and no ItemSelector path into the input
   (ItemsPath may hold the items there, and a missed path's Cause quotes the
   input). What runs before the items start (MaxConcurrencyPath, tolerance,
   BatchInput) still sees all of it. JSONata Items, and an indefinite
   ItemsPath, make a new array each attempt, which the Map takes anyway. */
static void mark_takes_items(aslrt_state *st)
{
    if (st->type != ASLRT_MAP || st->item_reader || st->nretry > 0 ||
        (st->flags & (ASLRT_JSONATA | ASLRT_RESULT_PATH_NULL | ASLRT_INPUT_PATH_NULL)))
        return;
    const aslrt_path *rp = st->result_path;
    if ((rp && (rp->root != ASLRT_ROOT_INPUT || rp->nsteps != 0)) || reads_input(st->item_selector, 0))
        return;
    for (int i = 0; i < st->ncatch; i++) {
        const aslrt_catcher *c = &st->catchers[i];
        if (c->result_path_null || (c->result_path && (c->result_path->root != ASLRT_ROOT_INPUT ||
                                                        c->result_path->nsteps != 0)))
            return;
    }
    st->flags |= ASLRT_TAKES_ITEMS;
}

/* Does Pass state st only read its input before replacing it with its
   result (ASLRT_BORROWS_INPUT)? No move, nothing merged into the input, no
   OutputPath detaching from it, no ResultPath null passing it on. */
static void mark_borrows(aslrt_state *st)
{
    if (st->type != ASLRT_PASS || (st->flags & (ASLRT_JSONATA | ASLRT_MOVE_INPUT | ASLRT_RESULT_PATH_NULL |
                                                ASLRT_OUTPUT_PATH_NULL | ASLRT_INPUT_PATH_NULL)))
        return;
    const aslrt_path *ip = st->input_path;
    if (!st->parameters || st->assign || st->result_selector || st->result_path || st->output_path ||
        (ip && (ip->root != ASLRT_ROOT_INPUT || !ip->definite)))
        return;
    st->flags |= ASLRT_BORROWS_INPUT;
}

/* Undoes mark_moves on template t. */
static void clear_moves(aslrt_tmpl *t, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    t->flags &= ~(ASLRT_TF_MOVE | ASLRT_TF_CHECK | ASLRT_TF_CHECKS);
    if (t->kind == ASLRT_T_OBJECT || t->kind == ASLRT_T_ARRAY || t->kind == ASLRT_T_CALL)
        for (int i = 0; i < t->n; i++)
            clear_moves((aslrt_tmpl *)&t->items[i], depth + 1);
}

/* A Parallel branch gets a copy of the Parallel's input unless its start
   state borrows it: for that state, borrowing the whole input beats moving
   parts of a copy, so its moves are given up for it. */
static void prefer_borrowing(aslrt_state *parallel)
{
    for (int b = 0; b < parallel->nbranches; b++) {
        const aslrt_machine *m = parallel->branches[b];
        if (m->start < 0 || m->start >= m->nstates)
            continue;
        aslrt_state *first = (aslrt_state *)&m->states[m->start];
        if (!(first->flags & ASLRT_MOVE_INPUT))
            continue;
        first->flags &= ~ASLRT_MOVE_INPUT;
        mark_borrows(first);
        if (first->flags & ASLRT_BORROWS_INPUT)
            clear_moves((aslrt_tmpl *)first->parameters, 0);
        else
            first->flags |= ASLRT_MOVE_INPUT;
    }
}

/* ------------------------------------------------------------ folding */

/* How many literal arguments make a call of each intrinsic give the same
   value every time (aslrt.h's `fold` column); -1: none do. */
static const signed char fold_from[ASLRT_FN_COUNT] = {
#define X(id, name, impl, min, max, ret, a1, a2, a3, fold, errname) [ASLRT_FN_##id] = fold,
    ASLRT_INTRINSICS(X)
#undef X
};

/* Does calling t always give the same value (its arguments literal)? An
   unknown function's call is not folded: it can only fail. */
static int constant_call(const aslrt_tmpl *t)
{
    if (t->kind != ASLRT_T_CALL || t->fn < 0 || t->fn >= ASLRT_FN_COUNT || fold_from[t->fn] < 0 ||
        t->n < fold_from[t->fn])
        return 0;
    for (int i = 0; i < t->n; i++)
        if (t->items[i].kind != ASLRT_T_LITERAL || !t->items[i].value)
            return 0;
    return 1;
}

/* Folds the constant calls of template t, innermost first. */
static void fold(asl_def *def, aslrt_tmpl *t, int depth)
{
    if (!t || depth > MAX_DEPTH)
        return;
    if (t->kind != ASLRT_T_OBJECT && t->kind != ASLRT_T_ARRAY && t->kind != ASLRT_T_CALL)
        return;
    for (int i = 0; i < t->n; i++)
        fold(def, (aslrt_tmpl *)&t->items[i], depth + 1);
    if (!constant_call(t))
        return;
    aslrt_run run;
    aslrt_exec ex;
    memset(&run, 0, sizeof run);
    memset(&ex, 0, sizeof ex);
    ex.run = &run;
    ex.retry_count = -1;
    cJSON *value = aslrt_intrinsic_call(&ex, t, NULL);
    aslrt_error_clear(&ex);
    if (!value)
        return;
    if (!def->folded)
        def->folded = aslrt_xjson(cJSON_CreateArray());
    cJSON_AddItemToArray(def->folded, value);
    t->kind = ASLRT_T_LITERAL; /* key, field and text stay: the member and the call as written */
    t->value = value;
    t->n = 0;
    t->items = NULL;
}

/* ------------------------------------------------------------ driver */

/* Every template a state holds. */
static void mark_state_templates(asl_def *def, aslrt_state *st)
{
    aslrt_tmpl *const tmpls[] = {
        (aslrt_tmpl *)st->parameters,     (aslrt_tmpl *)st->result_selector,
        (aslrt_tmpl *)st->error_path,     (aslrt_tmpl *)st->cause_path,
        (aslrt_tmpl *)st->item_selector,  (aslrt_tmpl *)st->assign,
        (aslrt_tmpl *)st->output,         (aslrt_tmpl *)st->items,
    };
    for (size_t i = 0; i < sizeof tmpls / sizeof tmpls[0]; i++)
        mark_unique_keys(tmpls[i], 0);
    if (!(st->flags & ASLRT_JSONATA))
        for (size_t i = 0; i < sizeof tmpls / sizeof tmpls[0]; i++)
            fold(def, tmpls[i], 0);
    for (int i = 0; i < st->nrules; i++) {
        mark_unique_keys((aslrt_tmpl *)st->rules[i].assign, 0);
        mark_unique_keys((aslrt_tmpl *)st->rules[i].output, 0);
    }
    for (int i = 0; i < st->ncatch; i++) {
        mark_unique_keys((aslrt_tmpl *)st->catchers[i].assign, 0);
        mark_unique_keys((aslrt_tmpl *)st->catchers[i].output, 0);
    }
    if (st->item_reader)
        mark_unique_keys((aslrt_tmpl *)st->item_reader->parameters, 0);
    if (st->item_batcher)
        mark_unique_keys((aslrt_tmpl *)st->item_batcher->batch_input, 0);
    if (st->result_writer)
        mark_unique_keys((aslrt_tmpl *)st->result_writer->parameters, 0);
}

void asl_opt_def(asl_def *def)
{
    for (int m = 0; m < def->nmachines; m++) {
        asl_machine *mach = def->machines[m];
        for (int i = 0; i < mach->rt.nstates; i++) {
            aslrt_state *st = &mach->states[i];
            mark_state_templates(def, st);
            mark_moves(st);
            mark_borrows(st);
            mark_takes_items(st);
        }
    }
    for (int m = 0; m < def->nmachines; m++) /* once every state has its flags */
        for (int i = 0; i < def->machines[m]->rt.nstates; i++)
            if (def->machines[m]->states[i].type == ASLRT_PARALLEL)
                prefer_borrowing(&def->machines[m]->states[i]);
}
