/* emit.c — the code generator.
 *
 * The output has three parts, written in this order:
 *   1. prototypes of the machine functions (aslg_m0 is the top level);
 *   2. static data: every descriptor the runtime reads, each written once
 *      (emit_data.c);
 *   3. one function per machine: a label per state that something jumps to,
 *      one runtime call per state, a goto per transition, and Choice rules
 *      as C conditions unless the definition was loaded without
 *      optimizations (asl_def.no_opt), which leaves them to the runtime.
 * Names in the C source are all made up here; text from the definition goes
 * through cquote.c only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cquote.h"
#include "emit.h"
#include "emit_data.h"
#include "xalloc.h"

typedef struct emitter {
    const asl_def *def;
    asl_buf *out;
    asl_emit_data *data; /* what was written, and the names of rule arrays */
    asl_emit_sym *syms;  /* asl_emit_c_code: descriptors the code names instead of defining */
    int nsyms, capsyms;
} emitter;

/* Each state type's name and the call that runs it. */
static const char *const type_name[] = {
#define X(id, name, fn) name,
    ASLRT_STATE_TYPES(X)
#undef X
};
static const char *const state_fn[] = {
#define X(id, name, fn) "aslrt_" #fn "_state",
    ASLRT_STATE_TYPES(X)
#undef X
};

/* ---------------------------------------------------------------- code */

static void goto_state(asl_buf *b, const asl_machine *m, int target, const char *why)
{
    asl_buf_printf(b, "goto s%d;", target);
    asl_buf_printf(b, "  /* %s ", why);
    asl_cquote_comment(b, m->states[target].name, 60);
    asl_buf_puts(b, " */\n");
}

/* ------------------------------------------------- Choice rules as C */

/* Deepest And/Or/Not nesting written as C; deeper rules stay data. */
#define MAX_C_RULE_DEPTH 32

/* The typed test (aslrt.h) that evaluates each data-test operator. */
static const char *const test_name[ASLRT_OP_COUNT] = {
#define X(id, name, family, ...) [ASLRT_OP_##id] = "aslrt_test_" #family,
    ASLRT_COMPARISONS(X)
#undef X
};

/* The typed test that evaluates data test r, or NULL. */
static const char *test_fn(const aslrt_rule *r)
{
    if (!r->variable || r->op < 0 || r->op >= ASLRT_OP_COUNT)
        return NULL;
    return test_name[r->op];
}

/* Can rule r be written as C: every leaf a data test with a typed test,
   nesting within MAX_C_RULE_DEPTH? */
static int rule_as_c(const aslrt_rule *r, int depth)
{
    if (depth > MAX_C_RULE_DEPTH || r->condition)
        return 0;
    if (r->op == ASLRT_OP_AND || r->op == ASLRT_OP_OR || r->op == ASLRT_OP_NOT) {
        if (r->n < 1 || (r->op == ASLRT_OP_NOT && r->n != 1))
            return 0;
        for (int i = 0; i < r->n; i++)
            if (!rule_as_c(&r->sub[i], depth + 1))
                return 0;
        return 1;
    }
    return test_fn(r) != NULL;
}

/* A Choice state becomes C when it is JSONPath, has no InputPath (its
   rules read *v) and all its rules can, unless def was loaded without
   optimizations: then the runtime evaluates the rules, as in interp mode. */
static int choice_as_c(const asl_def *def, const aslrt_state *s)
{
    if (def->no_opt || s->type != ASLRT_CHOICE || (s->flags & (ASLRT_JSONATA | ASLRT_INPUT_PATH_NULL | ASLRT_PLACEHOLDER)) ||
        s->input_path)
        return 0;
    for (int i = 0; i < s->nrules; i++)
        if (!rule_as_c(&s->rules[i], 0))
            return 0;
    return 1;
}

/* AWS's name of a comparison operator, for comments. */
static const char *const asl_op[ASLRT_OP_COUNT] = {
#define X(id, name, ...) [ASLRT_OP_##id] = name,
    ASLRT_COMPARISONS(X)
#undef X
};

static void indent(asl_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        asl_buf_puts(b, "    ");
}

/* The id of a rule array the code refers to: emitted with the data, or,
   for asl_emit_c_code, named once as a symbol to be bound to the IR. */
