/* signals.c — ending an execution early, and waits that notice it.
 *
 * Two things end an execution before its states do: its stop handle (it is
 * aborted: SIGINT/SIGTERM on the command line, exit 4, or the host's
 * StopExecution) and the top-level TimeoutSeconds (it times out: exit 3).
 * Neither may just exit(): child processes must be stopped and every
 * document freed, so the execution unwinds through its ordinary error path.
 *
 * Each execution has its own handle, so stopping one leaves the others of
 * the process alone. Triggering it sets an atomic and writes to the
 * handle's eventfd, which is never drained while the execution runs: a
 * signal handler can do that much safely. Everything that blocks (Wait
 * states and retry intervals here, exec handlers, HTTP requests, task
 * callbacks) polls that descriptor beside what it waits for, so one
 * trigger wakes every thread of the execution, Parallel branches included.
 * The timeout needs no timer: it is a deadline that bounds every wait.
 * State entry, Retry and Catch ask aslrt_stop_check()/aslrt_stop_reason(),
 * so a stopping execution runs no further state and catches nothing on its
 * way out. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pool.h"
#include "execution.h"
#include "signals.h"
#include "timestamp.h"

/* A Parallel branch or Map iteration learns that a sibling failed by
   looking (no descriptor wakes it): how often a wait looks, at most. */
#define CANCEL_POLL_MS 50

/* ------------------------------------------------------ the stop handle */

aslrt_stop_handle *aslrt_stop_handle_new(void)
{
    aslrt_stop_handle *h = aslrt_xmalloc(sizeof *h);
    memset(h, 0, sizeof *h);
    atomic_init(&h->claimed, 0);
    atomic_init(&h->raised, 0);
    h->fd = h->fd_write = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (h->fd < 0) {
        int p[2];
        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
            h->fd = p[0];
            h->fd_write = p[1];
        } else {
            h->fd = h->fd_write = -1; /* waits look every 100 ms instead (aslrt_stop_poll_ms) */
        }
    }
    return h;
}

void aslrt_stop_handle_free(aslrt_stop_handle *h)
{
    if (!h)
        return;
    if (h->fd >= 0)
        close(h->fd);
    if (h->fd_write >= 0 && h->fd_write != h->fd)
        close(h->fd_write);
    free(h->error);
    free(h->cause);
    free(h);
}

/* Wakes every poll of the descriptor: 8 bytes suit an eventfd and a pipe. */
static void wake(aslrt_stop_handle *h)
{
    if (h->fd_write >= 0) {
        uint64_t one = 1;
        ssize_t n = write(h->fd_write, &one, sizeof one);
        (void)n; /* a full pipe or counter already wakes everyone */
    }
}

/* Async-signal-safe: atomics and a write(2). */
void aslrt_stop_handle_signal(aslrt_stop_handle *h, int sig)
{
    int no = 0;
    if (!atomic_compare_exchange_strong(&h->claimed, &no, 1))
        return;
    h->signal = sig;
    atomic_store_explicit(&h->raised, 1, memory_order_release);
    wake(h);
}

int aslrt_stop_execution(aslrt_stop_handle *h, const char *error, const char *cause)
{
    int no = 0;
    if (!h || !atomic_compare_exchange_strong(&h->claimed, &no, 1))
        return -1;
    h->error = error ? aslrt_xstrdup(error) : NULL;
    h->cause = cause ? aslrt_xstrdup(cause) : NULL;
    atomic_store_explicit(&h->raised, 1, memory_order_release);
    wake(h);
    return 0;
}

/* --------------------------------------------- the command line's signals */

/* Process-wide, because signals are: the handle SIGINT/SIGTERM trigger. */
static aslrt_stop_handle *_Atomic g_signalled;
static struct sigaction g_old_int, g_old_term, g_old_pipe;

static void on_signal(int sig)
{
    int saved = errno;
    aslrt_stop_handle *h = atomic_load(&g_signalled);
    if (h)
        aslrt_stop_handle_signal(h, sig);
    errno = saved;
}

void aslrt_signals_catch(aslrt_stop_handle *h)
{
    atomic_store(&g_signalled, h);
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

void aslrt_signals_restore(void)
{
    sigaction(SIGINT, &g_old_int, NULL);
    sigaction(SIGTERM, &g_old_term, NULL);
    sigaction(SIGPIPE, &g_old_pipe, NULL);
    atomic_store(&g_signalled, NULL);
}

/* ------------------------------------------------------------ a run's end */

void aslrt_stop_begin(aslrt_run *run)
{
    atomic_store(&run->stop, ASLRT_STOP_NONE);
    run->deadline = run->program && run->program->timeout_seconds > 0
                        ? aslrt_now() + run->program->timeout_seconds : 0;
}

int aslrt_stop_reason(aslrt_run *run)
{
    int r = atomic_load_explicit(&run->stop, memory_order_relaxed);
    if (r != ASLRT_STOP_NONE)
        return atomic_load(&run->stop);
    if (aslrt_stop_unlikely(run))
        return ASLRT_STOP_NONE; /* every state asks, twice: the common case costs a few loads */
    if (aslrt_stop_raised(run->stopper))
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
        return aslrt_error_set(ex, ASLRT_ERR_ABORTED,
                               aslrt_stop_signal(ex->run) ? "The execution was aborted by a signal."
                                                          : "The execution was stopped.");
    }
}

int aslrt_stop_signal(const aslrt_run *run)
{
    return aslrt_stop_raised(run->stopper) ? run->stopper->signal : 0;
}

int aslrt_stop_fd(const aslrt_run *run)
{
    return run->stopper ? run->stopper->fd : -1;
}

int aslrt_stop_poll_ms(const aslrt_run *run, double until)
{
    /* a handle without a descriptor is looked at every 100 ms; no handle needs no looking */
    double limit = until, most = !run->stopper || aslrt_stop_fd(run) >= 0 ? 3600 * 1000.0 : 100.0;
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
        struct pollfd p = {.fd = aslrt_stop_fd(ex->run), .events = POLLIN};
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
