/* graph.c — `aslc graph`: draws a workflow's IR as Graphviz dot or a Mermaid
 * flowchart, and marks on it what an execution history says happened.
 *
 * The drawing is built in two passes over the machines, as both formats
 * want: first every node, each inside the cluster (dot `subgraph cluster_N`,
 * Mermaid `subgraph`) of the Parallel branch or Map item processor it
 * belongs to, because a node belongs to the cluster it first appears in;
 * then every edge, at the top level. Node names are ones we make up
 * (m<machine>_s<state>, m<machine>_start, m<machine>_end); every text from
 * the definition (state names, paths, literals, error names) reaches the
 * output only through dot_text() or mermaid_text(), which escape it for
 * their format and repair invalid UTF-8. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "choice.h"
#include "graph.h"
#include "utf8.h"
#include "xalloc.h"

/* Deeper nesting of branches/processors is drawn as one placeholder node, so
   that hostile definitions cannot make the recursion (or Graphviz) deep. */
#define MAX_CLUSTER_DEPTH 32
/* Longest edge label, in bytes, before it is cut with an ellipsis. */
#define LABEL_MAX 48
/* How deep a Choice rule is spelled out before "..." stands in. */
#define RULE_DEPTH 3

static const char *const type_names[] = {
#define X(id, name, ...) name,
    ASLRT_STATE_TYPES(X)
#undef X
};

/* The ASL Type a node shows under the state name. */
static const char *type_name(int t)
{
    return t >= 0 && t < (int)(sizeof type_names / sizeof type_names[0]) ? type_names[t] : "?";
}

/* --------------------------------------------------------------- UTF-8 */

/* Decodes one UTF-8 sequence at s (n bytes left): its code point in *cp and
   its length; an invalid or truncated sequence gives U+FFFD and length 1. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

/* Appends s cut to at most max bytes on a character boundary, "..." marking
   the cut. */
static void add_cut(asl_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        asl_buf_add(b, s, n);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    asl_buf_add(b, s, max);
    asl_buf_puts(b, "...");
}

/* ------------------------------------------------------------ escaping */

/* Text as the inside of a dot double-quoted label. Escaped: `"` and `\`
   (dot's quoting), `&` (Graphviz expands entities such as &lt; in labels);
   a newline becomes dot's `\n` line break, other control characters a
   space; invalid UTF-8 becomes U+FFFD. */
static void dot_text(asl_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t len = utf8_next(p, n, &cp);
        p += len, n -= len;
        if (cp == '"')
            asl_buf_puts(b, "\\\"");
        else if (cp == '\\')
            asl_buf_puts(b, "\\\\");
        else if (cp == '&')
            asl_buf_puts(b, "&amp;");
        else if (cp == '\n')
            asl_buf_puts(b, "\\n");
        else if (cp < 0x20 || cp == 0x7F)
            asl_buf_puts(b, " ");
        else {
            char u[4];
            asl_buf_add(b, u, aslrt_utf8_put(u, cp));
        }
    }
}

/* Text as the inside of a Mermaid double-quoted label: letters, digits and
   a few harmless punctuation marks stay; every other character (quotes,
   `<>{}|#&;`, non-ASCII) becomes a decimal entity code `#NNN;`, which
   Mermaid renders as that character; a newline becomes `<br/>`. */
static void mermaid_text(asl_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t len = utf8_next(p, n, &cp);
        p += len, n -= len;
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
            (cp > 0 && cp < 0x80 && strchr(" _-.,:/!?$=+*@()[]'", (int)cp)))
            asl_buf_add(b, (const char *)p - len, 1);
        else if (cp == '\n')
            asl_buf_puts(b, "<br/>");
        else if (cp < 0x20 || cp == 0x7F)
            asl_buf_puts(b, " ");
        else
            asl_buf_printf(b, "#%lu;", (unsigned long)cp);
    }
}

/* -------------------------------------------------------- choice rules */

/* How each data-test operator reads in a label (aslrt.h's `text` column),
   and whether it is a type test ("$.x is null"). */
static const struct {
    const char *text;
    int is_type;
} op_text[ASLRT_OP_COUNT] = {
#define X(id, name, family, rel, operand, path, text) [ASLRT_OP_##id] = {text, ASLRT_REL_##rel == ASLRT_REL_IS},
    ASLRT_COMPARISONS(X)
#undef X
};

