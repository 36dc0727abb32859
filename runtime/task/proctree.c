/* proctree.c — a program run so that everything it starts can be ended.
 *
 * A process group is not enough: `setsid sleep 1000 &` leaves the group,
 * and a double fork leaves the parent-child chain. So each program runs
 * under a supervisor of its own, a forked copy of us that marks itself a
 * child subreaper (prctl PR_SET_CHILD_SUBREAPER): whatever the program
 * starts, once orphaned, becomes the supervisor's child instead of init's.
 * The program's descendants are then exactly the supervisor's descendants,
 * and ending them all is a loop: signal every child (and its process group),
 * reap, and again, until there is no child left. A killed process's own
 * children are reparented to the supervisor before it can be reaped, so the
 * loop sees them on its next turn.
 *
 * One supervisor per program, rather than aslc as the subreaper, because
 * Parallel branches and Map iterations run handlers at once: an orphan that
 * reached aslc could not be told apart from another branch's live handler.
 *
 * The supervisor ends the tree when
 *   - the program exits: what it left behind (daemons, background jobs) is
 *     killed at once (SIGKILL), so nothing outlives the Task's invocation;
 *   - we ask (aslrt_proc_stop: TimeoutSeconds, HeartbeatSeconds, the
 *     execution aborted or timed out): SIGTERM to every child and its group,
 *     a grace of GRACE_SECONDS, then SIGKILL as above;
 *   - the thread that started it dies, even by SIGKILL (PR_SET_PDEATHSIG).
 * Then it reports the program's wait status on a pipe and exits.
 *
 * The supervisor is forked from a threaded process and never execs, so it
 * calls only async-signal-safe functions (no malloc, no stdio): system
 * calls, and posix_spawnp with attributes prepared before the fork (glibc's
 * allocates nothing: a stack from mmap, the PATH search on it).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proctree.h"

#define GRACE_SECONDS 0.5 /* between SIGTERM and SIGKILL */
#define BLIND_ROUNDS 100  /* 10 ms turns to wait for children we cannot see before giving up */
#define REPORT_FD 3       /* the report pipe, in the supervisor and (close-on-exec) the program */

/* What the supervisor's pipe carries: one record, written whole (it is
   smaller than PIPE_BUF). */
enum { REPORT_EXITED = 1, REPORT_NOT_STARTED = 2 };
typedef struct report {
    int kind;  /* REPORT_* */
    int value; /* the program's wait status, or the errno it could not start with */
} report;

/* ---------------------------------------------------------------- in the supervisor */

static volatile sig_atomic_t g_stop; /* we were asked to end the tree */

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void on_child(int sig)
{
    (void)sig; /* only to wake sigsuspend: SIGCHLD's default is to be discarded */
}

static void put_report(int kind, int value)
{
    report r = {kind, value};
    ssize_t n = write(REPORT_FD, &r, sizeof r);
    (void)n; /* nobody left to tell */
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* Reaps every child that has ended, noting the program's status. 1 while
   children remain, 0 when there are none. */
static int reap(pid_t program, int *status, int *ended, int flags)
{
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, flags);
        if (pid < 0)
            return errno == EINTR ? 1 : 0; /* ECHILD: no descendant is left */
        if (pid == 0)
            return 1;
        if (pid == program) {
            *status = st;
            *ended = 1;
        }
        flags |= WNOHANG; /* one blocking wait at most */
    }
}

/* Sends sig to a child and to the process group it leads, if any. The child
   is not reaped, so neither number can name another process by now. */
static void hit(pid_t child, int sig)
{
    kill(-child, sig);
    kill(child, sig);
}

/* Feeds the decimal numbers in text[0..n) to hit(); *num carries a number
   across calls. Returns how many it hit. */
static int hit_numbers(const char *text, ssize_t n, long *num, int sig)
{
    int hits = 0;
    for (ssize_t i = 0; i < n; i++) {
        if (text[i] >= '0' && text[i] <= '9') {
            *num = *num * 10 + (text[i] - '0');
            continue;
        }
        if (*num > 0) {
            hit((pid_t)*num, sig);
            hits++;
        }
        *num = 0;
    }
    return hits;
}

