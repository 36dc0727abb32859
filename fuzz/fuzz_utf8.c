/* fuzz_utf8.c — libFuzzer target: UTF-8 validation (runtime/utf8.c) and the
   JSON reader it guards (runtime/jsonfile.c).  The input is the text. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonfile.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* An independent answer to "where is the first ill-formed character":
   decode leniently, re-encode, and demand the same bytes (no overlong
   form), a scalar value (no surrogate, nothing past U+10FFFF), and no
   replacement character standing for a bad byte. */
static size_t reference_check(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        unsigned cp = aslrt_utf8_decode(s, n, &j);
        char buf[4];
        size_t k = aslrt_utf8_put(buf, cp);
        if ((cp == 0xFFFD && j - i == 1) || k != j - i || memcmp(buf, s + i, k) != 0 ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return i;
        i = j;
    }
    return n;
}

/* The byte-at-a-time state's answer. */
static size_t step_check(const char *s, size_t n)
{
    aslrt_utf8_state st = {0, 0, 0};
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (aslrt_utf8_between(&st))
            start = i;
        if (!aslrt_utf8_step(&st, (unsigned char)s[i]))
            return start;
    }
    return aslrt_utf8_between(&st) ? n : start;
}

/* Every string (keys too) in v is well-formed UTF-8. */
static int strings_valid(const cJSON *v)
{
    if (v->string && aslrt_utf8_check(v->string, strlen(v->string)) != strlen(v->string))
        return 0;
    if (cJSON_IsString(v) && aslrt_utf8_check(v->valuestring, strlen(v->valuestring)) != strlen(v->valuestring))
        return 0;
    for (const cJSON *c = v->child; c; c = c->next)
        if (!strings_valid(c))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *s = (const char *)data;
    size_t bad = aslrt_utf8_check(s, size);
    if (bad != reference_check(s, size) || bad != step_check(s, size))
        abort(); /* three readings of RFC 3629 must agree */
    if (bad < size && aslrt_utf8_valid_at(s, size, bad) != 0)
        abort();
    for (size_t i = 0; i < size; i++) {
        size_t k = aslrt_utf8_valid_at(s, size, i);
        if (k > 4 || (k == 0 && i < bad && (data[i] & 0xC0) != 0x80))
            abort(); /* every character before the first bad one starts a valid sequence */
        size_t cut = aslrt_utf8_cut(s, size, i);
        if (cut > i || (cut < size && cut > 0 && (data[cut] & 0xC0) == 0x80))
            abort();
    }

    char *err = NULL;
    cJSON *doc = aslrt_json_parse("in.json", s, size, &err);
    if (!doc == !err)
        abort(); /* a tree or an error, never both or neither */
    if (doc && (bad < size || !strings_valid(doc)))
        abort(); /* ill-formed text never becomes a document */
    if (err && aslrt_utf8_check(err, strlen(err)) != strlen(err))
        abort(); /* the message (and its excerpt of the text) is text */
    cJSON_Delete(doc);
    free(err);
    return 0;
}
