/* aslrt.h — the ABI between generated code (and the interpreter) and libaslrt.
 *
 * This header is compiled with every executable `aslc build` makes, by cc or
 * libtcc, so it is plain C99 with no includes: it declares the cJSON node
 * layout itself when <cjson/cJSON.h> has not been included first
 * (runtime/abi_check.c verifies the two agree). The JIT hands libtcc only
 * the part its code needs (compiler/jit.c, checked against this file).
 *
 * It is an interface, not the header of one file: what it declares is
 * defined across the runtime (states.c, task/task.c, catch.c, ...), and each
 * of those files has its own internal header for what else it offers.
 *
 * A compiled state machine is static data plus gotos.  The compiler turns each
 * definition into the descriptor types below (aslrt_path, aslrt_tmpl,
 * aslrt_rule, aslrt_state, aslrt_machine, aslrt_program).  Generated C holds
 * them as `static const` initializers; interp mode holds the same structs in
 * the compiler's arena.  Either way the runtime reads them and never frees or
 * changes them.
 *
 * Ownership of cJSON documents, one rule for every function here:
 *   const cJSON *  parameter  borrowed: read, no pointer kept.
 *   cJSON *        parameter  taken, on failure as on success.
 *   cJSON **       parameter  the caller's document, in and out: the callee may
 *                             replace *v (freeing the old one); on an error *v
 *                             is still the state's raw input.
 *   cJSON *        result     owned by the caller.  const cJSON * result:
 *                             borrowed from an argument.
 *   NULL or -1     result     an ASL error, whose name and cause are in the
 *                             aslrt_exec (see aslrt_error_name()).
 */
#ifndef ASLRT_H
#define ASLRT_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef cJSON__h
/* Same layout as cJSON 1.7's `struct cJSON`, so that generated code can hold
   literal JSON as static trees without parsing it at start-up. */
typedef struct cJSON {
    struct cJSON *next;
    struct cJSON *prev;
    struct cJSON *child;
    int type;
    char *valuestring;
    int valueint;
    double valuedouble;
    char *string;
} cJSON;
#endif

/* cJSON's type bits, under our names (abi_check.c asserts they match). */
#define ASLRT_J_FALSE  (1 << 0)
#define ASLRT_J_TRUE   (1 << 1)
#define ASLRT_J_NULL   (1 << 2)
#define ASLRT_J_NUMBER (1 << 3)
#define ASLRT_J_STRING (1 << 4)
#define ASLRT_J_ARRAY  (1 << 5)
#define ASLRT_J_OBJECT (1 << 6)
#define ASLRT_J_CONST  512     /* cJSON_StringIsConst: `string` is not ours to free */

#define ASLRT_ABI_VERSION 1

/* One execution (or one Parallel branch / Map iteration running inside it).
   Opaque: generated code only passes it along. */
typedef struct aslrt_exec aslrt_exec;

/* ---------------------------------------------------------------- paths */

/* Where a path starts. */
enum {
    ASLRT_ROOT_INPUT,   /* $     the value the path is applied to */
    ASLRT_ROOT_CONTEXT, /* $$    the context object */
    ASLRT_ROOT_VAR,     /* $name a variable */
    ASLRT_ROOT_CURRENT  /* @     the node a filter is testing */
};

/* One step of a JSONPath. */
enum {
    ASLRT_STEP_FIELD,    /* .name or ['name'] */
    ASLRT_STEP_INDEX,    /* [n]; negative counts from the end */
    ASLRT_STEP_SLICE,    /* [start:end:step] */
    ASLRT_STEP_WILDCARD, /* .* or [*] */
    ASLRT_STEP_DESCEND,  /* ..name (name NULL: ..*) */
    ASLRT_STEP_UNION,    /* ['a','b'] or [0,2]: `items` are FIELD or INDEX steps */
    ASLRT_STEP_FILTER    /* [?(expr)] */
};

/* Slice bounds that were left out. */
#define ASLRT_SLICE_NO_START 1
#define ASLRT_SLICE_NO_END   2

struct aslrt_filter;