/* The text of operator op; NULL for And/Or/Not and for operators this file
   does not know (a JSONata Condition, say). */
static const char *op_symbol(int op)
{
    return op >= 0 && op < ASLRT_OP_COUNT ? op_text[op].text : NULL;
}

/* Writes rule r in a compact infix form; sub-rules deeper than RULE_DEPTH
   become "...". Output is cut later, so length is not watched here beyond
   the depth. */
static void rule_text(asl_buf *b, const aslrt_rule *r, int depth)
{
    if (depth > RULE_DEPTH) {
        asl_buf_puts(b, "...");
        return;
    }
    if (r->op == ASLRT_OP_AND || r->op == ASLRT_OP_OR) {
        asl_buf_puts(b, "(");
        for (int i = 0; i < r->n; i++) {
            if (i)
                asl_buf_puts(b, r->op == ASLRT_OP_AND ? " && " : " || ");
            rule_text(b, &r->sub[i], depth + 1);
        }
        asl_buf_puts(b, ")");
        return;
    }
    if (r->op == ASLRT_OP_NOT) {
        asl_buf_puts(b, "!(");
        if (r->n > 0 && r->sub)
            rule_text(b, &r->sub[0], depth + 1);
        asl_buf_puts(b, ")");
        return;
    }
    const char *sym = op_symbol(r->op);
    if (!sym || !r->variable) {
        asl_buf_puts(b, "rule");
        return;
    }
    asl_buf_puts(b, r->variable->text ? r->variable->text : "$");
    if (op_text[r->op].is_type) {
        int yes = !r->operand || cJSON_IsTrue(r->operand);
        asl_buf_printf(b, " is %s%s", yes ? "" : "not ", sym);
        return;
    }
    asl_buf_printf(b, " %s ", sym);
    if (r->operand_path) {
        asl_buf_puts(b, r->operand_path->text ? r->operand_path->text : "$");
    } else if (r->operand) {
        char *lit = cJSON_PrintUnformatted(r->operand);
        asl_buf_puts(b, lit ? lit : "?");
        cJSON_free(lit); /* cJSON's memory goes back to cJSON (json/alloc.c) */
    }
}

/* Rendered whole, then cut, so the cut falls in one place whatever the
   rule's shape. */
char *asl_graph_rule_text(const aslrt_rule *r, size_t max)
{
    asl_buf t, out;
    asl_buf_init(&t);
    asl_buf_init(&out);
    rule_text(&t, r, 0);
    add_cut(&out, t.data, max);
    asl_buf_free(&t);
    return out.data;
}

/* ------------------------------------------------------------- drawing */

typedef struct drawer {
    const asl_def *def;
    asl_graph_format fmt;
    const asl_graph_marks *marks;
    asl_buf *out;
    int nedges;         /* Mermaid: edges so far, for linkStyle indices */
    asl_buf link_style; /* Mermaid: linkStyle lines of the edges taken */
} drawer;

/* The history's marks on state i of m (0 without a history). */
static unsigned state_mark(const drawer *d, const asl_machine *m, int i)
{
    if (!d->marks || !d->marks->state || i < 0 || i >= m->rt.nstates)
        return 0;
    return d->marks->state[m->id][i];
}

/* Did the history go from state `from` to state `to` of m? */
static int edge_taken(const drawer *d, const asl_machine *m, int from, int to)
{
    if (!d->marks)
        return 0;
    for (int i = 0; i < d->marks->nedges; i++)
        if (d->marks->edges[i][0] == m->id && d->marks->edges[i][1] == from && d->marks->edges[i][2] == to)
            return 1;
    return 0;
}

/* Indents output by cluster depth, so that nesting reads in the text too. */
static void indent(drawer *d, int depth)
{
    for (int i = 0; i <= depth; i++)
        asl_buf_puts(d->out, "  ");
}

