/* utf8.c — UTF-8 encoding, decoding and validation (utf8.h). Decoding is
   lenient on purpose: bad bytes decode to U+FFFD one at a time, and nothing
   there fails. Validation is strict, for text entering from outside. */
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

/* RFC 3629 §4's table: what a lead byte needs after it, and the range of
   the first continuation byte (narrower than 80..BF where that excludes
   overlong forms, surrogates and code points above U+10FFFF). */
int aslrt_utf8_step(aslrt_utf8_state *st, unsigned char c)
{
    if (st->need > 0) {
        if (c < st->lo || c > st->hi)
            return 0;
        st->need--;
        st->lo = 0x80;
        st->hi = 0xBF;
        return 1;
    }
    st->lo = 0x80;
    st->hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c < 0xC2) /* a continuation byte alone, or C0/C1: overlong for U+0000..U+007F */
        return 0;
    if (c < 0xE0) {
        st->need = 1;
    } else if (c < 0xF0) {
        st->need = 2;
        if (c == 0xE0)
            st->lo = 0xA0; /* below: overlong */
        else if (c == 0xED)
            st->hi = 0x9F; /* above: U+D800..U+DFFF, surrogates */
    } else if (c < 0xF5) {
        st->need = 3;
        if (c == 0xF0)
            st->lo = 0x90; /* below: overlong */
        else if (c == 0xF4)
            st->hi = 0x8F; /* above: past U+10FFFF */
    } else {
        return 0; /* F5..FF: past U+10FFFF */
    }
    return 1;
}

int aslrt_utf8_between(const aslrt_utf8_state *st)
{
    return st->need == 0;
}

size_t aslrt_utf8_valid_at(const char *s, size_t n, size_t i)
{
    aslrt_utf8_state st = {0, 0, 0};
    size_t j = i;
    do {
        if (j >= n || !aslrt_utf8_step(&st, (unsigned char)s[j]))
            return 0;
        j++;
    } while (!aslrt_utf8_between(&st));
    return j - i;
}

size_t aslrt_utf8_check(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (unsigned char)s[i] < 0x80) /* ASCII runs, the common case */
            i++;
        if (i == n)
            break;
        size_t k = aslrt_utf8_valid_at(s, n, i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
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
