/* definition.c — a definition checked by aslc's front end (compiler/front.c, validate.c), its
   diagnostics collected through a sink and named with AWS's diagnostic codes. aslc's messages
   are its own; the codes and the location (a JSON pointer, as AWS gives it) are AWS's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "definition.h"
#include "front.h"
#include "lint.h"
#include "xalloc.h"

/* The name diagnostics use for the definition (syntax errors begin with it). */
#define DEFINITION_NAME "definition"

typedef struct collect {
    cJSON *list;
    int errors;
} collect;

/* AWS's code for one of aslc's messages: the few AWS names apart, and the rest are schema
   problems as AWS counts them. */
static const char *code_for(int warning, const char *pointer, const char *message)
{
    if (!pointer) /* a problem of the document as a whole (syntax errors are told apart before) */
        return "SCHEMA_VALIDATION_FAILED";
    static const struct {
        const char *words, *code;
    } codes[] = {
        {"no state ends", "MISSING_END_STATE"},
        {"terminal state", "MISSING_END_STATE"},
        {"duplicate state", "DUPLICATE_STATE_NAME"},
        {"appears more than once", "DUPLICATE_STATE_NAME"},
        {"is not a state", "MISSING_TRANSITION_TARGET"},
        {"no state named", "MISSING_TRANSITION_TARGET"},
        {"state name", "INVALID_STATE_NAME"},
        {"Resource", "INVALID_RESOURCE"},
        {"resource", "INVALID_RESOURCE"},
        {"nested", "TOO_DEEPLY_NESTED"},
        {"label", "INVALID_LABEL_NAME"},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strstr(message, codes[i].words))
            return codes[i].code;
    if (warning && strstr(message, ".$"))
        return "NO_DOLLAR";
    return "SCHEMA_VALIDATION_FAILED";
}

static void add(collect *c, int warning, const char *code, const char *location, const char *message)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "severity", warning ? "WARNING" : "ERROR");
    cJSON_AddStringToObject(d, "code", code);
    cJSON_AddStringToObject(d, "message", message);
    if (location)
        cJSON_AddStringToObject(d, "location", location);
    cJSON_AddItemToArray(c->list, d);
    if (!warning)
        c->errors++;
}

/* The diagnostic sink (diag.h). A syntax error's text is "definition:LINE:COL: message" and
   then the line with a caret: AWS gives the first line, without the name. */
static void sink(void *ctx, int warning, const char *pointer, const char *message)
{
    collect *c = ctx;
    if (!pointer) {
        size_t n = strcspn(message, "\n");
        char *line = aslrt_xmalloc(n + 1);
        memcpy(line, message, n);
        line[n] = 0;
        const char *text = line;
        size_t np = strlen(DEFINITION_NAME);
        if (strncmp(text, DEFINITION_NAME, np) == 0 && text[np] == ':')
            text += np + 1;
        /* "LINE:COL: message": the place goes to the location, as AWS gives it */
        unsigned lineno, col;
        int used = 0;
        char *where = NULL;
        if (sscanf(text, "%u:%u: %n", &lineno, &col, &used) == 2 && used > 0) {
            where = aslrt_strf("line: %u, column: %u", lineno, col);
            text += used;
        }
        add(c, warning, where ? "INVALID_JSON_DESCRIPTION" : code_for(warning, NULL, text), where, text);
        free(where);
        free(line);
        return;
    }
    add(c, warning, code_for(warning, pointer, message), *pointer ? pointer : "/", message);
}

/* Whether a Task's resource asks for what EXPRESS machines cannot do: wait for a job (.sync),
   for a callback (.waitForTaskToken), or for an activity worker. */
static const char *express_refuses(const char *resource)
{
    if (strstr(resource, ".sync") && strncmp(resource, "arn:aws:states:::", 17) == 0)
        return "Express state machine does not support '.sync' service integration";
    if (strstr(resource, ".waitForTaskToken"))
        return "Express state machine does not support '.waitForTaskToken' service integration";
    if (strncmp(resource, "arn:aws:states:", 15) == 0 && strstr(resource, ":activity:"))
        return "Express state machine does not support activities";
    return NULL;
}

int srv_definition_check(const char *text, const char *type, cJSON **diagnostics)
{
    collect c = {cJSON_CreateArray(), 0};
    *diagnostics = c.list;
    if (!text || !*text || strspn(text, " \t\r\n") == strlen(text)) {
        add(&c, 0, "MISSING_DESCRIPTION", NULL, "The definition is empty");
        return c.errors;
    }
    asl_diag d;
    asl_diag_init_sink(&d, DEFINITION_NAME, sink, &c);
    asl_def *def = asl_front_load_opts(DEFINITION_NAME, text, strlen(text), NULL, &d);
    if (def)
        srv_lint(def->doc, c.list);
    if (def && type && strcmp(type, "EXPRESS") == 0) {
        for (int m = 0; m < def->nmachines; m++) {
            const asl_machine *mc = def->machines[m];
            for (int i = 0; i < mc->rt.nstates; i++) {
                const aslrt_state *st = &mc->states[i];
                const char *why = st->type == ASLRT_TASK && st->resource ? express_refuses(st->resource) : NULL;
                if (why) {
                    char *where = aslrt_strf("%s/Resource", mc->pointers[i]);
                    add(&c, 0, "SCHEMA_VALIDATION_FAILED", where, why);
                    free(where);
                }
            }
        }
    }
    asl_def_free(def);
    return c.errors;
}

char *srv_definition_problem(const cJSON *diagnostics)
{
    asl_buf b = {0};
    asl_buf_puts(&b, "Invalid State Machine Definition: '");
    int n = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, diagnostics)
    {
        const cJSON *severity = cJSON_GetObjectItemCaseSensitive(d, "severity");
        if (!cJSON_IsString(severity) || strcmp(severity->valuestring, "ERROR") != 0)
            continue;
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(d, "code");
        const cJSON *message = cJSON_GetObjectItemCaseSensitive(d, "message");
        const cJSON *location = cJSON_GetObjectItemCaseSensitive(d, "location");
        asl_buf_printf(&b, "%s%s: %s", n++ ? ", " : "", code->valuestring, message->valuestring);
        if (cJSON_IsString(location))
            asl_buf_printf(&b, " at %s", location->valuestring);
    }
    asl_buf_puts(&b, "'");
    return asl_buf_take(&b);
}
