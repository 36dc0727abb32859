/* jsonread.c — reading plain JSON text into cJSON trees faster than cJSON.

   cJSON's parser costs several times what building the tree does: it
   compares every value against "null", "false" and "true" before looking at
   its first character, and reads each number through localeconv() and
   strtod(). aslrt_json_parse_plain() reads the common case itself: plain
   JSON (RFC 8259) with whitespace of space, tab, CR and LF, strings without
   \u escapes, numbers whose value one multiplication or division gives
   exactly rounded, nesting up to QUICK_DEPTH. It builds the very tree cJSON
   would (same nodes, same fields); on anything else it gives up, and the
   caller hands the text to cJSON, which then produces the tree or the error. */
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonnode.h"
#include "xalloc.h"
#include "jsonread.h"

#define QUICK_DEPTH 32

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* The string literal at *pp (at its opening quote), unescaped, allocated as
   cJSON allocates; *pp moves past its closing quote. NULL: a \u escape, an
   escape cJSON rejects, or no closing quote. Other bytes are copied as they
   are, as cJSON copies them. */
static char *quick_string(const char **pp)
{
    const char *p = *pp + 1, *q = p;
    size_t escapes = 0;
    for (; *q != '"'; q++) {
        if (!*q)
            return NULL;
        if (*q == '\\') {
            if (!q[1])
                return NULL;
            q++;
            escapes++;
        }
    }
    char *out = aslrt_json_alloc((size_t)(q - p) - escapes + 1);
    char *o = out;
    if (!escapes) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
    } else {
        for (; p < q; p++) {
            if (*p != '\\') {
                *o++ = *p;
                continue;
            }
            switch (*++p) {
            case '"': case '\\': case '/': *o++ = *p; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            default: /* \u, or an escape JSON has not */
                cJSON_free(out);
                return NULL;
            }
        }
    }
    *o = '\0';
    *pp = q + 1;
    return out;
}

/* The number at *pp, as strtod() reads it, when its grammar is RFC 8259's
   and it has at most 19 significant digits forming an integer w <= 2^53 and
   an exponent q in [-22, 22]: w and 10^|q| are then exact doubles and one
   multiplication or division rounds as strtod() does (Clinger's fast path).
   0 (and *pp unmoved) for any other number. */
static int quick_number(const char **pp, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = *pp;
    int neg = *p == '-';
    p += neg;
    uint64_t w = 0;
    int digits = 0, frac = 0, exp = 0;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        for (; is_digit(*p); p++, digits++)
            w = w * 10 + (uint64_t)(*p - '0');
    } else {
        return 0;
    }
    if (*p == '.') {
        if (!is_digit(*++p))
            return 0;
        for (; is_digit(*p); p++, digits++, frac++)
            w = w * 10 + (uint64_t)(*p - '0');
    }
    if (*p == 'e' || *p == 'E') {
        int eneg = *++p == '-';
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return 0;
        for (; is_digit(*p); p++)
            if (exp < 100000)
                exp = exp * 10 + (*p - '0');
        if (eneg)
            exp = -exp;
    }
    /* cJSON reads a number as the run of these characters (63 at most). */
    if ((*p && strchr("0123456789+-.eE", *p)) || p - *pp > 63 || digits > 19)
        return 0;
    double d;
    int q = exp - frac;
    if (w == 0)
        d = 0;
    else if (w > (uint64_t)1 << 53 || q < -22 || q > 22)
        return 0;
    else
        d = q < 0 ? (double)w / pow10[-q] : (double)w * pow10[q];
    *out = neg ? -d : d;
    *pp = p;
    return 1;
}

/* The value at *pp (no blanks before it); NULL to give up (see above). */
static cJSON *quick_value(const char **pp, int depth)
{
    const char *p = *pp;
    cJSON *r;
    double d;
    switch (*p) {
    case '"': {
        char *text = quick_string(&p);
        if (!text)
            return NULL;
        r = aslrt_json_new(cJSON_String);
        r->valuestring = text;
        break;
    }
    case 'n':
        if (strncmp(p, "null", 4) != 0)
            return NULL;
        r = aslrt_json_new(cJSON_NULL);
        p += 4;
        break;
    case 't':
        if (strncmp(p, "true", 4) != 0)
            return NULL;
        r = aslrt_json_new(cJSON_True);
        r->valueint = 1; /* as cJSON's parser sets it */
        p += 4;
        break;
    case 'f':
        if (strncmp(p, "false", 5) != 0)
            return NULL;
        r = aslrt_json_new(cJSON_False);
        p += 5;
        break;
    case '[':
    case '{': {
        int obj = *p == '{';
        if (depth >= QUICK_DEPTH)
            return NULL;
        r = aslrt_json_new(obj ? cJSON_Object : cJSON_Array);
        p = skip_blanks(p + 1);
        if (*p != (obj ? '}' : ']')) {
            for (;;) {
                char *key = NULL;
                if (obj) {
                    if (*p != '"' || !(key = quick_string(&p)))
                        goto fail;
                    p = skip_blanks(p);
                    if (*p != ':') {
                        cJSON_free(key);
                        goto fail;
                    }
                    p = skip_blanks(p + 1);
                }
                cJSON *x = quick_value(&p, depth + 1);
                if (!x) {
                    cJSON_free(key);
                    goto fail;
                }
                x->string = key;
                aslrt_json_append(r, x);
                p = skip_blanks(p);
                if (*p != ',')
                    break;
                p = skip_blanks(p + 1);
            }
            if (*p != (obj ? '}' : ']'))
                goto fail;
        }
        p++;
        break;
    fail:
        cJSON_Delete(r);
        return NULL;
    }
    default:
        if (!quick_number(&p, &d))
            return NULL;
        r = aslrt_xjson(cJSON_CreateNumber(d));
        break;
    }
    *pp = p;
    return r;
}

cJSON *aslrt_json_parse_plain(const char *s)
{
    const char *p = skip_blanks(s);
    cJSON *r = quick_value(&p, 0);
    if (r && *skip_blanks(p)) {
        cJSON_Delete(r);
        r = NULL;
    }
    return r;
}

