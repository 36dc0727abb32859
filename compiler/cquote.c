/* cquote.c — the security boundary between definitions and generated C.
 *
 * Everything a definition says (state names, keys, strings, paths) reaches
 * the C source through asl_cquote() and nothing else. The escaping is
 * deliberately conservative (style.md §5):
 *   - printable ASCII is itself, except  "  \  ?  (no trigraph like ??/ can form);
 *   - \n \t \r use their usual escapes; every other byte, NUL and UTF-8
 *     included, is a three-digit octal escape (never \x, whose digits run on);
 *   - a '*' after '/' or a '/' after '*' is octal, so no comment opens or closes.
 */
#include <string.h>

#include "cquote.h"

static void quote_bytes(asl_buf *b, const char *s, size_t n)
{
    char esc[8];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : 0;
        if ((c == '*' && prev == '/') || (c == '/' && prev == '*')) {
            esc[0] = '\\';
            esc[1] = (char)('0' + (c >> 6));
            esc[2] = (char)('0' + ((c >> 3) & 7));
            esc[3] = (char)('0' + (c & 7));
            asl_buf_add(b, esc, 4);
        } else if (c == '"' || c == '\\' || c == '?') {
            esc[0] = '\\';
            esc[1] = (char)c;
            asl_buf_add(b, esc, 2);
        } else if (c == '\n') {
            asl_buf_add(b, "\\n", 2);
        } else if (c == '\t') {
            asl_buf_add(b, "\\t", 2);
        } else if (c == '\r') {
            asl_buf_add(b, "\\r", 2);
        } else if (c >= 0x20 && c < 0x7f) {
            esc[0] = (char)c;
            asl_buf_add(b, esc, 1);
        } else {
            esc[0] = '\\';
            esc[1] = (char)('0' + (c >> 6));
            esc[2] = (char)('0' + ((c >> 3) & 7));
            esc[3] = (char)('0' + (c & 7));
            asl_buf_add(b, esc, 4);
        }
    }
}

void asl_cquote(asl_buf *b, const char *s, size_t n)
{
    asl_buf_add(b, "\"", 1);
    quote_bytes(b, s, n);
    asl_buf_add(b, "\"", 1);
}

void asl_cquote_str(asl_buf *b, const char *s)
{
    if (!s)
        asl_buf_add(b, "0", 1);
    else
        asl_cquote(b, s, strlen(s));
}

void asl_cquote_comment(asl_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    asl_buf_add(b, "\"", 1);
    quote_bytes(b, s, n > max ? max : n);
    asl_buf_add(b, n > max ? "\"..." : "\"", n > max ? 4 : 1);
}
