/* utf8.h — UTF-8 encoding and decoding, shared by the JSONata runtime, the
   intrinsics and the compiler (which links libaslrt.a) (internal). */
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

/* The length of the longest prefix of s (n bytes) that has at most max
   bytes and does not end inside a character: where to cut s short. */
size_t aslrt_utf8_cut(const char *s, size_t n, size_t max);

/* The number of code points in s (n bytes). */
size_t aslrt_utf8_len(const char *s, size_t n);

/* The length of NUL-terminated s in UTF-16 code units, as Java counts a
   string: what AWS's 10,000-character limits count. */
size_t aslrt_utf8_utf16_len(const char *s);

#endif
