/* timestamp.c — RFC 3339 timestamps: parsing, comparing, and the context object's clock.
 *
 * Timestamps reach us from Wait (Timestamp, TimestampPath) and from the
 * Timestamp* choice operators.  The calendar arithmetic is done here rather
 * than with timegm()/mktime(): those depend on TZ and the C library, and
 * timegm() is not standard C.  Days are counted in the proleptic Gregorian
 * calendar from 1970-01-01, using the usual "eras of 400 years, years that
 * start in March" trick so that the leap day is the last day of its year.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timestamp.h"

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31).
   Shifting the year to start on March 1 puts February last, so a year's day
   count does not depend on whether it is a leap year until its very end. */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;                                       /* Jan, Feb: previous March-year */
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;                     /* year of era, 0..399 */
    int mp = (m + 9) % 12;                             /* March = 0 ... February = 11 */
    long long doy = (153 * mp + 2) / 5 + d - 1;        /* day of the March-year, 0..365 */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* day of era, 0..146096 */
    return era * 146097 + doe - 719468;                /* 719468: 0000-03-01 to 1970-01-01 */
}

/* The inverse of days_from_civil: the civil date of day z since 1970-01-01. */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;                               /* 0..146096 */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);        /* 0..365 */
    long long mp = (5 * doy + 2) / 153;                             /* March = 0 */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long long y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n ASCII digits at *p into *out and advances *p; -1 when any
   of them is not a digit (also at the end of the string). */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* The grammar, RFC 3339 section 5.6 with the States Language's restrictions
 * ("an uppercase T must separate the date and time portions, and an
 * uppercase Z must denote that a numeric time zone offset is not present"):
 *
 *   date-time    = full-date "T" full-time
 *   full-date    = date-fullyear "-" date-month "-" date-mday   ; 4, 2, 2 digits
 *   full-time    = partial-time time-offset
 *   partial-time = time-hour ":" time-minute ":" time-second ["." 1*DIGIT]
 *   time-offset  = "Z" / ("+" / "-") time-hour ":" time-minute
 *
 * Ranges: month 01-12, mday 01 to the month's length (29 Feb only in leap
 * years), hour 00-23, minute 00-59, second 00-59, offset hour 00-23.
 * Lowercase "t"/"z" and a space for "T" are rejected (the spec asks for
 * uppercase; AWS rejects "2016-12-05 21:29:29Z").  A fraction may have any
 * number of digits (AWS accepts ".243167252Z"); digits past the ninth are
 * below our nanosecond resolution and are ignored.
 *
 * Leap seconds (second 60), which RFC 3339 allows, are rejected: AWS parses
 * with an "ISO-8601 extended offset date-time" parser (its error message
 * says so) that does not accept them, and an instant counted in POSIX
 * seconds has no place for them. */
int aslrt_timestamp_parse(const char *s, aslrt_time *t)
{
    int year, month, day, hour, minute, second;
    const char *p = s;
    if (!s)
        return -1;
    if (digits(&p, 4, &year) || *p++ != '-' || digits(&p, 2, &month) || *p++ != '-' ||
        digits(&p, 2, &day))
        return -1;
    if (*p++ != 'T')
        return -1;
    if (digits(&p, 2, &hour) || *p++ != ':' || digits(&p, 2, &minute) || *p++ != ':' ||
        digits(&p, 2, &second))
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
        hour > 23 || minute > 59 || second > 59)
        return -1;

    long nsec = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;                       /* "." needs at least one digit */
        long scale = 100000000;
        for (; *p >= '0' && *p <= '9'; p++) {
            nsec += (*p - '0') * scale;
            scale /= 10;                     /* 0 after the ninth digit: ignored */
        }
    }

    long long offset = 0;                    /* seconds east of UTC */
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
        offset = sign * (oh * 3600LL + om * 60LL);
    } else {
        return -1;                           /* no zone: not an instant */
    }
    if (*p != '\0')
        return -1;

    if (t) {
        t->sec = days_from_civil(year, month, day) * 86400LL + hour * 3600LL + minute * 60LL +
                 second - offset;
        t->nsec = nsec;
    }
    return 0;
}

/* Instants order by their second, then by the nanoseconds within it. */
int aslrt_time_cmp(aslrt_time a, aslrt_time b)
{
    if (a.sec != b.sec)
        return a.sec < b.sec ? -1 : 1;
    if (a.nsec != b.nsec)
        return a.nsec < b.nsec ? -1 : 1;
    return 0;
}

/* The context object's format: UTC, milliseconds, trailing zeros of the
   fraction trimmed, no fraction at all when it is zero. */
void aslrt_time_format(double t, char *buf)
{
    long long sec = (long long)floor(t);
    int ms = (int)((t - (double)sec) * 1000.0);
    if (ms > 999)
        ms = 999;
    long long days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
    long long rem = sec - days * 86400; /* 0..86399 */
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(buf, 40, "%04lld-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rem / 3600),
                     (int)(rem / 60 % 60), (int)(rem % 60));
    if (ms > 0) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%03d", ms);
        size_t len = strlen(frac);
        while (frac[len - 1] == '0')
            frac[--len] = '\0';
        n += snprintf(buf + n, (size_t)(40 - n), "%s", frac);
    }
    snprintf(buf + n, (size_t)(40 - n), "Z");
}

void aslrt_timestamp_now(char *buf)
{
    aslrt_time_format(aslrt_now(), buf);
}

/* Wait deadlines and retry intervals are measured on the wall clock, since
   Wait's Timestamp names a wall-clock instant. */
double aslrt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
