/* jsnum.h — numbers printed as JavaScript prints them. */
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

#endif
