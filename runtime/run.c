/* run.c — running a compiled program as a command: run options, input,
   output and exit status (design.md "Command line"). */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alloc.h"
#include "bindings.h"
#include "exec.h"
#include "execution.h"
#include "history.h"
#include "http_handler.h"
#include "jsonfile.h"
#include "mock.h"
#include "signals.h"
#include "timestamp.h"
#include "random.h"

/* The largest --time-scale: a second of workflow time becomes at most this many. */
#define MAX_TIME_SCALE 1000.0

enum { EXIT_SUCCEEDED = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_TIMED_OUT = 3, EXIT_ABORTED = 4 };

/* The run options (run_options.def), looked up by flag. */
enum { OPT_FLAG, OPT_TEXT, OPT_COUNT, OPT_SCALE };
static const struct run_option {
    const char *flag;
    int kind;      /* OPT_* */
    size_t offset; /* of its field in aslrt_options, whose type the kind gives (exec.h) */
    const char *arg, *help;
} k_options[] = {
#define ASLRT_RUN_OPTION(flag, field, kind, arg, help) {flag, OPT_##kind, offsetof(aslrt_options, field), arg, help},
#include "run_options.def"
#undef ASLRT_RUN_OPTION
};
#define NOPTIONS (sizeof k_options / sizeof k_options[0])

/* "run options:" and a line for each option that has one, its help starting
   at column 26 (and so its continuation lines). */
static void usage(FILE *f)
{
    fputs("run options:\n", f);
    for (size_t i = 0; i < NOPTIONS; i++) {
        const struct run_option *opt = &k_options[i];
        if (!opt->help)
            continue;
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", opt->flag, *opt->arg ? " " : "", opt->arg);
        fprintf(f, "  %-23s ", head);
        for (const char *p = opt->help; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fprintf(f, "%26s", "");
        }
        fputc('\n', f);
    }
}

/* Parses run options; 0, or 2 after printing what is wrong. */
static int parse_options(const char *prog, int argc, char **argv, aslrt_options *o)
{
    memset(o, 0, sizeof *o);
    for (size_t k = 0; k < NOPTIONS; k++)
        if (k_options[k].kind == OPT_SCALE)
            *(double *)((char *)o + k_options[k].offset) = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct run_option *opt = NULL;
        for (size_t k = 0; k < NOPTIONS && !opt; k++)
            if (strcmp(a, k_options[k].flag) == 0)
                opt = &k_options[k];
        if (!opt && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage(stdout);
            exit(0);
        }
        if (!opt) {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            usage(stderr);
            return EXIT_USAGE;
        }
        void *field = (char *)o + opt->offset;
        if (opt->kind == OPT_FLAG) {
            *(int *)field = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: option '%s' needs a value\n", prog, a);
            return EXIT_USAGE;
        }
        const char *arg = argv[++i];
        char *end;
        switch (opt->kind) {
        case OPT_TEXT:
            *(const char **)field = arg;
            break;
        case OPT_COUNT: {
            long n = strtol(arg, &end, 10);
            if (*arg == '\0' || *end != '\0' || n < 1 || n > 1024) {
                fprintf(stderr, "%s: %s needs a whole number from 1 to 1024, not '%s'\n", prog, a, arg);
                return EXIT_USAGE;
            }
            *(int *)field = (int)n;
            break;
        }
        case OPT_SCALE: {
            /* A scale shortens waits, or stretches them for watching a run; past
               MAX_TIME_SCALE it is a typo, and 1e300 or inf would turn a 1 s Wait
               into one that never ends (NaN fails the test too). */
            double x = strtod(arg, &end);
            if (*arg == '\0' || *end != '\0' || !(x >= 0 && x <= MAX_TIME_SCALE)) {
                fprintf(stderr, "%s: %s needs a number from 0 to %g, not '%s'\n", prog, a, MAX_TIME_SCALE, arg);
                return EXIT_USAGE;
            }
            *(double *)field = x;
            break;
        }
        }
    }
    if ((o->mock_config != NULL) != (o->test_case != NULL)) {
        fprintf(stderr, "%s: --mock-config and --test-case go together\n", prog);
        return EXIT_USAGE;
    }
    return 0;
}

/* The execution input: --input, else stdin when it is not a terminal, else
   {}; its text in *text (malloc'd, *len bytes) for $$.Execution.Input. */
static cJSON *read_input(const char *prog, const aslrt_options *o, char **text, size_t *len)
{
    const char *file = o->input_file;
    if (!file && !isatty(0))
        file = "-";
    if (!file) {
        *text = aslrt_xstrdup("{}");
        *len = 2;
        return aslrt_xjson(cJSON_CreateObject());
    }
    char *err = NULL;
    cJSON *in = aslrt_json_load_text(file, text, len, &err);
    if (!in) {
        fprintf(stderr, "%s: %s\n", prog, err ? err : "cannot read the input");
        free(err);
    }
    return in;
}

