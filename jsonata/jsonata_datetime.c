/* jsonata_datetime.c — $now, $millis, $fromMillis, $toMillis: timestamps
 * formatted and parsed with XPath date/time picture strings (F&O 3.1
 * §9.8, fn:format-dateTime), as JSONata implements them, including its
 * extensions (X: ISO week-numbering year, x: month of the week-in-month).
 *
 * All arithmetic is in UTC on epoch milliseconds; a timezone argument
 * ("+hhmm") shifts the wall clock being formatted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_impl.h"

#define ARG(i) ((i) < n ? a[(i)] : jx_undef())
#define DAY_MS 86400000.0

/* ---------------------------------------------------------- calendar */

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12). */
static double days_from_civil(double y, int m, int d)
{
    y -= m <= 2;
    double era = floor(y / 400);
    double yoe = y - era * 400;
    int mp = (m + 9) % 12;
    double doy = floor((153.0 * mp + 2) / 5) + d - 1;
    double doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
}

/* Date's range: 100,000,000 days either side of 1970 (ECMA-262 TimeClip). */
#define MAX_TIME_MS 8.64e15

/* JavaScript's Date.UTC(y, mon, d, h, mi, s, ms): mon 0-based, any field
   may overflow into the next; years 0..99 mean 1900..1999. Not clipped to
   MAX_TIME_MS (the week arithmetic steps just past it); NaN when mon is not
   finite, and the month within the year taken with fmod, exact for any mon,
   so that a parsed month of 1e300 never reaches an int. */
