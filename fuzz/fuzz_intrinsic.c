/* fuzz_intrinsic.c — libFuzzer target: the intrinsic function parser
   (compiler/intrinsic.c), States.Format('...', $.x, States.Array(...)). */
#include <stdlib.h>
#include <string.h>

#include "intrinsic.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Parses the bytes as one call; a failure must come with a message. */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = 0;                              /* calls are C strings: a NUL ends one */
    asl_arena *a = asl_arena_new();
    const char *err = NULL;
    const aslrt_tmpl *t = asl_intrinsic_parse(a, text, &err);
    if (!t && !err)
        abort();
    asl_arena_free(a);
    free(text);
    return 0;
}
