/* utf8.c — UTF-8 encoding and decoding (utf8.h). Lenient on purpose: bad
   bytes decode to U+FFFD one at a time, and nothing here fails. */
#include "utf8.h"

/* RFC 3629 §3: 1 byte below U+0080, 2 below U+0800, 3 below U+10000, else 4. */
size_t aslrt_utf8_put(char *buf, unsigned cp)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The lead byte says how many continuation bytes follow; each must be
   10xxxxxx and present within n, or the lead byte alone becomes U+FFFD. */
unsigned aslrt_utf8_decode(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c = p[*i];
    size_t k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (*i + k >= n + (k ? 0 : 1) && k) {
        (*i)++;
        return 0xFFFD;
    }
    unsigned cp = k == 3 ? c & 0x07 : k == 2 ? c & 0x0F : k == 1 ? c & 0x1F : c;
    for (size_t j = 1; j <= k; j++) {
        if ((p[*i + j] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[*i + j] & 0x3F);
    }
    *i += k + 1;
    return cp;
}

/* Skips the continuation bytes (10xxxxxx) after byte i. */
size_t aslrt_utf8_next(const char *s, size_t n, size_t i)
{
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* Backs off from max while the byte there continues a character. */
size_t aslrt_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Counts the bytes that start a code point (all but 10xxxxxx). */
size_t aslrt_utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* One unit per code point, two for those above U+FFFF (4-byte sequences,
   which Java stores as a surrogate pair). */
size_t aslrt_utf8_utf16_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) != 0x80)
            n++;
        if (*p >= 0xf0)
            n++;
    }
    return n;
}
