/* proctree.h — a program run so that everything it starts can be ended:
   each one under a supervisor process of its own (proctree.c; internal). */
#ifndef ASLRT_PROCTREE_H
#define ASLRT_PROCTREE_H

#include <sys/types.h>

typedef struct aslrt_proc {
    pid_t pid;  /* the supervisor; not reaped before aslrt_proc_wait() */
    int report; /* the pipe the supervisor reports on: readable (poll) once
                   the program and everything it started have ended */
} aslrt_proc;

/* Starts argv[0] (PATH searched) with argv and env, in directory dir, in a
   process group of its own, with fds[0..2] as its stdin, stdout and stderr
   (the caller keeps and closes its copies). 0, or an errno when the
   supervisor cannot be made; a program that cannot be started is reported
   by aslrt_proc_wait(). */
int aslrt_proc_start(aslrt_proc *p, char *const argv[], char *const env[], const char *dir, const int fds[3]);

/* 1 once the program and everything it started have ended; never blocks. */
int aslrt_proc_done(const aslrt_proc *p);

/* Ends the program and everything it started: SIGTERM, a short grace, then
   SIGKILL. Returns at once; aslrt_proc_wait() waits for it. */
void aslrt_proc_stop(const aslrt_proc *p);

/* Waits until the program and everything it started have ended, and
   releases p. Returns 0 with the program's wait status in *status; an errno
   (> 0) when the program could not be started; -1 when its end is unknown
   (it was stopped, or the supervisor was killed). */
int aslrt_proc_wait(aslrt_proc *p, int *status);

#endif