/* The start and end markers of machine m. */
static void draw_markers(drawer *d, const asl_machine *m, int depth)
{
    indent(d, depth);
    if (d->fmt == ASL_GRAPH_DOT) {
        asl_buf_printf(d->out, "m%d_start [label=\"\", shape=circle, style=filled, fillcolor=black, width=0.2];\n",
                       m->id);
        indent(d, depth);
        asl_buf_printf(d->out,
                       "m%d_end [label=\"\", shape=doublecircle, style=filled, fillcolor=black, width=0.12];\n",
                       m->id);
    } else {
        asl_buf_printf(d->out, "m%d_start((\" \"))\n", m->id);
        indent(d, depth);
        asl_buf_printf(d->out, "m%d_end(((\" \")))\n", m->id);
    }
}

/* One state's node: its name and type, its shape, its marks. */
static void draw_state(drawer *d, const asl_machine *m, int i, int depth)
{
    const aslrt_state *s = &m->states[i];
    unsigned mark = state_mark(d, m, i);
    indent(d, depth);
    if (d->fmt == ASL_GRAPH_DOT) {
        asl_buf_printf(d->out, "m%d_s%d [label=\"", m->id, i);
        dot_text(d->out, s->name ? s->name : "");
        asl_buf_printf(d->out, "\\n(%s)\"", type_name(s->type));
        if (s->type == ASLRT_CHOICE)
            asl_buf_puts(d->out, ", shape=diamond, style=filled");
        else if (s->type == ASLRT_FAIL)
            asl_buf_puts(d->out, ", shape=octagon, style=filled");
        else if (s->type == ASLRT_SUCCEED)
            asl_buf_puts(d->out, ", peripheries=2");
        if (mark & ASL_GRAPH_FAILED)
            asl_buf_puts(d->out, ", fillcolor=\"#ffcdd2\", color=\"#c62828\", penwidth=2");
        else if (mark & ASL_GRAPH_ENTERED)
            asl_buf_puts(d->out, ", fillcolor=\"#c8e6c9\", color=\"#2e7d32\", penwidth=2");
        asl_buf_puts(d->out, "];\n");
        return;
    }
    static const char *const open[] = {"(\"", "(\"", "{\"", "(\"", "([\"", "{{\"", "[[\"", "[[\""};
    static const char *const close[] = {"\")", "\")", "\"}", "\")", "\"])", "\"}}", "\"]]", "\"]]"};
    int t = s->type >= 0 && s->type < 8 ? s->type : 0;
    asl_buf_printf(d->out, "m%d_s%d%s", m->id, i, open[t]);
    mermaid_text(d->out, s->name ? s->name : "");
    asl_buf_printf(d->out, "<br/>(%s)%s", type_name(s->type), close[t]);
    if (mark & ASL_GRAPH_FAILED)
        asl_buf_puts(d->out, ":::failed");
    else if (mark & ASL_GRAPH_ENTERED)
        asl_buf_puts(d->out, ":::entered");
    asl_buf_puts(d->out, "\n");
}

static void draw_nodes(drawer *d, const asl_machine *m, int depth);

/* The clusters of a Parallel state's branches or a Map state's processor. */
static void draw_clusters(drawer *d, const asl_machine *m, int i, int depth)
{
    const aslrt_state *s = &m->states[i];
    for (int b = 0; b < s->nbranches; b++) {
        const asl_machine *sub = asl_def_machine(d->def, s->branches[b]);
        if (!sub)
            continue;
        char what[64];
        if (s->type == ASLRT_MAP)
            snprintf(what, sizeof what, " item processor");
        else
            snprintf(what, sizeof what, " branch %d", b + 1);
        indent(d, depth);
        if (d->fmt == ASL_GRAPH_DOT) {
            asl_buf_printf(d->out, "subgraph cluster_m%d {\n", sub->id);
            indent(d, depth + 1);
            asl_buf_puts(d->out, "label=\"");
            dot_text(d->out, s->name ? s->name : "");
            asl_buf_printf(d->out, "%s\"; style=\"rounded,dashed\"; color=\"#607d8b\";\n", what);
        } else {
            asl_buf_printf(d->out, "subgraph c_m%d [\"", sub->id);
            mermaid_text(d->out, s->name ? s->name : "");
            asl_buf_printf(d->out, "%s\"]\n", what);
        }
        if (depth + 1 < MAX_CLUSTER_DEPTH) {
            draw_nodes(d, sub, depth + 1);
        } else {
            /* Too deep: a placeholder, so edges into it still land. */
            indent(d, depth + 1);
            if (d->fmt == ASL_GRAPH_DOT)
                asl_buf_printf(d->out, "m%d_start [label=\"(nested too deep to draw)\", shape=note];\n", sub->id);
            else
                asl_buf_printf(d->out, "m%d_start[\"(nested too deep to draw)\"]\n", sub->id);
        }
        indent(d, depth);
        asl_buf_puts(d->out, d->fmt == ASL_GRAPH_DOT ? "}\n" : "end\n");
    }
}