/* The parent pid in /proc/NAME/stat ("pid (comm) state ppid ..."), or -1. */
static long stat_ppid(int proc, const char *name)
{
    char path[64] = "", text[256];
    size_t k = strlen(name);
    if (k + sizeof "/stat" > sizeof path)
        return -1;
    memcpy(path, name, k);
    memcpy(path + k, "/stat", sizeof "/stat");
    int fd = openat(proc, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    char *p = strrchr(text, ')'); /* comm may hold anything, ')' and spaces included */
    if (!p || !p[1] || !p[2] || !p[3])
        return -1;
    long ppid = 0;
    for (p += 4; *p >= '0' && *p <= '9'; p++)
        ppid = ppid * 10 + (*p - '0');
    return ppid;
}

/* Our children when /proc/thread-self/children is missing (a kernel without
   CONFIG_PROC_CHILDREN): every /proc/PID whose parent we are. */
static int hit_children_by_scan(int sig)
{
    int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0)
        return 0;
    long self = (long)getpid();
    int hits = 0;
    char buf[4096];
    long n;
    while ((n = syscall(SYS_getdents64, proc, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            /* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name */
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            const char *name = buf + off + 19;
            off += reclen;
            if (name[0] < '1' || name[0] > '9' || stat_ppid(proc, name) != self)
                continue;
            long pid = 0;
            for (const char *c = name; *c >= '0' && *c <= '9'; c++)
                pid = pid * 10 + (*c - '0');
            hit((pid_t)pid, sig);
            hits++;
        }
    }
    close(proc);
    return hits;
}

/* Sends sig to each of our children and their groups; how many. We are
   single-threaded, so this thread's children are all of ours. */
static int hit_children(int sig)
{
    int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hit_children_by_scan(sig);
    char buf[4096];
    long num = 0;
    int hits = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        hits += hit_numbers(buf, n, &num, sig);
    hits += hit_numbers(" ", 1, &num, sig);
    close(fd);
    return hits ? hits : hit_children_by_scan(sig); /* the file may miss a child being born */
}

/* SIGKILL to every descendant, until none is left. */
static void kill_all(pid_t program, int *status, int *ended)
{
    int blind = 0;
    while (reap(program, status, ended, WNOHANG)) {
        if (hit_children(SIGKILL) > 0) {
            blind = 0;
            reap(program, status, ended, 0); /* wait for one of them */
        } else if (++blind > BLIND_ROUNDS) {
            return; /* children we cannot find (no /proc?): nothing more we can do */
        } else {
            nap();
        }
    }
}

/* SIGTERM to every child and its group, a grace, then SIGKILL to all. */
static void terminate(pid_t program, int *status, int *ended)
{
    hit_children(SIGTERM);
    double until = now() + GRACE_SECONDS;
    while (now() < until) {
        if (!reap(program, status, ended, WNOHANG))
            return;
        nap();
    }
    kill_all(program, status, ended);
}

/* Closes every descriptor from `first` on. */
static void close_from(int first)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0u, 0u) == 0)
        return;
#endif
    struct rlimit rl;
    int max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536
                  ? (int)rl.rlim_cur : 65536;
    for (int fd = first; fd < max; fd++)
        close(fd);
}

/* Signals the supervisor changes: it ignores those a terminal sends
   (SIGINT/SIGQUIT/SIGHUP reach aslc, which stops us; a supervisor they
   killed could no longer end the tree), catches SIGTERM (stop) and SIGCHLD. */
static const int g_sigs[] = {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGCHLD, SIGPIPE};

/* The supervisor's life. fa and at, made by aslrt_proc_start, start the
   program: posix_spawnp allocates nothing, and the program's process does
   not copy ours (glibc: clone with CLONE_VM|CLONE_VFORK). */
