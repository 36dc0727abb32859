/* cli.c — the aslc command line (design.md "Command line": a contract), every command but
   `serve`, which server/aslc.c, the program's entry, takes before it comes here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot.h"
#include "bench.h"
#include "bindings.h"
#include "cli.h"
#include "emit.h"
#include "front.h"
#include "graph.h"
#include "interp.h"
#include "jit.h"

#define ASLC_VERSION "0.1"

enum { EXIT_OK = 0, EXIT_USAGE = 2 };

static const char usage_head[] =
    "usage:\n"
    "  aslc check  WF.asl.json [--bindings F]  validate; every problem reported (and unbound Tasks,\n"
    "                                          and placeholders left unfilled)\n"
    "  aslc run    WF.asl.json [--mode interp|jit|aot] [--no-opt] [run options]\n"
    "  aslc build  WF.asl.json -o EXE [--handlers FILE.c ...] [--cc CC] [-O LEVEL] [--no-opt]\n"
    "  aslc emit-c WF.asl.json [-o FILE.c] [--no-opt]  print the generated C\n"
    "  aslc graph  WF.asl.json [--format dot|mermaid] [--history FILE] [-o FILE]\n"
    "                                          draw the workflow (and the path a history took)\n"
    "  aslc bench  WF.asl.json [--input F] [--runs N] [--modes interp,jit,aot] [--json] [--no-wait]\n"
    "              [--mock-config F --test-case T]  time the modes on one input (exit 1: outputs differ)\n"
    "  aslc serve  [--port 8083] [--db FILE] ...  the Step Functions API for the AWS SDKs (serve --help)\n"
    "  ./EXE [run options]                     a built workflow takes the run options\n"
    "check, run, build, emit-c, graph and bench also take, for a template (CloudFormation's\n"
    "DefinitionSubstitutions):\n"
    "  --substitutions FILE       a JSON object of names to values (strings, integers, booleans)\n"
    "  --substitution NAME=VALUE  one value, a string (repeatable); wins over --substitutions\n"
    "  each ${NAME} in the definition's text is replaced before it is read: inside a JSON string\n"
    "  with JSON's escapes, elsewhere as it is; for one name the last option given wins\n";
static const char usage_tail[] =
    "--no-opt: without aslc's own optimizations (moves, borrowed inputs, calls folded, Choice\n"
    "          rules as C); the same results, slower: for checking the optimizations\n"
    "exit status: 0 succeeded, 1 failed, 2 invalid definition or usage, 3 timed out, 4 aborted\n";

/* The run options (runtime/run_options.def): what follows each ("" for
   nothing), and whether it has a help line of its own. */
static const struct {
    const char *flag, *arg;
    int has_help;
} run_options[] = {
#define ASLRT_RUN_OPTION(flag, field, kind, arg, help) {flag, arg, help != NULL},
#include "run_options.def"
#undef ASLRT_RUN_OPTION
};
#define NRUN_OPTIONS (sizeof run_options / sizeof run_options[0])

/* The width of one run option as listed, "--input FILE|-". */
static int option_width(size_t i)
{
    return (int)(strlen(run_options[i].flag) + (*run_options[i].arg ? 1 + strlen(run_options[i].arg) : 0));
}

/* The usage. The run options follow "run options:", two spaces apart, in
   lines of at most 90 columns; one without a help line of its own
   (--test-case) goes with the option before it, one space after. */
