/* jsnum.h — numbers printed as JavaScript prints them, and turned into C
   integers without undefined behaviour. */
#ifndef ASLRT_JSNUM_H
#define ASLRT_JSNUM_H

#include <stddef.h>

/* Longest text the functions below write, NUL included. */
#define ASLRT_JSNUM_MAX 32

/* The shortest decimal digits that read back as d (d finite, > 0): writes up
   to 17 digits to `digits` (NUL-terminated) and returns the decimal exponent
   n such that d = 0.<digits> * 10^n. */
int aslrt_jsnum_digits(double d, int precision, char *digits);

/* JavaScript's Number.prototype.toString() for finite d: "1", "0.1",
   "1e+21", "1.5e-7", "-0" printed as "0". Returns buf. */
char *aslrt_jsnum_format(double d, char *buf);

/* Number(d.toPrecision(p)) then toString(): d rounded to p significant
   digits, printed the same way ($string uses p = 15). */
char *aslrt_jsnum_format_prec(double d, int p, char *buf);

/* Number.prototype.toFixed(f) of |d| (d below 1e21), into buf. */
char *aslrt_jsnum_fixed(double d, int f, char *buf, size_t size);

/* d as a long when it is a whole number in [lo, hi]: 1 with *out set, else 0
   (NaN, an infinity, a fraction, out of range). C leaves converting a double
   outside the target type's range undefined (clang's float-cast-overflow
   check catches it), so a number from a document, an input or an expression
   becomes an integer through this or aslrt_num_clamp, never a bare cast. */
int aslrt_num_to_long(double d, long lo, long hi, long *out);

/* d truncated towards zero and clamped to [lo, hi] (NaN gives lo): for
   bounds past which every value means the same as the bound. */
long aslrt_num_clamp(double d, long lo, long hi);

#endif
