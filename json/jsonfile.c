/* jsonfile.c — reading JSON documents with errors that point at the spot.
 *
 * cJSON builds the tree, but its idea of where an error is (return_parse_end)
 * is rough: "{" fails at offset 0, "[1,2" one byte before the end, and it
 * never says what went wrong.  So before handing text to cJSON we run a small
 * strict RFC 8259 scanner over it.  The scanner is a loop with an explicit
 * stack (no recursion, so 100,000 nested brackets cost nothing) that stops at
 * the first byte that cannot continue a JSON text and names the problem:
 * unexpected end of input, trailing characters, nesting deeper than
 * JSON_MAX_DEPTH, a NUL byte, a bad escape, a trailing comma, a number too
 * big for a double, ...
 *
 * Only text the scanner accepts reaches cJSON, and its nesting limit
 * (CJSON_NESTING_LIMIT, 1000) is ours too, so it should not fail; if it does
 * anyway we fall back to its return_parse_end.  JSON text is UTF-8 (RFC 8259
 * §8.1) and AWS refuses requests that are not, so ill-formed UTF-8 is an
 * error too (cJSON would take it, and print it back as it is): this is where
 * definitions, inputs, bindings and mock files enter, so the one check here
 * covers them all.  Positions are 1-based lines and 1-based byte columns,
 * and an encoding error also gives the byte offset.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonnode.h"
#include "xalloc.h"
#include "jsonfile.h"
#include "utf8.h"

/* Deepest nesting of arrays and objects we accept: cJSON's own limit, so
   that everything the scanner passes, cJSON can build. */
#define JSON_MAX_DEPTH 1000

/* The longest pointer token aslrt_json_problem shows whole (AWS's limit on
   a state name, and the compiler's, diag.h). */
#define PROBLEM_TOKEN_MAX 80

/* How much of a long line an error shows around the column. */
#define SHOW_WIDTH 120

/* The scanner's verdict: where the first problem is and what it is. */
typedef struct scan_error {
    size_t pos;        /* byte offset of the problem */
    char msg[96];      /* what is wrong there */
} scan_error;

/* Sets the error and returns -1, so that scanner code can `return fail(...)`. */
static int fail(scan_error *e, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(scan_error *e, size_t pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->pos = pos;
    return -1;
}

/* A byte as a message shows it: 'x' when printable, else 0xNN. */
static const char *show_byte(unsigned char c, char buf[8])
{
    if (c > 0x20 && c < 0x7f && c != '\'')
        snprintf(buf, 8, "'%c'", c);
    else if (c == '\'')
        snprintf(buf, 8, "\"'\"");
    else if (c == ' ')
        snprintf(buf, 8, "' '");
    else
        snprintf(buf, 8, "0x%02X", c);
    return buf;
}

/* The error for the ill-formed UTF-8 at byte p. */
static int fail_utf8(scan_error *e, const char *s, size_t p)
{
    return fail(e, p, "invalid UTF-8 at byte offset %zu (byte 0x%02X)", p, (unsigned char)s[p]);
}

/* RFC 8259 whitespace: space, tab, LF, CR (not form feed, not NBSP). */
static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The first non-whitespace offset at or after i (n at the end). */
static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && is_ws((unsigned char)s[i]))
        i++;
    return i;
}

/* A hex digit's value, or -1. */
static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The position "unexpected end of input" points at: just after the last
   token, not on the empty line a trailing newline starts. */
static int fail_eof(scan_error *e, const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && is_ws((unsigned char)s[i - 1]))
        i--;
    return fail(e, i, "unexpected end of input");
}

