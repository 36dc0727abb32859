/* exec_handler.c — exec bindings: a Task's work done by a process.
 *
 *   {"exec": ["python3", "validate.py"]}
 *
 * The program starts without a shell (execvpe: argv as given, PATH
 * searched for argv[0]), in the bindings file's directory, in a process
 * group of its own, under a supervisor process (proctree.c), with ASLC_STATE_NAME, ASLC_RESOURCE and (for
 * .waitForTaskToken) ASLC_TASK_TOKEN in its environment. The task input is
 * written to its stdin as JSON; it answers with the result as JSON on
 * stdout and exit status 0. A non-zero exit is a task failure: when stderr
 * (as a whole, or its last line) is {"error": "...", "cause": "..."} that is
 * the error, when it is a Lambda error object ({"errorType", "errorMessage",
 * ...}) Error is errorType and Cause the object's text; otherwise the error
 * is States.TaskFailed with stderr (or the exit status) as its cause.
 *
 * Every line the process writes on stderr is a heartbeat. When
 * TimeoutSeconds passes, or HeartbeatSeconds without a heartbeat, or the
 * execution is aborted or times out, the process and everything it
 * started, setsid'd daemons included, are stopped (SIGTERM, then SIGKILL
 * after a short grace) and the task fails with States.Timeout (or the
 * execution's own stop error). What it started is also killed (SIGKILL) once
 * the process itself has exited, so nothing outlives the Task's invocation.
 *
 * One poll() loop feeds stdin and drains stdout and stderr together, so a
 * process that writes before it has read all its input cannot deadlock us,
 * and the loop wakes for the stop descriptor (signals.c) as for its own fds. The
 * pipes are close-on-exec: processes spawned at once by Parallel branches do
 * not inherit each other's pipes (which would hold their stdout open).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "exec_handler.h"
#include "pool.h"
#include "proctree.h"
#include "signals.h"
#include "task.h"
#include "timestamp.h"

extern char **environ;

#define MAX_STDOUT (64u << 20) /* a result larger than this is refused */
#define MAX_STDERR (1u << 20)  /* stderr kept for the cause; heartbeats still count beyond */
#define TICK_MS 200            /* how often to look whether the process has exited */

/* "The exec handler 'python3 validate.py'" for causes, malloc'd. */
static char *describe(const aslrt_binding *b)
{
    asl_buf s = {0};
    asl_buf_puts(&s, "The exec handler '");
    for (char **a = b->argv; *a; a++) {
        if (a != b->argv)
            asl_buf_add(&s, " ", 1);
        asl_buf_puts(&s, *a);
    }
    asl_buf_add(&s, "'", 1);
    return asl_buf_take(&s);
}

/* NAME=value, malloc'd. */
static char *env_entry(const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 2;
    char *s = aslrt_xmalloc(n);
    snprintf(s, n, "%s=%s", name, value);
    return s;
}

/* Our environment without ASLC_* task variables, plus this task's. The
   strings we add are the last `*nadded` entries. */
static char **child_env(const aslrt_task *t, int *nadded)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = aslrt_xmalloc(sizeof *env * (n + 4));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "ASLC_STATE_NAME=", 16) != 0 && strncmp(environ[i], "ASLC_RESOURCE=", 14) != 0 &&
            strncmp(environ[i], "ASLC_TASK_TOKEN=", 16) != 0)
            env[k++] = environ[i];
    size_t first = k;
    env[k++] = env_entry("ASLC_STATE_NAME", t->st->name);
    env[k++] = env_entry("ASLC_RESOURCE", t->st->resource);
    if (t->token)
        env[k++] = env_entry("ASLC_TASK_TOKEN", t->token);
    env[k] = NULL;
    *nadded = (int)(k - first);
    return env;
}

static void free_env(char **env, int nadded)
{
    size_t n = 0;
    while (env[n])
        n++;
    for (size_t i = n - (size_t)nadded; i < n; i++)
        free(env[i]);
    free(env);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Reads what is there (non-blocking) into b, keeping at most `max` bytes.
   Returns the number of newlines read, or -1 when that would pass max and
   `refuse` makes it an error; sets *eof at end of file (or a read error). */
static long drain(int fd, asl_buf *b, size_t max, int refuse, int *eof)
{
    char chunk[65536];
    long lines = 0;
    *eof = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return lines;
        if (n <= 0) {
            *eof = 1;
            return lines;
        }
        for (ssize_t i = 0; i < n; i++)
            lines += chunk[i] == '\n';
        size_t room = b->len < max ? max - b->len : 0;
        if ((size_t)n > room && refuse)
            return -1;
        asl_buf_add(b, chunk, (size_t)n < room ? (size_t)n : room);
    }
}

