/* retry.h — Retry (asl-reference §6.2). */
#ifndef ASLRT_RETRY_H
#define ASLRT_RETRY_H

#include "exec.h"

/* The retries one entry into a state has made, one count per retrier:
   most states have few retriers, which need no allocation. */
typedef struct aslrt_retries {
    int *counts;
    int small[8];
} aslrt_retries;

void aslrt_retries_init(aslrt_retries *r, const aslrt_state *st);
void aslrt_retries_free(aslrt_retries *r);

/* After a failed attempt of st: when the error may be retried at all (not
   States.Runtime) and the first retrier whose ErrorEquals takes it has
   retries left, waits its (backed-off, capped, jittered) interval, counts
   the retry in r and returns 1; otherwise returns 0 and leaves the error. */
int aslrt_retry(aslrt_exec *ex, const aslrt_state *st, aslrt_retries *r);

#endif