static int rules_id(emitter *e, const aslrt_rule *rules)
{
    int fresh;
    int id = asl_emit_data_rules(e->data, rules, &fresh);
    if (!fresh || !e->syms)
        return id;
    if (e->nsyms == e->capsyms) {
        e->capsyms *= 2;
        e->syms = aslrt_xrealloc(e->syms, sizeof *e->syms * (size_t)e->capsyms);
    }
    asl_emit_sym *s = &e->syms[e->nsyms++];
    snprintf(s->name, sizeof s->name, "k_rules_%d", id);
    s->ptr = rules;
    asl_buf_printf(e->out, "extern const aslrt_rule k_rules_%d[];\n", id);
    return id;
}

/* Names (rules_id) every rule array the C form of rule `r` refers to. */
static void declare_rules(emitter *e, const aslrt_rule *rules, int n)
{
    rules_id(e, rules);
    for (int i = 0; i < n; i++)
        if (rules[i].op == ASLRT_OP_AND || rules[i].op == ASLRT_OP_OR || rules[i].op == ASLRT_OP_NOT)
            declare_rules(e, rules[i].sub, rules[i].n);
}

/* Statements that leave rule `index` of the array emitted as k_rules_<arr>
   evaluated in r: 1, 0, or -1 (an error). And and Or stop at the first
   sub-rule that decides (a do/while(0) left by break), Not inverts. */
static void emit_rule_c(emitter *e, const aslrt_rule *rules, int index, int level)
{
    asl_buf *b = e->out;
    const aslrt_rule *r = &rules[index];
    int arr = rules_id(e, rules);
    if (r->op == ASLRT_OP_AND || r->op == ASLRT_OP_OR) {
        indent(b, level);
        asl_buf_printf(b, "do { /* %s */\n", r->op == ASLRT_OP_AND ? "And" : "Or");
        for (int i = 0; i < r->n; i++) {
            emit_rule_c(e, r->sub, i, level + 1);
            if (i + 1 < r->n) {
                indent(b, level + 1);
                asl_buf_printf(b, "if (r != %d)\n", r->op == ASLRT_OP_AND ? 1 : 0);
                indent(b, level + 2);
                asl_buf_puts(b, "break;\n");
            }
        }
        indent(b, level);
        asl_buf_puts(b, "} while (0);\n");
        return;
    }
    if (r->op == ASLRT_OP_NOT) {
        emit_rule_c(e, r->sub, 0, level);
        indent(b, level);
        asl_buf_puts(b, "if (r >= 0) /* Not */\n");
        indent(b, level + 1);
        asl_buf_puts(b, "r = !r;\n");
        return;
    }
    indent(b, level);
    asl_buf_printf(b, "r = %s(ex, &k_rules_%d[%d], *v); /* ", test_fn(r), arr, index);
    asl_cquote_comment(b, r->variable->text ? r->variable->text : "", 60);
    asl_buf_printf(b, " %s%s", r->op >= 0 && r->op < ASLRT_OP_COUNT && asl_op[r->op] ? asl_op[r->op] : "?",
                   r->operand_path ? "Path " : "");
    if (r->operand_path)
        asl_cquote_comment(b, r->operand_path->text ? r->operand_path->text : "", 60);
    asl_buf_puts(b, " */\n");
}

/* A Choice state as C (choice_as_c): enter, a condition per rule in order,
   leave with the index of the one that matched, goto. */
static void emit_choice_c(emitter *e, const asl_machine *m, int i)
{
    asl_buf *b = e->out;
    const aslrt_state *s = &m->states[i];
    asl_buf_printf(b, "    if (aslrt_choice_enter(ex, &k_states_%d[%d], *v) != 0)\n        return -1;\n", m->id, i);
    for (int k = 0; k < s->nrules; k++) {
        asl_buf_printf(b, "    /* Choices[%d] */\n", k);
        emit_rule_c(e, s->rules, k, 1);
        asl_buf_printf(b, "    if (r != 0) {\n        if (r < 0 || aslrt_choice_leave(ex, &k_states_%d[%d], v, %d) < 0)\n"
                          "            return -1;\n        ", m->id, i, k);
        goto_state(b, m, s->rules[k].next, "->");
        asl_buf_puts(b, "    }\n");
    }
    asl_buf_printf(b, "    if (aslrt_choice_leave(ex, &k_states_%d[%d], v, %d) < 0)\n        return -1;", m->id, i,
                   s->nrules);
    if (s->default_next >= 0) {
        asl_buf_puts(b, "\n    ");
        goto_state(b, m, s->default_next, "Default ->");
    } else {
        asl_buf_puts(b, " /* no Default: States.NoChoiceMatched */\n    return -1;\n");
    }
}

