/* jsnum.c — numbers printed as JavaScript prints them (ECMA-262 Number::toString),
   and doubles turned into C integers with their range checked first. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsnum.h"

/* d (> 0) rounded to p significant digits as JavaScript rounds: on the
   exact binary value, an exact half going up (toPrecision picks "the
   larger n"), where printf would round half to even. */
static int round_half_up(double d, int p, char *digits)
{
    char buf[120];
    snprintf(buf, sizeof buf, "%.80e", d); /* exact enough to see a tie */
    char *e = strchr(buf, 'e');
    int exp10 = atoi(e + 1);
    char all[100];
    int k = 0;
    for (const char *s = buf; s < e; s++)
        if (*s >= '0' && *s <= '9')
            all[k++] = *s;
    int up = 0;
    if (p < k) {
        if (all[p] > '5') {
            up = 1;
        } else if (all[p] == '5') {
            up = 1; /* above half, or exactly half: both go up */
        }
    }
    if (up) {
        int i = p - 1;
        while (i >= 0 && all[i] == '9')
            all[i--] = '0';
        if (i >= 0) {
            all[i]++;
        } else { /* 99.9 -> 100: one more digit in front */
            memmove(all + 1, all, (size_t)p);
            all[0] = '1';
            exp10++;
        }
    }
    memcpy(digits, all, (size_t)p);
    int n = p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return exp10 + 1;
}

/* With precision 0: the fewest significant digits (1..17) that round-trip;
   else exactly `precision` digits, rounded. Trailing zeros are dropped. */
int aslrt_jsnum_digits(double d, int precision, char *digits)
{
    char buf[40];
    if (precision > 0)
        return round_half_up(d, precision, digits);
    int p = 1;
    for (;; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, d);
        if (p >= 17 || strtod(buf, NULL) == d)
            break;
    }
    /* buf: d[.ddd]e[+-]xx */
    char *e = strchr(buf, 'e');
    int exp10 = atoi(e + 1);
    int k = 0;
    for (const char *s = buf; s < e; s++)
        if (*s >= '0' && *s <= '9')
            digits[k++] = *s;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    return exp10 + 1;
}

/* Lays out digits with decimal exponent n as Number::toString does. */
static char *layout(const char *digits, int n, int negative, char *buf)
{
    int k = (int)strlen(digits);
    char *o = buf;
    if (negative)
        *o++ = '-';
    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k);
        o += k;
        for (int i = 0; i < n - k; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += sprintf(o, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    *o = '\0';
    return buf;
}

char *aslrt_jsnum_format(double d, char *buf)
{
    if (d == 0 || !isfinite(d)) {
        strcpy(buf, d == 0 ? "0" : isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return buf;
    }
    char digits[24];
    int n = aslrt_jsnum_digits(fabs(d), 0, digits);
    return layout(digits, n, d < 0, buf);
}

char *aslrt_jsnum_format_prec(double d, int p, char *buf)
{
    if (d == 0 || !isfinite(d))
        return aslrt_jsnum_format(d, buf);
    char digits[24], tmp[48];
    int n = aslrt_jsnum_digits(fabs(d), p, digits);
    snprintf(tmp, sizeof tmp, "%s0.%se%d", d < 0 ? "-" : "", digits, n);
    return aslrt_jsnum_format(strtod(tmp, NULL), buf);
}

char *aslrt_jsnum_fixed(double d, int f, char *buf, size_t size)
{
    /* the exact value with spare digits, then rounded half up by hand */
    char tmp[400];
    if (f > 100)
        f = 100;
    snprintf(tmp, sizeof tmp, "%.*f", f + 40, fabs(d));
    char *dot = strchr(tmp, '.');
    size_t keep = (size_t)(dot - tmp) + (f ? (size_t)f + 1 : 0);
    int up = dot[f + 1] >= '5';
    tmp[keep] = '\0';
    if (up) {
        long i = (long)keep - 1;
        for (; i >= 0; i--) {
            if (tmp[i] == '.')
                continue;
            if (tmp[i] == '9') {
                tmp[i] = '0';
            } else {
                tmp[i]++;
                break;
            }
        }
        if (i < 0) {
            memmove(tmp + 1, tmp, keep + 1);
            tmp[0] = '1';
        }
    }
    snprintf(buf, size, "%s", tmp);
    return buf;
}

/* (double)hi can round up (LONG_MAX becomes 2^63), so d is compared with
   hi + 1 from below; the cast then stays inside long, and the result is
   held to [lo, hi] once more in case a bound did not convert exactly. */
int aslrt_num_to_long(double d, long lo, long hi, long *out)
{
    if (!(d >= (double)lo && d < (double)hi + 1.0) || d != floor(d))
        return 0;
    long v = (long)d;
    if (v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

long aslrt_num_clamp(double d, long lo, long hi)
{
    if (!(d > (double)lo))
        return lo;
    if (d >= (double)hi)
        return hi;
    long v = (long)d; /* strictly between two longs: defined */
    return v < lo ? lo : v > hi ? hi : v;
}
