/* bench.c — `aslc bench`: times one workflow in interp, jit and aot on the
 * same input, checks that the modes agree, and reports the figures.
 *
 * Every measured run is a child process (fork, exec, wait4), so that
 * its wall time and peak RSS are its own. Interp and jit runs are `aslc run
 * --mode M` of this very binary: their times include aslc's start-up, the
 * front end and, for jit, the libtcc compile, as a user would see them. Aot
 * runs are the executable built once beforehand; the cc build is timed on
 * its own and is not part of any run. The front end and the libtcc compile
 * are also timed here, in this process, after the runs.
 *
 * Each mode first makes one unmeasured run that warms the caches; then the
 * measured runs go round the modes, one of each at a time, so that the
 * machine's drift falls on every mode alike. Every run must print the same
 * bytes with the same exit status as the very first run, or bench stops
 * with exit status 1: the modes' agreement is the point of having three of
 * them (design.md).
 *
 * Peak RSS is wait4's ru_maxrss. Linux folds the spawning process's own
 * high-water mark into a child's ru_maxrss at exec, so nothing big is loaded
 * here before the runs, and the floor this leaves (what spawning /bin/true
 * reports) is printed alongside.
 *
 * States entered are counted once, in one extra run whose --history goes
 * into a pipe: its <T>StateEntered events (design.md's history format).
 *
 * Timings are reported, never judged: nothing here fails for being slow. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "aot.h"
#include "bench.h"
#include "buf.h"
#include "front.h"
#include "jit.h"
#include "xalloc.h"

enum { EXIT_OK = 0, EXIT_DISAGREE = 1, EXIT_USAGE = 2 };
enum { MODE_INTERP, MODE_JIT, MODE_AOT, NMODES };
static const char *const mode_names[NMODES] = {"interp", "jit", "aot"};

#define DEFAULT_RUNS 5
#define MAX_RUNS 10000
/* In-process timings (front end, libtcc) repeat at most this often. */
#define MAX_INPROC 20
/* Bytes of each disagreeing output quoted in the error. */
#define SHOW_MAX 400
/* A history line's first bytes, enough for its "type" field. */
#define LINE_HEAD 256

static const char usage_text[] =
    "usage: aslc bench WF.asl.json [--input FILE] [--runs N] [--modes interp,jit,aot] [--json]\n"
    "                  [--mock-config FILE --test-case NAME] [--no-wait] [--bindings FILE]\n"
    "                  [--threads N] [--no-count] [--save-output FILE] [--baseline EXE]\n"
    "                  [--substitutions FILE] [--substitution NAME=VALUE ...]\n"
    "  runs WF in each mode on the same input, N timed runs each (default 5) after one\n"
    "  checking run, and prints wall time (median, min, max), states entered, states/s,\n"
    "  compile times, peak RSS and the ratios between modes. Exit 1 if outputs differ.\n"
    "  --baseline EXE also times `EXE INPUT` (a hand-written program doing the same work)\n"
    "  in the same rounds; its output is not compared.\n";

typedef struct options {
    const char *wf;
    const char *input;       /* NULL: {} */
    const char *mock_config; /* with test_case */
    const char *test_case;
    const char *bindings;
    const char *threads;
    const char *save_output; /* where the agreed output goes */
    const char *baseline;    /* timed as `baseline INPUT` beside the modes, or NULL */
    int runs;
    int json;
    int no_wait;
    int count;               /* count states entered (an extra run) */
    int modes[NMODES];       /* in the order given */
    int nmodes;
    asl_subst *subst;        /* --substitutions/--substitution (subst.h), NULL when none */
} options;

/* One measured run. */
typedef struct sample {
    double wall_ms;
    double user_ms;
    double sys_ms;
    long rss_kb;   /* ru_maxrss */
} sample;

/* Order statistics of one figure over the runs. */
typedef struct stats {
    double median, min, max, q1, q3;
} stats;

typedef struct bench {
    options opt;
    char self[PATH_MAX];   /* this aslc, for `aslc run` children */
    char *dir;             /* temporary directory, removed at the end */
    char *input;           /* the input file every run reads */
    char *exe;             /* the aot executable */
    char *out_file;        /* a run's stdout */
    char *err_file;        /* a run's stderr */
    char *ref;             /* the first run's output; every run must match */
    size_t ref_len;
    int ref_status;
    int ref_mode;
    sample *samples[NMODES];
    sample *baseline;          /* opt.baseline's runs, or NULL */
    double compile_ms[NMODES]; /* jit: libtcc in-process median; aot: cc build; -1: none */
    double front_ms;           /* front end in-process median */
    long states;               /* -1: not counted */
    int states_mode;
    long rss_floor_kb;         /* -1: unknown */
} bench;

/* ---------------------------------------------------------------- helpers */