/* One machine's function. Labels are emitted only for states that some
   transition (or the start) jumps to, which keeps -Wall quiet. */
static void emit_machine_code(emitter *e, const asl_machine *m)
{
    asl_buf *b = e->out;
    int n = m->rt.nstates;
    char *used = calloc((size_t)(n ? n : 1), 1);
    used[m->rt.start] = 1;
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        if (s->next >= 0)
            used[s->next] = 1;
        for (int r = 0; r < s->nrules; r++)
            used[s->rules[r].next] = 1;
        if (s->type == ASLRT_CHOICE && s->default_next >= 0)
            used[s->default_next] = 1;
        for (int c = 0; c < s->ncatch; c++)
            used[s->catchers[c].next] = 1;
    }
    asl_buf_printf(b, "/* Machine %d: ", m->id);
    if (m->parent_state) {
        asl_buf_puts(b, "inside ");
        asl_cquote_comment(b, m->parent_state, 60);
    } else {
        asl_buf_puts(b, "top level");
    }
    asl_buf_puts(b, ", StartAt ");
    asl_cquote_comment(b, m->states[m->rt.start].name, 60);
    asl_buf_printf(b, ", %d states.\n   *v: the input on entry; the output, or the failed state's input, on return. */\n", n);
    asl_buf_printf(b, "%sint aslg_m%d(aslrt_exec *ex, const aslrt_machine *m, cJSON **v)\n{\n",
                   e->syms ? "" : "static ", m->id);
    int c_choices = 0;
    for (int i = 0; i < n; i++)
        c_choices += choice_as_c(e->def, &m->states[i]);
    if (c_choices)
        asl_buf_puts(b, "    int r; /* a Choice rule's outcome: 1, 0, or -1 (an error in ex) */\n");
    asl_buf_printf(b, "    (void)m;\n    goto s%d;\n", m->rt.start);
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        asl_buf_printf(b, "\n/* State %d ", i);
        asl_cquote_comment(b, s->name, 60);
        asl_buf_printf(b, " (%s) */\n", type_name[s->type]);
        if (used[i])
            asl_buf_printf(b, "s%d:\n", i);
        const char *fn = state_fn[s->type];
        if (choice_as_c(e->def, s)) {
            emit_choice_c(e, m, i);
            continue;
        }
        if (s->type == ASLRT_CHOICE) {
            asl_buf_printf(b, "    switch (%s(ex, &k_states_%d[%d], v)) {\n", fn, m->id, i);
            for (int r = 0; r < s->nrules; r++) {
                asl_buf_printf(b, "    case %d: ", r);
                goto_state(b, m, s->rules[r].next, "->");
            }
            if (s->default_next >= 0) {
                asl_buf_printf(b, "    case %d: ", s->nrules);
                goto_state(b, m, s->default_next, "Default ->");
            }
            asl_buf_puts(b, "    default: return -1;\n    }\n");
            continue;
        }
        if (s->type == ASLRT_FAIL) {
            asl_buf_printf(b, "    return %s(ex, &k_states_%d[%d], v);\n", fn, m->id, i);
            continue;
        }
        if (s->ncatch) {
            asl_buf_printf(b, "    if (%s(ex, &k_states_%d[%d], v) == 0)\n        ", fn, m->id, i);
            if (s->next >= 0)
                goto_state(b, m, s->next, "Next");
            else
                asl_buf_puts(b, "return 0;\n");
            asl_buf_printf(b, "    switch (aslrt_catch(ex, &k_states_%d[%d], v)) {\n", m->id, i);
            for (int c = 0; c < s->ncatch; c++) {
                asl_buf_printf(b, "    case %d: ", c);
                goto_state(b, m, s->catchers[c].next, "Catch ->");
            }
            asl_buf_puts(b, "    default: return -1;\n    }\n");
            continue;
        }
        asl_buf_printf(b, "    if (%s(ex, &k_states_%d[%d], v) != 0)\n        return -1;\n", fn, m->id, i);
        if (s->next >= 0 && s->type != ASLRT_SUCCEED) {
            asl_buf_puts(b, "    ");
            goto_state(b, m, s->next, "Next");
        } else {
            asl_buf_puts(b, "    return 0;\n");
        }
    }
    asl_buf_puts(b, "}\n\n");
    free(used);
}

