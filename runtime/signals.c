/* signals.c — ending an execution early, and waits that notice it.
 *
 * Two things end an execution before its states do: SIGINT/SIGTERM (it is
 * aborted: exit 4) and the top-level TimeoutSeconds (it times out: exit 3).
 * Neither may just exit(): child processes must be stopped and every
 * document freed, so the execution unwinds through its ordinary error path.
 *
 * A signal handler can do almost nothing safely, so ours stores the signal
 * in an atomic and writes one byte to a pipe that is never drained while
 * the execution runs. Everything that blocks (Wait states and retry
 * intervals here, exec handlers, HTTP requests) polls that pipe beside what
 * it waits for, so one signal wakes every thread, Parallel branches
 * included. The timeout needs no timer: it is a deadline that bounds every
 * wait. State entry, Retry and Catch ask aslrt_stop_check()/
 * aslrt_stop_reason(), so a stopping execution runs no further state and
 * catches nothing on its way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"
#include "signals.h"
#include "timestamp.h"

/* A Parallel branch or Map iteration learns that a sibling failed by
   looking (no descriptor wakes it): how often a wait looks, at most. */
#define CANCEL_POLL_MS 50

/* Process-wide, because signals are: the signal received (0: none) and the
   pipe the handler writes to. */
atomic_int aslrt_signal_received;
static int g_wake[2] = {-1, -1};
static struct sigaction g_old_int, g_old_term, g_old_pipe;

/* Async-signal-safe: an atomic store and a write(2). */
static void on_signal(int sig)
{
    int saved = errno;
    atomic_store(&aslrt_signal_received, sig);
    if (g_wake[1] >= 0) {
        char c = 1;
        ssize_t n = write(g_wake[1], &c, 1);
        (void)n; /* the pipe being full already wakes everyone */
    }
    errno = saved;
}

void aslrt_stop_begin(aslrt_run *run)
{
    atomic_store(&run->stop, ASLRT_STOP_NONE);
    run->deadline = run->program && run->program->timeout_seconds > 0
                        ? aslrt_now() + run->program->timeout_seconds : 0;
    atomic_store(&aslrt_signal_received, 0);
    if (g_wake[0] < 0 && pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        g_wake[0] = g_wake[1] = -1; /* waits poll every 100 ms instead (aslrt_stop_poll_ms) */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &g_old_int);
    sigaction(SIGTERM, &sa, &g_old_term);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &g_old_pipe);
}

void aslrt_stop_end(aslrt_run *run)
{
    (void)run;
    sigaction(SIGINT, &g_old_int, NULL);
    sigaction(SIGTERM, &g_old_term, NULL);
    sigaction(SIGPIPE, &g_old_pipe, NULL);
    if (g_wake[0] >= 0) {
        close(g_wake[0]);
        close(g_wake[1]);
        g_wake[0] = g_wake[1] = -1;
    }
}

int aslrt_stop_reason(aslrt_run *run)
{
    int r = atomic_load_explicit(&run->stop, memory_order_relaxed);
    if (r != ASLRT_STOP_NONE)
        return atomic_load(&run->stop);
    if (run->deadline <= 0 && atomic_load_explicit(&aslrt_signal_received, memory_order_relaxed) == 0)
        return ASLRT_STOP_NONE; /* every state asks, twice: the common case costs two loads */
    if (atomic_load(&aslrt_signal_received) != 0)
        r = ASLRT_STOP_ABORTED;
    else if (run->deadline > 0 && aslrt_now() >= run->deadline)
        r = ASLRT_STOP_TIMED_OUT;
    else
        return ASLRT_STOP_NONE;
    int none = ASLRT_STOP_NONE;
    atomic_compare_exchange_strong(&run->stop, &none, r);
    return atomic_load(&run->stop);
}

int aslrt_stop_check(aslrt_exec *ex)
{
    switch (aslrt_stop_reason(ex->run)) {
    case ASLRT_STOP_NONE:
        /* A Parallel branch or Map iteration whose sibling failed stops
           too, with an error no catcher takes (pool.h). */
        if (aslrt_cancelled(ex))
            return aslrt_error_set(ex, "States.Runtime",
                                   "The branch was cancelled: another branch of its Parallel or Map state failed.");
        return 0;
    case ASLRT_STOP_TIMED_OUT: /* AWS: ExecutionTimedOut, States.Timeout without a cause */
        return aslrt_error_set(ex, "States.Timeout", NULL);
    default:
        return aslrt_error_set(ex, ASLRT_ERR_ABORTED, "The execution was aborted by a signal.");
    }
}

int aslrt_stop_signal(void)
{
    return atomic_load(&aslrt_signal_received);
}

int aslrt_stop_fd(void)
{
    return g_wake[0];
}

int aslrt_stop_poll_ms(const aslrt_run *run, double until)
{
    double limit = until, most = g_wake[0] >= 0 ? 3600 * 1000.0 : 100.0;
    if (run->deadline > 0 && (limit <= 0 || run->deadline < limit))
        limit = run->deadline;
    if (limit <= 0)
        return (int)most;
    double ms = ceil((limit - aslrt_now()) * 1000.0);
    if (!(ms > 0))
        return 0;
    return ms > most ? (int)most : (int)ms;
}

int aslrt_sleep_until(aslrt_exec *ex, double until)
{
    int rc;
    aslrt_pool_blocking(ex, 1); /* another branch may use the CPU meanwhile */
    for (;;) {
        if (aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE || aslrt_cancelled(ex)) {
            rc = 1;
            break;
        }
        if (aslrt_now() >= until) {
            rc = 0;
            break;
        }
        int ms = aslrt_stop_poll_ms(ex->run, until);
        if (ex->cancel && ms > CANCEL_POLL_MS)
            ms = CANCEL_POLL_MS;
        struct pollfd p = {.fd = g_wake[0], .events = POLLIN};
        poll(&p, p.fd >= 0 ? 1 : 0, ms);
    }
    aslrt_pool_blocking(ex, 0);
    return rc;
}

/* Wait states and retry intervals: `seconds` of workflow time, skipped by
   --no-wait and scaled by --time-scale, cut short by an abort or timeout. */
void aslrt_sleep(aslrt_exec *ex, double seconds)
{
    const aslrt_options *o = &ex->run->opt;
    if (o->no_wait || !(seconds > 0) || !(o->time_scale > 0))
        return;
    aslrt_sleep_until(ex, aslrt_now() + seconds * o->time_scale);
}
