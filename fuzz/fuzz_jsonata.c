/* fuzz_jsonata.c — libFuzzer target: the JSONata parser and evaluator (jsonata/), through the
   library's public API (jsonata.h). The input is one expression; when it compiles, it is
   evaluated against a fixed document with arrays, objects, numbers and strings to walk, both
   as `$` and as $states.input (seeds come from Step Functions definitions), with a time limit
   so that a slow expression is an error rather than a timeout.
   Evaluation errors are fine; crashes, leaks, hangs and sanitizer reports are findings. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonata.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char k_input[] =
    "{\"a\": 1, \"b\": [1, 2, 3.5, \"x\", null, true], \"c\": {\"d\": \"text\", \"e\": [{\"f\": 1}, {\"f\": 2}]},"
    " \"s\": \"Hello, World\", \"n\": -12.75, \"t\": \"2024-01-02T03:04:05.678Z\", \"o\": {}}";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = 0; /* expressions are C strings: a NUL ends one */
    jsonata_error err;
    jsonata_expr *e = jsonata_compile(text, &err);
    if (!e && !err.message[0])
        abort(); /* a failure always says why */
    if (e) {
        cJSON *input = cJSON_Parse(k_input);
        cJSON *states = cJSON_CreateObject(), *bindings = cJSON_CreateObject();
        cJSON_AddItemToObject(states, "input", cJSON_Duplicate(input, 1));
        cJSON_AddItemToObject(states, "context", cJSON_Parse("{\"State\": {\"Name\": \"S\"}}"));
        cJSON_AddItemToObject(bindings, "states", states);
        jsonata_env env;
        memset(&env, 0, sizeof env);
        env.bindings = bindings;
        env.time_limit_ms = 1000;
        env.flags = JSONATA_AWS_FUNCTIONS;
        cJSON *out = NULL;
        int rc = jsonata_evaluate(e, input, &env, &out, &err);
        if (rc < 0 && !err.message[0])
            abort(); /* an error always has a message */
        cJSON_Delete(out);
        cJSON_Delete(bindings);
        cJSON_Delete(input);
        jsonata_free(e);
    }
    free(text);
    return 0;
}
