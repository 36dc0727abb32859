/* jsonata_parse.h — JSONata expression text -> jsonata_node tree (aslc at compile time, the
   library in jsonata_compile). */
#ifndef ASL_JSONATA_PARSE_H
#define ASL_JSONATA_PARSE_H

#include "arena.h"
#include "jsonata_ast.h"

/* Deepest nesting of brackets/operators the parser accepts; deeper input is
   rejected (S0299) rather than overflowing the stack. */
#define JSONATA_MAX_NESTING 500

/* Parses a JSONata 2.0.6 expression (the text between {% and %}, trimmed or
   not). The tree and its strings live in arena `a`. On a syntax error returns
   NULL and sets *err to JSONata's code and message, e.g.
   `S0202: Expected ")", got "]" (at offset 7)`, also in the arena. */
const jsonata_node *jsonata_parse(asl_arena *a, const char *expr, const char **err);

/* What jsonata_parse_ex tells besides the tree, for the library (jsonata.h), whose errors
   carry the offset apart and whose evaluation errors say where they happened. */
typedef struct jsonata_parse_info {
    const char *error;  /* on a syntax error: "<code>: <message>", without the offset */
    int error_offset;   /* and the offset of the token it is about */
    int npos;           /* every node of the tree, sorted by address, with the offset in the */
    struct jsonata_node_pos { /* text of the token it was made from */
        const jsonata_node *node;
        int offset;
    } *pos;
} jsonata_parse_info;

/* jsonata_parse, reporting into *info (everything in arena a): the node offsets are
   recorded only when want_offsets is set. */
const jsonata_node *jsonata_parse_ex(asl_arena *a, const char *expr, int want_offsets, jsonata_parse_info *info);

/* The offset recorded for node x (see jsonata_parse_info), or -1. */
int jsonata_node_offset(const jsonata_parse_info *info, const jsonata_node *x);

/* 1 when evaluating x reads the context value of the whole expression: a
   top-level `$`, `$$`, field name, `*`, `**` or `%` (also in the first step
   of a top-level path, in operands and function arguments; not in
   predicates, later path steps, group-by, order-by, lambda bodies or
   transforms, which see other contexts). AWS refuses such expressions in
   JSONata states (asl-reference §9); the caller decides what to report. */
int jsonata_reads_context(const jsonata_node *x);

/* 1 when x contains the path $states.<field> (e.g. field "result" or
   "errorOutput"), anywhere in the expression. */
int jsonata_uses_states_field(const jsonata_node *x, const char *field);

#endif