/* Monotonic milliseconds: wall time that NTP cannot move. */
static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* rusage CPU times in milliseconds. */
static double tv_ms(struct timeval t)
{
    return (double)t.tv_sec * 1e3 + (double)t.tv_usec / 1e3;
}

/* a + b, malloc'd: the temporary file names. */
static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = aslrt_xmalloc(n);
    snprintf(s, n, "%s%s", a, b);
    return s;
}

/* The whole of a file, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    asl_buf b = {0};
    int bad = asl_buf_read(&b, f) != 0;
    fclose(f);
    if (bad) {
        asl_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

/* Writes data to path; 0, or -1 with errno set. */
static int write_all(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(data, 1, n, f) != n;
    if (fclose(f) != 0)
        bad = 1;
    return bad ? -1 : 0;
}

/* qsort order for doubles. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Quantile q of sorted v[0..n-1], interpolating between neighbours (the
   usual "type 7" definition, which gives the median for q = 0.5). */
static double quantile(const double *v, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* Median, extremes and quartiles of n >= 1 values (left unsorted). */
static stats stats_of(const double *values, int n)
{
    double *v = aslrt_xmalloc((size_t)n * sizeof *v);
    memcpy(v, values, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    stats s = {quantile(v, n, 0.5), v[0], v[n - 1], quantile(v, n, 0.25), quantile(v, n, 0.75)};
    free(v);
    return s;
}

/* One field of each sample, for stats_of: 0 wall, 1 user, 2 sys, 3 RSS. */
static stats sample_stats(const sample *s, int n, int field)
{
    double *v = aslrt_xmalloc((size_t)n * sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = field == 0 ? s[i].wall_ms : field == 1 ? s[i].user_ms : field == 2 ? s[i].sys_ms : (double)s[i].rss_kb;
    stats st = stats_of(v, n);
    free(v);
    return st;
}

/* A duration with about three significant digits, in ms or s. */
static void fmt_ms(char *buf, size_t n, double ms)
{
    if (ms < 1)
        snprintf(buf, n, "%.3f ms", ms);
    else if (ms < 100)
        snprintf(buf, n, "%.2f ms", ms);
    else if (ms < 10000)
        snprintf(buf, n, "%.1f ms", ms);
    else
        snprintf(buf, n, "%.2f s", ms / 1e3);
}

/* A rate in M/s, k/s or /s. */
static void fmt_rate(char *buf, size_t n, double per_s)
{
    if (per_s >= 1e6)
        snprintf(buf, n, "%.2f M/s", per_s / 1e6);
    else if (per_s >= 1e3)
        snprintf(buf, n, "%.1f k/s", per_s / 1e3);
    else
        snprintf(buf, n, "%.0f /s", per_s);
}

/* Rounded to a microsecond, so that the JSON stays readable. */
static double round3(double x)
{
    return round(x * 1e3) / 1e3; /* half away from zero; round() has no range to leave */
}

/* ---------------------------------------------------------------- options */

static int usage_error(const char *fmt, const char *arg)
{
    fputs("aslc bench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

/* --modes: a comma-separated list of interp, jit and aot, each at most once. */
static int parse_modes(const char *list, options *o)
{
    o->nmodes = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        int m = -1;
        for (int i = 0; i < NMODES; i++)
            if (strlen(mode_names[i]) == len && strncmp(p, mode_names[i], len) == 0)
                m = i;
        if (m < 0)
            return usage_error("--modes takes interp, jit and aot separated by commas, not '%s'", list);
        for (int i = 0; i < o->nmodes; i++)
            if (o->modes[i] == m)
                return usage_error("--modes names a mode twice: '%s'", list);
        o->modes[o->nmodes++] = m;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* The command line after "bench"; 0, or EXIT_USAGE after saying what is wrong. */
static int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->runs = DEFAULT_RUNS;
    o->count = 1;
    for (int i = 0; i < NMODES; i++)
        o->modes[i] = i;
    o->nmodes = NMODES;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            o->json = 1;
            continue;
        }
        if (strcmp(a, "--no-wait") == 0) {
            o->no_wait = 1;
            continue;
        }
        if (strcmp(a, "--no-count") == 0) {
            o->count = 0;
            continue;
        }
        if (strcmp(a, "--substitutions") == 0 || strcmp(a, "--substitution") == 0) {
            if (!o->subst)
                o->subst = asl_subst_new();
            if (asl_subst_option(o->subst, argc, argv, &i) < 0)
                return EXIT_USAGE;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(EXIT_OK);
        }
        const char **value = NULL;
        if (strcmp(a, "--input") == 0)
            value = &o->input;
        else if (strcmp(a, "--mock-config") == 0)
            value = &o->mock_config;
        else if (strcmp(a, "--test-case") == 0)
            value = &o->test_case;
        else if (strcmp(a, "--bindings") == 0)
            value = &o->bindings;
        else if (strcmp(a, "--threads") == 0)
            value = &o->threads;
        else if (strcmp(a, "--save-output") == 0)
            value = &o->save_output;
        else if (strcmp(a, "--baseline") == 0)
            value = &o->baseline;
        else if (strcmp(a, "--runs") != 0 && strcmp(a, "--modes") != 0) {
            if (a[0] == '-' && a[1])
                return usage_error("unknown option '%s'", a);
            if (o->wf)
                return usage_error("bench takes one definition file, not also '%s'", a);
            o->wf = a;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value", a);
        const char *arg = argv[++i];
        if (value) {
            *value = arg;
        } else if (strcmp(a, "--runs") == 0) {
            char *end;
            long n = strtol(arg, &end, 10);
            if (!*arg || *end || n < 1 || n > MAX_RUNS)
                return usage_error("--runs needs a whole number from 1 to 10000, not '%s'", arg);
            o->runs = (int)n;
        } else if (parse_modes(arg, o) != 0) {
            return EXIT_USAGE;
        }
    }
    if (!o->wf)
        return usage_error("bench needs a definition file%s", "");
    if ((o->mock_config != NULL) != (o->test_case != NULL))
        return usage_error("--mock-config and --test-case go together%s", "");
    return 0;
}

/* ---------------------------------------------------------------- children */

/* The command line of one run in `mode`, with --history FILE when history
   is not NULL. The strings are borrowed; free only the array. */
static char **run_argv(const bench *b, int mode, const char *history)
{
    int nsub;
    char *const *sub = asl_subst_argv(b->opt.subst, &nsub);
    char **v = aslrt_xmalloc((size_t)(32 + nsub) * sizeof *v);
    int n = 0;
    if (mode == MODE_AOT) {
        v[n++] = b->exe; /* built from the filled definition */
    } else {
        v[n++] = (char *)b->self;
        v[n++] = (char *)"run";
        v[n++] = (char *)b->opt.wf;
        v[n++] = (char *)"--mode";
        v[n++] = (char *)mode_names[mode];
        for (int i = 0; i < nsub; i++) /* the same options, in the same order */
            v[n++] = sub[i];
    }
    v[n++] = (char *)"--input";
    v[n++] = b->input;
    if (b->opt.mock_config) {
        v[n++] = (char *)"--mock-config";
        v[n++] = (char *)b->opt.mock_config;
        v[n++] = (char *)"--test-case";
        v[n++] = (char *)b->opt.test_case;
    }
    if (b->opt.bindings) {
        v[n++] = (char *)"--bindings";
        v[n++] = (char *)b->opt.bindings;
    }
    if (b->opt.threads) {
        v[n++] = (char *)"--threads";
        v[n++] = (char *)b->opt.threads;
    }
    if (b->opt.no_wait)
        v[n++] = (char *)"--no-wait";
    if (history) {
        v[n++] = (char *)"--history";
        v[n++] = (char *)history;
    }
    v[n] = NULL;
    return v;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child_exec(const bench *b, char **argv, int hist_fd)
{
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(b->out_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = open(b->err_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(127);
    if (hist_fd >= 0 && dup2(hist_fd, 3) < 0)
        _exit(127);
    execv(argv[0], argv);
    _exit(127);
}

/* Starts argv with stdin from /dev/null, stdout and stderr into b's files,
   and, when hist_fd >= 0, that descriptor as the child's fd 3. The pid, or
   -1 after saying why; *t0 is when it started.
   fork, not vfork or posix_spawn: at exec Linux folds the old memory's
   high-water mark into the child's ru_maxrss, and a forked copy holds only
   this process's private pages, a vfork child all of its resident ones.
   The clock starts once fork has returned, so the copy is not timed. */
static pid_t spawn(const bench *b, char **argv, int hist_fd, double *t0)
{
    if (access(argv[0], X_OK) != 0) {
        fprintf(stderr, "aslc bench: cannot run %s: %s\n", argv[0], strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        child_exec(b, argv, hist_fd);
    *t0 = now_ms();
    if (pid < 0)
        fprintf(stderr, "aslc bench: cannot fork: %s\n", strerror(errno));
    return pid;
}

/* Waits for pid, filling s (wall time from t0, CPU times, peak RSS). Its
   exit status, or 128 + the signal that killed it. */
static int reap(pid_t pid, double t0, sample *s)
{
    int status;
    struct rusage ru;
    pid_t r;
    while ((r = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    double t1 = now_ms();
    if (r < 0) {
        perror("aslc bench: wait4");
        return 128;
    }
    if (s) {
        s->wall_ms = t1 - t0;
        s->user_ms = tv_ms(ru.ru_utime);
        s->sys_ms = tv_ms(ru.ru_stime);
        s->rss_kb = ru.ru_maxrss;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* The tail of a failed run's stderr, so that the user sees why. */
static void show_stderr(const bench *b)
{
    size_t len;
    char *err = slurp(b->err_file, &len);
    if (err && len) {
        const char *start = len > 2000 ? err + len - 2000 : err;
        fprintf(stderr, "  its stderr%s:\n%s%s", len > 2000 ? " (end)" : "", start,
                err[len - 1] == '\n' ? "" : "\n");
    }
    free(err);
}

/* At most SHOW_MAX bytes of an output, for an error message. */
static void show_output(const char *label, int status, const char *out, size_t len)
{
    int n = len > SHOW_MAX ? SHOW_MAX : (int)len;
    while (n > 0 && out[n - 1] == '\n')
        n--;
    fprintf(stderr, "  %s (exit status %d, %zu bytes): %.*s%s\n", label, status, len, n, out,
            len > SHOW_MAX ? " ..." : "");
}

/* Checks one finished run of `mode`: it must have completed (exit 0, 1 or
   3: succeeded, failed, timed out) and printed what the first run printed.
   0, or EXIT_DISAGREE after saying what went wrong. */
static int check_run(bench *b, int mode, const char *what, int status)
{
    if (status != 0 && status != 1 && status != 3) {
        if (status > 128)
            fprintf(stderr, "aslc bench: the %s %s was killed by signal %d (%s)\n", mode_names[mode], what,
                    status - 128, strsignal(status - 128));
        else
            fprintf(stderr, "aslc bench: the %s %s did not complete: exit status %d%s\n", mode_names[mode], what,
                    status, status == 2 ? " (invalid definition, input or options)" : status == 4 ? " (aborted)" : "");
        show_stderr(b);
        return EXIT_DISAGREE;
    }
    size_t len;
    char *out = slurp(b->out_file, &len);
    if (!out) {
        fprintf(stderr, "aslc bench: cannot read back %s: %s\n", b->out_file, strerror(errno));
        return EXIT_DISAGREE;
    }
    if (!b->ref) {
        b->ref = out;
        b->ref_len = len;
        b->ref_status = status;
        b->ref_mode = mode;
        return 0;
    }
    int same = status == b->ref_status && len == b->ref_len && memcmp(out, b->ref, len) == 0;
    if (!same) {
        fprintf(stderr, "aslc bench: outputs differ: the %s %s does not print what the first %s run printed\n",
                mode_names[mode], what, mode_names[b->ref_mode]);
        show_output(mode_names[b->ref_mode], b->ref_status, b->ref, b->ref_len);
        show_output(mode_names[mode], status, out, len);
        if (mode == b->ref_mode)
            fprintf(stderr, "  (the output changes from run to run, e.g. with States.UUID or $$.Execution.Name:\n"
                            "   such a workflow cannot be compared across modes)\n");
    }
    free(out);
    return same ? 0 : EXIT_DISAGREE;
}

/* One run of the baseline: it must exit 0; its output is its own business
   (make bench checks it against expected.py). */
static int baseline_run(bench *b, char **argv, sample *s)
{
    double t0;
    pid_t pid = spawn(b, argv, -1, &t0);
    if (pid < 0)
        return EXIT_DISAGREE;
    int status = reap(pid, t0, s);
    if (status == 0)
        return 0;
    fprintf(stderr, "aslc bench: the baseline %s exited with status %d\n", argv[0], status);
    show_stderr(b);
    return EXIT_DISAGREE;
}

/* One checking run of each mode, then opt.runs rounds of one measured run
   of each mode (and of the baseline). A machine's speed drifts over seconds
   (a shared VM's by a third); taking the modes in turn puts the drift into
   all of them alike instead of into the ratios between them. */
static int measure(bench *b)
{
    const options *o = &b->opt;
    char *base_argv[] = {(char *)o->baseline, b->input, NULL};
    if (o->baseline)
        b->baseline = aslrt_xmalloc((size_t)o->runs * sizeof(sample));
    char **argv[NMODES] = {NULL};
    for (int k = 0; k < o->nmodes; k++) {
        int m = o->modes[k];
        argv[m] = run_argv(b, m, NULL);
        b->samples[m] = aslrt_xmalloc((size_t)o->runs * sizeof(sample));
    }
    int rc = 0;
    for (int i = -1; i < o->runs && rc == 0; i++) {
        for (int k = 0; k < o->nmodes && rc == 0; k++) {
            int m = o->modes[k];
            double t0;
            pid_t pid = spawn(b, argv[m], -1, &t0);
            if (pid < 0) {
                rc = EXIT_DISAGREE;
                break;
            }
            int status = reap(pid, t0, i < 0 ? NULL : &b->samples[m][i]);
            rc = check_run(b, m, i < 0 ? "checking run" : "run", status);
        }
        if (rc == 0 && o->baseline)
            rc = baseline_run(b, base_argv, i < 0 ? NULL : &b->baseline[i]);
    }
    for (int m = 0; m < NMODES; m++)
        free(argv[m]);
    return rc;
}

/* Is this history line (its first bytes) a <T>StateEntered event? Lines
   start {"timestamp":"...","type":"<T>StateEntered",...: the first "type"
   key is the event's own, as timestamps hold no quotes. */
static int is_state_entered(const char *head)
{
    static const char key[] = "\"type\":\"", suffix[] = "StateEntered";
    const char *t = strstr(head, key);
    if (!t)
        return 0;
    t += sizeof key - 1;
    const char *end = strchr(t, '"');
    size_t n = end ? (size_t)(end - t) : 0;
    return n >= sizeof suffix - 1 && memcmp(end - (sizeof suffix - 1), suffix, sizeof suffix - 1) == 0;
}

/* Counts states entered: one more run of `mode` whose --history goes into
   a pipe read here, a line's first bytes at a time. Its output must agree
   too. 0, or EXIT_DISAGREE. */
static int count_states(bench *b, int mode)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        perror("aslc bench: pipe");
        return EXIT_DISAGREE;
    }
    if (p[1] == 3) { /* dup2(3, 3) would leave it close-on-exec */
        int w = fcntl(p[1], F_DUPFD_CLOEXEC, 10);
        close(p[1]);
        p[1] = w;
    }
    char **argv = run_argv(b, mode, "/dev/fd/3");
    double t0;
    pid_t pid = spawn(b, argv, p[1], &t0);
    free(argv);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return EXIT_DISAGREE;
    }
    char buf[65536], head[LINE_HEAD + 1];
    size_t hn = 0;
    long count = 0;
    ssize_t got;
    while ((got = read(p[0], buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] == '\n') {
                head[hn] = '\0';
                count += is_state_entered(head);
                hn = 0;
            } else if (hn < LINE_HEAD) {
                head[hn++] = buf[i];
            }
        }
    }
    close(p[0]);
    int rc = check_run(b, mode, "counting run (--history)", reap(pid, t0, NULL));
    if (rc == 0) {
        b->states = count;
        b->states_mode = mode;
    }
    return rc;
}

/* What a child's ru_maxrss cannot go below when spawned from here. */
static long rss_floor(const bench *b)
{
    char *argv[] = {(char *)"/bin/true", NULL};
    if (access(argv[0], X_OK) != 0)
        return -1;
    double t0;
    pid_t pid = spawn(b, argv, -1, &t0);
    sample s;
    if (pid < 0 || reap(pid, t0, &s) != 0)
        return -1;
    return s.rss_kb;
}

/* ---------------------------------------------------------------- in-process timings */

/* Median time of the front end (read, parse, validate, IR) over n loads. */
static double time_front_end(const char *wf, const asl_subst *subst, int n)
{
    asl_front_opts fo = {0, subst};
    double *t = aslrt_xmalloc((size_t)n * sizeof *t);
    for (int i = 0; i < n; i++) {
        asl_diag d;
        asl_diag_init(&d, wf, stderr);
        double t0 = now_ms();
        asl_def *def = asl_front_load_opts(wf, NULL, 0, &fo, &d);
        t[i] = now_ms() - t0;
        asl_def_free(def);
    }
    double m = stats_of(t, n).median;
    free(t);
    return m;
}

/* Median time of the libtcc compile (emit C + compile + relocate) over n. */
static double time_jit(const asl_def *def, int n)
{
    double *t = aslrt_xmalloc((size_t)n * sizeof *t);
    for (int i = 0; i < n; i++) {
        asl_diag d;
        asl_diag_init(&d, def->file, stderr);
        double t0 = now_ms();
        asl_jit *j = asl_jit_compile(def, &d);
        t[i] = now_ms() - t0;
        if (!j) {
            free(t);
            return -1;
        }
        asl_jit_free(j);
    }
    double m = stats_of(t, n).median;
    free(t);
    return m;
}

/* ---------------------------------------------------------------- report */

static double median_wall(const bench *b, int mode)
{
    return sample_stats(b->samples[mode], b->opt.runs, 0).median;
}

/* {"median", "min", "max", "q1", "q3"} in milliseconds. */
static cJSON *stats_json(stats s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "median", round3(s.median));
    cJSON_AddNumberToObject(o, "min", round3(s.min));
    cJSON_AddNumberToObject(o, "max", round3(s.max));
    cJSON_AddNumberToObject(o, "q1", round3(s.q1));
    cJSON_AddNumberToObject(o, "q3", round3(s.q3));
    return o;
}

/* --json: everything measured as one object (tests/bench.sh checks its shape). */
static void print_json(const bench *b)
{
    const options *o = &b->opt;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "workflow", o->wf);
    if (o->input)
        cJSON_AddStringToObject(root, "input", o->input);
    else
        cJSON_AddNullToObject(root, "input");
    cJSON_AddNumberToObject(root, "runs", o->runs);
    cJSON *modes = cJSON_AddArrayToObject(root, "modes");
    for (int i = 0; i < o->nmodes; i++)
        cJSON_AddItemToArray(modes, cJSON_CreateString(mode_names[o->modes[i]]));
    if (b->states >= 0) {
        cJSON_AddNumberToObject(root, "states_entered", (double)b->states);
        cJSON_AddStringToObject(root, "states_counted_in", mode_names[b->states_mode]);
    } else {
        cJSON_AddNullToObject(root, "states_entered");
    }
    cJSON *out = cJSON_AddObjectToObject(root, "output");
    cJSON_AddTrueToObject(out, "agree");
    cJSON_AddNumberToObject(out, "exit_status", b->ref_status);
    cJSON_AddNumberToObject(out, "bytes", (double)b->ref_len);
    cJSON_AddNumberToObject(root, "front_end_ms", round3(b->front_ms));
    if (b->rss_floor_kb >= 0)
        cJSON_AddNumberToObject(root, "rss_floor_kb", (double)b->rss_floor_kb);
    else
        cJSON_AddNullToObject(root, "rss_floor_kb");
    cJSON *res = cJSON_AddObjectToObject(root, "results");
    for (int i = 0; i < o->nmodes; i++) {
        int m = o->modes[i];
        const sample *s = b->samples[m];
        cJSON *r = cJSON_AddObjectToObject(res, mode_names[m]);
        stats wall = sample_stats(s, o->runs, 0);
        cJSON_AddItemToObject(r, "wall_ms", stats_json(wall));
        cJSON *all = cJSON_AddArrayToObject(r, "samples_ms");
        for (int k = 0; k < o->runs; k++)
            cJSON_AddItemToArray(all, cJSON_CreateNumber(round3(s[k].wall_ms)));
        cJSON_AddNumberToObject(r, "user_ms", round3(sample_stats(s, o->runs, 1).median));
        cJSON_AddNumberToObject(r, "sys_ms", round3(sample_stats(s, o->runs, 2).median));
        stats rss = sample_stats(s, o->runs, 3);
        cJSON *pk = cJSON_AddObjectToObject(r, "peak_rss_kb");
        cJSON_AddNumberToObject(pk, "median", rss.median);
        cJSON_AddNumberToObject(pk, "max", rss.max);
        if (b->states >= 0 && wall.median > 0)
            cJSON_AddNumberToObject(r, "states_per_s", floor((double)b->states / (wall.median / 1e3)));
        else
            cJSON_AddNullToObject(r, "states_per_s");
        cJSON_AddBoolToObject(r, "includes_startup", m != MODE_AOT);
        if (m == MODE_JIT)
            cJSON_AddNumberToObject(r, "compile_ms", round3(b->compile_ms[m]));
        if (m == MODE_AOT)
            cJSON_AddNumberToObject(r, "build_ms", round3(b->compile_ms[m]));
    }
    if (o->baseline) {
        cJSON *r = cJSON_AddObjectToObject(root, "baseline");
        cJSON_AddStringToObject(r, "command", o->baseline);
        cJSON_AddItemToObject(r, "wall_ms", stats_json(sample_stats(b->baseline, o->runs, 0)));
        cJSON *all = cJSON_AddArrayToObject(r, "samples_ms");
        for (int k = 0; k < o->runs; k++)
            cJSON_AddItemToArray(all, cJSON_CreateNumber(round3(b->baseline[k].wall_ms)));
        cJSON_AddNumberToObject(r, "peak_rss_kb", sample_stats(b->baseline, o->runs, 3).median);
    }
    cJSON *ratios = cJSON_AddObjectToObject(root, "ratios");
    for (int i = 0; i < o->nmodes; i++)
        for (int k = i + 1; k < o->nmodes; k++) {
            char key[32];
            snprintf(key, sizeof key, "%s/%s", mode_names[o->modes[i]], mode_names[o->modes[k]]);
            double den = median_wall(b, o->modes[k]);
            cJSON_AddNumberToObject(ratios, key, den > 0 ? round3(median_wall(b, o->modes[i]) / den) : 0);
        }
    if (o->baseline) {
        double den = sample_stats(b->baseline, o->runs, 0).median;
        for (int i = 0; i < o->nmodes; i++) {
            char key[32];
            snprintf(key, sizeof key, "%s/baseline", mode_names[o->modes[i]]);
            cJSON_AddNumberToObject(ratios, key, den > 0 ? round3(median_wall(b, o->modes[i]) / den) : 0);
        }
    }
    cJSON_AddStringToObject(root, "note",
                            "wall times of interp and jit runs include aslc's start-up, the front end and (jit) "
                            "the libtcc compile; aot runs exclude the cc build (build_ms); compile_ms and "
                            "front_end_ms are medians measured in-process; peak RSS includes rss_floor_kb");
    char *text = cJSON_Print(root);
    puts(text);
    cJSON_free(text); /* cJSON's memory goes back to cJSON (json/alloc.c) */
    cJSON_Delete(root);
}

/* The report for a person: a line per mode, then what the figures include. */
static void print_text(const bench *b)
{
    const options *o = &b->opt;
    char s1[32], s2[32], s3[32], s4[32];
    printf("aslc bench %s, input %s\n", o->wf, o->input ? o->input : "{}");
    printf("%d timed run%s per mode, after one checking run each\n", o->runs, o->runs == 1 ? "" : "s");
    if (b->states >= 0)
        printf("states entered: %ld (counted in one more %s run, from its --history)\n", b->states,
               mode_names[b->states_mode]);
    printf("outputs: identical in every run of every mode (exit status %d, %zu bytes)\n\n", b->ref_status,
           b->ref_len);
    printf("%-7s %11s %11s %11s %11s %9s  %s\n", "mode", "median", "min", "max", "states/s", "peak RSS",
           "compile");
    for (int i = 0; i < o->nmodes; i++) {
        int m = o->modes[i];
        stats wall = sample_stats(b->samples[m], o->runs, 0);
        stats rss = sample_stats(b->samples[m], o->runs, 3);
        fmt_ms(s1, sizeof s1, wall.median);
        fmt_ms(s2, sizeof s2, wall.min);
        fmt_ms(s3, sizeof s3, wall.max);
        if (b->states >= 0 && wall.median > 0)
            fmt_rate(s4, sizeof s4, (double)b->states / (wall.median / 1e3));
        else
            snprintf(s4, sizeof s4, "-");
        printf("%-7s %11s %11s %11s %11s %6.1f MB  ", mode_names[m], s1, s2, s3, s4, rss.median / 1024);
        char c[32];
        fmt_ms(c, sizeof c, b->compile_ms[m]);
        if (m == MODE_JIT)
            printf("%s libtcc (inside each run)\n", c);
        else if (m == MODE_AOT)
            printf("%s cc build (once, not in the runs)\n", c);
        else
            printf("-\n");
    }
    if (o->baseline) {
        stats wall = sample_stats(b->baseline, o->runs, 0);
        fmt_ms(s1, sizeof s1, wall.median);
        fmt_ms(s2, sizeof s2, wall.min);
        fmt_ms(s3, sizeof s3, wall.max);
        printf("%-7s %11s %11s %11s %11s %6.1f MB  %s (in the same rounds)\n", "base", s1, s2, s3, "-",
               sample_stats(b->baseline, o->runs, 3).median / 1024, o->baseline);
    }
    fmt_ms(s1, sizeof s1, b->front_ms);
    printf("\ninterp and jit runs are `aslc run`: their times include aslc's start-up and the front end\n"
           "(%s in-process), and jit's its libtcc compile. Compile times are medians measured in-process.\n",
           s1);
    if (b->rss_floor_kb >= 0)
        printf("peak RSS: median of the runs; a run spawned from here reports at least %.1f MB.\n",
               (double)b->rss_floor_kb / 1024);
    if (o->nmodes > 1) {
        printf("ratios of medians:");
        for (int i = 0; i < o->nmodes; i++)
            for (int k = i + 1; k < o->nmodes; k++) {
                double den = median_wall(b, o->modes[k]);
                printf(" %s/%s %.2fx", mode_names[o->modes[i]], mode_names[o->modes[k]],
                       den > 0 ? median_wall(b, o->modes[i]) / den : 0.0);
            }
        printf("\n");
    }
    if (o->baseline) {
        double den = sample_stats(b->baseline, o->runs, 0).median;
        printf("ratios to the baseline:");
        for (int i = 0; i < o->nmodes; i++)
            printf(" %s/base %.2fx", mode_names[o->modes[i]], den > 0 ? median_wall(b, o->modes[i]) / den : 0.0);
        printf("\n");
    }
}

/* ---------------------------------------------------------------- driver */

static int has_mode(const options *o, int mode)
{
    for (int i = 0; i < o->nmodes; i++)
        if (o->modes[i] == mode)
            return 1;
    return 0;
}

/* The temporary directory and the input file every run reads: the given
   one, stdin copied when it is "-", or {} when there is none. */
static int prepare(bench *b)
{
    const char *tmp = getenv("TMPDIR");
    char tmpl[PATH_MAX];
    snprintf(tmpl, sizeof tmpl, "%s/aslc-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpl)) {
        fprintf(stderr, "aslc bench: cannot create a directory %s: %s\n", tmpl, strerror(errno));
        return -1;
    }
    b->dir = aslrt_xstrdup(tmpl);
    b->out_file = join(b->dir, "/stdout");
    b->err_file = join(b->dir, "/stderr");
    b->exe = join(b->dir, "/workflow");
    const char *in = b->opt.input;
    if (in && strcmp(in, "-") != 0) {
        b->input = aslrt_xstrdup(in);
        return 0;
    }
    b->input = join(b->dir, "/input.json");
    size_t len = 2;
    char *data = in ? slurp("/dev/stdin", &len) : aslrt_xstrdup("{}");
    int rc = data ? write_all(b->input, data, len) : -1;
    free(data);
    if (rc != 0)
        fprintf(stderr, "aslc bench: cannot write the input to %s\n", b->input);
    return rc;
}

/* Removes the temporary files and directory, frees what b holds. */
static void cleanup(bench *b)
{
    if (b->dir) {
        const char *files[] = {b->out_file, b->err_file, b->exe, b->opt.input && strcmp(b->opt.input, "-") != 0
                                                                     ? NULL : b->input};
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
            if (files[i])
                unlink(files[i]);
        rmdir(b->dir);
    }
    free(b->dir);
    free(b->out_file);
    free(b->err_file);
    free(b->exe);
    free(b->input);
    free(b->ref);
    for (int i = 0; i < NMODES; i++)
        free(b->samples[i]);
    free(b->baseline);
}

/* The order matters for peak RSS (see the top): the definition is loaded
   (small) and the aot executable built by child processes, then the runs,
   and only then the in-process timings. */
static int run_bench(bench *b, asl_def *def)
{
    const options *o = &b->opt;
    if (has_mode(o, MODE_AOT)) {
        asl_diag d;
        asl_diag_init(&d, o->wf, stderr);
        asl_aot_options ao = {NULL, NULL, NULL, 0};
        double t0 = now_ms();
        if (asl_aot_build(def, b->exe, &ao, &d) != 0) {
            fprintf(stderr, "aslc bench: could not build the aot executable\n");
            return EXIT_DISAGREE;
        }
        b->compile_ms[MODE_AOT] = now_ms() - t0;
    }
    b->rss_floor_kb = rss_floor(b);
    if (measure(b) != 0)
        return EXIT_DISAGREE;
    if (o->count) {
        int m = has_mode(o, MODE_AOT) ? MODE_AOT : has_mode(o, MODE_JIT) ? MODE_JIT : MODE_INTERP;
        if (count_states(b, m) != 0)
            return EXIT_DISAGREE;
    }
    int n = o->runs < MAX_INPROC ? o->runs : MAX_INPROC;
    b->front_ms = time_front_end(o->wf, o->subst, n);
    if (has_mode(o, MODE_JIT) && (b->compile_ms[MODE_JIT] = time_jit(def, n)) < 0)
        return EXIT_DISAGREE;
    if (o->save_output && write_all(o->save_output, b->ref, b->ref_len) != 0) {
        fprintf(stderr, "aslc bench: cannot write %s: %s\n", o->save_output, strerror(errno));
        return EXIT_DISAGREE;
    }
    if (o->json)
        print_json(b);
    else
        print_text(b);
    return EXIT_OK;
}

/* aslc bench (bench.h). */
int asl_bench_main(int argc, char **argv)
{
    bench b;
    memset(&b, 0, sizeof b);
    b.states = -1;
    for (int i = 0; i < NMODES; i++)
        b.compile_ms[i] = -1;
    int rc = parse_options(argc, argv, &b.opt);
    if (rc != 0) {
        asl_subst_free(b.opt.subst);
        return rc;
    }
    ssize_t n = readlink("/proc/self/exe", b.self, sizeof b.self - 1);
    if (n <= 0) {
        fprintf(stderr, "aslc bench: cannot find aslc itself (/proc/self/exe): %s\n", strerror(errno));
        asl_subst_free(b.opt.subst);
        return EXIT_USAGE;
    }
    b.self[n] = '\0';
    asl_diag d;
    asl_diag_init(&d, b.opt.wf, stderr);
    asl_front_opts fo = {0, b.opt.subst};
    asl_def *def = asl_front_load_opts(b.opt.wf, NULL, 0, &fo, &d);
    if (!def) {
        asl_subst_free(b.opt.subst);
        return EXIT_USAGE;
    }
    if (prepare(&b) != 0)
        rc = EXIT_USAGE;
    else
        rc = run_bench(&b, def);
    asl_def_free(def);
    cleanup(&b);
    asl_subst_free(b.opt.subst);
    return rc;
}