typedef struct aslrt_step {
    int kind;                          /* ASLRT_STEP_* */
    const char *name;                  /* FIELD, DESCEND */
    int index;                         /* INDEX */
    int start, end, step, flags;       /* SLICE; flags: ASLRT_SLICE_* */
    int nitems;                        /* UNION */
    const struct aslrt_step *items;    /* UNION */
    const struct aslrt_filter *filter; /* FILTER */
} aslrt_step;

typedef struct aslrt_path {
    const char *text;        /* as written in the definition, for causes */
    int root;                /* ASLRT_ROOT_* */
    const char *var;         /* ROOT_VAR: the variable's name */
    int definite;            /* 1: selects at most one node and yields it;
                                0: yields an array of matches ([] for none) */
    int nsteps;
    const aslrt_step *steps;
} aslrt_path;

/* Filter expressions inside [?( )]. */
enum {
    ASLRT_FILTER_EXISTS, /* [?(@.x)]: `lhs` selects something */
    ASLRT_FILTER_EQ, ASLRT_FILTER_NE, ASLRT_FILTER_LT,
    ASLRT_FILTER_LE, ASLRT_FILTER_GT, ASLRT_FILTER_GE,
    ASLRT_FILTER_AND, ASLRT_FILTER_OR, ASLRT_FILTER_NOT
};

typedef struct aslrt_filter {
    int op;                          /* ASLRT_FILTER_* */
    const aslrt_path *lhs;           /* comparisons, EXISTS */
    const aslrt_path *rhs_path;      /* comparison against another path, or */
    const cJSON *rhs;                /* against a literal */
    const struct aslrt_filter *a, *b; /* AND, OR (a, b); NOT (a) */
} aslrt_filter;

/* ------------------------------------------- payload templates and values */

/* A value computed at run time: a payload template (Parameters,
   ResultSelector, ItemSelector, Assign), an intrinsic call and its
   arguments, or the value of ErrorPath/CausePath. */
enum {
    ASLRT_T_LITERAL, /* `value`, copied into the result */
    ASLRT_T_PATH,    /* `path` applied to the template's input / context / variables */
    ASLRT_T_CALL,    /* intrinsic `fn` applied to `items` (its arguments) */
    ASLRT_T_OBJECT,  /* `items` are members, each with a `key` */
    ASLRT_T_ARRAY,   /* `items` are elements */
    ASLRT_T_JSONATA  /* a "{% expr %}" string in a JSONata state: `jx` evaluated with
                        $states; `text` the expression and `field` where it sits
                        ("Output/result"), both for causes */
};

struct jsonata_node;

typedef struct aslrt_tmpl {
    int kind;                      /* ASLRT_T_* */
    const char *key;               /* member of an OBJECT: output key (".$" stripped) */
    const char *field;             /* the key as written ("x.$"), for causes */
    const cJSON *value;            /* LITERAL */
    const aslrt_path *path;        /* PATH */
    int fn;                        /* CALL: ASLRT_FN_* */
    const char *text;              /* CALL: the call as written, for causes */
    int n;                         /* OBJECT, ARRAY, CALL: number of items */
    const struct aslrt_tmpl *items;
    const struct jsonata_node *jx;     /* JSONATA: the parsed expression */
    int flags;                     /* ASLRT_TF_*, decided at compile time (compiler/opt.c) */
} aslrt_tmpl;

/* aslrt_tmpl.flags */
#define ASLRT_TF_MOVE        1 /* PATH member of a Pass state's Parameters whose input dies with
                                  the state (ASLRT_MOVE_INPUT): no other path of the template reads
                                  its node, so it is moved out of the input instead of copied */
#define ASLRT_TF_UNIQUE_KEYS 2 /* OBJECT: the members' keys are pairwise distinct */
#define ASLRT_TF_CHECK       4 /* PATH, in a template with moves: evaluated after a member that
                                  moves, so it is looked up before anything moves (a path that
                                  finds nothing is an error quoting the input, which must be whole) */
#define ASLRT_TF_CHECKS      8 /* the root of such a template: some node has ASLRT_TF_CHECK */

