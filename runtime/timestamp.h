/* timestamp.h — RFC 3339 timestamps as Step Functions accepts them. */
#ifndef ASLRT_TIMESTAMP_H
#define ASLRT_TIMESTAMP_H

/* An instant: seconds since the epoch and nanoseconds within the second. */
typedef struct aslrt_time {
    long long sec;
    long nsec;
} aslrt_time;

/* Parses YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 0 on success, -1 when s
   is not such a timestamp (also for impossible dates such as month 13). */
int aslrt_timestamp_parse(const char *s, aslrt_time *t);

/* <0, 0, >0 as a is before, at, after b. */
int aslrt_time_cmp(aslrt_time a, aslrt_time b);

/* The current time in the context object's format: UTC, milliseconds,
   trailing zeros of the fraction trimmed ("2024-01-02T03:04:05.12Z").
   buf holds at least 40 bytes. */
void aslrt_timestamp_now(char *buf);

/* Formats instant t (seconds since the epoch) the same way. */
void aslrt_time_format(double t, char *buf);

/* Seconds since the epoch, now (wall clock, fractional). */
double aslrt_now(void);

#endif