/* Pass 1: machine m's markers and states, and its nested machines inside
   their clusters. */
static void draw_nodes(drawer *d, const asl_machine *m, int depth)
{
    draw_markers(d, m, depth);
    for (int i = 0; i < m->rt.nstates; i++)
        draw_state(d, m, i, depth);
    for (int i = 0; i < m->rt.nstates; i++)
        if ((m->states[i].type == ASLRT_PARALLEL || m->states[i].type == ASLRT_MAP) && m->states[i].nbranches > 0)
            draw_clusters(d, m, i, depth);
}

enum { EDGE_NEXT, EDGE_CHOICE, EDGE_DEFAULT, EDGE_CATCH, EDGE_BRANCH };

/* One edge from node `from` to node `to` (names we made up), with an
   optional label (definition text, escaped here). */
static void draw_edge(drawer *d, const char *from, const char *to, int kind, const char *label, int taken)
{
    indent(d, 0);
    if (d->fmt == ASL_GRAPH_DOT) {
        asl_buf_printf(d->out, "%s -> %s", from, to);
        int attrs = 0;
#define ATTR(...) (asl_buf_puts(d->out, attrs++ ? ", " : " ["), asl_buf_printf(d->out, __VA_ARGS__))
        if (label) {
            ATTR("label=\"");
            dot_text(d->out, label);
            asl_buf_puts(d->out, "\"");
        }
        if (kind == EDGE_CATCH)
            ATTR("style=dashed, color=\"#c62828\", fontcolor=\"#c62828\"");
        else if (kind == EDGE_BRANCH)
            ATTR("style=dotted, arrowhead=empty");
        else if (kind == EDGE_DEFAULT)
            ATTR("fontcolor=\"#607d8b\"");
        if (taken)
            ATTR("penwidth=2.5, color=\"#2e7d32\"");
#undef ATTR
        asl_buf_puts(d->out, attrs ? "];\n" : ";\n");
        return;
    }
    const char *arrow = kind == EDGE_CATCH || kind == EDGE_BRANCH ? "-.->" : "-->";
    asl_buf_printf(d->out, "%s %s", from, arrow);
    if (label) {
        asl_buf_puts(d->out, "|\"");
        mermaid_text(d->out, label);
        asl_buf_puts(d->out, "\"|");
    }
    asl_buf_printf(d->out, " %s\n", to);
    if (taken)
        asl_buf_printf(&d->link_style, "  linkStyle %d stroke:#2e7d32,stroke-width:3px\n", d->nedges);
    d->nedges++;
}

/* The node name of state `i` of m, or m's end marker for -1. */
static void node_name(char *buf, size_t n, const asl_machine *m, int i)
{
    if (i < 0)
        snprintf(buf, n, "m%d_end", m->id);
    else
        snprintf(buf, n, "m%d_s%d", m->id, i);
}

/* "Catch: A, B" for a catcher's ErrorEquals, cut to LABEL_MAX. */
static char *catch_label(const aslrt_catcher *c)
{
    asl_buf t, out;
    asl_buf_init(&t);
    asl_buf_init(&out);
    asl_buf_puts(&t, "Catch: ");
    for (int e = 0; e < c->nerrors; e++)
        asl_buf_printf(&t, "%s%s", e ? ", " : "", c->errors[e] ? c->errors[e] : "");
    add_cut(&out, t.data, LABEL_MAX);
    asl_buf_free(&t);
    return out.data;
}

