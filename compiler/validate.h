/* validate.h — the static rules of the States Language, checked on the parsed
   definition before any IR is built. */
#ifndef ASL_VALIDATE_H
#define ASL_VALIDATE_H

#include <cjson/cJSON.h>

#include "diag.h"

/* Checks the whole definition `doc` against every structural rule of
   asl-reference §1, §2, §4, §6.2, §6.3 and the field rules of §9, reporting
   each problem to d as `FILE: /JSON/Pointer: message` (errors, and warnings
   such as unreachable states). Returns the number of errors it reported.
   When it returns 0, the front end may rely on the document's shape. */
int asl_validate(const cJSON *doc, asl_diag *d);

/* What the operand of a Choice comparison operator must be. */
enum {
    ASL_OPERAND_STRING,    /* StringEquals ...: a string */
    ASL_OPERAND_PATTERN,   /* StringMatches: a string with only \* and \\ escapes */
    ASL_OPERAND_NUMBER,    /* Numeric...: a number */
    ASL_OPERAND_BOOLEAN,   /* BooleanEquals, Is...: true or false */
    ASL_OPERAND_TIMESTAMP, /* Timestamp...: an RFC 3339 string */
    ASL_OPERAND_PATH       /* ...Path forms: a Path */
};

/* A Choice comparison operator as written in a rule. */
typedef struct asl_choice_op {
    const char *name;      /* "NumericLessThanPath" */
    int op;                /* ASLRT_OP_NUMERIC_LT */
    int operand;           /* ASL_OPERAND_* */
} asl_choice_op;

/* The comparison operator called `name`, or NULL (And/Or/Not are not
   comparison operators). */
const asl_choice_op *asl_choice_op_find(const char *name);

/* The comparison operator names, for "did you mean"; *n receives the count. */
const asl_choice_op *asl_choice_ops(int *n);

#endif
