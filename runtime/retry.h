/* retry.h — Retry (asl-reference §6.2). */
#ifndef ASLRT_RETRY_H
#define ASLRT_RETRY_H

#include "exec.h"

/* After a failed attempt of st: when the first retrier whose ErrorEquals
   takes ex's error has retries left, waits its (backed-off, capped,
   jittered) interval, counts the retry in counts[] (one per retrier, zeroed
   on state entry) and returns 1; otherwise returns 0 and leaves the error. */
int aslrt_retry(aslrt_exec *ex, const aslrt_state *st, int *counts);

#endif
