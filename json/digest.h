/* digest.h — the message digests ASL and JSONata name (MD5, SHA-1, SHA-256,
   SHA-384, SHA-512), computed here so that no workflow loads libcrypto
   (internal). */
#ifndef ASLRT_DIGEST_H
#define ASLRT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum { ASLRT_MD5, ASLRT_SHA1, ASLRT_SHA256, ASLRT_SHA384, ASLRT_SHA512 };

/* The longest digest, in bytes (SHA-512). */
#define ASLRT_DIGEST_MAX 64

/* A digest being computed; fill it with aslrt_digest_init(). */
typedef struct aslrt_digest {
    int alg;                  /* ASLRT_MD5 ... */
    uint64_t bytes;           /* message length so far */
    union {
        uint32_t w32[8];      /* MD5, SHA-1, SHA-256 */
        uint64_t w64[8];      /* SHA-384, SHA-512 */
    } h;
    unsigned char block[128]; /* the partial block */
    size_t fill;              /* bytes in block */
} aslrt_digest;

/* The algorithm an AWS name ("MD5", "SHA-1", "SHA-256", "SHA-384",
   "SHA-512") stands for; -1 for any other name. */
int aslrt_digest_alg(const char *name);

void aslrt_digest_init(aslrt_digest *d, int alg);
void aslrt_digest_update(aslrt_digest *d, const void *data, size_t n);
/* Writes the digest to out (ASLRT_DIGEST_MAX bytes are enough) and returns
   its length; d must be initialised again before reuse. */
size_t aslrt_digest_final(aslrt_digest *d, unsigned char *out);

/* The digest of n bytes in one call; returns its length. */
size_t aslrt_digest_once(int alg, const void *data, size_t n, unsigned char *out);

#endif
