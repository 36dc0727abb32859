/* timeit.c — times any command the way `aslc bench` times its runs, for the
 * peers that bench/run.py measures next to aslc (aws-local-stepfunctions,
 * the hand-written C baselines).
 *
 *   timeit [--no-warmup] [--budget-ms MS] RUNS OUT CMD [ARG...]
 *
 * Runs CMD once unmeasured (warming caches; with --no-warmup that first run
 * is measured too, for peers too slow to run twice), then RUNS times, each a child
 * of this small process (fork, exec, wait4): its stdin /dev/null, its
 * stdout into OUT, its stderr into OUT.err. Every run must print what the
 * first printed, with the same exit status. With --budget-ms it stops
 * early, after at least one measured run, once the measured runs have
 * taken MS in all (slow peers). Prints one JSON object on stdout:
 *   {"status": S, "agree": true|false, "runs": N,
 *    "wall_ms": [...], "user_ms": [...], "sys_ms": [...], "rss_kb": [...]}
 * Exit 0, or 1 when the outputs differ or a run could not start; 2 usage.
 *
 * Python's subprocess would spawn with vfork, and Linux folds the spawning
 * process's resident memory into the child's ru_maxrss at exec: timing
 * from here, a process of a few hundred kilobytes, keeps the figures the
 * command's own, and the clock starts once fork has returned. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 10000

/* Monotonic milliseconds. */
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

/* The whole of a file; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* One run: fork, exec, wait4. Its exit status (128 + signal when killed;
   127 when it could not be started), with times and peak RSS. */
static int run_once(char **cmd, const char *out, const char *err, double *wall, double *user, double *sys,
                    long *rss)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int i = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (i < 0 || o < 0 || e < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(127);
        execvp(cmd[0], cmd);
        _exit(127);
    }
    double t0 = now_ms();
    if (pid < 0) {
        perror("timeit: fork");
        return 127;
    }
    int status;
    struct rusage ru;
    pid_t r;
    while ((r = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    *wall = now_ms() - t0;
    if (r < 0) {
        perror("timeit: wait4");
        return 127;
    }
    *user = tv_ms(ru.ru_utime);
    *sys = tv_ms(ru.ru_stime);
    *rss = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* "key": [v0, v1, ...] followed by sep. */
static void print_array(const char *key, const double *v, int n, int decimals, const char *sep)
{
    printf("\"%s\": [", key);
    for (int i = 0; i < n; i++)
        printf("%s%.*f", i ? ", " : "", decimals, v[i]);
    printf("]%s", sep);
}

/* Exit status 2 after the usage line. */
static int usage(void)
{
    fputs("usage: timeit [--no-warmup] [--budget-ms MS] RUNS OUT CMD [ARG...]\n", stderr);
    return 2;
}

/* The options, one unmeasured (or measured) first run, then the timed ones. */
int main(int argc, char **argv)
{
    int a = 1, warmup = 1;
    double budget = -1;
    for (;;) {
        if (a < argc && strcmp(argv[a], "--no-warmup") == 0) {
            warmup = 0;
            a++;
        } else if (a + 1 < argc && strcmp(argv[a], "--budget-ms") == 0) {
            budget = atof(argv[a + 1]);
            a += 2;
        } else {
            break;
        }
    }
    if (argc - a < 3)
        return usage();
    int runs = atoi(argv[a]);
    if (runs < 1 || runs > MAX_RUNS)
        return usage();
    const char *out = argv[a + 1];
    char **cmd = argv + a + 2;
    size_t errlen = strlen(out) + 5;
    char *err = malloc(errlen);
    double *wall = malloc((size_t)runs * sizeof *wall), *user = malloc((size_t)runs * sizeof *user);
    double *sys = malloc((size_t)runs * sizeof *sys), *rss = malloc((size_t)runs * sizeof *rss);
    if (!err || !wall || !user || !sys || !rss) {
        fputs("timeit: out of memory\n", stderr);
        return 1;
    }
    snprintf(err, errlen, "%s.err", out);

    long r;
    int n = 0;
    int status = run_once(cmd, out, err, &wall[0], &user[0], &sys[0], &r);
    double spent = 0;
    if (!warmup) {
        rss[0] = (double)r;
        spent = wall[0];
        n = 1;
    }
    size_t ref_len = 0;
    char *ref = slurp(out, &ref_len);
    int agree = ref != NULL && status != 127;
    while (agree && n < runs && (budget < 0 || n == 0 || spent < budget)) {
        int st = run_once(cmd, out, err, &wall[n], &user[n], &sys[n], &r);
        rss[n] = (double)r;
        spent += wall[n];
        n++;
        size_t len = 0;
        char *got = slurp(out, &len);
        agree = got && st == status && len == ref_len && memcmp(got, ref, len) == 0;
        free(got);
    }
    printf("{\"status\": %d, \"agree\": %s, \"runs\": %d, ", status, agree ? "true" : "false", n);
    print_array("wall_ms", wall, n, 3, ", ");
    print_array("user_ms", user, n, 3, ", ");
    print_array("sys_ms", sys, n, 3, ", ");
    print_array("rss_kb", rss, n, 0, "}\n");
    /* The first run's output stays in OUT for checking. */
    if (ref) {
        FILE *f = fopen(out, "wb");
        if (f) {
            fwrite(ref, 1, ref_len, f);
            fclose(f);
        }
    }
    free(ref);
    free(err);
    free(wall);
    free(user);
    free(sys);
    free(rss);
    return agree ? 0 : 1;
}