/* The failure of a process that exited with `status`: from stderr when it
   says which error, else States.TaskFailed. */
static int exit_failure(aslrt_exec *ex, const char *who, int status, const asl_buf *err)
{
    const char *text = err->data ? err->data : "";
    size_t len = err->len;
    /* the whole of stderr, or its last non-empty line, may name the error */
    const char *last = text;
    size_t last_len = len;
    while (last_len > 0 && strchr(" \t\r\n", last[last_len - 1]))
        last_len--;
    const char *nl = memrchr(last, '\n', last_len);
    if (nl) {
        last_len -= (size_t)(nl + 1 - last);
        last = nl + 1;
    }
    const char *cands[2] = {text, last};
    size_t lens[2] = {len, last_len};
    for (int i = 0; i < 2; i++) {
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithLengthOpts(cands[i], lens[i], &end, 0);
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(v, "error");
        if (cJSON_IsObject(v) && cJSON_IsString(e) && e->valuestring[0]) {
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "cause");
            char *ctext = cJSON_IsString(c) ? aslrt_xstrdup(c->valuestring)
                          : (c && !cJSON_IsNull(c)) ? aslrt_json_text(c) : NULL;
            aslrt_error_set(ex, e->valuestring, ctext);
            free(ctext);
            cJSON_Delete(v);
            return -1;
        }
        cJSON_Delete(v);
        if (aslrt_task_lambda_error(ex, cands[i], lens[i]))
            return -1;
    }
    while (len > 0 && strchr(" \t\r\n", text[len - 1]))
        len--;
    if (len > 0) {
        char *cause = aslrt_xmalloc(len + 1);
        memcpy(cause, text, len);
        cause[len] = '\0';
        aslrt_error_set(ex, "States.TaskFailed", cause);
        free(cause);
    } else if (WIFEXITED(status)) {
        aslrt_error_setf(ex, "States.TaskFailed", "%s exited with status %d.", who, WEXITSTATUS(status));
    } else {
        int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        aslrt_error_setf(ex, "States.TaskFailed", "%s was killed by signal %d (%s).", who, sig, strsignal(sig));
    }
    return -1;
}

/* Starts b's program with the three pipes under its supervisor
   (proctree.h); 0 or an errno. */
static int spawn(const aslrt_task *t, const aslrt_binding *b, const int fds[3], aslrt_proc *proc)
{
    int nadded;
    char **env = child_env(t, &nadded);
    int rc = aslrt_proc_start(proc, b->argv, env, b->dir, fds);
    free_env(env, nadded);
    return rc;
}

