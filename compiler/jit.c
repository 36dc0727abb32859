/* jit.c — the only file that includes <libtcc.h>.
 *
 * The source handed to libtcc is what the generated code needs of the
 * runtime header (jit_header) followed by the machine functions of the
 * generated code, so nothing needs to be installed.
 * -nostdlib keeps libtcc from looking for libc or libtcc1.a: the generated
 * code calls nothing but the runtime ABI, whose addresses come from
 * aslrt_abi.def. The descriptors the functions pass to the runtime are not
 * compiled: they are the IR's, already in memory (the same structs, which
 * interp mode reads too), bound to their names with tcc_add_symbol. Only
 * the code is compiled, which keeps the compile short and its cost flat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libtcc.h>

#include "buf.h"
#include "emit.h"
#include "jit.h"
#include "xalloc.h"

struct asl_jit {
    TCCState *tcc;
    const aslrt_program *program;
};

static void report(void *opaque, const char *msg)
{
    asl_diag *d = opaque;
    asl_diag_plain(d, "internal error: generated C does not compile: %s", msg);
}

/* The generated code's view of aslrt.h (asl_emit_c_code's functions need
   no more): opaque types, the sizes of the descriptor arrays' elements, and
   the declarations of aslrt_abi.def's functions. libtcc reads this in a
   fraction of the time it takes over the whole header. The text, with the
   element sizes filled in; malloc'd. */
static char *jit_header(void)
{
    static const char fmt[] = "typedef struct cJSON cJSON;\n"
                              "typedef struct aslrt_exec aslrt_exec;\n"
                              "typedef struct aslrt_machine aslrt_machine;\n"
                              "typedef struct aslrt_state { char opaque_[%zu]; } aslrt_state;\n"
                              "typedef struct aslrt_rule { char opaque_[%zu]; } aslrt_rule;\n"
                              "%s";
    static const char funcs[] =
#define ASLRT_ABI(ret, name, params) #ret " " #name #params ";\n"
#include "aslrt_abi.def"
#undef ASLRT_ABI
        ;
    size_t n = sizeof fmt + sizeof funcs + 64;
    char *s = aslrt_xmalloc(n);
    snprintf(s, n, fmt, sizeof(aslrt_state), sizeof(aslrt_rule), funcs);
    return s;
}

static void add_abi_symbols(TCCState *s)
{
#define ASLRT_ABI(ret, name, params) tcc_add_symbol(s, #name, (const void *)name);
#include "aslrt_abi.def"
#undef ASLRT_ABI
}

asl_jit *asl_jit_compile(const asl_def *def, asl_diag *d)
{
    asl_emit_sym *syms;
    int nsyms;
    char *code = asl_emit_c_code(def, &syms, &nsyms);
    asl_buf src;
    asl_buf_init(&src);
    char *header = jit_header();
    asl_buf_puts(&src, header);
    free(header);
    asl_buf_puts(&src, "\n#line 1 \"aslg.c\"\n");
    asl_buf_puts(&src, code);
    free(code);

    asl_jit *j = aslrt_xmalloc(sizeof *j);
    j->program = NULL;
    j->tcc = tcc_new();
    if (!j->tcc) {
        asl_diag_plain(d, "internal error: libtcc could not start");
        asl_buf_free(&src);
        free(j);
        return NULL;
    }
    tcc_set_error_func(j->tcc, d, report);
    tcc_set_options(j->tcc, "-nostdlib");
    tcc_set_output_type(j->tcc, TCC_OUTPUT_MEMORY);
    add_abi_symbols(j->tcc);
    for (int i = 0; i < nsyms; i++)
        tcc_add_symbol(j->tcc, syms[i].name, syms[i].ptr);
    free(syms);
    int ok = tcc_compile_string(j->tcc, src.data) == 0;
    asl_buf_free(&src);
    /* Debian's libtcc (0.9.27) takes a second argument; upstream no longer does. */
    ok = ok && tcc_relocate(j->tcc, TCC_RELOCATE_AUTO) >= 0;
    /* the IR's machines run the compiled functions from now on */
    for (int i = 0; ok && i < def->nmachines; i++) {
        char name[32];
        snprintf(name, sizeof name, "aslg_m%d", def->machines[i]->id);
        void *fn = tcc_get_symbol(j->tcc, name);
        if (!fn) {
            asl_diag_plain(d, "internal error: generated C lacks %s", name);
            ok = 0;
            break;
        }
        memcpy(&def->machines[i]->rt.run, &fn, sizeof fn); /* object to function pointer, as POSIX allows */
    }
    if (!ok) {
        asl_jit_free(j);
        return NULL;
    }
    j->program = &def->program;
    return j;
}

const aslrt_program *asl_jit_program(const asl_jit *j)
{
    return j->program;
}

void asl_jit_free(asl_jit *j)
{
    if (!j)
        return;
    if (j->tcc)
        tcc_delete(j->tcc);
    free(j);
}