/* Intrinsic functions, listed once: X(ID, name, impl, min, max, result, arg1, arg2, arg3, fold, errname)
     ID       the constant ASLRT_FN_<ID>
     name     as written in a definition
     impl     the implementation, fn_<impl> in runtime/intrinsics.c
     min max  how many arguments it takes; max -1: no limit
     result, arg1..arg3  static types, for the compiler's checks (compiler/intrinsic.c):
              STR NUM BOOL ARR OBJ ANY, and NONE past the fixed arguments (a variadic
              function's further arguments, like any past the third, may be anything)
     fold     a call whose arguments are all literals, at least `fold` of them, always
              gives the same value, so the optimizer computes it; -1: never
     errname  1: may compute a Fail state's ErrorPath or CausePath (AWS's list of the
              intrinsics that return a string)
   Adding an intrinsic is a line here and its fn_<impl> (plus, in compiler/intrinsic.c,
   any check of its arguments beyond their types). */
#define ASLRT_INTRINSICS(X) \
    X(FORMAT,          "States.Format",         format,          1, -1, STR,  STR,  ANY,  NONE,  0, 1) \
    X(STRING_TO_JSON,  "States.StringToJson",   string_to_json,  1,  1, ANY,  STR,  NONE, NONE,  0, 0) \
    X(JSON_TO_STRING,  "States.JsonToString",   json_to_string,  1,  1, STR,  ANY,  NONE, NONE,  0, 1) \
    X(ARRAY,           "States.Array",          array,           0, -1, ARR,  ANY,  NONE, NONE,  0, 0) \
    X(ARRAY_PARTITION, "States.ArrayPartition", array_partition, 2,  2, ARR,  ARR,  NUM,  NONE,  0, 0) \
    X(ARRAY_CONTAINS,  "States.ArrayContains",  array_contains,  2,  2, BOOL, ARR,  ANY,  NONE,  0, 0) \
    X(ARRAY_RANGE,     "States.ArrayRange",     array_range,     3,  3, ARR,  NUM,  NUM,  NUM,   0, 0) \
    X(ARRAY_GET_ITEM,  "States.ArrayGetItem",   array_get_item,  2,  2, ANY,  ARR,  NUM,  NONE,  0, 1) \
    X(ARRAY_LENGTH,    "States.ArrayLength",    array_length,    1,  1, NUM,  ARR,  NONE, NONE,  0, 0) \
    X(ARRAY_UNIQUE,    "States.ArrayUnique",    array_unique,    1,  1, ARR,  ARR,  NONE, NONE,  0, 0) \
    X(BASE64_ENCODE,   "States.Base64Encode",   base64_encode,   1,  1, STR,  STR,  NONE, NONE,  0, 1) \
    X(BASE64_DECODE,   "States.Base64Decode",   base64_decode,   1,  1, STR,  STR,  NONE, NONE,  0, 1) \
    X(HASH,            "States.Hash",           hash,            2,  2, STR,  STR,  STR,  NONE,  0, 1) \
    X(JSON_MERGE,      "States.JsonMerge",      json_merge,      3,  3, OBJ,  OBJ,  OBJ,  BOOL,  0, 0) \
    X(MATH_RANDOM,     "States.MathRandom",     math_random,     2,  3, NUM,  NUM,  NUM,  NUM,   3, 0) \
    X(MATH_ADD,        "States.MathAdd",        math_add,        2,  2, NUM,  NUM,  NUM,  NONE,  0, 0) \
    X(STRING_SPLIT,    "States.StringSplit",    string_split,    2,  2, ARR,  STR,  STR,  NONE,  0, 0) \
    X(UUID,            "States.UUID",           uuid,            0,  0, STR,  NONE, NONE, NONE, -1, 1)

enum {
#define ASLRT_FN_ENUM_(id, ...) ASLRT_FN_##id,
    ASLRT_INTRINSICS(ASLRT_FN_ENUM_)
#undef ASLRT_FN_ENUM_
    ASLRT_FN_COUNT
};
#define ASLRT_FN_UNKNOWN (-1) /* a States.<name>(...) call aslc does not know (check warned):
                                 running it fails with States.IntrinsicFailure */

/* ---------------------------------------------------------- choice rules */

