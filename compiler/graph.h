/* graph.h — `aslc graph`: a workflow drawn as Graphviz dot or a Mermaid
   flowchart, optionally marked with the path an execution history took. */
#ifndef ASL_GRAPH_H
#define ASL_GRAPH_H

#include <stddef.h>

#include "diag.h"
#include "ir.h"

typedef enum asl_graph_format {
    ASL_GRAPH_DOT,     /* Graphviz: `dot -Tsvg` */
    ASL_GRAPH_MERMAID  /* Mermaid `flowchart TD` */
} asl_graph_format;

/* What a history says about the states: marks, per machine and state. */
#define ASL_GRAPH_ENTERED 1 /* some <T>StateEntered names it */
#define ASL_GRAPH_FAILED  2 /* entered, never left, and the execution did not succeed */

typedef struct asl_graph_marks {
    unsigned char **state;  /* state[machine id][state index]: ASL_GRAPH_* bits */
    int nedges;             /* transitions taken: machine, from, to (state indices) */
    int (*edges)[3];
} asl_graph_marks;

/* Reads an execution history (--history's JSON lines, or AWS's
   GetExecutionHistory {"events": [...]}) and marks the states entered, the
   transitions taken (a StateEntered whose previousEventId is a StateExited)
   and the states that failed. Unknown state names are ignored. 0, or -1
   after reporting the problem to d. Free with asl_graph_marks_free. */
int asl_graph_marks_load(const asl_def *def, const char *file, asl_graph_marks *marks, asl_diag *d);
void asl_graph_marks_free(const asl_def *def, asl_graph_marks *marks);

/* The drawing (malloc'd, never NULL); marks may be NULL. Every label from
   the definition is escaped for the format, so any state name is safe. */
char *asl_graph_render(const asl_def *def, asl_graph_format format, const asl_graph_marks *marks);

/* A short rendering of a Choice rule ("$.total > 1000", "!($.a is null)",
   "($.x == \"a\" && ...)"), at most `max` bytes plus an ellipsis; malloc'd.
   Exposed for unit tests. */
char *asl_graph_rule_text(const aslrt_rule *r, size_t max);

#endif