static void usage(FILE *f)
{
    enum { INDENT = 12, WIDTH = 90 };
    fputs(usage_head, f);
    fputs("run options:", f);
    int col = INDENT, fresh = 1; /* fresh: nothing yet on this line */
    for (size_t i = 0; i < NRUN_OPTIONS;) {
        size_t end = i + 1; /* i and the options that go with it */
        int width = option_width(i);
        for (; end < NRUN_OPTIONS && !run_options[end].has_help; end++)
            width += 1 + option_width(end);
        if (!fresh && col + 2 + width > WIDTH) {
            fprintf(f, "\n%*s", INDENT, "");
            col = INDENT;
            fresh = 1;
        }
        fputs(fresh ? " " : "  ", f);
        col += (fresh ? 1 : 2) + width;
        fresh = 0;
        for (size_t k = i; k < end; k++)
            fprintf(f, "%s%s%s%s", k > i ? " " : "", run_options[k].flag, *run_options[k].arg ? " " : "",
                    run_options[k].arg);
        i = end;
    }
    fputs("\n", f);
    fputs(usage_tail, f);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("aslc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    usage(stderr);
    return EXIT_USAGE;
}

/* Options that take a value (so that the value is not taken for WF): the
   run options that do, and aslc's own. */
static int takes_value(const char *opt)
{
    static const char *const with_value[] = {"--mode", "-o", "--cc", "-O", "--handlers", "--substitutions",
                                             "--substitution"};
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (strcmp(opt, with_value[i]) == 0)
            return 1;
    for (size_t i = 0; i < NRUN_OPTIONS; i++)
        if (*run_options[i].arg && strcmp(opt, run_options[i].flag) == 0)
            return 1;
    return 0;
}

/* The --substitutions and --substitution options of this command line
   (NULL until one is given); main frees them. */
static asl_subst *given_subst;

/* One of those options at argv[*i]: 1 when it was (*i at its value), 0
   when argv[*i] is something else, -1 after saying what is wrong. */
static int subst_option(int argc, char **argv, int *i)
{
    if (strcmp(argv[*i], "--substitutions") != 0 && strcmp(argv[*i], "--substitution") != 0)
        return 0;
    if (!given_subst)
        given_subst = asl_subst_new();
    return asl_subst_option(given_subst, argc, argv, i);
}

/* Loads and validates WF, with aslc's optimizations unless no_opt and its
   placeholders filled from the substitution options; NULL after the
   diagnostics when it is invalid. */
static asl_def *load(const char *file, int no_opt, asl_diag *d)
{
    asl_front_opts o = {no_opt, given_subst};
    asl_diag_init(d, file, stderr);
    return asl_front_load_opts(file, NULL, 0, &o, d);
}

/* With --bindings: a warning for each Task that neither the bindings nor a
   built-in integration handles (it would fail with States.TaskFailed unless
   a mock covers it). Native handlers are only known to built executables. */
static void warn_unbound(const asl_def *def, const aslrt_bindings *b, const char *file, asl_diag *d)
{
    for (int m = 0; m < def->nmachines; m++) {
        const asl_machine *mc = def->machines[m];
        for (int i = 0; i < mc->rt.nstates; i++) {
            const aslrt_state *st = &mc->states[i];
            const char *fn;
            if (st->type != ASLRT_TASK || aslrt_bindings_cover(b, st, &fn))
                continue;
            char *ptr = asl_ptr_join(def->arena, mc->pointers[i], "Resource");
            asl_diag_warning(d, ptr, "nothing in %s binds the resource \"%s\"%s%s%s: the Task fails with "
                             "States.TaskFailed unless a mock configuration covers it",
                             file, asl_diag_excerpt(def->arena, st->resource), fn ? " (FunctionName \"" : "",
                             fn ? asl_diag_excerpt(def->arena, fn) : "", fn ? "\")" : "");
        }
    }
}

/* aslc check WF [--bindings FILE]. */
static int cmd_check(int argc, char **argv)
{
    const char *wf = NULL, *bindings = NULL;
    for (int i = 0; i < argc; i++) {
        int sub = subst_option(argc, argv, &i);
        if (sub < 0)
            return EXIT_USAGE;
        if (sub)
            continue;
        if (strcmp(argv[i], "--bindings") == 0 && i + 1 < argc)
            bindings = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("check: unknown option '%s' (or one that needs a value)", argv[i]);
        else if (!wf)
            wf = argv[i];
        else
            return usage_error("check takes one definition file, not also '%s'", argv[i]);
    }
    if (!wf)
        return usage_error("check takes one definition file%s", "");
    aslrt_bindings *b = NULL;
    if (bindings) {
        char *err = NULL;
        if (!(b = aslrt_bindings_load(bindings, &err))) {
            fprintf(stderr, "aslc: %s\n", err ? err : "cannot load the bindings");
            free(err);
            return EXIT_USAGE;
        }
    }
    asl_diag d;
    asl_def *def = load(wf, 0, &d);
    if (!def) {
        aslrt_bindings_free(b);
        return EXIT_USAGE;
    }
    if (b)
        warn_unbound(def, b, bindings, &d);
    aslrt_bindings_free(b);
    asl_def_free(def);
    return EXIT_OK;
}

static int write_text(const char *file, const char *text)
{
    FILE *f = strcmp(file, "-") == 0 ? stdout : fopen(file, "w");
    if (!f) {
        perror(file);
        return EXIT_USAGE;
    }
    fputs(text, f);
    if (f != stdout && fclose(f) != 0) {
        perror(file);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int cmd_emit_c(int argc, char **argv)
{
    const char *wf = NULL, *out = "-";
    int no_opt = 0;
    for (int i = 0; i < argc; i++) {
        int sub = subst_option(argc, argv, &i);
        if (sub < 0)
            return EXIT_USAGE;
        if (sub)
            continue;
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--no-opt") == 0)
            no_opt = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("emit-c: unknown option '%s'", argv[i]);
        else if (!wf)
            wf = argv[i];
        else
            return usage_error("emit-c takes one definition file, not also '%s'", argv[i]);
    }
    if (!wf)
        return usage_error("emit-c needs a definition file%s", "");
    asl_diag d;
    asl_def *def = load(wf, no_opt, &d);
    if (!def)
        return EXIT_USAGE;
    char *code = asl_emit_c(def, 1);
    int rc = write_text(out, code);
    free(code);
    asl_def_free(def);
    return rc;
}

/* aslc graph WF [--format dot|mermaid] [--history FILE] [-o FILE]. */
static int cmd_graph(int argc, char **argv)
{
    const char *wf = NULL, *out = "-", *history = NULL;
    asl_graph_format format = ASL_GRAPH_DOT;
    for (int i = 0; i < argc; i++) {
        int sub = subst_option(argc, argv, &i);
        if (sub < 0)
            return EXIT_USAGE;
        if (sub)
            continue;
        const char *a = argv[i];
        if ((strcmp(a, "--format") == 0 || strcmp(a, "--history") == 0 || strcmp(a, "-o") == 0) && i + 1 >= argc)
            return usage_error("graph: option '%s' needs a value", a);
        if (strcmp(a, "--format") == 0) {
            const char *f = argv[++i];
            if (strcmp(f, "dot") == 0)
                format = ASL_GRAPH_DOT;
            else if (strcmp(f, "mermaid") == 0)
                format = ASL_GRAPH_MERMAID;
            else
                return usage_error("graph: --format must be dot or mermaid, not '%s'", f);
        } else if (strcmp(a, "--history") == 0) {
            history = argv[++i];
        } else if (strcmp(a, "-o") == 0) {
            out = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("graph: unknown option '%s'", a);
        } else if (!wf) {
            wf = a;
        } else {
            return usage_error("graph takes one definition file, not also '%s'", a);
        }
    }
    if (!wf)
        return usage_error("graph needs a definition file%s", "");
    asl_diag d;
    asl_def *def = load(wf, 0, &d);
    if (!def)
        return EXIT_USAGE;
    asl_graph_marks marks;
    if (history && asl_graph_marks_load(def, history, &marks, &d) != 0) {
        asl_def_free(def);
        return EXIT_USAGE;
    }
    char *text = asl_graph_render(def, format, history ? &marks : NULL);
    int rc = write_text(out, text);
    free(text);
    if (history)
        asl_graph_marks_free(def, &marks);
    asl_def_free(def);
    return rc;
}

static int cmd_build(int argc, char **argv)
{
    const char *wf = NULL, *out = NULL;
    asl_aot_options o = {NULL, NULL, NULL, 0};
    int no_opt = 0;
    const char **handlers = calloc((size_t)argc + 1, sizeof *handlers);
    for (int i = 0; i < argc; i++) {
        int sub = subst_option(argc, argv, &i);
        if (sub < 0) {
            free(handlers);
            return EXIT_USAGE;
        }
        if (sub)
            continue;
        const char *a = argv[i];
        if (takes_value(a) && i + 1 >= argc) {
            free(handlers);
            return usage_error("build: option '%s' needs a value", a);
        }
        if (strcmp(a, "-o") == 0)
            out = argv[++i];
        else if (strcmp(a, "--cc") == 0)
            o.cc = argv[++i];
        else if (strcmp(a, "-O") == 0)
            o.opt_level = argv[++i];
        else if (strncmp(a, "-O", 2) == 0 && a[2])
            o.opt_level = a + 2;
        else if (strcmp(a, "--handlers") == 0)
            handlers[o.nhandlers++] = argv[++i];
        else if (strcmp(a, "--no-opt") == 0)
            no_opt = 1;
        else if (a[0] == '-') {
            free(handlers);
            return usage_error("build: unknown option '%s'", a);
        } else if (!wf)
            wf = a;
        else {
            free(handlers);
            return usage_error("build takes one definition file, not also '%s'", a);
        }
    }
    o.handlers = handlers;
    if (!wf || !out) {
        free(handlers);
        return usage_error("build needs a definition file and -o EXE%s", "");
    }
    asl_diag d;
    asl_def *def = load(wf, no_opt, &d);
    int rc = EXIT_USAGE;
    if (def && asl_aot_build(def, out, &o, &d) == 0)
        rc = EXIT_OK;
    asl_def_free(def);
    free(handlers);
    return rc;
}

/* aslc run WF [--mode M] [run options]: the run options go to the runtime
   unchanged (argv[0] becomes "aslc"), so all modes parse them alike. */
static int cmd_run(int argc, char **argv)
{
    const char *wf = NULL, *mode = "jit";
    int no_opt = 0;
    char **rest = calloc((size_t)argc + 2, sizeof *rest);
    int nrest = 0;
    rest[nrest++] = (char *)"aslc";
    for (int i = 0; i < argc; i++) {
        int sub = subst_option(argc, argv, &i); /* aslc's, not a run option */
        if (sub < 0) {
            free(rest);
            return EXIT_USAGE;
        }
        if (sub)
            continue;
        if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            mode = argv[++i];
        } else if (strcmp(argv[i], "--no-opt") == 0) { /* aslc's, not a run option */
            no_opt = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rest[nrest++] = argv[i];
            if (takes_value(argv[i]) && i + 1 < argc)
                rest[nrest++] = argv[++i];
        } else if (!wf) {
            wf = argv[i];
        } else {
            free(rest);
            return usage_error("run takes one definition file, not also '%s'", argv[i]);
        }
    }
    if (!wf) {
        free(rest);
        return usage_error("run needs a definition file%s", "");
    }
    if (strcmp(mode, "interp") != 0 && strcmp(mode, "jit") != 0 && strcmp(mode, "aot") != 0) {
        free(rest);
        return usage_error("--mode must be interp, jit or aot, not '%s'", mode);
    }
    asl_diag d;
    asl_def *def = load(wf, no_opt, &d);
    int rc = EXIT_USAGE;
    if (def) {
        if (strcmp(mode, "interp") == 0) {
            asl_interp_prepare(def);
            rc = aslrt_main(nrest, rest, &def->program);
        } else if (strcmp(mode, "jit") == 0) {
            asl_jit *j = asl_jit_compile(def, &d);
            if (j)
                rc = aslrt_main(nrest, rest, asl_jit_program(j));
            asl_jit_free(j);
        } else {
            rc = asl_aot_run(def, nrest, rest, &d);
        }
    }
    asl_def_free(def);
    free(rest);
    return rc;
}

/* The command named by argv[1]. */
static int command(int argc, char **argv)
{
    const char *cmd = argv[1];
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2);
    if (strcmp(cmd, "emit-c") == 0)
        return cmd_emit_c(argc - 2, argv + 2);
    if (strcmp(cmd, "graph") == 0)
        return cmd_graph(argc - 2, argv + 2);
    if (strcmp(cmd, "bench") == 0)
        return asl_bench_main(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}

int asl_cli_main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("no command given%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("aslc " ASLC_VERSION);
        return EXIT_OK;
    }
    int rc = command(argc, argv);
    asl_subst_free(given_subst);
    return rc;
}