/* The data tests of Choice rules (the comparison operators), listed once:
   X(ID, name, family, rel, operand, path, text)
     ID       the constant ASLRT_OP_<ID>
     name     as written in a rule
     family   the typed test that evaluates it: aslrt_test_<family>, below
     rel      how the Variable's value v relates to the operand w: EQ LT GT LE GE (v = w,
              v < w, ... in the family's order), MATCHES (v matches the pattern w); IS for a
              type test, whose operand says whether the type should be v's
              (runtime/choice.h's ASLRT_REL_<rel>)
     operand  what its literal operand must be (compiler/validate.h's ASL_OPERAND_<operand>)
     path     1: there is also a ...Path form ("StringEqualsPath"), whose operand is a path
     text     how it reads in `aslc graph` labels
   Adding an operator is a line here, plus its test if its family or relation is new. */
#define ASLRT_COMPARISONS(X) \
    X(STRING_EQ,      "StringEquals",               string,    EQ,      STRING,    1, "==") \
    X(STRING_LT,      "StringLessThan",             string,    LT,      STRING,    1, "<") \
    X(STRING_GT,      "StringGreaterThan",          string,    GT,      STRING,    1, ">") \
    X(STRING_LE,      "StringLessThanEquals",       string,    LE,      STRING,    1, "<=") \
    X(STRING_GE,      "StringGreaterThanEquals",    string,    GE,      STRING,    1, ">=") \
    X(STRING_MATCHES, "StringMatches",              string,    MATCHES, PATTERN,   0, "matches") \
    X(NUMERIC_EQ,     "NumericEquals",              numeric,   EQ,      NUMBER,    1, "==") \
    X(NUMERIC_LT,     "NumericLessThan",            numeric,   LT,      NUMBER,    1, "<") \
    X(NUMERIC_GT,     "NumericGreaterThan",         numeric,   GT,      NUMBER,    1, ">") \
    X(NUMERIC_LE,     "NumericLessThanEquals",      numeric,   LE,      NUMBER,    1, "<=") \
    X(NUMERIC_GE,     "NumericGreaterThanEquals",   numeric,   GE,      NUMBER,    1, ">=") \
    X(BOOLEAN_EQ,     "BooleanEquals",              boolean,   EQ,      BOOLEAN,   1, "==") \
    X(TIMESTAMP_EQ,   "TimestampEquals",            timestamp, EQ,      TIMESTAMP, 1, "==") \
    X(TIMESTAMP_LT,   "TimestampLessThan",          timestamp, LT,      TIMESTAMP, 1, "<") \
    X(TIMESTAMP_GT,   "TimestampGreaterThan",       timestamp, GT,      TIMESTAMP, 1, ">") \
    X(TIMESTAMP_LE,   "TimestampLessThanEquals",    timestamp, LE,      TIMESTAMP, 1, "<=") \
    X(TIMESTAMP_GE,   "TimestampGreaterThanEquals", timestamp, GE,      TIMESTAMP, 1, ">=") \
    X(IS_NULL,        "IsNull",                     type,      IS,      BOOLEAN,   0, "null") \
    X(IS_PRESENT,     "IsPresent",                  type,      IS,      BOOLEAN,   0, "present") \
    X(IS_NUMERIC,     "IsNumeric",                  type,      IS,      BOOLEAN,   0, "numeric") \
    X(IS_STRING,      "IsString",                   type,      IS,      BOOLEAN,   0, "string") \
    X(IS_BOOLEAN,     "IsBoolean",                  type,      IS,      BOOLEAN,   0, "boolean") \
    X(IS_TIMESTAMP,   "IsTimestamp",                type,      IS,      BOOLEAN,   0, "timestamp")

enum {
    ASLRT_OP_AND, ASLRT_OP_OR, ASLRT_OP_NOT, /* And, Or, Not: the rules in `sub` */
#define ASLRT_OP_ENUM_(id, ...) ASLRT_OP_##id,
    ASLRT_COMPARISONS(ASLRT_OP_ENUM_)
#undef ASLRT_OP_ENUM_
    ASLRT_OP_COUNT
};

typedef struct aslrt_rule {
    int op;                         /* ASLRT_OP_* */
    const aslrt_path *variable;     /* data tests: the Variable */
    const cJSON *operand;           /* literal operand (Is*: true/false) */
    const aslrt_path *operand_path; /* the ...Path form's operand */
    int n;                          /* AND, OR: number of sub-rules; NOT: 1 */
    const struct aslrt_rule *sub;
    int next;                       /* top-level rules: target state index */
    const aslrt_tmpl *assign;       /* top-level rules: Assign, used when the rule matches */
    const aslrt_tmpl *output;       /* JSONata top-level rules: Output, likewise */
    const aslrt_tmpl *condition;    /* JSONata rules: Condition (a JSONATA or LITERAL node) */
} aslrt_rule;

