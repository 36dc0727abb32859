/* fuzz_path.c — libFuzzer target: the JSONPath parser (compiler/path.c).
   The first byte picks the ASL_PATH_* flags, the rest is the path text. */
#include <stdlib.h>
#include <string.h>

#include "path.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Parses the text once; a path that parses must have a sane shape. */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0)
        return 0;
    int flags = data[0] & (ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS);
    char *text = malloc(size);
    if (!text)
        abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;                          /* paths are C strings: a NUL ends one */
    asl_arena *a = asl_arena_new();
    const char *err = NULL;
    const aslrt_path *p = asl_path_parse(a, text, flags, &err);
    if (!p && !err)
        abort();                                 /* a failure always says why */
    if (p && (p->nsteps < 0 || (p->nsteps > 0 && !p->steps) || !p->text))
        abort();
    asl_arena_free(a);
    free(text);
    return 0;
}
