/* aws_xml.c — a small recursive reader of AWS's XML responses. Depth is
 * bounded (a hostile endpoint cannot exhaust the stack), entities are the
 * five predefined ones and numeric references.
 */
#include <stdlib.h>
#include <string.h>

#include "aws_xml.h"
#include "buf.h"
#include "jsonnode.h"
#include "xalloc.h"

#define MAX_DEPTH 64

typedef struct reader {
    const char *s, *end;
    const char *const *lists;
} reader;

/* Skips <?...?>, <!-- ... -->, <!...> and blanks. */
static void skip_misc(reader *r)
{
    for (;;) {
        while (r->s < r->end && strchr(" \t\r\n", *r->s))
            r->s++;
        if (r->end - r->s >= 4 && memcmp(r->s, "<!--", 4) == 0) {
            const char *e = strstr(r->s, "-->");
            r->s = e && e < r->end ? e + 3 : r->end;
        } else if (r->end - r->s >= 2 && (memcmp(r->s, "<?", 2) == 0 || memcmp(r->s, "<!", 2) == 0)) {
            const char *e = memchr(r->s, '>', (size_t)(r->end - r->s));
            r->s = e ? e + 1 : r->end;
        } else {
            return;
        }
    }
}

/* Appends text[0..n) with entities decoded. */
static void add_text(asl_buf *b, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i] != '&') {
            asl_buf_putc(b, t[i]);
            continue;
        }
        const char *semi = memchr(t + i, ';', n - i);
        size_t len = semi ? (size_t)(semi - (t + i)) : 0;
        static const struct {
            const char *name;
            char c;
        } named[] = {{"&amp", '&'}, {"&lt", '<'}, {"&gt", '>'}, {"&quot", '"'}, {"&apos", '\''}};
        int done = 0;
        for (size_t k = 0; k < 5 && semi; k++)
            if (strlen(named[k].name) == len && memcmp(t + i, named[k].name, len) == 0) {
                asl_buf_putc(b, named[k].c);
                done = 1;
            }
        if (!done && semi && len > 2 && t[i + 1] == '#') {
            unsigned long cp = t[i + 2] == 'x' ? strtoul(t + i + 3, NULL, 16) : strtoul(t + i + 2, NULL, 10);
            char u[4];
            size_t k = 0;
            if (cp < 0x80) {
                u[k++] = (char)cp;
            } else if (cp < 0x800) {
                u[k++] = (char)(0xC0 | (cp >> 6));
                u[k++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                u[k++] = (char)(0xE0 | (cp >> 12));
                u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[k++] = (char)(0x80 | (cp & 0x3F));
            } else {
                u[k++] = (char)(0xF0 | ((cp >> 18) & 7));
                u[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[k++] = (char)(0x80 | (cp & 0x3F));
            }
            asl_buf_add(b, u, k);
            done = 1;
        }
        if (done)
            i += len;
        else
            asl_buf_putc(b, '&');
    }
}

static int listed(const reader *r, const char *name)
{
    for (size_t i = 0; r->lists && r->lists[i]; i++)
        if (strcmp(r->lists[i], name) == 0)
            return 1;
    return 0;
}

/* Adds value under name to obj: a second one (or a listed name) makes an array. */
static void put(reader *r, cJSON *obj, const char *name, cJSON *value)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!old && listed(r, name)) {
        cJSON *a = aslrt_xjson(cJSON_AddArrayToObject(obj, name));
        cJSON_AddItemToArray(a, value);
    } else if (!old) {
        cJSON_AddItemToObject(obj, name, value);
    } else if (cJSON_IsArray(old)) { /* values are strings or objects: an array is our list */
        cJSON_AddItemToArray(old, value);
    } else {
        cJSON *a = aslrt_xjson(cJSON_CreateArray());
        cJSON_DetachItemViaPointer(obj, old);
        cJSON_AddItemToArray(a, old);
        cJSON_AddItemToArray(a, value);
        cJSON_AddItemToObject(obj, name, a);
    }
}

/* The content of the element whose start tag `name` was just read (its
   '>' consumed), through its end tag; NULL when malformed. */
static cJSON *content(reader *r, const char *name, int depth)
{
    if (depth > MAX_DEPTH)
        return NULL;
    asl_buf text = {0};
    asl_buf_init(&text);
    cJSON *obj = NULL;
    for (;;) {
        const char *lt = memchr(r->s, '<', (size_t)(r->end - r->s));
        if (!lt)
            break;
        add_text(&text, r->s, (size_t)(lt - r->s));
        r->s = lt;
        if (r->end - r->s >= 4 && memcmp(r->s, "<!--", 4) == 0) {
            skip_misc(r);
            continue;
        }
        if (r->s[1] == '/') { /* the end tag */
            const char *gt = memchr(r->s, '>', (size_t)(r->end - r->s));
            size_t n = strlen(name);
            if (!gt || (size_t)(gt - r->s - 2) < n || memcmp(r->s + 2, name, n) != 0) {
                asl_buf_free(&text);
                cJSON_Delete(obj);
                return NULL;
            }
            r->s = gt + 1;
            if (obj) {
                asl_buf_free(&text);
                return obj;
            }
            cJSON *s = aslrt_xjson(cJSON_CreateString(text.data));
            asl_buf_free(&text);
            return s;
        }
        /* a child element */
        const char *gt = memchr(r->s, '>', (size_t)(r->end - r->s));
        if (!gt)
            break;
        size_t n = strcspn(r->s + 1, " \t\r\n/>");
        char *child = aslrt_xmalloc(n + 1);
        memcpy(child, r->s + 1, n);
        child[n] = '\0';
        int empty = gt[-1] == '/';
        r->s = gt + 1;
        cJSON *v = empty ? aslrt_xjson(cJSON_CreateString("")) : content(r, child, depth + 1);
        if (!v) {
            free(child);
            break;
        }
        if (!obj)
            obj = aslrt_xjson(cJSON_CreateObject());
        put(r, obj, child, v);
        free(child);
    }
    asl_buf_free(&text);
    cJSON_Delete(obj);
    return NULL;
}

cJSON *aslrt_aws_xml_parse(const char *xml, size_t n, const char *const *lists)
{
    reader r = {xml, xml + n, lists};
    skip_misc(&r);
    if (r.s >= r.end || *r.s != '<')
        return NULL;
    const char *gt = memchr(r.s, '>', (size_t)(r.end - r.s));
    if (!gt)
        return NULL;
    size_t len = strcspn(r.s + 1, " \t\r\n/>");
    char *name = aslrt_xmalloc(len + 1);
    memcpy(name, r.s + 1, len);
    name[len] = '\0';
    int empty = gt[-1] == '/';
    r.s = gt + 1;
    cJSON *v = empty ? aslrt_xjson(cJSON_CreateObject()) : content(&r, name, 0);
    free(name);
    if (v && cJSON_IsString(v) && !v->valuestring[0]) { /* <Root></Root> */
        cJSON_Delete(v);
        v = aslrt_xjson(cJSON_CreateObject());
    }
    return v;
}