/* ---------------------------------------------------------------- states */

/* The state types, listed once: X(ID, name, fn): the constant ASLRT_<ID>, the
   "Type" as written (and AWS's history events, <name>StateEntered, ...), and
   aslrt_<fn>_state, the call that runs one (below; aslrt_abi.def lists it for
   the JIT). */
#define ASLRT_STATE_TYPES(X) \
    X(PASS,     "Pass",     pass) \
    X(TASK,     "Task",     task) \
    X(CHOICE,   "Choice",   choice) \
    X(WAIT,     "Wait",     wait) \
    X(SUCCEED,  "Succeed",  succeed) \
    X(FAIL,     "Fail",     fail) \
    X(PARALLEL, "Parallel", parallel) \
    X(MAP,      "Map",      map)

enum {
#define ASLRT_STATE_ENUM_(id, ...) ASLRT_##id,
    ASLRT_STATE_TYPES(ASLRT_STATE_ENUM_)
#undef ASLRT_STATE_ENUM_
    ASLRT_STATE_COUNT
};

/* aslrt_state.flags */
#define ASLRT_INPUT_PATH_NULL   1 /* InputPath: null  => effective input {} */
#define ASLRT_OUTPUT_PATH_NULL  2 /* OutputPath: null => output {} */
#define ASLRT_RESULT_PATH_NULL  4 /* ResultPath: null => output is the raw input */
#define ASLRT_HAS_SECONDS       8 /* Wait: `seconds` is set */
#define ASLRT_DISTRIBUTED      16 /* Map: ProcessorConfig.Mode DISTRIBUTED */
#define ASLRT_HAS_TOLERATED_COUNT      32 /* Map: ToleratedFailureCount[Path] given */
#define ASLRT_HAS_TOLERATED_PERCENTAGE 64 /* Map: ToleratedFailurePercentage[Path] given */
#define ASLRT_JSONATA         128 /* QueryLanguage JSONata: the JSONPath fields are unset and
                                     arguments (in `parameters`), output, *_expr apply */
#define ASLRT_MOVE_INPUT      256 /* Pass: the raw input dies with the state (ResultPath "$"),
                                     so its Parameters may move ASLRT_TF_MOVE members out of it */
#define ASLRT_BORROWS_INPUT   512 /* Pass: reads its input and replaces it with its result, never
                                     changing or keeping it, so a Parallel branch that starts
                                     with it may start on the Parallel's input, not a copy */
#define ASLRT_PLACEHOLDER    1024 /* Choice Choices / Map Items hold a template placeholder
                                     string (check warned): running the state fails with
                                     States.Runtime, `cause` saying so */
#define ASLRT_TAKES_ITEMS    2048 /* Map: the raw input dies with the state and nothing reads
                                     it after the items start (no Retry, no $ in ItemSelector,
                                     a Catch only to ResultPath "$"), so each item is taken out
                                     of the input when its iteration starts, not copied */

typedef struct aslrt_retrier {
    int nerrors;
    const char *const *errors;      /* ErrorEquals */
    double interval_seconds;        /* IntervalSeconds (default 1) */
    int max_attempts;               /* MaxAttempts (default 3) */
    double backoff_rate;            /* BackoffRate (default 2.0) */
    double max_delay_seconds;       /* MaxDelaySeconds; 0: none */
    int jitter_full;                /* JitterStrategy FULL */
} aslrt_retrier;

typedef struct aslrt_catcher {
    int nerrors;
    const char *const *errors;      /* ErrorEquals */
    const aslrt_path *result_path;  /* NULL: "$" */
    int result_path_null;           /* ResultPath: null */
    int next;                       /* target state index */
    const aslrt_tmpl *assign;       /* Assign ($ / $states.errorOutput: the error output) */
    const aslrt_tmpl *output;       /* JSONata: Output, else the error output */
} aslrt_catcher;

struct aslrt_machine;