/* Pass 2: every edge of machine m and, depth-first, of its nested machines. */
static void draw_edges(drawer *d, const asl_machine *m, int depth)
{
    char from[48], to[48];
    int start_ok = m->rt.start >= 0 && m->rt.start < m->rt.nstates;
    if (start_ok) {
        snprintf(from, sizeof from, "m%d_start", m->id);
        node_name(to, sizeof to, m, m->rt.start);
        draw_edge(d, from, to, EDGE_NEXT, NULL, state_mark(d, m, m->rt.start) & ASL_GRAPH_ENTERED);
    }
    for (int i = 0; i < m->rt.nstates; i++) {
        const aslrt_state *s = &m->states[i];
        unsigned mark = state_mark(d, m, i);
        node_name(from, sizeof from, m, i);
        if (s->type == ASLRT_CHOICE) {
            for (int r = 0; r < s->nrules; r++) {
                char *label = asl_graph_rule_text(&s->rules[r], LABEL_MAX);
                node_name(to, sizeof to, m, s->rules[r].next);
                draw_edge(d, from, to, EDGE_CHOICE, label, edge_taken(d, m, i, s->rules[r].next));
                free(label);
            }
            if (s->default_next >= 0) {
                node_name(to, sizeof to, m, s->default_next);
                draw_edge(d, from, to, EDGE_DEFAULT, "Default", edge_taken(d, m, i, s->default_next));
            }
        } else if (s->type == ASLRT_SUCCEED || (s->type != ASLRT_FAIL && s->next < 0)) {
            node_name(to, sizeof to, m, -1);
            draw_edge(d, from, to, EDGE_NEXT, NULL, (mark & ASL_GRAPH_ENTERED) && !(mark & ASL_GRAPH_FAILED));
        } else if (s->type != ASLRT_FAIL) {
            node_name(to, sizeof to, m, s->next);
            draw_edge(d, from, to, EDGE_NEXT, NULL, edge_taken(d, m, i, s->next));
        }
        for (int c = 0; c < s->ncatch; c++) {
            char *label = catch_label(&s->catchers[c]);
            node_name(to, sizeof to, m, s->catchers[c].next);
            draw_edge(d, from, to, EDGE_CATCH, label, edge_taken(d, m, i, s->catchers[c].next));
            free(label);
        }
        if (s->type != ASLRT_PARALLEL && s->type != ASLRT_MAP)
            continue;
        for (int b = 0; b < s->nbranches; b++) {
            const asl_machine *sub = asl_def_machine(d->def, s->branches[b]);
            if (!sub)
                continue;
            snprintf(to, sizeof to, "m%d_start", sub->id);
            draw_edge(d, from, to, EDGE_BRANCH, NULL, state_mark(d, sub, sub->rt.start) & ASL_GRAPH_ENTERED);
            if (depth + 1 < MAX_CLUSTER_DEPTH) /* else draw_clusters drew a placeholder */
                draw_edges(d, sub, depth + 1);
        }
    }
}

/* Header, nodes, edges, then (Mermaid) the styles that marks refer to. */
char *asl_graph_render(const asl_def *def, asl_graph_format format, const asl_graph_marks *marks)
{
    asl_buf out;
    asl_buf_init(&out);
    drawer d = {def, format, marks, &out, 0, {0}};
    asl_buf_init(&d.link_style);
    const asl_machine *top = def->machines[0];
    const char *name = def->program.name ? def->program.name : "";
    if (format == ASL_GRAPH_DOT) {
        asl_buf_puts(&out, "digraph \"");
        dot_text(&out, name);
        asl_buf_puts(&out, "\" {\n"
                           "  graph [fontname=\"Helvetica\", fontsize=11, rankdir=TB];\n"
                           "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", "
                           "fillcolor=white];\n"
                           "  edge [fontname=\"Helvetica\", fontsize=9];\n");
        draw_nodes(&d, top, 0);
        draw_edges(&d, top, 0);
        asl_buf_puts(&out, "}\n");
    } else {
        asl_buf_puts(&out, "flowchart TD\n");
        draw_nodes(&d, top, 0);
        draw_edges(&d, top, 0);
        asl_buf_puts(&out, "  classDef entered fill:#c8e6c9,stroke:#2e7d32,stroke-width:2px\n"
                           "  classDef failed fill:#ffcdd2,stroke:#c62828,stroke-width:2px\n");
        if (d.link_style.data && d.link_style.len)
            asl_buf_puts(&out, d.link_style.data);
    }
    asl_buf_free(&d.link_style);
    return out.data;
}

/* ------------------------------------------------------------- history */

