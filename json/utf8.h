/* utf8.h — UTF-8 encoding, decoding and validation, shared by the JSONata
   runtime, the intrinsics, the JSON readers and the compiler (which links
   libaslrt.a) (internal). */
#ifndef ASLRT_UTF8_H
#define ASLRT_UTF8_H

#include <stddef.h>

/* Writes code point cp to buf as UTF-8 (1 to 4 bytes, no terminator) and
   returns how many bytes it wrote. Any cp below 0x200000 is encoded as it
   is, surrogates included: a caller that must not write one maps it first. */
size_t aslrt_utf8_put(char *buf, unsigned cp);

/* The code point at byte *i of s (n bytes), advancing *i past it. A
   truncated or malformed sequence gives U+FFFD and advances one byte. */
unsigned aslrt_utf8_decode(const char *s, size_t n, size_t *i);

/* The byte index of the code point after the one at byte i of s. */
size_t aslrt_utf8_next(const char *s, size_t n, size_t i);

/* Validation: well-formed UTF-8 as RFC 3629 §4 defines it, which JSON text
   must be (RFC 8259 §8.1): no overlong forms (C0 80), no surrogates (ED A0
   80 to ED BF BF), nothing above U+10FFFF (F4 90 80 80, F5 to FF), no
   sequence cut short, no continuation byte (80 to BF) on its own. */

/* The length (1 to 4) of the well-formed character at byte i of s (n
   bytes), or 0 when the bytes there are not one. */
size_t aslrt_utf8_valid_at(const char *s, size_t n, size_t i);

/* The offset of the first character of s (n bytes) that is not well
   formed, or n when all of s is well-formed UTF-8. */
size_t aslrt_utf8_check(const char *s, size_t n);

/* The same a byte at a time, for text read in pieces: a state that starts
   zeroed ({0}), and each byte in turn. aslrt_utf8_step() returns 0 when the
   byte makes the text ill-formed (the character it belongs to started at
   the last byte for which the state was between characters); at the end of
   the text, aslrt_utf8_between() says whether the last character is
   complete. */
typedef struct aslrt_utf8_state {
    unsigned char need;   /* continuation bytes still to come */
    unsigned char lo, hi; /* the range the next one must be in */
} aslrt_utf8_state;
int aslrt_utf8_step(aslrt_utf8_state *st, unsigned char c);
int aslrt_utf8_between(const aslrt_utf8_state *st);

/* The length of the longest prefix of s (n bytes) that has at most max
   bytes and does not end inside a character: where to cut s short. */
size_t aslrt_utf8_cut(const char *s, size_t n, size_t max);

/* The number of code points in s (n bytes). */
size_t aslrt_utf8_len(const char *s, size_t n);

/* The length of NUL-terminated s in UTF-16 code units, as Java counts a
   string: what AWS's 10,000-character limits count. */
size_t aslrt_utf8_utf16_len(const char *s);

#endif
