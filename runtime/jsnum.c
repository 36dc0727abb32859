/* jsnum.c — numbers printed as JavaScript prints them (ECMA-262 Number::toString). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsnum.h"

/* With precision 0: the fewest significant digits (1..17) that round-trip;
   else exactly `precision` digits, rounded. Trailing zeros are dropped. */
int aslrt_jsnum_digits(double d, int precision, char *digits)
{
    char buf[40];
    int p = precision > 0 ? precision : 1;
    for (;; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, d);
        if (precision > 0 || p >= 17 || strtod(buf, NULL) == d)
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
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
    return aslrt_jsnum_format(strtod(tmp, NULL), buf);
}
