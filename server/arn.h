/* arn.h — Step Functions ARNs, AWS's name rules and pagination tokens. */
#ifndef SRV_ARN_H
#define SRV_ARN_H

#include <stddef.h>

/* What an ARN names (arn:PARTITION:states:REGION:ACCOUNT:RESOURCE...). */
typedef enum srv_arn_kind {
    SRV_ARN_STATE_MACHINE, /* stateMachine:NAME */
    SRV_ARN_VERSION,       /* stateMachine:NAME:N (N a positive decimal) */
    SRV_ARN_ALIAS,         /* stateMachine:NAME:ALIAS */
    SRV_ARN_ACTIVITY,      /* activity:NAME */
    SRV_ARN_EXECUTION,     /* execution:MACHINE:NAME (or MACHINE:N / MACHINE:ALIAS qualified) */
    SRV_ARN_EXPRESS,       /* express:MACHINE:NAME:ID, an EXPRESS execution */
    SRV_ARN_MAP_RUN        /* mapRun:MACHINE/LABEL:ID */
} srv_arn_kind;

#define SRV_NAME_MAX 80

/* The parts of a parsed ARN; each a NUL-terminated copy. */
typedef struct srv_arn {
    srv_arn_kind kind;
    char region[64], account[64];
    char name[SRV_NAME_MAX * 4 + 1];      /* the machine's or the activity's name */
    char qualifier[SRV_NAME_MAX * 4 + 1]; /* a version number or alias name; "" when none */
    char rest[512];                       /* after the machine: an execution's name (and an
                                             express ID, a map run's label and ID) */
    long version;                         /* SRV_ARN_VERSION: N */
} srv_arn;

/* Parses text into *a. Returns NULL, or why it is not a Step Functions ARN ("Invalid ARN prefix",
   as AWS's InvalidArn message words it: "Invalid Arn: 'WHY: TEXT'"), a static string. */
const char *srv_arn_parse(const char *text, srv_arn *a);

/* ARNs built from their parts (malloc'd). */
char *srv_arn_state_machine(const char *region, const char *account, const char *name);
char *srv_arn_activity(const char *region, const char *account, const char *name);
/* machine_arn:N, machine_arn:ALIAS */
char *srv_arn_qualified(const char *machine_arn, const char *qualifier);
/* The machine's ARN of a version's or an alias' (malloc'd), or NULL when arn is neither. */
char *srv_arn_unqualified(const char *arn);

/* AWS's rule for the names of state machines, executions and activities (1 to 80 characters;
   no white space, brackets < > { } [ ], wildcards ? *, special characters " # % \ ^ | ~ ` $ & ,
   ; : /, control characters, and valid UTF-8). NULL when name is valid, else why not. */
const char *srv_name_problem(const char *name);

/* An alias name: 1 to 80 of [a-zA-Z0-9_.-], not all digits (so it cannot be a version number). */
int srv_alias_name_ok(const char *name);

/* Pagination tokens: opaque to clients, they carry the key after which the next page starts
   and the operation they belong to. srv_token_make's result is malloc'd; srv_token_read returns
   the key (malloc'd) or NULL when the token is not one srv_token_make made for scope. */
char *srv_token_make(const char *scope, const char *key);
char *srv_token_read(const char *scope, const char *token);

#endif
