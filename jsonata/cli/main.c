/* main.c — `jsonata`: try libjsonata from the shell.
 *
 *     jsonata '$sum(items.price)' order.json        # prints 42.5
 *     echo '{"a": [1, 2]}' | jsonata 'a[1]'         # prints 2
 *
 * The expression is evaluated as jsonata-js evaluates it (jsonata.h), with the input document
 * as `$`, and the result printed as JSON.stringify prints it (numbers as JavaScript writes
 * them, `-p`: indented by 2). Exit status: 0 with the result on stdout (nothing when it is
 * undefined or a function); 1 for a JSONata error, which goes to stderr as
 * `CODE: message (at position N)`, N the byte offset in the expression; 2 for a usage error
 * or an input that cannot be read or is not JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsnum.h"
#include "jsonata.h"
#include "jsonfile.h"

static const char k_usage[] =
    "usage: jsonata [options] EXPRESSION [INPUT.json]\n"
    "Evaluates the JSONata EXPRESSION against INPUT.json (standard input when it is missing or -)\n"
    "and prints the result as JSON.\n"
    "  -n, --no-input        no input document: $ is undefined\n"
    "  -f, --file FILE       read the expression from FILE instead of the first argument\n"
    "  -b, --bind NAME=JSON  bind $NAME to the JSON value (repeatable)\n"
    "  -p, --pretty          indent the result by 2 spaces\n"
    "      --aws             also define AWS Step Functions' $partition $range $hash $uuid $parse\n"
    "      --max-depth N     nesting limit (default 1000)\n"
    "      --time-limit MS   evaluation time limit in milliseconds (default: none)\n"
    "Exit status: 0 result printed (nothing when undefined); 1 JSONata error, printed to\n"
    "stderr as `CODE: message (at position N)`; 2 usage or input error.\n";

/* ------------------------------------------------------------- output */

/* A string as JSON.stringify quotes it: \" \\ \b \f \n \r \t, other control characters as
   \u00XX, everything else (UTF-8 included) as is. */
static void put_string(const char *s, FILE *f)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                putc(*p, f);
        }
    }
    putc('"', f);
}

static void newline(int pretty, int indent, FILE *f)
{
    if (!pretty)
        return;
    putc('\n', f);
    for (int i = 0; i < indent; i++)
        fputs("  ", f);
}

/* JSON.stringify(v, null, pretty ? 2 : 0). Results are at most 1000 deep (the library
   checks), so the recursion is bounded. */
static void put_json(const cJSON *v, int pretty, int indent, FILE *f)
{
    char num[ASLRT_JSNUM_MAX];
    if (cJSON_IsNull(v)) {
        fputs("null", f);
    } else if (cJSON_IsTrue(v)) {
        fputs("true", f);
    } else if (cJSON_IsFalse(v)) {
        fputs("false", f);
    } else if (cJSON_IsNumber(v)) {
        fputs(aslrt_jsnum_format(v->valuedouble, num), f);
    } else if (cJSON_IsString(v)) {
        put_string(v->valuestring ? v->valuestring : "", f);
    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int obj = cJSON_IsObject(v);
        putc(obj ? '{' : '[', f);
        for (const cJSON *x = v->child; x; x = x->next) {
            newline(pretty, indent + 1, f);
            if (obj) {
                put_string(x->string ? x->string : "", f);
                fputs(pretty ? ": " : ":", f);
            }
            put_json(x, pretty, indent + 1, f);
            if (x->next)
                putc(',', f);
        }
        if (v->child)
            newline(pretty, indent, f);
        putc(obj ? '}' : ']', f);
    } else {
        fputs("null", f);
    }
}

/* ------------------------------------------------------------- input */