static double date_utc(double y, double mon, double d, double h, double mi, double s, double ms)
{
    if (!isfinite(mon))
        return NAN;
    if (y >= 0 && y <= 99)
        y += 1900;
    double ym = y + floor(mon / 12);
    double mn = fmod(mon, 12); /* (-12, 12) */
    if (mn < 0)
        mn += 12;
    double days = days_from_civil(ym, (int)mn + 1, 1) + d - 1;
    return days * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

typedef struct civil {
    double year;
    int month;   /* 0..11 */
    int day;     /* 1..31 */
    int hour, minute, second, ms;
    int weekday; /* 0 = Sunday */
    double t;    /* epoch millis */
} civil;

/* The UTC calendar fields of epoch milliseconds t, which must be within
   about MAX_TIME_MS (callers check): the fields are cast to integers. */
static void to_civil(double t, civil *c)
{
    c->t = t;
    double days = floor(t / DAY_MS);
    double rem = t - days * DAY_MS;
    double z = days + 719468;
    double era = floor(z / 146097);
    double doe = z - era * 146097;
    double yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365);
    double doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
    double mp = floor((5 * doy + 2) / 153);
    c->day = (int)(doy - floor((153 * mp + 2) / 5) + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    c->year = yoe + era * 400 + (m <= 2);
    c->month = m - 1;
    c->weekday = (int)(((long long)days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    long long r = (long long)rem;
    c->hour = (int)(r / 3600000);
    c->minute = (int)(r / 60000 % 60);
    c->second = (int)(r / 1000 % 60);
    c->ms = (int)(r % 1000);
}

/* ISO 8601: week 1 is the one with the year's (or month's) first Thursday;
   weeks start on Monday. The start of week 1 of year/month. */
static double start_of_first_week(double year, int month)
{
    double first = date_utc(year, month, 1, 0, 0, 0, 0);
    civil c;
    to_civil(first, &c);
    int dow = c.weekday == 0 ? 7 : c.weekday;
    return dow > 4 ? first + (8 - dow) * DAY_MS : first - (dow - 1) * DAY_MS;
}

/* Which week (1-based, fractional) end falls in, counting from start. */
static double delta_weeks(double start, double end)
{
    return (end - start) / (DAY_MS * 7) + 1;
}

/* A component's value (F&O 9.8.4.1 component specifiers); names for P,
   C and E are returned through *text. */
static double fragment(const civil *d, char comp, const char **text)
{
    *text = NULL;
    switch (comp) {
    case 'Y': return d->year;
    case 'M': return d->month + 1;
    case 'D': return d->day;
    case 'd': {
        double today = date_utc(d->year, d->month, d->day, 0, 0, 0, 0);
        return (today - date_utc(d->year, 0, 1, 0, 0, 0, 0)) / DAY_MS + 1;
    }
    case 'F': return d->weekday == 0 ? 7 : d->weekday;
    case 'W': {
        double start = start_of_first_week(d->year, 0);
        double today = date_utc(d->year, d->month, d->day, 0, 0, 0, 0);
        double week = delta_weeks(start, today);
        if (week > 52) {
            if (today >= start_of_first_week(d->year + 1, 0))
                week = 1;
        } else if (week < 1) {
            week = delta_weeks(start_of_first_week(d->year - 1, 0), today);
        }
        return floor(week);
    }
    case 'X': {
        double start = start_of_first_week(d->year, 0), end = start_of_first_week(d->year + 1, 0);
        return d->t < start ? d->year - 1 : d->t >= end ? d->year + 1 : d->year;
    }
    case 'x': {
        double start = start_of_first_week(d->year, d->month);
        int nm = d->month == 11 ? 0 : d->month + 1;
        double ny = d->month == 11 ? d->year + 1 : d->year;
        double following = start_of_first_week(ny, nm);
        if (d->t < start)
            return (d->month == 0 ? 11 : d->month - 1) + 1;
        if (d->t >= following)
            return nm + 1;
        return d->month + 1;
    }
    case 'w': {
        double start = start_of_first_week(d->year, d->month);
        double today = date_utc(d->year, d->month, d->day, 0, 0, 0, 0);
        double week = delta_weeks(start, today);
        if (week > 4) {
            int nm = d->month == 11 ? 0 : d->month + 1;
            double ny = d->month == 11 ? d->year + 1 : d->year;
            if (today >= start_of_first_week(ny, nm))
                week = 1;
        } else if (week < 1) {
            int pm = d->month == 0 ? 11 : d->month - 1;
            double py = d->month == 0 ? d->year - 1 : d->year;
            week = delta_weeks(start_of_first_week(py, pm), today);
        }
        return floor(week);
    }
    case 'H': return d->hour;
    case 'h': return d->hour % 12 == 0 ? 12 : d->hour % 12;
    case 'P': *text = d->hour >= 12 ? "pm" : "am"; return 0;
    case 'm': return d->minute;
    case 's': return d->second;
    case 'f': return d->ms;
    case 'C':
    case 'E': *text = "ISO"; return 0;
    default: return 0;
    }
}

/* ---------------------------------------------------------- pictures */

typedef struct dpart {
    int literal;
    jval text;            /* literal */
    char comp;            /* marker: component specifier */
    const char *pres1;    /* presentation modifier 1 */
    char pres2;           /* a t c o, or 0 */
    int names;            /* 0, or JX_LOWER/JX_UPPER/JX_TITLE + 1 */
    int has_width;
    int wmin, wmax;       /* -1: unbounded */
    int has_int;
    jintfmt fmt;
    int n;                /* Y: digits kept, -1 all */
} dpart;

typedef struct dpic {
    dpart *parts;
    int n, cap;
} dpic;

/* A new, zeroed part at the end of the picture. */
static dpart *add_part(jctx *c, dpic *p)
{
    if (p->n == p->cap) {
        int cap = p->cap ? 2 * p->cap : 8;
        dpart *np = jx_alloc(c, sizeof *np * (size_t)cap);
        if (p->n)
            memcpy(np, p->parts, sizeof *np * (size_t)p->n);
        p->parts = np;
        p->cap = cap;
    }
    dpart *d = &p->parts[p->n++];
    memset(d, 0, sizeof *d);
    return d;
}

/* A literal, with "]]" read as "]". */
static void add_literal(jctx *c, dpic *p, const char *s, size_t n)
{
    if (n == 0)
        return;
    char *t = jx_alloc(c, n + 1), *o = t;
    for (size_t i = 0; i < n; i++) {
        *o++ = s[i];
        if (s[i] == ']' && i + 1 < n && s[i + 1] == ']')
            i++;
    }
    *o = '\0';
    dpart *d = add_part(c, p);
    d->literal = 1;
    d->text = jx_str(t, (size_t)(o - t));
}

/* The presentation a component gets when the marker names none (F&O 9.8.4.1). */
static const char *default_pres(char comp)
{
    switch (comp) {
    case 'Y': case 'M': case 'D': case 'd': case 'W': case 'w': case 'X': case 'x': case 'H': case 'h': case 'f':
        return "1";
    case 'F': case 'P': case 'C': case 'E': return "n";
    case 'm': case 's': return "01";
    case 'Z': case 'z': return "01:01";
    default: return NULL;
    }
}

/* A width modifier's number; -1 for "*" or none. */
static int parse_width(const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '*'))
        return -1;
    int v = 0, any = 0;
    for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (s[i] - '0');
        any = 1;
        if (v > 1000)
            v = 1000;
    }
    return any ? v : -1;
}

