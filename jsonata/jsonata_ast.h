/* jsonata_ast.h — a parsed JSONata expression: the tree jsonata_parse() builds and the
   evaluator walks. Generated programs hold such trees as static data, so this header is
   written next to aslrt.h for them (compiler/aot.c) and must stay plain C99. */
#ifndef JSONATA_AST_H
#define JSONATA_AST_H

/* The text between {% and %}, parsed (jsonata_parse.c) into this tree, already in the form the evaluator walks (jsonata.c):
   paths are flattened into their steps, predicates attached to the step they
   filter, `%` resolved to the step whose context it names, tail calls marked.
   Every node has the same fields; the comment on each kind says which it uses. */
enum {
    JSONATA_N_NUM,       /* number literal: num */
    JSONATA_N_STR,       /* string literal: str */
    JSONATA_N_BOOL,      /* true / false: num 1 / 0 */
    JSONATA_N_NULL,      /* null */
    JSONATA_N_REGEX,     /* /pattern/flags: str pattern, str2 flags ("i", "m", "im") */
    JSONATA_N_NAME,      /* field name: str */
    JSONATA_N_VAR,       /* $name: str ("" for $ the context, "$" for $$ the root) */
    JSONATA_N_WILDCARD,  /* * */
    JSONATA_N_DESCEND,   /* ** */
    JSONATA_N_PARENT,    /* %: str is the label its step binds (see `ancestor`) */
    JSONATA_N_PATH,      /* a.b.c: kids are the steps */
    JSONATA_N_BINARY,    /* op (JSONATA_OP_*): kids[0] op kids[1] */
    JSONATA_N_NEG,       /* -kids[0] */
    JSONATA_N_ARRAY,     /* [kids...] */
    JSONATA_N_OBJECT,    /* {k: v, ...}: kids are key, value, key, value, ... */
    JSONATA_N_COND,      /* kids[0] ? kids[1] : kids[2] (n = 2 when there is no else) */
    JSONATA_N_BLOCK,     /* (kids[0]; kids[1]; ...) */
    JSONATA_N_BIND,      /* $str := kids[0] */
    JSONATA_N_CALL,      /* kids[0](kids[1], ...) */
    JSONATA_N_PARTIAL,   /* kids[0](...) with JSONATA_N_HOLE for each `?` argument */
    JSONATA_N_HOLE,      /* the `?` of a partial application */
    JSONATA_N_LAMBDA,    /* function($a, $b)<sig>{body}: kids are the parameters
                           (VAR nodes) then the body; str the signature or 0 */
    JSONATA_N_APPLY,     /* kids[0] ~> kids[1] */
    JSONATA_N_TRANSFORM, /* | kids[0] | kids[1] (, kids[2]) | */
    JSONATA_N_SORT,      /* order-by step ^(...): kids are JSONATA_N_TERM */
    JSONATA_N_TERM,      /* one order-by term: kids[0]; flag DESCENDING */
    JSONATA_N_FILTER,    /* a predicate [kids[0]] in a node's stages */
    JSONATA_N_INDEX      /* a #$str binding in a step's stages */
};

/* JSONATA_N_BINARY operators. */
enum {
    JSONATA_OP_ADD, JSONATA_OP_SUB, JSONATA_OP_MUL, JSONATA_OP_DIV, JSONATA_OP_MOD,
    JSONATA_OP_EQ, JSONATA_OP_NE, JSONATA_OP_LT, JSONATA_OP_LE, JSONATA_OP_GT,
    JSONATA_OP_GE, JSONATA_OP_CONCAT, JSONATA_OP_AND, JSONATA_OP_OR, JSONATA_OP_IN,
    JSONATA_OP_RANGE
};

/* jsonata_node.flags */
#define JSONATA_F_STAGES     1   /* `stages` are applied by the enclosing path step,
                                    per input item; else right after this node */
#define JSONATA_F_KEEP_ARRAY 2   /* [] after this step: keep singleton arrays */
#define JSONATA_F_KEEP_SINGLETON 4 /* PATH: some step has [] */
#define JSONATA_F_CONS_ARRAY 8   /* array constructor at the start/end of a path */
#define JSONATA_F_TUPLE      16  /* step binds @, #, or a parent: a tuple stream */
#define JSONATA_F_THUNK      32  /* LAMBDA: a tail call wrapped by the optimizer */
#define JSONATA_F_DESCENDING 64  /* TERM: > */

typedef struct jsonata_node {
    int kind;                       /* JSONATA_N_* */
    int op;                         /* BINARY: JSONATA_OP_* */
    int flags;                      /* JSONATA_F_* */
    double num;                     /* NUM, BOOL */
    const char *str;                /* see the kinds above */
    const char *str2;               /* REGEX: flags */
    int n;                          /* number of kids */
    const struct jsonata_node *kids;
    int nstages;                    /* FILTER and INDEX nodes, in order */
    const struct jsonata_node *stages;
    const struct jsonata_node *group;   /* group-by {...}: an OBJECT node, or 0 */
    const char *focus;              /* @$v: the variable's name, or 0 */
    const char *index;              /* #$i: the variable's name, or 0 */
    const char *ancestor;           /* label of the % this step's context answers */
} jsonata_node;

#endif
