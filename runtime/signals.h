/* signals.h — ending an execution early: SIGINT/SIGTERM abort it (exit 4),
   the top-level TimeoutSeconds times it out (exit 3); and the waits that end
   when either happens (internal). */
#ifndef ASLRT_SIGNALS_H
#define ASLRT_SIGNALS_H

#include <stdatomic.h>

#include "exec.h"

/* Why an execution is ending early (aslrt_run.stop). */
enum {
    ASLRT_STOP_NONE,      /* running */
    ASLRT_STOP_TIMED_OUT, /* the top-level TimeoutSeconds passed */
    ASLRT_STOP_ABORTED    /* SIGINT or SIGTERM */
};

/* The error an execution unwinds with once it is aborted. No retrier or
   catcher takes it (nor the States.Timeout of a timed-out execution): Retry
   and Catch ask aslrt_stop_reason() first. */
#define ASLRT_ERR_ABORTED "States.Aborted"

/* Starts watching for the end of run: sets run->deadline from the program's
   TimeoutSeconds (counted from now), catches SIGINT and SIGTERM, ignores
   SIGPIPE (a handler that closes its stdin early must not kill us). One
   execution watches at a time. */
void aslrt_stop_begin(aslrt_run *run);
/* Restores the signal dispositions aslrt_stop_begin found. */
void aslrt_stop_end(aslrt_run *run);

/* ASLRT_STOP_* for run: the first reason seen sticks. Safe from any thread. */
int aslrt_stop_reason(aslrt_run *run);

/* The signal the handler received (0: none); process-wide, as signals are. */
extern atomic_int aslrt_signal_received;

/* 1 when run cannot be stopping: no stop recorded, no signal received, no
   deadline to check. Every state asks on entering and leaving, so this
   common answer costs a few loads and no call; otherwise ask
   aslrt_stop_reason(). */
static inline int aslrt_stop_unlikely(aslrt_run *run)
{
    return run->deadline <= 0 && atomic_load_explicit(&run->stop, memory_order_relaxed) == ASLRT_STOP_NONE &&
           atomic_load_explicit(&aslrt_signal_received, memory_order_relaxed) == 0;
}
/* 0 while the execution runs; else sets ex's error (States.Timeout without
   a cause, or ASLRT_ERR_ABORTED) and returns -1. */
int aslrt_stop_check(aslrt_exec *ex);
/* The signal that aborted the execution (SIGINT, SIGTERM), 0 if none. */
int aslrt_stop_signal(void);

/* A descriptor that becomes readable when a signal arrives (-1 when nothing
   is watching): poll it beside whatever you wait for. */
int aslrt_stop_fd(void);
/* Milliseconds a poll() may block when waiting until `until` (seconds since
   the epoch; 0: no limit of its own), bounded by the execution's deadline
   and by an hour (by 100 ms when there is no stop pipe to wake it); never
   negative. */
int aslrt_stop_poll_ms(const aslrt_run *run, double until);

/* Waits `seconds` of workflow time, as --no-wait and --time-scale say. */
void aslrt_sleep(aslrt_exec *ex, double seconds);

/* Sleeps until `until` (seconds since the epoch), waking early when the
   execution is aborted or times out. 0 when the time came, 1 when stopped
   (no error is set: callers check aslrt_stop_check() when they care). */
int aslrt_sleep_until(aslrt_exec *ex, double until);

#endif
