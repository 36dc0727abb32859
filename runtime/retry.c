/* retry.c — Retry: the first matching retrier decides; once it has used its
   MaxAttempts, later retriers are not consulted. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catch.h"
#include "random.h"
#include "retry.h"
#include "signals.h"

/* Uniform in [0, 1), for JitterStrategy FULL. */
static double random_unit(void)
{
    uint64_t x;
    aslrt_random_bytes(&x, sizeof x);
    return (double)(x >> 11) / 9007199254740992.0;
}

void aslrt_retries_init(aslrt_retries *r, const aslrt_state *st)
{
    size_t n = st->nretry > 8 ? (size_t)st->nretry : 8;
    r->counts = n > 8 ? aslrt_xmalloc(n * sizeof *r->counts) : r->small;
    memset(r->counts, 0, n * sizeof *r->counts);
}

void aslrt_retries_free(aslrt_retries *r)
{
    if (r->counts != r->small)
        free(r->counts);
}

int aslrt_retry(aslrt_exec *ex, const aslrt_state *st, aslrt_retries *rs)
{
    if (aslrt_error_uncatchable(ex->error) || aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE)
        return 0; /* States.Runtime, or the execution is being aborted or timed out */
    int *counts = rs->counts;
    for (int i = 0; i < st->nretry; i++) {
        const aslrt_retrier *r = &st->retry[i];
        if (!aslrt_error_matches(r->errors, r->nerrors, ex->error))
            continue;
        if (counts[i] >= r->max_attempts)
            return 0;
        double delay = r->interval_seconds * pow(r->backoff_rate, counts[i]);
        if (r->max_delay_seconds > 0 && delay > r->max_delay_seconds)
            delay = r->max_delay_seconds;
        if (r->jitter_full)
            delay *= random_unit();
        counts[i]++;
        ex->retry_count++;
        if (ex->context) { /* $$.State.RetryCount changed */
            cJSON_Delete(ex->context);
            ex->context = NULL;
        }
        aslrt_sleep(ex, delay);
        return 1;
    }
    return 0;
}
