/* aot.c — drives the system C compiler. No shell is involved: the compiler
   runs through fork/execvp with an argument vector, so no file name or
   option can be misread as shell syntax. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aot.h"
#include "emit.h"

#ifndef ASLC_SANFLAGS
#define ASLC_SANFLAGS ""
#endif
#ifndef ASLC_CC /* the compiler of a sanitizer build (Makefile); else the system's */
#define ASLC_CC "cc"
#endif
#ifndef ASLC_RT_LIBS
#define ASLC_RT_LIBS "-lcjson -lpcre2-8 -lz -lm -lpthread -ldl"
#endif

extern const char asl_aslrt_h[];
extern const unsigned long asl_aslrt_h_len;
extern const char asl_aslrt_handler_h[];
extern const unsigned long asl_aslrt_handler_h_len;
extern const char asl_jsonata_ast_h[];
extern const unsigned long asl_jsonata_ast_h_len;

static int write_file(const char *path, const char *data, size_t n, asl_diag *d)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        asl_diag_plain(d, "cannot write %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    return 0;
}

/* libaslrt.a: $ASLC_RUNTIME_LIB, else next to aslc (the build tree), else
   ../lib/aslc/ from aslc's directory (make install). */
static char *find_runtime_lib(void)
{
    const char *env = getenv("ASLC_RUNTIME_LIB");
    if (env && *env)
        return strdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    static const char *const rel[] = {"/libaslrt.a", "/../lib/aslc/libaslrt.a"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s%s", exe, rel[i]);
        if (access(path, R_OK) == 0)
            return strdup(path);
    }
    return NULL;
}

/* Splits a space-separated list of flags fixed at build time into argv. */
static int split_flags(char *s, char **argv, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " "); tok && n < max; tok = strtok(NULL, " "))
        argv[n++] = tok;
    return n;
}

/* The workflow executable `aslc run --mode aot` waits for: SIGINT and
   SIGTERM sent to aslc are passed on to it, so that it aborts as the other
   modes do (exit 4, its handlers' processes stopped) instead of being
   orphaned. */
static volatile sig_atomic_t g_child;

static void forward_signal(int sig)
{
    if (g_child > 0)
        kill((pid_t)g_child, sig);
}

/* Runs `file` (searched on PATH when it has no '/') with argv, whose
   argv[0] is the name the program sees; waits, returns its exit status
   (or 128+signal), -1 if it could not start. With `forward`, SIGINT/SIGTERM go on to the child. */
static int spawn(const char *file, char *const *argv, int forward)
{
    struct sigaction sa, old_int, old_term;
    if (forward) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = forward_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        g_child = 0;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
    }
    pid_t pid = fork();
    if (pid == 0) {
        execvp(file, argv);
        fprintf(stderr, "aslc: cannot run %s: %s\n", file, strerror(errno));
        _exit(127);
    }
    g_child = pid;
    int status, rc = pid < 0 ? -1 : 0; /* a failed fork still restores the handlers below */
    while (rc == 0 && waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            rc = -1;
    g_child = 0;
    if (forward) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    if (rc < 0)
        return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

static void remove_tree(const char *dir, const char *const *files, int n)
{
    char path[PATH_MAX];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static char *make_temp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char tmpl[PATH_MAX];
    snprintf(tmpl, sizeof tmpl, "%s/aslc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(tmpl) ? strdup(tmpl) : NULL;
}

static const char *const temp_files[] = {"aslrt.h", "jsonata_ast.h", "aslrt_handler.h", "aslg.c", "exe"};

int asl_aot_build(const asl_def *def, const char *out, const asl_aot_options *o, asl_diag *d)
{
    char *lib = find_runtime_lib();
    if (!lib) {
        asl_diag_plain(d, "cannot find libaslrt.a (next to aslc, in ../lib/aslc, or in $ASLC_RUNTIME_LIB)");
        return -1;
    }
    char *dir = make_temp_dir();
    if (!dir) {
        asl_diag_plain(d, "cannot create a temporary directory: %s", strerror(errno));
        free(lib);
        return -1;
    }
    char header[PATH_MAX], ast_header[PATH_MAX], handler_header[PATH_MAX], source[PATH_MAX], include[PATH_MAX + 2];
    snprintf(header, sizeof header, "%s/aslrt.h", dir);
    snprintf(ast_header, sizeof ast_header, "%s/jsonata_ast.h", dir);
    snprintf(handler_header, sizeof handler_header, "%s/aslrt_handler.h", dir); /* for --handlers files */
    snprintf(source, sizeof source, "%s/aslg.c", dir);
    snprintf(include, sizeof include, "-I%s", dir);
    char *code = asl_emit_c(def, 1);
    int rc = -1;
    if (write_file(header, asl_aslrt_h, asl_aslrt_h_len, d) == 0 &&
        write_file(ast_header, asl_jsonata_ast_h, asl_jsonata_ast_h_len, d) == 0 &&
        write_file(handler_header, asl_aslrt_handler_h, asl_aslrt_handler_h_len, d) == 0 &&
        write_file(source, code, strlen(code), d) == 0) {
        const char *cc = o && o->cc ? o->cc : getenv("CC");
        if (!cc || !*cc)
            cc = ASLC_CC;
        char optflag[32];
        snprintf(optflag, sizeof optflag, "-O%s", o && o->opt_level ? o->opt_level : "2");
        char san[] = ASLC_SANFLAGS, libs[] = ASLC_RT_LIBS;
        char *argv[64 + 2 * 16];
        int n = 0;
        argv[n++] = (char *)cc;
        argv[n++] = (char *)"-std=c99";
        argv[n++] = optflag;
        argv[n++] = include;
        argv[n++] = source;
        for (int i = 0; o && i < o->nhandlers && n < 40; i++)
            argv[n++] = (char *)o->handlers[i];
        argv[n++] = lib;
        n += split_flags(san, argv + n, 16);
        n += split_flags(libs, argv + n, 16);
        argv[n++] = (char *)"-o";
        argv[n++] = (char *)out;
        argv[n] = NULL;
        int st = spawn(cc, argv, 0);
        if (st == 0)
            rc = 0;
        else if (st < 0)
            asl_diag_plain(d, "cannot run the C compiler '%s'", cc);
        else
            asl_diag_plain(d, "internal error: the C compiler '%s' failed on the generated code (exit %d)", cc, st);
    }
    free(code);
    remove_tree(dir, temp_files, 3);
    free(dir);
    free(lib);
    return rc;
}

int asl_aot_run(const asl_def *def, int argc, char **argv, asl_diag *d)
{
    char *dir = make_temp_dir();
    if (!dir) {
        asl_diag_plain(d, "cannot create a temporary directory: %s", strerror(errno));
        return 2;
    }
    char exe[PATH_MAX];
    snprintf(exe, sizeof exe, "%s/exe", dir);
    int rc = 2;
    if (asl_aot_build(def, exe, NULL, d) == 0) {
        char **args = malloc(sizeof(char *) * (size_t)(argc + 2));
        /* The executable runs as `aslc`, whose name its diagnostics
           start with: aot is a mode of `aslc run`, not another program. */
        args[0] = argc > 0 ? argv[0] : (char *)"aslc";
        for (int i = 1; i < argc; i++)
            args[i] = argv[i];
        args[argc > 0 ? argc : 1] = NULL;
        fflush(stdout);
        rc = spawn(exe, args, 1);
        if (rc < 0) {
            asl_diag_plain(d, "cannot run the built executable");
            rc = 2;
        }
        free(args);
    }
    remove_tree(dir, temp_files, 4);
    free(dir);
    return rc;
}