static char *concat(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = aslrt_xmalloc(n);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* Prints the failure object: Error and Cause, each left out when absent. */
static void print_failure(const aslrt_exec *ex)
{
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    if (ex->error)
        cJSON_AddStringToObject(o, "Error", ex->error);
    if (ex->cause)
        cJSON_AddStringToObject(o, "Cause", ex->cause);
    char *s = aslrt_json_text(o);
    puts(s);
    free(s);
    cJSON_Delete(o);
}

/* How it ended, on stdout (the output or the failure) or stderr (an
   abort), before the last event is recorded. */
static void announce(void *ctx, aslrt_exec *ex, int status, const cJSON *v)
{
    const char *prog = ctx;
    switch (status) {
    case ASLRT_STATUS_SUCCEEDED:
        aslrt_json_write(v, stdout);
        putchar('\n');
        break;
    case ASLRT_STATUS_ABORTED: {
        int sig = aslrt_stop_signal(ex->run);
        fprintf(stderr, "%s: execution aborted by %s\n", prog,
                sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal");
        break;
    }
    default: /* failed, timed out */
        print_failure(ex);
    }
}

/* The run's strings and loaded files, however far it got. */
static void free_run(aslrt_run *run)
{
    aslrt_mock_counts_free(run->mock_counts);
    aslrt_mock_free((aslrt_mock *)run->mock);
    aslrt_bindings_free((aslrt_bindings *)run->bindings);
    free(run->name);
    free(run->state_machine_id);
    free(run->execution_id);
    cJSON_Delete(run->input); /* NULL unless $$.Execution.Input was read */
    free(run->input_text);
}

/* Runs p on `input` (taken), whose text is `text` (taken, len bytes), and
   prints the outcome; returns the exit status. The input becomes the
   run's document; $$.Execution.Input is parsed again from the text if a
   state asks for it (aslrt_run_input), which few do. */
static int execute(const char *prog, const aslrt_program *p, const aslrt_options *o, cJSON *input, char *text,
                   size_t len)
{
    aslrt_run run;
    memset(&run, 0, sizeof run);
    run.program = p;
    run.opt = *o;
    run.input_text = text;
    run.input_len = len;
    char id[37];
    aslrt_uuid4(id);
    run.name = aslrt_xstrdup(o->name ? o->name : id);
    run.state_machine_id = concat("arn:aws:states:" ASLRT_DEFAULT_REGION ":" ASLRT_DEFAULT_ACCOUNT ":stateMachine:",
                                  p->name, "");
    char *prefix = concat("arn:aws:states:" ASLRT_DEFAULT_REGION ":" ASLRT_DEFAULT_ACCOUNT ":execution:", p->name, ":");
    run.execution_id = concat(prefix, run.name, "");
    free(prefix);
    aslrt_time_format(aslrt_now(), run.start_time);
    if (o->mock_config) {
        char *err = NULL;
        run.mock = aslrt_mock_load(o->mock_config, p->name, o->test_case, &err);
        if (!run.mock) {
            fprintf(stderr, "%s: %s\n", prog, err ? err : "cannot load the mock configuration");
            free(err);
            free_run(&run);
            cJSON_Delete(input);
            return EXIT_USAGE;
        }
        run.mock_counts = aslrt_mock_counts_new();
    }
    if (o->bindings) {
        char *err = NULL;
        run.bindings = aslrt_bindings_load(o->bindings, &err);
        if (!run.bindings) {
            fprintf(stderr, "%s: %s\n", prog, err ? err : "cannot load the bindings");
            free(err);
            free_run(&run);
            cJSON_Delete(input);
            return EXIT_USAGE;
        }
    }

    char *herr = NULL;
    if (aslrt_history_open(&run, &herr) != 0) {
        fprintf(stderr, "%s\n", herr);
        free(herr);
        free_run(&run);
        cJSON_Delete(input);
        return EXIT_USAGE;
    }

    /* SIGINT and SIGTERM stop this execution as a host's StopExecution would. */
    run.stopper = aslrt_stop_handle_new();
    aslrt_signals_catch(run.stopper);
    int status = aslrt_run_to_end(&run, input, announce, (void *)prog, NULL);
    aslrt_signals_restore();
    aslrt_history_close(&run);
    fflush(stdout);
    aslrt_stop_handle_free(run.stopper);
    free_run(&run);
    aslrt_http_cleanup();
    static const int exits[] = {
        [ASLRT_STATUS_SUCCEEDED] = EXIT_SUCCEEDED,
        [ASLRT_STATUS_FAILED] = EXIT_FAILED,
        [ASLRT_STATUS_TIMED_OUT] = EXIT_TIMED_OUT,
        [ASLRT_STATUS_ABORTED] = EXIT_ABORTED,
    };
    return exits[status];
}

int aslrt_main(int argc, char **argv, const aslrt_program *p)
{
    const char *prog = argc > 0 ? argv[0] : "aslrt";
    if (!p || p->abi_version != ASLRT_ABI_VERSION) {
        fprintf(stderr, "%s: internal error: program built for another runtime ABI\n", prog);
        return EXIT_USAGE;
    }
    aslrt_alloc_init(); /* cJSON nodes from here on (alloc.c) */
    static char out_buffer[1 << 16]; /* a large output to a pipe or file in a few writes, not 4 KiB each
                                        (glibc ignores the size unless given the buffer) */
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    aslrt_options o;
    int rc = parse_options(prog, argc, argv, &o);
    if (rc != 0)
        return rc;
    char *text = NULL;
    size_t len = 0;
    cJSON *input = read_input(prog, &o, &text, &len);
    if (!input)
        return EXIT_USAGE;
    return execute(prog, p, &o, input, text, len);
}
