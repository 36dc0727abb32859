/* signals.h — ending an execution early: its stop handle (triggered by
   SIGINT/SIGTERM on the command line, exit 4, or by the host) aborts it, the
   top-level TimeoutSeconds times it out (exit 3); and the waits that end
   when either happens (internal). */
#ifndef ASLRT_SIGNALS_H
#define ASLRT_SIGNALS_H

#include <stdatomic.h>

#include "exec.h"

/* Why an execution is ending early (aslrt_run.stop). */
enum {
    ASLRT_STOP_NONE,      /* running */
    ASLRT_STOP_TIMED_OUT, /* the top-level TimeoutSeconds passed */
    ASLRT_STOP_ABORTED    /* its stop handle was triggered: SIGINT/SIGTERM or the host */
};

/* The error an execution unwinds with once it is aborted. No retrier or
   catcher takes it (nor the States.Timeout of a timed-out execution): Retry
   and Catch ask aslrt_stop_reason() first. */
#define ASLRT_ERR_ABORTED "States.Aborted"

/* One execution's stop handle (execution.h). Whoever triggers it first
   claims it, then publishes `raised`; a signal handler may trigger it
   (aslrt_stop_handle_signal only does atomics and a write). The wake
   descriptor becomes readable once raised and is never drained, so every
   wait of the execution, on whatever thread, polls it beside what it waits
   for. */
struct aslrt_stop_handle {
    atomic_int claimed;  /* 1 once someone triggered it */
    atomic_int raised;   /* 1 once the trigger's details below are set */
    int signal;          /* SIGINT/SIGTERM when a signal triggered it, else 0 */
    char *error, *cause; /* aslrt_stop_execution's (either may be NULL) */
    int fd;              /* eventfd (pipe read end as a fallback), -1 if none could be made */
    int fd_write;        /* where the trigger writes */
};

/* Triggers h from a signal handler: async-signal-safe. */
void aslrt_stop_handle_signal(struct aslrt_stop_handle *h, int sig);
/* 1 once h was triggered (acquire: its details can be read). NULL: 0. */
static inline int aslrt_stop_raised(const struct aslrt_stop_handle *h)
{
    return h && atomic_load_explicit(&((struct aslrt_stop_handle *)h)->raised, memory_order_acquire);
}

/* The command line's signals: SIGINT and SIGTERM trigger h, SIGPIPE is
   ignored (a handler that closes its stdin early must not kill us). One
   handle at a time, process-wide as signals are; aslrt_signals_restore()
   puts back the dispositions found. Embedded runs call neither. */
void aslrt_signals_catch(struct aslrt_stop_handle *h);
void aslrt_signals_restore(void);

/* Starts watching for the end of run: sets run->deadline from the program's
   TimeoutSeconds (counted from now). */
void aslrt_stop_begin(aslrt_run *run);

/* ASLRT_STOP_* for run: the first reason seen sticks. Safe from any thread. */
int aslrt_stop_reason(aslrt_run *run);

/* 1 when run cannot be stopping: no stop recorded, its handle not raised, no
   deadline to check. Every state asks on entering and leaving, so this
   common answer costs a few loads and no call; otherwise ask
   aslrt_stop_reason(). */
static inline int aslrt_stop_unlikely(aslrt_run *run)
{
    return run->deadline <= 0 && atomic_load_explicit(&run->stop, memory_order_relaxed) == ASLRT_STOP_NONE &&
           (!run->stopper || atomic_load_explicit(&run->stopper->raised, memory_order_relaxed) == 0);
}
/* 0 while the execution runs; else sets ex's error (States.Timeout without
   a cause, or ASLRT_ERR_ABORTED) and returns -1. */
int aslrt_stop_check(aslrt_exec *ex);
/* The signal that aborted run (SIGINT, SIGTERM), 0 if none. */
int aslrt_stop_signal(const aslrt_run *run);

/* A descriptor that becomes readable when run is stopped (-1 when it
   cannot be): poll it beside whatever you wait for. */
int aslrt_stop_fd(const aslrt_run *run);
/* Milliseconds a poll() may block when waiting until `until` (seconds since
   the epoch; 0: no limit of its own), bounded by the execution's deadline
   and by an hour (by 100 ms when run has a stop handle without a descriptor
   to wake it); never negative. */
int aslrt_stop_poll_ms(const aslrt_run *run, double until);

/* Waits `seconds` of workflow time, as --no-wait and --time-scale say. */
void aslrt_sleep(aslrt_exec *ex, double seconds);

/* Sleeps until `until` (seconds since the epoch), waking early when the
   execution is aborted or times out. 0 when the time came, 1 when stopped
   (no error is set: callers check aslrt_stop_check() when they care). */
int aslrt_sleep_until(aslrt_exec *ex, double until);

#endif