/* picture: (literal | '[' marker ']' | '[[' | ']]')*, marker: component
   presentation? (',' width)? with whitespace ignored (F&O 9.8.4.1). */
static void analyse_picture(jctx *c, const char *pic, size_t len, dpic *out)
{
    memset(out, 0, sizeof *out);
    size_t start = 0, pos = 0;
    while (pos < len) {
        if (pic[pos] != '[') {
            pos++;
            continue;
        }
        if (pos + 1 < len && pic[pos + 1] == '[') {
            add_literal(c, out, pic + start, pos - start);
            add_literal(c, out, "[", 1);
            pos += 2;
            start = pos;
            continue;
        }
        add_literal(c, out, pic + start, pos - start);
        const char *close = memchr(pic + pos, ']', len - pos);
        if (!close)
            jx_fail(c, "D3135: No matching closing bracket ']' in date/time picture string");
        /* the marker without whitespace */
        size_t mlen = (size_t)(close - pic) - pos - 1;
        char *m = jx_alloc(c, mlen + 1), *o = m;
        for (size_t i = 0; i < mlen; i++) {
            char ch = pic[pos + 1 + i];
            if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
                *o++ = ch;
        }
        *o = '\0';
        mlen = (size_t)(o - m);
        dpart *d = add_part(c, out);
        d->comp = m[0];
        d->wmin = d->wmax = -1;
        const char *comma = strrchr(m, ',');
        const char *pres;
        size_t plen;
        if (comma) {
            const char *w = comma + 1;
            const char *dash = strchr(w, '-');
            d->has_width = 1;
            if (!dash) {
                d->wmin = parse_width(w, strlen(w));
            } else {
                d->wmin = parse_width(w, (size_t)(dash - w));
                d->wmax = parse_width(dash + 1, strlen(dash + 1));
            }
            pres = m + (mlen ? 1 : 0);
            plen = comma > m ? (size_t)(comma - m) - 1 : 0;
        } else {
            pres = m + (mlen ? 1 : 0);
            plen = mlen ? mlen - 1 : 0;
        }
        if (plen == 1) {
            d->pres1 = jx_strndup(c, pres, 1);
        } else if (plen > 1) {
            char last = pres[plen - 1];
            if (strchr("atco", last)) {
                d->pres2 = last;
                d->pres1 = jx_strndup(c, pres, plen - 1);
            } else {
                d->pres1 = jx_strndup(c, pres, plen);
            }
        } else {
            d->pres1 = default_pres(d->comp);
        }
        if (!d->pres1)
            jx_fail(c, "D3132: Unknown component specifier %s in date/time picture string",
                    jx_show(c, jx_strc(c, m, mlen ? 1 : 0)));
        if (d->pres1[0] == 'n') {
            d->names = JX_LOWER + 1;
        } else if (d->pres1[0] == 'N') {
            d->names = d->pres1[1] == 'n' ? JX_TITLE + 1 : JX_UPPER + 1;
        } else if (d->comp && strchr("YMDdFWwXxHhmsf", d->comp)) {
            char *ip = jx_alloc(c, strlen(d->pres1) + 3);
            strcpy(ip, d->pres1);
            if (d->pres2) {
                size_t k = strlen(ip);
                ip[k] = ';';
                ip[k + 1] = d->pres2;
                ip[k + 2] = '\0';
            }
            jx_intfmt_analyse(c, ip, strlen(ip), &d->fmt);
            d->has_int = 1;
            if (d->has_width && d->wmin >= 0 && d->fmt.mandatory < d->wmin)
                d->fmt.mandatory = d->wmin;
            if (d->comp == 'Y') {
                d->n = -1;
                if (d->has_width && d->wmax >= 0) {
                    d->n = d->wmax;
                    d->fmt.mandatory = d->n;
                } else {
                    int w = d->fmt.mandatory + d->fmt.optional;
                    if (w >= 2)
                        d->n = w;
                }
            }
            if (out->n >= 2) {
                dpart *prev = &out->parts[out->n - 2];
                if (!prev->literal && prev->has_int)
                    prev->fmt.parse_width = prev->fmt.mandatory;
            }
        }
        if (d->comp == 'Z' || d->comp == 'z') {
            jx_intfmt_analyse(c, d->pres1, strlen(d->pres1), &d->fmt);
            d->has_int = 0;
        }
        start = (size_t)(close - pic) + 1;
        pos = start;
    }
    add_literal(c, out, pic + start, pos - start);
}