/* A state name and where it is, sorted by name for lookups. */
typedef struct named {
    const char *name;
    int m, s;
} named;

/* qsort/bsearch order of state names. */
static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* What one event says, for linking transitions through previousEventId. */
typedef struct ev {
    double id, prev;
    int kind;  /* 1 entered, 2 exited, 0 other */
    int m, s;  /* the state (entered/exited), or m = -1 */
} ev;

/* qsort/bsearch order of events: by id. */
static int cmp_ev(const void *a, const void *b)
{
    double x = ((const ev *)a)->id, y = ((const ev *)b)->id;
    return x < y ? -1 : x > y;
}

/* The event with this id (sorted evs), or NULL. */
static const ev *find_ev(const ev *evs, int n, double id)
{
    ev key = {id, 0, 0, 0, 0};
    return bsearch(&key, evs, (size_t)n, sizeof *evs, cmp_ev);
}

/* <T>StateEntered and friends are recognized by their suffix. */
static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The events of a history file: a JSON array, an object with "events" (AWS
   GetExecutionHistory), or JSON lines. The result is a cJSON array (owned);
   NULL after reporting to d. */
static cJSON *read_events(const char *file, asl_diag *d)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        asl_diag_plain(d, "--history %s: %s", file, strerror(errno));
        return NULL;
    }
    asl_buf text;
    asl_buf_init(&text);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        asl_buf_add(&text, chunk, n);
    fclose(f);
    const char *data = text.data ? text.data : "";

    const char *end = NULL;
    cJSON *whole = cJSON_ParseWithLengthOpts(data, text.len, &end, 0);
    if (whole) {
        while (end && *end && strchr(" \t\r\n", *end))
            end++;
        if (end && *end == '\0') {
            cJSON *events = cJSON_IsObject(whole) ? cJSON_GetObjectItemCaseSensitive(whole, "events") : NULL;
            if (cJSON_IsArray(whole) || cJSON_IsArray(events)) {
                cJSON *arr = cJSON_IsArray(whole) ? whole : cJSON_DetachItemViaPointer(whole, events);
                if (arr != whole)
                    cJSON_Delete(whole);
                asl_buf_free(&text);
                return arr;
            }
        }
        cJSON_Delete(whole);
    }

    cJSON *arr = cJSON_CreateArray();
    int line = 0;
    for (const char *p = data; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        size_t k = 0;
        while (k < len && strchr(" \t\r", p[k]))
            k++;
        if (k < len) {
            cJSON *e = cJSON_ParseWithLengthOpts(p, len, NULL, 0);
            if (!cJSON_IsObject(e)) {
                cJSON_Delete(e);
                cJSON_Delete(arr);
                asl_buf_free(&text);
                asl_diag_plain(d, "--history %s:%d: not a history event (a JSON object on one line)", file, line);
                return NULL;
            }
            cJSON_AddItemToArray(arr, e);
        }
        p += len + (nl ? 1 : 0);
    }
    asl_buf_free(&text);
    return arr;
}

/* The state an entered/exited event names, or 0 when it names none we have. */
static int lookup_state(const named *names, int n, const cJSON *details, int *m, int *s)
{
    const cJSON *name = cJSON_IsObject(details) ? cJSON_GetObjectItemCaseSensitive(details, "name") : NULL;
    if (!cJSON_IsString(name))
        return 0;
    named key = {name->valuestring, 0, 0};
    const named *hit = bsearch(&key, names, (size_t)n, sizeof *names, cmp_named);
    if (!hit)
        return 0;
    *m = hit->m, *s = hit->s;
    return 1;
}

