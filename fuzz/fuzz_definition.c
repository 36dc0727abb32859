/* fuzz_definition.c — libFuzzer target: a definition from bytes through the
   whole front end (JSON reader, every validation rule, the IR builder) and,
   when it is valid, the C code generator.  Any input must give diagnostics
   or C source, never a crash, a hang or a leak. */
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "emit.h"
#include "front.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Diagnostics go nowhere: only crashes, leaks and sanitizer reports count. */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    asl_diag d;
    asl_diag_init(&d, "fuzz.asl.json", sink);
    asl_def *def = asl_front_load_text("fuzz.asl.json", (const char *)data, size, &d);
    if (def)
        free(asl_emit_c(def, 1));
    asl_def_free(def);
    return 0;
}