static const char *const k_days[] = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const k_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};

/* A month or day name in the case the marker asks for, cut to the maximum width. */
static jval case_name(jctx *c, const char *name, int names, int wmax)
{
    size_t n = strlen(name);
    if (wmax >= 0 && (size_t)wmax < n)
        n = (size_t)wmax;
    char *s = jx_strndup(c, name, n);
    for (char *p = s; *p; p++)
        if (names == JX_UPPER + 1 && *p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
        else if (names == JX_LOWER + 1 && *p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return jx_str(s, n);
}

/* One variable marker's text for the date d (F&O 9.8.4.3 to 9.8.4.7). */
static jval format_marker(jctx *c, const civil *d, const dpart *p, int off_h, int off_m)
{
    const char *text;
    double v = fragment(d, p->comp, &text);
    if (strchr("YMDdFWwXxHhms", p->comp)) {
        if (p->comp == 'Y' && p->n != -1)
            v = fmod(v, pow(10, p->n));
        if (p->names) {
            const char *name;
            if (p->comp == 'M' || p->comp == 'x')
                name = k_months[(int)v - 1];
            else if (p->comp == 'F')
                name = k_days[(int)v];
            else
                jx_fail(c, "D3133: The 'name' modifier can only be applied to months and days in the date/time "
                           "picture string, not %s", jx_show(c, jx_strc(c, &p->comp, 1)));
            return case_name(c, name, p->names, p->wmax);
        }
        return jx_intfmt_format(c, v, &p->fmt);
    }
    if (p->comp == 'f')
        return jx_intfmt_format(c, v, &p->fmt);
    if (p->comp == 'Z' || p->comp == 'z') {
        int offset = off_h * 100 + off_m;
        jval s;
        if (p->fmt.regular) {
            s = jx_intfmt_format(c, offset, &p->fmt);
        } else {
            int digits = p->fmt.mandatory;
            if (digits == 1 || digits == 2) {
                s = jx_intfmt_format(c, off_h, &p->fmt);
                if (off_m != 0) {
                    char mm[16];
                    snprintf(mm, sizeof mm, ":%02d", abs(off_m) % 100);
                    char *t = jx_alloc(c, s.len + strlen(mm) + 1);
                    memcpy(t, s.u.s, s.len);
                    strcpy(t + s.len, mm);
                    s = jx_strz(t);
                }
            } else if (digits == 3 || digits == 4) {
                s = jx_intfmt_format(c, offset, &p->fmt);
            } else {
                jx_fail(c, "D3134: The timezone integer format specifier cannot have more than four digits");
            }
        }
        char *t = jx_alloc(c, s.len + 8);
        snprintf(t, s.len + 8, "%s%s%s", p->comp == 'z' ? "GMT" : "", offset >= 0 ? "+" : "", s.u.s);
        if (offset == 0 && p->pres2 == 't')
            return jx_strz("Z");
        return jx_strz(t);
    }
    if (p->comp == 'P')
        return case_name(c, text, p->names == JX_UPPER + 1 ? JX_UPPER + 1 : 0, -1);
    if (text)
        return jx_strz(text);
    return jx_strz("");
}

/* parseInt(timezone): sign and leading digits. */
static int parse_int(const char *s)
{
    int sign = 1, v = 0;
    while (*s == ' ')
        s++;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9' && v < 100000)
        v = v * 10 + (*s++ - '0');
    return sign * v;
}

/* formatDateTime: millis in the picture (ISO 8601 by default), the wall
   clock shifted by the "+hhmm" timezone. */
static jval format_datetime(jctx *c, double millis, jval picture, jval tz)
{
    int off_h = 0, off_m = 0;
    if (tz.t == JT_STR) {
        int offset = parse_int(tz.u.s);
        off_h = (int)floor(offset / 100.0);
        off_m = offset % 100;
    }
    static const char iso[] = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";
    dpic pic;
    if (picture.t == JT_STR)
        analyse_picture(c, picture.u.s, picture.len, &pic);
    else
        analyse_picture(c, iso, sizeof iso - 1, &pic);
    double t = trunc(millis) + (60.0 * off_h + off_m) * 60 * 1000;
    if (!(fabs(t) <= MAX_TIME_MS))
        jx_fail(c, "D3137: The timestamp %s is out of range", jx_show(c, jx_num(c, millis)));
    civil d;
    to_civil(t, &d);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    jx_buf_add(c, &buf, &len, &cap, "", 0);
    for (int i = 0; i < pic.n; i++) {
        jval s = pic.parts[i].literal ? pic.parts[i].text : format_marker(c, &d, &pic.parts[i], off_h, off_m);
        jx_buf_add(c, &buf, &len, &cap, s.u.s, s.len);
    }
    return jx_str(buf, len);
}

/* ------------------------------------------------------------ parsing */

/* Escapes regex metacharacters of a literal. */
static void regex_literal(jctx *c, char **b, size_t *l, size_t *cap, jval s)
{
    for (uint32_t i = 0; i < s.len; i++) {
        if (strchr(".*+?^${}()|[]\\", s.u.s[i]) && s.u.s[i])
            jx_buf_add(c, b, l, cap, "\\", 1);
        jx_buf_add(c, b, l, cap, s.u.s + i, 1);
    }
}

/* The number a month, day or am/pm name stands for, or -1. */
static int name_value(const dpart *p, const char *s, size_t n)
{
    if (p->comp == 'M' || p->comp == 'x') {
        for (int i = 0; i < 12; i++) {
            size_t k = strlen(k_months[i]);
            if (p->wmax >= 0 && (size_t)p->wmax < k)
                k = (size_t)p->wmax;
            if (k == n && !strncasecmp(k_months[i], s, n))
                return i + 1;
        }
    } else if (p->comp == 'F') {
        for (int i = 1; i < 8; i++) {
            size_t k = strlen(k_days[i]);
            if (p->wmax >= 0 && (size_t)p->wmax < k)
                k = (size_t)p->wmax;
            if (k == n && !strncasecmp(k_days[i], s, n))
                return i;
        }
    } else if (p->comp == 'P') {
        if (n == 2 && !strncasecmp(s, "am", 2))
            return 0;
        if (n == 2 && !strncasecmp(s, "pm", 2))
            return 1;
    }
    return -1;
}

/* Minutes east of UTC in "+05:30" (sep ':'), "-0500", "GMT-05:00", read as
   JSONata reads them: with a separator, hours and minutes are parsed
   separately (so "-05:30" is -5 * 60 + 30), else by digit count. */
static double tz_value(const char *s, size_t n, unsigned sep)
{
    if (n >= 3 && !strncmp(s, "GMT", 3)) {
        s += 3;
        n -= 3;
    }
    char buf[32];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    double h = 0, m = 0;
    char *colon = sep && sep < 0x80 ? strchr(buf, (int)sep) : NULL;
    if (colon) {
        *colon = '\0';
        h = strtol(buf, NULL, 10);
        m = strtol(colon + 1, NULL, 10);
    } else if (n - 1 <= 2) {
        h = strtol(buf, NULL, 10);
    } else {
        char hh[4] = {buf[0], buf[1], buf[2], '\0'};
        h = strtol(hh, NULL, 10);
        m = strtol(buf + 3, NULL, 10);
    }
    return h * 60 + m;
}

enum { C_Y, C_X, C_M, C_x, C_W, C_w, C_d, C_D, C_F, C_P, C_H, C_h, C_m, C_s, C_f, C_Z, C_N };
static const char k_comp_order[] = "YXMxWwdDFPHhmsfZ";

/* The C_* slot of a component letter, or -1. */
static int comp_index(char comp)
{
    if (comp == 'z')
        comp = 'Z';
    const char *p = strchr(k_comp_order, comp);
    return p && comp ? (int)(p - k_comp_order) : -1;
}

/* parseDateTime: matches the whole timestamp against a regex built from the
   picture, then fills unspecified components: those more significant than
   the first given from now, the less significant ones with their minimum. */
static jval parse_datetime(jctx *c, jval ts, jval picture)
{
    dpic pic;
    analyse_picture(c, picture.u.s, picture.len, &pic);
    char *re = NULL;
    size_t rl = 0, rcap = 0;
    jx_buf_add(c, &re, &rl, &rcap, "^", 1);
    for (int i = 0; i < pic.n; i++) {
        const dpart *p = &pic.parts[i];
        jx_buf_add(c, &re, &rl, &rcap, "(", 1);
        if (p->literal) {
            regex_literal(c, &re, &rl, &rcap, p->text);
        } else if (p->comp == 'Z' || p->comp == 'z') {
            /* [-+] digits, then the grouping separator and digits if the
               picture has a regular one (as in "01:01") */
            if (p->comp == 'z')
                jx_buf_add(c, &re, &rl, &rcap, "GMT", 3);
            jx_buf_add(c, &re, &rl, &rcap, "[-+][0-9]+", 10);
            if (p->fmt.regular) {
                char sep[5];
                size_t sl = aslrt_utf8_put(sep, p->fmt.group_ch);
                sep[sl] = '\0';
                regex_literal(c, &re, &rl, &rcap, jx_str(sep, sl));
                jx_buf_add(c, &re, &rl, &rcap, "[0-9]+", 6);
            }
        } else if (p->has_int) {
            const char *r = jx_intfmt_regex(c, &p->fmt);
            jx_buf_add(c, &re, &rl, &rcap, r, strlen(r));
        } else if (p->names && strchr("MxFP", p->comp)) {
            jx_buf_add(c, &re, &rl, &rcap, "[a-zA-Z]+", 9);
        } else {
            jx_fail(c, "D3133: The 'name' modifier can only be applied to months and days in the date/time picture "
                       "string, not %s", jx_show(c, jx_strc(c, &p->comp, 1)));
        }
        jx_buf_add(c, &re, &rl, &rcap, ")", 1);
    }
    jx_buf_add(c, &re, &rl, &rcap, "$", 1);
    size_t *ov;
    int ng = jx_regex_exec(c, jx_regex_compile(c, re, "i"), ts, &ov);
    if (!ng)
        return jx_undef();
    double comp[C_N];
    int have[C_N];
    memset(have, 0, sizeof have);
    int any = 0;
    for (int i = 0; i < pic.n && i + 1 < ng; i++) {
        const dpart *p = &pic.parts[i];
        if (p->literal || ov[2 * (i + 1)] == (size_t)-1)
            continue;
        const char *s = ts.u.s + ov[2 * (i + 1)];
        size_t len = ov[2 * (i + 1) + 1] - ov[2 * (i + 1)];
        int k = comp_index(p->comp);
        if (k < 0)
            continue;
        double v;
        if (p->comp == 'Z' || p->comp == 'z')
            v = tz_value(s, len, p->fmt.regular ? p->fmt.group_ch : 0);
        else if (p->has_int)
            v = jx_intfmt_parse(c, &p->fmt, s, len);
        else
            v = name_value(p, s, len);
        if (v < 0 && !(p->comp == 'Z' || p->comp == 'z'))
            v = NAN;
        comp[k] = v;
        have[k] = 1;
        any = 1;
    }
    if (!any)
        return jx_undef();
    /* which of the date and time combinations is given (bits: truthy values) */
    int mask = 0;
    for (int k = C_Y; k <= C_D; k++)
        mask = mask << 1 | (have[k] && comp[k] != 0 && !isnan(comp[k]));
#define IS_TYPE(t) (!(~(t) & mask) && ((t) & mask))
    int dateA = IS_TYPE(161), dateB = !dateA && IS_TYPE(130);
    int dateC = IS_TYPE(84), dateD = !dateC && IS_TYPE(72);
    mask = 0;
    for (int k = C_P; k <= C_f; k++)
        mask = mask << 1 | (have[k] && comp[k] != 0 && !isnan(comp[k]));
    int timeA = IS_TYPE(23), timeB = !timeA && IS_TYPE(47);
#undef IS_TYPE
    const char *comps = dateB ? "YBHmsf" : dateC ? "XxwFHmsf" : dateD ? "XWFHmsf" : "YMDHmsf";
    if (timeB)
        comps = dateB ? "YBPhmsf" : dateC ? "XxwFPhmsf" : dateD ? "XWFPhmsf" : "YMDPhmsf";
    civil now;
    to_civil(jx_now(c), &now);
    int started = 0, ended = 0;
    double B = 0;
    for (const char *q = comps; *q; q++) {
        int k = *q == 'B' ? -1 : comp_index(*q);
        int given = k >= 0 && have[k];
        if (!given) {
            double v;
            if (started) {
                v = strchr("MDd", *q) ? 1 : 0;
                ended = 1;
            } else {
                const char *text;
                /* JSONata's default for P is the text "am"/"pm", never 1 */
                v = *q == 'B' ? 0 : fragment(&now, *q, &text);
            }
            if (k >= 0) {
                comp[k] = v;
                have[k] = 1;
            } else {
                B = v;
            }
        } else {
            started = 1;
            if (ended)
                jx_fail(c, "D3136: The date/time picture string is missing specifiers required to parse the "
                           "timestamp");
        }
    }
    (void)B;
    double M = comp[C_M] > 0 ? comp[C_M] - 1 : 0, D = comp[C_D];
    if (dateB) {
        double day = date_utc(comp[C_Y], 0, 1, 0, 0, 0, 0) + (comp[C_d] - 1) * DAY_MS;
        if (!(fabs(day) <= MAX_TIME_MS)) /* JavaScript's Invalid Date: NaN */
            return jx_undef();
        civil dd;
        to_civil(day, &dd);
        M = dd.month;
        D = dd.day;
    }
    if (dateC || dateD)
        jx_fail(c, "D3136: The date/time picture string is missing specifiers required to parse the timestamp");
    double H = comp[C_H];
    if (timeB) {
        H = comp[C_h] == 12 ? 0 : comp[C_h];
        if (comp[C_P] == 1)
            H += 12;
    }
    double ms = date_utc(comp[C_Y], M, D, H, comp[C_m], comp[C_s], comp[C_f]);
    if (have[C_Z] && comp[C_Z] != 0)
        ms -= comp[C_Z] * 60 * 1000;
    if (!(fabs(ms) <= MAX_TIME_MS)) /* Date.UTC's TimeClip: NaN, and so undefined */
        return jx_undef();
    return jx_num(c, ms);
}

/* Date.parse of the ISO 8601 forms $toMillis accepts without a picture. */
static jval parse_iso(jctx *c, jval ts)
{
    static const char re[] =
        "^\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?$";
    size_t *ov;
    if (!jx_regex_exec(c, jx_regex_compile(c, re, ""), ts, &ov))
        jx_fail(c, "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given %s",
                jx_show(c, ts));
    int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0, off = 0, k = 0;
    const char *p = ts.u.s;
    if (sscanf(p, "%4d%n", &y, &k) != 1)
        goto bad;
    p += k;
    if (*p == '-') {
        if (sscanf(p, "-%2d%n", &mo, &k) != 1)
            goto bad;
        p += k;
        if (*p == '-') {
            if (sscanf(p, "-%2d%n", &d, &k) != 1)
                goto bad;
            p += k;
        }
    }
    if (*p == 'T') {
        if (sscanf(p, "T%2d:%2d:%2d%n", &h, &mi, &s, &k) != 3)
            goto bad;
        p += k;
    }
    if (*p == '.') {
        p++;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
            digits++;
            p++;
        }
        for (; digits < 3; digits++)
            ms *= 10;
    }
    if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (sscanf(p, "%2d", &oh) != 1)
            goto bad;
        p += 2;
        if (*p == ':')
            p++;
        if (sscanf(p, "%2d", &om) != 1)
            goto bad;
        p += 2;
        off = sign * (oh * 60 + om);
    } else if (*p == 'Z') {
        p++;
    }
    if (*p)
        goto bad;
    /* what Date.parse makes of a date it cannot represent: NaN, which is
       no JSON value; days past the month's end roll over, as V8 does */
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || (h == 24 && (mi || s || ms)))
        return jx_undef();
    return jx_num(c, days_from_civil(y, mo, 1) * DAY_MS + (d - 1) * DAY_MS + ((h * 60.0 + mi) * 60 + s) * 1000 + ms -
                         off * 60000.0);
bad:
    jx_fail(c, "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given %s",
            jx_show(c, ts));
}

/* ---------------------------------------------------------- functions */

/* $fromMillis(number[, picture[, timezone]]) */
jval jx_fn_from_millis(jctx *c, jval *a, int n)
{
    jval ms = ARG(0);
    if (ms.t == JT_UNDEF)
        return ms;
    return format_datetime(c, ms.u.n, ARG(1), ARG(2));
}

/* $toMillis(timestamp[, picture]) */
jval jx_fn_to_millis(jctx *c, jval *a, int n)
{
    jval ts = ARG(0), pic = ARG(1);
    if (ts.t == JT_UNDEF)
        return ts;
    if (pic.t == JT_UNDEF)
        return parse_iso(c, ts);
    return parse_datetime(c, ts, pic);
}

/* $now([picture[, timezone]]): the evaluation's fixed time, formatted. */
jval jx_fn_now(jctx *c, jval *a, int n)
{
    return format_datetime(c, jx_now(c), ARG(0), ARG(1));
}

/* $millis(): the evaluation's fixed time in epoch milliseconds. */
jval jx_fn_millis(jctx *c, jval *a, int n)
{
    (void)a;
    (void)n;
    return jx_num(c, jx_now(c));
}
