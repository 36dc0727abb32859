/* exec.h — the execution record every runtime module works on (internal). */
#ifndef ASLRT_EXEC_H
#define ASLRT_EXEC_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "aslrt.h"

/* Run options shared by `aslc run` and built executables (design.md). */
typedef struct aslrt_options {
    const char *input_file;   /* --input; NULL: stdin if not a tty, else {} */
    const char *name;         /* --name: $$.Execution.Name */
    int no_wait;              /* --no-wait */
    double time_scale;        /* --time-scale (1.0 by default) */
    const char *history_file; /* --history */
    int trace;                /* --trace */
    const char *mock_config;  /* --mock-config */
    const char *test_case;    /* --test-case */
    const char *bindings;     /* --bindings */
} aslrt_options;

/* What all branches of one execution share. */
typedef struct aslrt_run {
    const aslrt_program *program;
    aslrt_options opt;
    cJSON *input;             /* the execution input ($$.Execution.Input) */
    char *name;               /* execution name */
    char *execution_id;       /* arn:aws:states:...:execution:<sm>:<name> */
    char *state_machine_id;   /* arn:aws:states:...:stateMachine:<sm> */
    char start_time[40];      /* ISO 8601, ms, trailing zeros trimmed */
    long last_event_id;       /* history event ids, counted even without --history */
    struct aslrt_mock *mock;  /* --mock-config/--test-case, or NULL */
} aslrt_run;

struct aslrt_exec {
    aslrt_run *run;
    const aslrt_state *state; /* the state being executed */
    long entered_event_id;    /* id of its StateEntered event */
    double entered_at;        /* when it was entered (seconds since the epoch) */
    int retry_count;          /* $$.State.RetryCount; -1: absent (Pass, Choice, ...) */
    const cJSON *map_item;    /* $$.Map.Item.Value while evaluating ItemSelector, else NULL */
    long map_index;           /* $$.Map.Item.Index */
    cJSON *context;           /* $$, built when first asked for in this state; NULL until then */
    char *error;              /* set when a call returned -1 or NULL */
    char *cause;              /* NULL: the error has no cause */
};

/* Sets ex's error (copying both strings; cause may be NULL) and returns -1. */
int aslrt_error_set(aslrt_exec *ex, const char *name, const char *cause);
/* The same with a printf-style cause. */
int aslrt_error_setf(aslrt_exec *ex, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* States.Runtime with AWS's prefix naming the state and the id of its
   StateEntered event: "An error occurred while executing the state 'S'
   (entered at the event id #N). <detail>". Returns -1. */
int aslrt_runtime_error(aslrt_exec *ex, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void aslrt_error_clear(aslrt_exec *ex);
/* Does ErrorEquals list `errors` (n names) take the error `name`? States.ALL
   takes all but States.Runtime and States.DataLimitExceeded; States.TaskFailed
   all of those but States.Timeout. */
int aslrt_error_matches(const char *const *errors, int n, const char *name);

/* The context object ($$) as seen by the current state: borrowed, valid
   until the state is left. */
const cJSON *aslrt_context(aslrt_exec *ex);

/* Entering and leaving a state: context, history event ids, trace. */
void aslrt_state_enter(aslrt_exec *ex, const aslrt_state *st);
void aslrt_state_exit(aslrt_exec *ex, const aslrt_state *st, const cJSON *output);

/* Waits `seconds` of workflow time, as --no-wait and --time-scale say. */
void aslrt_sleep(aslrt_exec *ex, double seconds);

/* Counts (and, with --history, records) one history event; returns its id. */
long aslrt_event(aslrt_exec *ex, const char *type);

/* Compact JSON text of v, malloc'd (never NULL: aborts on out of memory). */
char *aslrt_json_text(const cJSON *v);

/* Out of memory: print one line and abort. */
void *aslrt_xmalloc(size_t n);
char *aslrt_xstrdup(const char *s);
/* Checks a cJSON allocation result: aborts on NULL. */
cJSON *aslrt_xjson(cJSON *v);

#endif