/* Distributed Map: where the items come from (ItemReader). */
typedef struct aslrt_item_reader {
    const char *resource;           /* arn:aws:states:::s3:getObject | s3:listObjectsV2 */
    const aslrt_tmpl *parameters;   /* Parameters (Bucket, Key, Prefix), or NULL */
    const cJSON *reader_config;     /* ReaderConfig as written (literal), or NULL */
    const aslrt_path *max_items_path; /* ReaderConfig.MaxItemsPath, or NULL */
} aslrt_item_reader;

/* Distributed Map: items grouped into one child input (ItemBatcher). */
typedef struct aslrt_item_batcher {
    int max_items;                  /* MaxItemsPerBatch; 0: not given */
    const aslrt_path *max_items_path;
    int max_bytes;                  /* MaxInputBytesPerBatch; 0: not given */
    const aslrt_path *max_bytes_path;
    const aslrt_tmpl *batch_input;  /* BatchInput, or NULL */
} aslrt_item_batcher;

/* Distributed Map: where the results go (ResultWriter). */
typedef struct aslrt_result_writer {
    const char *resource;           /* arn:aws:states:::s3:putObject; NULL: WriterConfig only */
    const aslrt_tmpl *parameters;   /* Parameters (Bucket, Prefix), or NULL */
    const cJSON *writer_config;     /* WriterConfig as written (literal), or NULL */
} aslrt_result_writer;

typedef struct aslrt_state {
    const char *name;
    int type;                       /* ASLRT_PASS ... */
    int flags;                      /* ASLRT_*_NULL, ASLRT_HAS_*, ASLRT_DISTRIBUTED */
    int next;                       /* index of Next in this machine; -1: End */

    /* JSONPath data flow; a NULL path means "$" unless a *_NULL flag is set. */
    const aslrt_path *input_path;
    const aslrt_tmpl *parameters;
    const aslrt_tmpl *result_selector;
    const aslrt_path *result_path;
    const aslrt_path *output_path;

    const cJSON *result;            /* Pass: Result */

    /* Choice */
    int nrules;
    const aslrt_rule *rules;
    int default_next;               /* -1: no Default */

    /* Wait */
    double seconds;                 /* Seconds (with ASLRT_HAS_SECONDS) */
    const aslrt_path *seconds_path;
    const char *timestamp;          /* Timestamp, as written */
    const aslrt_path *timestamp_path;

    /* Fail: literal strings, or a path / intrinsic call */
    const char *error;
    const char *cause;
    const aslrt_tmpl *error_path;
    const aslrt_tmpl *cause_path;

    /* Task */
    const char *resource;
    double timeout_seconds;         /* 0: none */
    const aslrt_path *timeout_seconds_path;
    double heartbeat_seconds;       /* 0: none */
    const aslrt_path *heartbeat_seconds_path;

    /* Task, Parallel, Map */
    int nretry;
    const aslrt_retrier *retry;
    int ncatch;
    const aslrt_catcher *catchers;

    /* Parallel: branches; Map: branches[0] is the item processor */
    int nbranches;
    const struct aslrt_machine *const *branches;
    const aslrt_path *items_path;   /* Map: ItemsPath */
    const aslrt_tmpl *item_selector;/* Map: ItemSelector (or Parameters) */
    int max_concurrency;            /* Map: 0 = unlimited */
    const aslrt_path *max_concurrency_path;
    /* Map: failure tolerance (flags ASLRT_HAS_TOLERATED_*) and the
       distributed mode's fields (flag ASLRT_DISTRIBUTED) */
    double tolerated_failure_count;
    const aslrt_path *tolerated_failure_count_path;
    double tolerated_failure_percentage;
    const aslrt_path *tolerated_failure_percentage_path;
    const aslrt_item_reader *item_reader;
    const aslrt_item_batcher *item_batcher;
    const aslrt_result_writer *result_writer;
    const char *label;              /* Label, or NULL */

    /* Variables (asl-reference §8) and JSONata (§9). Assign is a payload
       template in JSONPath states and a template with JSONATA leaves in
       JSONata ones. In JSONata states `parameters` holds Arguments (Task,
       Parallel), `item_selector` the ItemSelector, and the item reader,
       batcher and writer templates their Arguments / BatchInput; the
       fields below hold what has no JSONPath counterpart. A *_expr, when
       set, is evaluated and replaces the literal field. */
    const aslrt_tmpl *assign;       /* Assign, or NULL */
    const aslrt_tmpl *output;       /* JSONata Output, or NULL */
    const aslrt_tmpl *items;        /* Map: JSONata Items, or NULL (the input) */
    const aslrt_tmpl *seconds_expr;     /* Wait Seconds */
    const aslrt_tmpl *timestamp_expr;   /* Wait Timestamp */
    const aslrt_tmpl *timeout_seconds_expr;   /* Task TimeoutSeconds */
    const aslrt_tmpl *heartbeat_seconds_expr; /* Task HeartbeatSeconds */
    const aslrt_tmpl *max_concurrency_expr;   /* Map MaxConcurrency */
    const aslrt_tmpl *tolerated_failure_count_expr;      /* Map ToleratedFailureCount */
    const aslrt_tmpl *tolerated_failure_percentage_expr; /* Map ToleratedFailurePercentage */
    const aslrt_tmpl *error_expr;       /* Fail Error */
    const aslrt_tmpl *cause_expr;       /* Fail Cause */
} aslrt_state;

