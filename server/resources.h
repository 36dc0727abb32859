/* resources.h — what several handlers need of the resources they name: a state machine looked
   up (or StateMachineDoesNotExist), tags checked as AWS checks them, configurations in the
   form Describe* answers with. */
#ifndef SRV_RESOURCES_H
#define SRV_RESOURCES_H

#include <cjson/cJSON.h>

#include "srv.h"

/* The machine or version at arn (already checked as a state machine ARN) into *out; -1 with
   StateMachineDoesNotExist in e when there is none. */
int srv_machine_get(srv *s, const char *arn, srv_sm *out, srv_err *e);

/* The activity at arn (already checked as an activity ARN) into *out; -1 with
   ActivityDoesNotExist in e when there is none. */
int srv_activity_get(srv *s, const char *arn, srv_activity *out, srv_err *e);

/* Ends the transaction a handler began with srv_store_begin: commits when rc is 0 (a failed
   commit becomes srv_fail_store's error), rolls back otherwise. Returns the handler's outcome:
   `return srv_transaction_end(s, rc, e);`. */
int srv_transaction_end(srv *s, int rc, srv_err *e);

/* The members of a tag list (a request's "tags", at member `where`): each key 1 to 128
   characters, each value at most 256, both of Unicode letters, digits, white space and
   _ . : / = + - @. 0, or -1 with ValidationException in e. */
int srv_tags_check(const cJSON *tags, const char *where, srv_err *e);
/* Adds tags to the resource at arn unless it would then have more than 50 (TooManyTags). */
int srv_tags_add(srv *s, const char *arn, const cJSON *tags, srv_err *e);

/* loggingConfiguration as stored (JSON text, malloc'd), with AWS's defaults filled in (level
   OFF, includeExecutionData false); NULL and InvalidLoggingConfiguration in e when it asks for
   logs without exactly one destination. in may be NULL (the defaults). */
char *srv_logging_text(const cJSON *in, srv_err *e);
/* tracingConfiguration as stored ({"enabled": false} by default). */
char *srv_tracing_text(const cJSON *in);
/* encryptionConfiguration as stored, or NULL (AWS-owned key) when in is NULL; NULL and
   InvalidEncryptionConfiguration in e when a customer managed key has no kmsKeyId. */
char *srv_encryption_text(const cJSON *in, int *failed, srv_err *e);

/* Publishes the machine's current revision as its next version (number never reused), created
   at now with description (may be NULL): *version_arn (malloc'd) and *created. A revision
   already published as the newest version is not published again: that version is the answer,
   as AWS's idempotency has it. Call it inside a transaction that also read *machine. */
int srv_version_publish(srv *s, const srv_sm *machine, const char *description, double now, char **version_arn,
                        double *created, srv_err *e);

/* Whether two texts are equal, NULL equal only to NULL. */
int srv_same_text(const char *a, const char *b);

/* A new revision ID (a UUID, malloc'd). */
char *srv_new_revision(void);

#endif