char *asl_emit_c(const asl_def *def, int include_header)
{
    asl_buf out;
    asl_buf_init(&out);
    emitter e = {def, &out, asl_emit_data_new(def, &out), NULL, 0, 0};
    asl_buf_puts(&out, "/* Generated by aslc 0.1 from ");
    asl_cquote_comment(&out, def->file, 200);
    asl_buf_puts(&out, "; do not edit. */\n");
    if (include_header)
        asl_buf_puts(&out, "#include \"aslrt.h\"\n#include \"jsonata_ast.h\"\n");
    asl_buf_puts(&out, "\n");
    for (int i = 0; i < def->nmachines; i++)
        asl_buf_printf(&out, "static int aslg_m%d(aslrt_exec *ex, const aslrt_machine *m, cJSON **v);\n", i);
    asl_buf_puts(&out, "\n");
    /* A machine's data refers to its nested machines, which have larger ids. */
    for (int i = def->nmachines - 1; i >= 0; i--)
        asl_emit_data_machine(e.data, def->machines[i]);
    for (int i = 0; i < def->nmachines; i++)
        emit_machine_code(&e, def->machines[i]);
    asl_buf_puts(&out, "const aslrt_program aslg_program = {\n    .abi_version = ASLRT_ABI_VERSION,\n    .name = ");
    asl_cquote_str(&out, def->program.name);
    asl_buf_puts(&out, ",\n    .file = ");
    asl_cquote_str(&out, def->program.file);
    asl_buf_puts(&out, ",\n    .main = &k_machine_0,\n");
    if (def->program.timeout_seconds != 0) {
        char t[40]; /* a floating constant, so that no integer constant can overflow */
        snprintf(t, sizeof t, "%.17g", def->program.timeout_seconds);
        asl_buf_printf(&out, "    .timeout_seconds = %s%s,\n", t, strpbrk(t, ".eE") ? "" : ".0");
    }
    asl_buf_puts(&out, "};\n");
    asl_emit_data_free(e.data);
    return out.data;
}

char *asl_emit_c_code(const asl_def *def, asl_emit_sym **syms, int *nsyms)
{
    asl_buf out;
    asl_buf_init(&out);
    emitter e = {def, &out, asl_emit_data_new(def, &out), NULL, 0, 16};
    e.syms = aslrt_xmalloc(sizeof *e.syms * (size_t)e.capsyms);
    asl_buf_puts(&out, "/* Generated by aslc 0.1 from ");
    asl_cquote_comment(&out, def->file, 200);
    asl_buf_puts(&out, "; do not edit. The descriptors are the compiler's, in memory. */\n\n");
    for (int i = 0; i < def->nmachines; i++) {
        const asl_machine *m = def->machines[i];
        asl_emit_sym *s = e.nsyms == e.capsyms ? NULL : &e.syms[e.nsyms];
        if (!s) {
            e.capsyms *= 2;
            e.syms = aslrt_xrealloc(e.syms, sizeof *e.syms * (size_t)e.capsyms);
            s = &e.syms[e.nsyms];
        }
        e.nsyms++;
        snprintf(s->name, sizeof s->name, "k_states_%d", m->id);
        s->ptr = m->states;
        asl_buf_printf(&out, "extern const aslrt_state k_states_%d[];\n", m->id);
        for (int k = 0; k < m->rt.nstates; k++)
            if (choice_as_c(def, &m->states[k]))
                declare_rules(&e, m->states[k].rules, m->states[k].nrules);
    }
    asl_buf_puts(&out, "\n");
    for (int i = 0; i < def->nmachines; i++)
        emit_machine_code(&e, def->machines[i]);
    asl_emit_data_free(e.data);
    *syms = e.syms;
    *nsyms = e.nsyms;
    return out.data;
}