/* A state machine: the top level, a Parallel branch or a Map item processor.
   `run` executes it on *v: generated code points it at the machine's C
   function, interp mode at the interpreter. */
typedef struct aslrt_machine {
    int (*run)(aslrt_exec *ex, const struct aslrt_machine *m, cJSON **v);
    int start;                      /* index of StartAt */
    int nstates;
    const aslrt_state *states;
    const void *ir;                 /* interp mode: the compiler's IR */
} aslrt_machine;

/* What a compiled definition exports (generated code: `aslg_program`). */
typedef struct aslrt_program {
    int abi_version;                /* ASLRT_ABI_VERSION */
    const char *name;               /* state machine name (file stem) */
    const char *file;               /* definition file, as given */
    const aslrt_machine *main;
    double timeout_seconds;         /* top-level TimeoutSeconds; 0: none */
} aslrt_program;

/* ------------------------------------------------- calls from generated code
   Each state function enters the state (context, history, trace), does its
   work with Retry inside, and returns 0 or, on an ASL error, -1. */
int aslrt_pass_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);
int aslrt_wait_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);
int aslrt_succeed_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);
int aslrt_fail_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);
int aslrt_task_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);
int aslrt_parallel_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);
int aslrt_map_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);

/* Choice: the index of the first matching rule, st->nrules for Default, -1
   on an error (States.NoChoiceMatched, States.Runtime). */
int aslrt_choice_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v);

/* A JSONPath Choice state as C (generated code; aslrt_choice_state does
   the same with the rules as data): enter the state, test each rule's
   condition with the typed tests below, combined with &&, || and ! as And,
   Or and Not say, then leave with the index of the rule that matched
   (st->nrules: Default). Entering returns -1 as any state does; leaving
   returns -1 with States.NoChoiceMatched when nothing matched and there is
   no Default (or on an error of OutputPath or Assign), else the index.
   The state has no InputPath: the rules read *v. */
int aslrt_choice_enter(aslrt_exec *ex, const aslrt_state *st, const cJSON *v);
int aslrt_choice_leave(aslrt_exec *ex, const aslrt_state *st, cJSON **v, int matched);

/* Data tests of Choice rules, by comparison family: 1 when rule r (a data
   test of that family) holds for `input`, 0 when it does not, -1 with
   States.Runtime when its Variable or ...Path operand selects nothing. */
int aslrt_test_numeric(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input);   /* Numeric* */
int aslrt_test_string(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input);    /* String*, StringMatches */
int aslrt_test_boolean(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input);   /* BooleanEquals* */
int aslrt_test_timestamp(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input); /* Timestamp* */
int aslrt_test_type(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input);      /* Is* */

/* After a state function failed: the index of the catcher that takes the
   error (its ResultPath applied to *v), or -1 when none does. */
int aslrt_catch(aslrt_exec *ex, const aslrt_state *st, cJSON **v);

/* Runs a compiled program as a command: parses run options from argv, reads
   the input, prints the output; returns the exit status of design.md. */
int aslrt_main(int argc, char **argv, const aslrt_program *p);

#ifdef __cplusplus
}
#endif
#endif