/* Reads four hex digits at s[i]; -1 when they are not there. */
static long hex4(const char *s, size_t n, size_t i)
{
    long v = 0;
    if (n - i < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        int h = hex_value((unsigned char)s[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* string = quotation-mark *char quotation-mark
   char = unescaped / escape ( " \ / b f n r t / uXXXX )
   unescaped = %x20-21 / %x23-5B / %x5D-10FFFF           (RFC 8259 §7)
   *i is at the opening quote; on success it is just past the closing one.
   A \u escape must not leave a UTF-16 surrogate unpaired (cJSON rejects it). */
static int scan_string(const char *s, size_t n, size_t *i, scan_error *e)
{
    size_t start = *i, p = *i + 1;
    char b[8];
    for (;;) {
        if (p >= n)
            return fail(e, start, "unterminated string");
        unsigned char c = (unsigned char)s[p];
        if (c == '"') {
            *i = p + 1;
            return 0;
        }
        if (c == 0)
            return fail(e, p, "NUL byte in string");
        if (c == '\n')
            return fail(e, start, "unterminated string (a newline must be written \\n)");
        if (c < 0x20)
            return fail(e, p, "control character %s in string (must be escaped)", show_byte(c, b));
        if (c >= 0x80) {
            size_t k = aslrt_utf8_valid_at(s, n, p);
            if (k == 0)
                return fail_utf8(e, s, p);
            p += k;
            continue;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        if (p + 1 >= n)
            return fail(e, start, "unterminated string");
        c = (unsigned char)s[p + 1];
        if (c && strchr("\"\\/bfnrt", c)) {
            p += 2;
            continue;
        }
        if (c != 'u')
            return fail(e, p, "invalid escape '\\%c' in string", c >= 0x20 && c < 0x7f ? c : '?');
        long u = hex4(s, n, p + 2);
        if (u < 0)
            return fail(e, p, "invalid \\u escape (expected four hex digits)");
        if (u == 0) /* cJSON's strings end at NUL: the text after it would vanish */
            return fail(e, p, "\\u0000 (a NUL character) in a string is not supported");
        if (u >= 0xDC00 && u <= 0xDFFF)
            return fail(e, p, "unpaired UTF-16 surrogate in \\u escape");
        if (u >= 0xD800 && u <= 0xDBFF) {
            long lo = (n - p >= 12 && s[p + 6] == '\\' && s[p + 7] == 'u') ? hex4(s, n, p + 8) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return fail(e, p, "unpaired UTF-16 surrogate in \\u escape");
            p += 12;
        } else {
            p += 6;
        }
    }
}

/* ASCII digits only (isdigit depends on the locale). */
static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* number = [ minus ] int [ frac ] [ exp ]
   int = zero / ( digit1-9 *DIGIT ); frac = "." 1*DIGIT;
   exp = ("e" / "E") [ "-" / "+" ] 1*DIGIT                 (RFC 8259 §6) */
static int scan_number(const char *s, size_t n, size_t *i, scan_error *e)
{
    size_t p = *i;
    if (s[p] == '-')
        p++;
    if (p >= n || !is_digit((unsigned char)s[p]))
        return p >= n ? fail_eof(e, s, n) : fail(e, p, "expected a digit after '-'");
    if (s[p] == '0') {
        p++;
        if (p < n && is_digit((unsigned char)s[p]))
            return fail(e, *i, "numbers must not have leading zeros");
    } else {
        while (p < n && is_digit((unsigned char)s[p]))
            p++;
    }
    if (p < n && s[p] == '.') {
        p++;
        if (p >= n || !is_digit((unsigned char)s[p]))
            return p >= n ? fail_eof(e, s, n) : fail(e, p, "expected a digit after '.'");
        while (p < n && is_digit((unsigned char)s[p]))
            p++;
    }
    if (p < n && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < n && (s[p] == '+' || s[p] == '-'))
            p++;
        if (p >= n || !is_digit((unsigned char)s[p]))
            return p >= n ? fail_eof(e, s, n) : fail(e, p, "expected a digit in the exponent");
        while (p < n && is_digit((unsigned char)s[p]))
            p++;
    }
    if (p - *i > 63)  /* cJSON copies at most 63 characters of a number */
        return fail(e, *i, "number too long (more than 63 characters)");
    /* A number beyond a double's range would become infinity, which has no
       JSON form to print and no C form to generate (1e999 broke aslc build).
       strtod stops where the number does: the text after it is not a digit. */
    char buf[64];
    memcpy(buf, s + *i, p - *i);
    buf[p - *i] = 0;
    if (isinf(strtod(buf, NULL)))
        return fail(e, *i, "number %s is out of range (the largest is about 1.8e308)", buf);
    *i = p;
    return 0;
}

/* true / false / null, spelled exactly. */
static int scan_literal(const char *s, size_t n, size_t *i, scan_error *e)
{
    static const char *const words[] = { "true", "false", "null" };
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(words[k]);
        if (s[*i] != words[k][0])
            continue;
        for (size_t j = 0; j < len; j++) {
            if (*i + j >= n)
                return fail_eof(e, s, n);
            if (s[*i + j] != words[k][j])
                return fail(e, *i, "invalid literal (expected %s)", words[k]);
        }
        *i += len;
        return 0;
    }
    return fail(e, *i, "invalid literal");
}

/* What an unexpected byte where a value should start most likely means. */
static int fail_value(scan_error *e, const char *s, size_t n, size_t p, int after_comma)
{
    unsigned char c = (unsigned char)s[p];
    char b[8];
    if (c == 0)
        return fail(e, p, "NUL byte in input");
    if ((c == ']' || c == '}') && after_comma)
        return fail(e, p, "trailing comma before %s", show_byte(c, b));
    if (c == '\'')
        return fail(e, p, "unexpected \"'\": JSON strings use double quotes");
    if (c == '/')
        return fail(e, p, "unexpected '/': JSON has no comments");
    if (c == ',' || c == ']' || c == '}' || c == ':')
        return fail(e, p, "expected a value but found %s", show_byte(c, b));
    if (c >= 0x80 && aslrt_utf8_valid_at(s, n, p) == 0)
        return fail_utf8(e, s, p);
    return fail(e, p, "unexpected character %s", show_byte(c, b));
}

/* JSON-text = ws value ws (RFC 8259 §2), with arrays and objects at most
   JSON_MAX_DEPTH deep.  An explicit stack replaces recursion. */
static int scan_json(const char *s, size_t n, scan_error *e)
{
    char stack[JSON_MAX_DEPTH];  /* '[' or '{' per open container */
    int depth = 0, after_comma = 0;
    size_t p = 0;
    char b[8];

    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)  /* a UTF-8 BOM, as cJSON allows */
        p = 3;
    if (p == n)
        return fail(e, 0, "empty file");

value:
    p = skip_ws(s, n, p);
    if (p >= n)
        return fail_eof(e, s, n);
    switch (s[p]) {
    case '{':
    case '[':
        if (depth == JSON_MAX_DEPTH)
            return fail(e, p, "nesting deeper than %d levels", JSON_MAX_DEPTH);
        stack[depth++] = s[p];
        p = skip_ws(s, n, p + 1);
        after_comma = 0;
        if (p < n && s[p] == (stack[depth - 1] == '{' ? '}' : ']')) {
            depth--;
            p++;
            goto after_value;
        }
        if (stack[depth - 1] == '{')
            goto key;
        goto value;
    case '"':
        if (scan_string(s, n, &p, e))
            return -1;
        goto after_value;
    case 't':
    case 'f':
    case 'n':
        if (scan_literal(s, n, &p, e))
            return -1;
        goto after_value;
    default:
        if (s[p] == '-' || is_digit((unsigned char)s[p])) {
            if (scan_number(s, n, &p, e))
                return -1;
            goto after_value;
        }
        return fail_value(e, s, n, p, after_comma);
    }

key:
    p = skip_ws(s, n, p);
    if (p >= n)
        return fail_eof(e, s, n);
    if (s[p] != '"') {
        if (s[p] == '}' && after_comma)
            return fail(e, p, "trailing comma before '}'");
        if (s[p] == '\'')
            return fail(e, p, "unexpected \"'\": JSON strings use double quotes");
        if (s[p] == 0)
            return fail(e, p, "NUL byte in input");
        return fail(e, p, "expected a string in double quotes as object key but found %s",
                    show_byte((unsigned char)s[p], b));
    }
    if (scan_string(s, n, &p, e))
        return -1;
    p = skip_ws(s, n, p);
    if (p >= n)
        return fail_eof(e, s, n);
    if (s[p] != ':')
        return fail(e, p, "expected ':' after object key but found %s", show_byte((unsigned char)s[p], b));
    p++;
    after_comma = 0;
    goto value;

after_value:
    p = skip_ws(s, n, p);
    if (depth == 0) {
        if (p < n)
            return s[p] == 0 ? fail(e, p, "NUL byte in input")
                             : fail(e, p, "trailing characters after the JSON document");
        return 0;
    }
    if (p >= n)
        return fail_eof(e, s, n);
    if (s[p] == ',') {
        p++;
        after_comma = 1;
        if (stack[depth - 1] == '{')
            goto key;
        goto value;
    }
    if (s[p] == (stack[depth - 1] == '{' ? '}' : ']')) {
        depth--;
        p++;
        goto after_value;
    }
    if (s[p] == 0)
        return fail(e, p, "NUL byte in input");
    if (stack[depth - 1] == '{')
        return fail(e, p, "expected ',' or '}' after object member but found %s",
                    show_byte((unsigned char)s[p], b));
    return fail(e, p, "expected ',' or ']' after array element but found %s",
                show_byte((unsigned char)s[p], b));
}

/* How many bytes of s[i..to) the snippet shows as one column: a whole
   well-formed character, else one byte (shown as '?'). */
static size_t snippet_char(const char *s, size_t to, size_t i)
{
    if ((unsigned char)s[i] < 0x80)
        return 1;
    size_t k = aslrt_utf8_valid_at(s, to, i);
    return k ? k : 1;
}

/* "NAME:LINE:COL: message", then the line (at most SHOW_WIDTH bytes of it,
   around the column; control bytes and ill-formed UTF-8 shown as '?', so
   that what reaches the terminal is text) and a caret under the column.
   The caret line copies tabs and has one space per character shown, so
   that it lines up on a terminal. */
static char *format_error(const char *name, const char *s, size_t n, size_t pos, const char *msg)
{
    if (pos > n)
        pos = n;
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    size_t line_end = line_start;
    while (line_end < n && s[line_end] != '\n')
        line_end++;
    if (line_end > line_start && s[line_end - 1] == '\r' && pos != line_end - 1)
        line_end--;
    size_t col = pos - line_start + 1;

    size_t from = line_start, to = line_end;
    if (to - from > SHOW_WIDTH) {
        from = pos - line_start > SHOW_WIDTH / 2 ? pos - SHOW_WIDTH / 2 : line_start;
        to = from + SHOW_WIDTH < line_end ? from + SHOW_WIDTH : line_end;
        if (to - from < SHOW_WIDTH)
            from = to - SHOW_WIDTH;
        while (from > line_start && from < pos && ((unsigned char)s[from] & 0xC0) == 0x80)
            from++; /* not in the middle of a character */
    }

    asl_buf t = { 0 };
    char head[64];
    asl_buf_puts(&t, name);
    snprintf(head, sizeof head, ":%zu:%zu: ", line, col);
    asl_buf_puts(&t, head);
    asl_buf_puts(&t, msg);
    asl_buf_puts(&t, "\n  ");
    if (from > line_start)
        asl_buf_puts(&t, "...");
    for (size_t i = from, k; i < to; i += k) {
        unsigned char c = (unsigned char)s[i];
        k = snippet_char(s, to, i);
        if (c >= 0x80 && k > 1)
            asl_buf_add(&t, s + i, k);
        else
            asl_buf_putc(&t, (c < 0x20 && c != '\t') || c >= 0x7f ? '?' : (char)c);
    }
    if (to < line_end)
        asl_buf_puts(&t, "...");
    asl_buf_puts(&t, "\n  ");
    if (from > line_start)
        asl_buf_puts(&t, "   ");
    for (size_t i = from; i < pos && i < to; i += snippet_char(s, to, i))
        asl_buf_putc(&t, s[i] == '\t' ? '\t' : ' ');
    asl_buf_puts(&t, "^");
    return asl_buf_take(&t);
}

/* Scanner first (exact position, named problem), then cJSON to build the
   tree; return_parse_end is only needed if cJSON disagrees. */
cJSON *aslrt_json_parse(const char *name, const char *text_in, size_t len, char **err)
{
    scan_error e = { 0, "" };
    *err = NULL;
    if (scan_json(text_in, len, &e) != 0) {
        *err = format_error(name, text_in, len, e.pos, e.msg);
        return NULL;
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text_in, len, &end, 0);
    if (!doc) {
        /* The scanner accepted what cJSON did not: trust cJSON's position. */
        size_t pos = end && end >= text_in ? (size_t)(end - text_in) : 0;
        *err = format_error(name, text_in, len, pos, "invalid JSON");
        return NULL;
    }
    size_t rest = end ? skip_ws(text_in, len, (size_t)(end - text_in)) : len;
    if (rest < len) {
        cJSON_Delete(doc);
        *err = format_error(name, text_in, len, rest, "trailing characters after the JSON document");
        return NULL;
    }
    return doc;
}

/* Reads all of f into a malloc'd buffer; -1 with errno set on a read error. */
static int read_all(FILE *f, char **data, size_t *len)
{
    asl_buf b = { 0 };
    if (asl_buf_read(&b, f) != 0) {
        int saved = errno ? errno : EIO;
        asl_buf_free(&b);
        errno = saved;
        return -1;
    }
    *len = b.len;
    *data = b.data;
    return 0;
}

/* Reads the whole file (binary mode: a NUL byte is reported, not a
   truncation), then parses it. */
cJSON *aslrt_json_load(const char *path, char **err)
{
    char *data;
    size_t len;
    cJSON *doc = aslrt_json_load_text(path, &data, &len, err);
    if (doc)
        free(data);
    return doc;
}

cJSON *aslrt_json_load_text(const char *path, char **text_out, size_t *len_out, char **err)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    char *data = NULL;
    size_t len = 0;
    *err = NULL;

    errno = 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    int rc = f ? read_all(f, &data, &len) : -1;
    int saved = errno;
    if (f && !is_stdin)
        fclose(f);
    if (rc != 0) {
        const char *why = strerror(saved ? saved : EIO);
        size_t n = strlen(name) + strlen(why) + 3;
        *err = aslrt_xmalloc(n);
        snprintf(*err, n, "%s: %s", name, why);
        return NULL;
    }
    cJSON *doc = aslrt_json_parse(name, data, len, err);
    if (!doc) {
        free(data);
        return NULL;
    }
    *text_out = memcpy(aslrt_xmalloc(len + 1), data, len); /* as long as the text, not the read buffer */
    (*text_out)[len] = '\0';
    free(data);
    *len_out = len;
    return doc;
}

char *aslrt_json_problem(const char *name, const char *const *tokens, int n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = aslrt_vstrf(fmt, ap);
    va_end(ap);
    asl_buf t = { 0 };
    asl_buf_add_clean(&t, name, strlen(name));
    asl_buf_puts(&t, ": ");
    for (int i = 0; i < n; i++) {
        asl_buf_puts(&t, "/");
        /* A token past PROBLEM_TOKEN_MAX bytes (a megabyte-long resource)
           is cut short with "...", as the compiler's diagnostics cut names. */
        size_t len = strlen(tokens[i]);
        size_t cut = len <= PROBLEM_TOKEN_MAX ? len : aslrt_utf8_cut(tokens[i], len, PROBLEM_TOKEN_MAX - 3);
        /* RFC 6901 §3: '~' is written "~0" and '/' "~1" inside a token. */
        for (const char *k = tokens[i]; k < tokens[i] + cut;) {
            size_t run = strcspn(k, "~/");
            if (run > (size_t)(tokens[i] + cut - k))
                run = (size_t)(tokens[i] + cut - k);
            asl_buf_add_clean(&t, k, run);
            k += run;
            if (k < tokens[i] + cut)
                asl_buf_puts(&t, *k++ == '~' ? "~0" : "~1");
        }
        if (cut < len)
            asl_buf_puts(&t, "...");
    }
    if (n > 0)
        asl_buf_puts(&t, ": ");
    asl_buf_add_clean(&t, msg, strlen(msg));
    free(msg);
    return asl_buf_take(&t);
}

/* A member and its place in the object, sorted by key, then by place. */
typedef struct member_ref {
    const char *key;
    size_t index;
} member_ref;

static int cmp_member_ref(const void *a, const void *b)
{
    const member_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

const cJSON *aslrt_json_duplicate_key(const cJSON *object)
{
    if (!cJSON_IsObject(object) || !object->child || !object->child->next)
        return NULL;
    size_t n = 0;
    for (const cJSON *m = object->child; m; m = m->next)
        n++;
    /* Sorting keeps this O(n log n) for an object with very many members. */
    member_ref *refs = aslrt_xmalloc(n * sizeof *refs);
    size_t i = 0;
    for (const cJSON *m = object->child; m; m = m->next, i++)
        refs[i] = (member_ref){ m->string ? m->string : "", i };
    qsort(refs, n, sizeof *refs, cmp_member_ref);
    size_t first = n; /* the place of the earliest later copy */
    for (i = 1; i < n; i++)
        if (strcmp(refs[i].key, refs[i - 1].key) == 0 && refs[i].index < first)
            first = refs[i].index;
    free(refs);
    const cJSON *m = object->child;
    for (i = 0; m && i < first; i++)
        m = m->next;
    return m;
}

const char *aslrt_json_kind(const cJSON *v)
{
    switch (v ? v->type & 0xff : cJSON_Invalid) {
    case cJSON_True:
    case cJSON_False: return "a boolean";
    case cJSON_NULL: return "null";
    case cJSON_Number: return "a number";
    case cJSON_String: return "a string";
    case cJSON_Array: return "an array";
    case cJSON_Object: return "an object";
    default: return "nothing";
    }
}
