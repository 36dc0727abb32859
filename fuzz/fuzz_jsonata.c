/* fuzz_jsonata.c — libFuzzer target: the JSONata parser (compiler/jsonata_parse.c)
   and evaluator (jsonata/jsonata*.c). The input is one expression; when it
   parses, it is evaluated against a fixed $states with arrays, objects,
   numbers and strings to walk. Evaluation errors are fine; crashes, leaks,
   hangs and sanitizer reports are findings. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonata.h"
#include "jsonata_parse.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char k_input[] =
    "{\"a\": 1, \"b\": [1, 2, 3.5, \"x\", null, true], \"c\": {\"d\": \"text\", \"e\": [{\"f\": 1}, {\"f\": 2}]},"
    " \"s\": \"Hello, World\", \"n\": -12.75, \"t\": \"2024-01-02T03:04:05.678Z\", \"o\": {}}";

static const cJSON *no_variables(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = 0; /* expressions are C strings: a NUL ends one */
    asl_arena *a = asl_arena_new();
    const char *err = NULL;
    const jsonata_node *x = jsonata_parse(a, text, &err);
    if (!x && !err)
        abort(); /* a failure always says why */
    if (x) {
        cJSON *states = cJSON_CreateObject();
        cJSON_AddItemToObject(states, "input", cJSON_Parse(k_input));
        cJSON_AddItemToObject(states, "context", cJSON_Parse("{\"State\": {\"Name\": \"S\"}}"));
        aslrt_exec ex;
        memset(&ex, 0, sizeof ex);
        cJSON *out = NULL;
        int rc = aslrt_jsonata_eval(&ex, x, states, no_variables, NULL, &out);
        if (rc < 0 && !ex.error)
            abort(); /* an error always has a name */
        aslrt_error_clear(&ex);
        cJSON_Delete(out);
        cJSON_Delete(states);
    }
    asl_arena_free(a);
    free(text);
    return 0;
}