static _Noreturn void supervise(pid_t parent, char *const argv[], char *const env[], const posix_spawn_file_actions_t *fa,
                                const posix_spawnattr_t *at, const int fds[4])
{
    /* Signals first: all are blocked (aslrt_proc_start), and aslc's
       handlers must never run here. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof g_sigs / sizeof *g_sigs; i++) {
        sa.sa_handler = g_sigs[i] == SIGTERM ? on_stop : g_sigs[i] == SIGCHLD ? on_child : SIG_IGN;
        sigaction(g_sigs[i], &sa, NULL);
    }
    sigset_t wait_for, none;
    sigemptyset(&wait_for);
    sigaddset(&wait_for, SIGTERM);
    sigaddset(&wait_for, SIGCHLD);
    sigprocmask(SIG_SETMASK, &wait_for, NULL); /* taken only inside sigsuspend: no wake-up is lost */
    sigemptyset(&none);

    prctl(PR_SET_CHILD_SUBREAPER, 1);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) /* it died before PDEATHSIG was set */
        _exit(0);

    /* stdin, stdout, stderr and the report pipe as 0-3, nothing else: other
       branches' pipes must not stay open here (the program would hold them
       through us) */
    int moved[4];
    for (int i = 0; i < 4; i++)
        if ((moved[i] = fcntl(fds[i], F_DUPFD, 10)) < 0)
            _exit(0);
    for (int i = 0; i < 4; i++)
        if (dup2(moved[i], i) < 0)
            _exit(0);
    close_from(4);
    fcntl(REPORT_FD, F_SETFD, FD_CLOEXEC);

    pid_t program;
    int e = posix_spawnp(&program, argv[0], fa, at, argv, env);
    if (e != 0) {
        put_report(REPORT_NOT_STARTED, e);
        _exit(0);
    }
    close(0); /* its pipes are the program's alone: EOF when it and its descendants are gone */
    close(1);
    close(2);

    int status = 0, ended = 0;
    while (reap(program, &status, &ended, WNOHANG) && !ended && !g_stop)
        sigsuspend(&none);
    if (g_stop && !ended)
        terminate(program, &status, &ended);
    else
        kill_all(program, &status, &ended);
    if (ended)
        put_report(REPORT_EXITED, status);
    _exit(0);
}

/* ---------------------------------------------------------------- in aslc */

int aslrt_proc_start(aslrt_proc *p, char *const argv[], char *const env[], const char *dir, const int fds[3])
{
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) != 0)
        return errno;
    int all[4] = {fds[0], fds[1], fds[2], rep[1]};

    /* The program: stdio is fds 0-2 already (supervise), its own group, its
       directory, no signal blocked, and default dispositions but for those
       the user ignored (SIGHUP under nohup); aslc's own catching of SIGINT
       and SIGTERM and ignoring of SIGPIPE are not the program's. */
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, dir);
    posix_spawnattr_init(&at);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (size_t i = 0; i < sizeof g_sigs / sizeof *g_sigs; i++) {
        struct sigaction old;
        int sig = g_sigs[i];
        if (sig == SIGINT || sig == SIGTERM || sig == SIGPIPE || sigaction(sig, NULL, &old) != 0 ||
            old.sa_handler != SIG_IGN)
            sigaddset(&defaults, sig);
    }
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &defaults);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t parent = getpid();
    /* Until the supervisor has its own handlers, no signal may run aslc's
       there (they write to the stop descriptor). */
    sigset_t every, old;
    sigfillset(&every);
    pthread_sigmask(SIG_SETMASK, &every, &old);
    pid_t pid = fork();
    if (pid == 0)
        supervise(parent, argv, env, &fa, &at, all);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    close(rep[1]);
    if (pid < 0) {
        close(rep[0]);
        return e;
    }
    p->pid = pid;
    p->report = rep[0];
    return 0;
}

int aslrt_proc_done(const aslrt_proc *p)
{
    /* A record comes only once the tree has ended; none, only the end of
       the pipe, if the supervisor was killed */
    struct pollfd fd = {.fd = p->report, .events = POLLIN};
    return poll(&fd, 1, 0) == 1;
}

void aslrt_proc_stop(const aslrt_proc *p)
{
    kill(p->pid, SIGTERM);
}

int aslrt_proc_wait(aslrt_proc *p, int *status)
{
    int st;
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
        ;
    /* Both records fit the pipe, and its write end has closed. */
    int rc = -1;
    report r;
    ssize_t n;
    while ((n = read(p->report, &r, sizeof r)) == (ssize_t)sizeof r || (n < 0 && errno == EINTR)) {
        if (n < 0)
            continue;
        if (r.kind == REPORT_NOT_STARTED)
            rc = r.value > 0 ? r.value : EIO;
        else if (r.kind == REPORT_EXITED && rc < 0) {
            *status = r.value;
            rc = 0;
        }
    }
    close(p->report);
    p->report = -1;
    return rc;
}