int aslrt_exec_invoke(aslrt_task *t, const aslrt_binding *b, const cJSON *input, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return aslrt_error_setf(ex, "States.TaskFailed", "cannot create a pipe: %s", strerror(errno));
    if (pipe2(out, O_CLOEXEC) != 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return aslrt_error_setf(ex, "States.TaskFailed", "cannot create a pipe: %s", strerror(e));
    }
    if (pipe2(err, O_CLOEXEC) != 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return aslrt_error_setf(ex, "States.TaskFailed", "cannot create a pipe: %s", strerror(e));
    }
    char *who = describe(b);
    aslrt_proc proc;
    int rc = spawn(t, b, (int[3]){in[0], out[1], err[1]}, &proc);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    int fds[3] = {in[1], out[0], err[0]};
    if (rc != 0) {
        for (int i = 0; i < 3; i++)
            close(fds[i]);
        aslrt_error_setf(ex, "States.TaskFailed", "%s cannot be started: %s (it runs in %s).", who, strerror(rc), b->dir);
        free(who);
        return -1;
    }
    for (int i = 0; i < 3; i++)
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);

    char *in_text = aslrt_json_text(input);
    size_t in_len = strlen(in_text), in_off = 0;
    asl_buf so = {0}, se = {0};
    enum { RUNNING, DONE, EXPIRED, STOPPED, TOO_BIG } outcome = RUNNING;
    aslrt_pool_blocking(ex, 1); /* waiting on the process: another branch may use the CPU (pool.h) */
    while (outcome == RUNNING && (fds[1] >= 0 || fds[2] >= 0)) {
        struct pollfd p[4] = {
            {.fd = fds[0], .events = POLLOUT},
            {.fd = fds[1], .events = POLLIN},
            {.fd = fds[2], .events = POLLIN},
            {.fd = aslrt_stop_fd(ex->run), .events = POLLIN},
        };
        int ms = aslrt_stop_poll_ms(ex->run, aslrt_task_deadline(t));
        int r = poll(p, 4, ms < TICK_MS ? ms : TICK_MS);
        double now = aslrt_now();
        if (aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE || aslrt_cancelled(ex)) {
            outcome = STOPPED;
            break;
        }
        if (aslrt_task_expired(t, now)) {
            outcome = EXPIRED;
            break;
        }
        if (r <= 0) {
            if (aslrt_proc_done(&proc)) { /* all of it has ended: what is in the pipes is all */
                int eof;
                if (fds[1] >= 0 && drain(fds[1], &so, MAX_STDOUT, 1, &eof) < 0)
                    outcome = TOO_BIG;
                if (fds[2] >= 0)
                    drain(fds[2], &se, MAX_STDERR, 0, &eof);
                break;
            }
            continue;
        }
        if (p[0].revents) {
            ssize_t n = write(fds[0], in_text + in_off, in_len - in_off);
            if (n > 0)
                in_off += (size_t)n;
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || in_off == in_len)
                close_fd(&fds[0]); /* all written, or it stopped reading: either way, EOF */
        }
        int eof;
        if (p[1].revents) {
            if (drain(fds[1], &so, MAX_STDOUT, 1, &eof) < 0)
                outcome = TOO_BIG;
            else if (eof)
                close_fd(&fds[1]);
        }
        if (p[2].revents) {
            if (drain(fds[2], &se, MAX_STDERR, 0, &eof) > 0 && t->heartbeat > 0)
                t->heartbeat_at = now + t->heartbeat; /* a line on stderr is a heartbeat */
            if (eof)
                close_fd(&fds[2]);
        }
    }
    if (outcome == RUNNING)
        outcome = DONE;

    int status = 0;
    if (outcome == DONE) {
        /* Its output is complete; wait for it to exit, still under the timeouts. */
        while (!aslrt_proc_done(&proc)) {
            struct pollfd p[2] = {{.fd = proc.report, .events = POLLIN}, {.fd = aslrt_stop_fd(ex->run), .events = POLLIN}};
            int ms = aslrt_stop_poll_ms(ex->run, aslrt_task_deadline(t));
            poll(p, 2, ms < TICK_MS ? ms : TICK_MS);
            if (aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE || aslrt_cancelled(ex)) {
                outcome = STOPPED;
                break;
            }
            if (aslrt_task_expired(t, aslrt_now())) {
                outcome = EXPIRED;
                break;
            }
        }
    }
    if (outcome != DONE)
        aslrt_proc_stop(&proc);
    int started = aslrt_proc_wait(&proc, &status);
    aslrt_pool_blocking(ex, 0);
    for (int i = 0; i < 3; i++)
        close_fd(&fds[i]);

    rc = -1;
    if (outcome == DONE && started > 0)
        aslrt_error_setf(ex, "States.TaskFailed", "%s cannot be started: %s (it runs in %s).", who, strerror(started),
                         b->dir);
    else if (outcome == DONE && started < 0)
        aslrt_error_setf(ex, "States.TaskFailed", "%s ended without an exit status: its supervisor was killed.", who);
    else if (outcome == STOPPED)
        aslrt_stop_check(ex);
    else if (outcome == EXPIRED)
        aslrt_error_set(ex, "States.Timeout", NULL);
    else if (outcome == TOO_BIG)
        aslrt_error_setf(ex, "States.TaskFailed", "%s wrote more than %u MiB on stdout.", who, MAX_STDOUT >> 20);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        exit_failure(ex, who, status, &se);
    else if ((*result = aslrt_task_parse_result(ex, who, so.data ? so.data : "", so.len)) != NULL)
        rc = 0;
    free(in_text);
    asl_buf_free(&so);
    asl_buf_free(&se);
    free(who);
    return rc;
}
