/* random.h — randomness for names, ids, jitter and intrinsics (internal). */
#ifndef ASLRT_RANDOM_H
#define ASLRT_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64's output function: a 64-bit mix whose every input bit moves
   every output bit. Also the hash behind seeded States.MathRandom. */
uint64_t aslrt_mix64(uint64_t z);

/* The next value of the splitmix64 sequence in *state: one seed, one
   sequence, as States.MathRandom's seed promises. */
uint64_t aslrt_splitmix64(uint64_t *state);

/* Unpredictable bytes (not for secrets): a splitmix64 stream per thread,
   seeded from the kernel when the thread first asks. */
void aslrt_random_bytes(void *buf, size_t n);

/* Bytes for secrets (task tokens): the kernel's cryptographic source
   (getrandom, else /dev/urandom), a system call each time; the process ends
   with a message if neither answers. */
void aslrt_secure_random_bytes(void *buf, size_t n);

/* A random version 4 UUID, lowercase, as AWS writes execution names and
   request ids; out holds 37 bytes. */
void aslrt_uuid4(char out[37]);

#endif