/* A numeric member (id, previousEventId), or -1 when it is not one. */
static double num(const cJSON *e, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Histories may come from AWS, so anything unexpected in an event is
   skipped rather than refused; only unreadable files and lines are errors. */
int asl_graph_marks_load(const asl_def *def, const char *file, asl_graph_marks *marks, asl_diag *d)
{
    memset(marks, 0, sizeof *marks);
    cJSON *events = read_events(file, d);
    if (!events)
        return -1;

    int nnames = 0;
    for (int m = 0; m < def->nmachines; m++)
        nnames += def->machines[m]->rt.nstates;
    named *names = aslrt_xmalloc((size_t)(nnames ? nnames : 1) * sizeof *names);
    int k = 0;
    marks->state = aslrt_xmalloc((size_t)def->nmachines * sizeof *marks->state);
    for (int m = 0; m < def->nmachines; m++) {
        const asl_machine *am = def->machines[m];
        size_t ns = (size_t)(am->rt.nstates ? am->rt.nstates : 1);
        marks->state[m] = aslrt_xmalloc(ns);
        memset(marks->state[m], 0, ns);
        for (int s = 0; s < am->rt.nstates; s++)
            names[k++] = (named){am->states[s].name ? am->states[s].name : "", m, s};
    }
    qsort(names, (size_t)nnames, sizeof *names, cmp_named);

    /* Entered minus exited, per state: what is left open failed, if the
       execution did. */
    int nev = cJSON_GetArraySize(events), failed = 0;
    ev *evs = aslrt_xmalloc((size_t)(nev ? nev : 1) * sizeof *evs);
    long **open = aslrt_xmalloc((size_t)def->nmachines * sizeof *open);
    for (int m = 0; m < def->nmachines; m++) {
        size_t ns = (size_t)(def->machines[m]->rt.nstates ? def->machines[m]->rt.nstates : 1);
        open[m] = aslrt_xmalloc(ns * sizeof **open);
        memset(open[m], 0, ns * sizeof **open);
    }
    int i = 0;
    for (const cJSON *e = events->child; e; e = e->next, i++) {
        ev *v = &evs[i];
        *v = (ev){num(e, "id"), num(e, "previousEventId"), 0, -1, -1};
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
        if (!cJSON_IsString(type))
            continue;
        const char *t = type->valuestring;
        if (ends_with(t, "StateEntered") &&
            lookup_state(names, nnames, cJSON_GetObjectItemCaseSensitive(e, "stateEnteredEventDetails"), &v->m, &v->s)) {
            v->kind = 1;
            marks->state[v->m][v->s] |= ASL_GRAPH_ENTERED;
            open[v->m][v->s]++;
        } else if (ends_with(t, "StateExited") &&
                   lookup_state(names, nnames, cJSON_GetObjectItemCaseSensitive(e, "stateExitedEventDetails"), &v->m,
                                &v->s)) {
            v->kind = 2;
            open[v->m][v->s]--;
        } else if (strcmp(t, "ExecutionFailed") == 0 || strcmp(t, "ExecutionTimedOut") == 0 ||
                   strcmp(t, "ExecutionAborted") == 0) {
            failed = 1;
        }
    }
    for (int m = 0; m < def->nmachines; m++)
        for (int s = 0; s < def->machines[m]->rt.nstates; s++)
            if (failed && open[m][s] > 0)
                marks->state[m][s] |= ASL_GRAPH_FAILED;

    /* A transition taken: a StateEntered whose previous event is a
       StateExited of a state in the same machine. */
    qsort(evs, (size_t)nev, sizeof *evs, cmp_ev);
    marks->edges = aslrt_xmalloc((size_t)(nev ? nev : 1) * sizeof *marks->edges);
    for (int j = 0; j < nev; j++) {
        if (evs[j].kind != 1)
            continue;
        const ev *p = find_ev(evs, nev, evs[j].prev);
        if (!p || p->kind != 2 || p->m != evs[j].m)
            continue;
        int dup = 0;
        for (int x = 0; x < marks->nedges && !dup; x++)
            dup = marks->edges[x][0] == p->m && marks->edges[x][1] == p->s && marks->edges[x][2] == evs[j].s;
        if (!dup) {
            marks->edges[marks->nedges][0] = p->m;
            marks->edges[marks->nedges][1] = p->s;
            marks->edges[marks->nedges][2] = evs[j].s;
            marks->nedges++;
        }
    }

    for (int m = 0; m < def->nmachines; m++)
        free(open[m]);
    free(open);
    free(evs);
    free(names);
    cJSON_Delete(events);
    return 0;
}

/* Frees what asl_graph_marks_load allocated (def gives the machine count). */
void asl_graph_marks_free(const asl_def *def, asl_graph_marks *marks)
{
    if (marks->state)
        for (int m = 0; m < def->nmachines; m++)
            free(marks->state[m]);
    free(marks->state);
    free(marks->edges);
    memset(marks, 0, sizeof *marks);
}
