/* random.c — one source of randomness for the runtime.
 *
 * A run draws random values often: a request id for every lambda:invoke
 * answer, a jittered delay for every retry, a value for every States.UUID.
 * A system call each (getrandom) cost more than the rest of the work, so
 * each thread seeds a splitmix64 stream from the kernel once and draws
 * from it. Its outputs do not repeat within 2^64 draws; they are not meant
 * to be secrets (a few outputs give the state away): task tokens come from
 * aslrt_secure_random_bytes instead. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "random.h"

uint64_t aslrt_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t aslrt_splitmix64(uint64_t *state)
{
    return aslrt_mix64(*state += 0x9e3779b97f4a7c15u);
}

/* A seed from the kernel; getrandom() only fails on old kernels or when
   interrupted, and then the clock and an address make do. */
static uint64_t kernel_seed(void)
{
    uint64_t s;
    for (;;) {
        ssize_t r = getrandom(&s, sizeof s, 0);
        if (r == (ssize_t)sizeof s)
            return s;
        if (r < 0 && errno == EINTR)
            continue;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return aslrt_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)&s);
    }
}

void aslrt_random_bytes(void *buf, size_t n)
{
    static _Thread_local uint64_t state;
    static _Thread_local int seeded;
    if (!seeded) {
        state = kernel_seed();
        seeded = 1;
    }
    unsigned char *p = buf;
    while (n > 0) {
        uint64_t x = aslrt_splitmix64(&state);
        size_t k = n < sizeof x ? n : sizeof x;
        memcpy(p, &x, k);
        p += k;
        n -= k;
    }
}

void aslrt_secure_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r > 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        break; /* no getrandom (an old kernel): the device */
    }
    if (n == 0)
        return;
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(p, 1, n, f) : 0;
    if (f)
        fclose(f);
    if (got != n) {
        fputs("aslrt: no cryptographic random source (getrandom, /dev/urandom)\n", stderr);
        abort();
    }
}

void aslrt_uuid4(char out[37])
{
    unsigned char b[16];
    aslrt_random_bytes(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char digits[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) { /* 8-4-4-4-12 hex digits */
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = digits[b[i] >> 4];
        *o++ = digits[b[i] & 15];
    }
    *o = '\0';
}