/* The whole of a file, NUL-terminated, or NULL (errno set). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 4096;
    char *s = malloc(cap);
    for (size_t n; s && (n = fread(s + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (cap - len < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t)
                free(s);
            s = t;
        }
    }
    if (s)
        s[len] = '\0';
    if (ferror(f)) {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

/* -b NAME=JSON into bindings; 0, or -1 after saying why. */
static int add_binding(cJSON *bindings, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        fprintf(stderr, "jsonata: --bind takes NAME=JSON, not '%s'\n", arg);
        return -1;
    }
    char *why = NULL;
    cJSON *v = aslrt_json_parse("--bind", eq + 1, strlen(eq + 1), &why);
    if (!v) {
        fprintf(stderr, "jsonata: %s\n", why);
        free(why);
        return -1;
    }
    char *name = strndup(arg, (size_t)(eq - arg));
    if (arg[0] == '$') /* -b '$x=1' binds $x too */
        memmove(name, name + 1, strlen(name));
    cJSON_AddItemToObject(bindings, name, v);
    free(name);
    return 0;
}

/* ------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    static const struct option k_opts[] = {
        {"no-input", no_argument, 0, 'n'},      {"file", required_argument, 0, 'f'},
        {"bind", required_argument, 0, 'b'},    {"pretty", no_argument, 0, 'p'},
        {"aws", no_argument, 0, 'A'},           {"max-depth", required_argument, 0, 'D'},
        {"time-limit", required_argument, 0, 'T'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int no_input = 0, pretty = 0, status = 2;
    const char *expr_file = NULL;
    char *text = NULL;
    jsonata_env env;
    memset(&env, 0, sizeof env);
    cJSON *bindings = cJSON_CreateObject(), *input = NULL, *result = NULL;
    jsonata_expr *e = NULL;
    for (int c; (c = getopt_long(argc, argv, "nf:b:ph", k_opts, NULL)) != -1;) {
        char *end;
        switch (c) {
        case 'n': no_input = 1; break;
        case 'f': expr_file = optarg; break;
        case 'p': pretty = 1; break;
        case 'A': env.flags |= JSONATA_AWS_FUNCTIONS; break;
        case 'b':
            if (add_binding(bindings, optarg) != 0)
                goto done;
            break;
        case 'D':
            env.max_depth = (int)strtol(optarg, &end, 10);
            if (*end || env.max_depth <= 0) {
                fprintf(stderr, "jsonata: --max-depth takes a positive number, not '%s'\n", optarg);
                goto done;
            }
            break;
        case 'T':
            env.time_limit_ms = strtod(optarg, &end);
            if (*end || !(env.time_limit_ms > 0)) {
                fprintf(stderr, "jsonata: --time-limit takes a positive number of milliseconds, not '%s'\n", optarg);
                goto done;
            }
            break;
        case 'h': fputs(k_usage, stdout); status = 0; goto done;
        default: fputs(k_usage, stderr); goto done;
        }
    }
    int args = argc - optind, need = expr_file ? 0 : 1;
    if (args < need || args > need + 1 || (no_input && args > need)) {
        fputs(k_usage, stderr);
        goto done;
    }
    if (expr_file) {
        text = read_file(expr_file);
        if (!text) {
            fprintf(stderr, "jsonata: %s: cannot read the expression\n", expr_file);
            goto done;
        }
    } else {
        text = strdup(argv[optind++]);
    }
    if (!no_input) {
        char *why = NULL;
        input = aslrt_json_load(optind < argc ? argv[optind] : "-", &why);
        if (!input) {
            fprintf(stderr, "jsonata: %s\n", why);
            free(why);
            goto done;
        }
    }
    env.bindings = bindings;
    jsonata_error err;
    e = jsonata_compile(text, &err);
    int rc = e ? jsonata_evaluate(e, input, &env, &result, &err) : -1;
    if (rc < 0) {
        if (err.code[0])
            fprintf(stderr, "%s: ", err.code);
        fputs(err.message, stderr);
        if (err.position >= 0)
            fprintf(stderr, " (at position %d)", err.position);
        putc('\n', stderr);
        status = 1;
        goto done;
    }
    if (result) {
        put_json(result, pretty, 0, stdout);
        putc('\n', stdout);
    }
    status = fflush(stdout) == 0 ? 0 : 2;
done:
    cJSON_Delete(result);
    cJSON_Delete(input);
    cJSON_Delete(bindings);
    jsonata_free(e);
    free(text);
    return status;
}
