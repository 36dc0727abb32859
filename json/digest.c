/* digest.c — MD5 (RFC 1321), SHA-1 and the SHA-2 family (FIPS 180-4) for
 * States.Hash, $hash and the distributed Map's names and ETags.
 *
 * Computing them here keeps libcrypto out of every executable: loading it
 * (and the thirty libraries libcurl brought with it) was most of a
 * workflow's start-up, and OpenSSL 3's EVP_Digest fetches an implementation
 * on every call, which costs more than hashing a short string.
 *
 * All five share the Merkle–Damgård frame: the message is cut into blocks
 * (64 bytes, 128 for SHA-384/512), each block is folded into the state by a
 * compression function, and the last block is padded with 0x80, zeros and
 * the message length in bits (little-endian for MD5, big-endian for SHA).
 * The round constants are the specifications' (MD5: floor(|sin(i+1)| * 2^32);
 * SHA-2: fractional parts of the cube roots of the first primes).
 */
#include <string.h>

#include "digest.h"

static uint32_t rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static uint32_t ror32(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static uint64_t ror64(uint64_t x, int n)
{
    return (x >> n) | (x << (64 - n));
}

static uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t load_be64(const unsigned char *p)
{
    return (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
}

static void store_le32(unsigned char *p, uint32_t x)
{
    p[0] = (unsigned char)x;
    p[1] = (unsigned char)(x >> 8);
    p[2] = (unsigned char)(x >> 16);
    p[3] = (unsigned char)(x >> 24);
}

static void store_be32(unsigned char *p, uint32_t x)
{
    p[0] = (unsigned char)(x >> 24);
    p[1] = (unsigned char)(x >> 16);
    p[2] = (unsigned char)(x >> 8);
    p[3] = (unsigned char)x;
}

static void store_be64(unsigned char *p, uint64_t x)
{
    store_be32(p, (uint32_t)(x >> 32));
    store_be32(p + 4, (uint32_t)x);
}

/* ------------------------------------------------------------------ MD5 */

static const uint32_t k_md5[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu, 0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};

/* One step of round r (RFC 1321 §3.4): a = b + ((a + F(b,c,d) + X[k] + T[i]) <<< s),
   written out for all sixty-four steps so that the boolean function, the
   message word and the rotation are constants rather than looked up. */
#define MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z)))) /* (x & y) | (~x & z) */
#define MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y)))) /* (x & z) | (y & ~z) */
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
#define MD5_STEP(f, a, b, c, d, k, i, s) (a) = (b) + rol32((a) + f((b), (c), (d)) + m[k] + k_md5[i], s)

static void md5_block(uint32_t *h, const unsigned char *p)
{
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = load_le32(p + 4 * i);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    /* Round 1: F, words in order, rotations 7 12 17 22. */
    MD5_STEP(MD5_F, a, b, c, d, 0, 0, 7);
    MD5_STEP(MD5_F, d, a, b, c, 1, 1, 12);
    MD5_STEP(MD5_F, c, d, a, b, 2, 2, 17);
    MD5_STEP(MD5_F, b, c, d, a, 3, 3, 22);
    MD5_STEP(MD5_F, a, b, c, d, 4, 4, 7);
    MD5_STEP(MD5_F, d, a, b, c, 5, 5, 12);
    MD5_STEP(MD5_F, c, d, a, b, 6, 6, 17);
    MD5_STEP(MD5_F, b, c, d, a, 7, 7, 22);
    MD5_STEP(MD5_F, a, b, c, d, 8, 8, 7);
    MD5_STEP(MD5_F, d, a, b, c, 9, 9, 12);
    MD5_STEP(MD5_F, c, d, a, b, 10, 10, 17);
    MD5_STEP(MD5_F, b, c, d, a, 11, 11, 22);
    MD5_STEP(MD5_F, a, b, c, d, 12, 12, 7);
    MD5_STEP(MD5_F, d, a, b, c, 13, 13, 12);
    MD5_STEP(MD5_F, c, d, a, b, 14, 14, 17);
    MD5_STEP(MD5_F, b, c, d, a, 15, 15, 22);
    /* Round 2: G, word (5i + 1) mod 16, rotations 5 9 14 20. */
    MD5_STEP(MD5_G, a, b, c, d, 1, 16, 5);
    MD5_STEP(MD5_G, d, a, b, c, 6, 17, 9);
    MD5_STEP(MD5_G, c, d, a, b, 11, 18, 14);
    MD5_STEP(MD5_G, b, c, d, a, 0, 19, 20);
    MD5_STEP(MD5_G, a, b, c, d, 5, 20, 5);
    MD5_STEP(MD5_G, d, a, b, c, 10, 21, 9);
    MD5_STEP(MD5_G, c, d, a, b, 15, 22, 14);
    MD5_STEP(MD5_G, b, c, d, a, 4, 23, 20);
    MD5_STEP(MD5_G, a, b, c, d, 9, 24, 5);
    MD5_STEP(MD5_G, d, a, b, c, 14, 25, 9);
    MD5_STEP(MD5_G, c, d, a, b, 3, 26, 14);
    MD5_STEP(MD5_G, b, c, d, a, 8, 27, 20);
    MD5_STEP(MD5_G, a, b, c, d, 13, 28, 5);
    MD5_STEP(MD5_G, d, a, b, c, 2, 29, 9);
    MD5_STEP(MD5_G, c, d, a, b, 7, 30, 14);
    MD5_STEP(MD5_G, b, c, d, a, 12, 31, 20);
    /* Round 3: H, word (3i + 5) mod 16, rotations 4 11 16 23. */
    MD5_STEP(MD5_H, a, b, c, d, 5, 32, 4);
    MD5_STEP(MD5_H, d, a, b, c, 8, 33, 11);
    MD5_STEP(MD5_H, c, d, a, b, 11, 34, 16);
    MD5_STEP(MD5_H, b, c, d, a, 14, 35, 23);
    MD5_STEP(MD5_H, a, b, c, d, 1, 36, 4);
    MD5_STEP(MD5_H, d, a, b, c, 4, 37, 11);
    MD5_STEP(MD5_H, c, d, a, b, 7, 38, 16);
    MD5_STEP(MD5_H, b, c, d, a, 10, 39, 23);
    MD5_STEP(MD5_H, a, b, c, d, 13, 40, 4);
    MD5_STEP(MD5_H, d, a, b, c, 0, 41, 11);
    MD5_STEP(MD5_H, c, d, a, b, 3, 42, 16);
    MD5_STEP(MD5_H, b, c, d, a, 6, 43, 23);
    MD5_STEP(MD5_H, a, b, c, d, 9, 44, 4);
    MD5_STEP(MD5_H, d, a, b, c, 12, 45, 11);
    MD5_STEP(MD5_H, c, d, a, b, 15, 46, 16);
    MD5_STEP(MD5_H, b, c, d, a, 2, 47, 23);
    /* Round 4: I, word 7i mod 16, rotations 6 10 15 21. */
    MD5_STEP(MD5_I, a, b, c, d, 0, 48, 6);
    MD5_STEP(MD5_I, d, a, b, c, 7, 49, 10);
    MD5_STEP(MD5_I, c, d, a, b, 14, 50, 15);
    MD5_STEP(MD5_I, b, c, d, a, 5, 51, 21);
    MD5_STEP(MD5_I, a, b, c, d, 12, 52, 6);
    MD5_STEP(MD5_I, d, a, b, c, 3, 53, 10);
    MD5_STEP(MD5_I, c, d, a, b, 10, 54, 15);
    MD5_STEP(MD5_I, b, c, d, a, 1, 55, 21);
    MD5_STEP(MD5_I, a, b, c, d, 8, 56, 6);
    MD5_STEP(MD5_I, d, a, b, c, 15, 57, 10);
    MD5_STEP(MD5_I, c, d, a, b, 6, 58, 15);
    MD5_STEP(MD5_I, b, c, d, a, 13, 59, 21);
    MD5_STEP(MD5_I, a, b, c, d, 4, 60, 6);
    MD5_STEP(MD5_I, d, a, b, c, 11, 61, 10);
    MD5_STEP(MD5_I, c, d, a, b, 2, 62, 15);
    MD5_STEP(MD5_I, b, c, d, a, 9, 63, 21);
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

/* ---------------------------------------------------------------- SHA-1 */

/* FIPS 180-4 §6.1.2: eighty steps over a sixteen-word schedule extended by
   rotation, with Ch, Parity, Maj, Parity for each twenty. */
static void sha1_block(uint32_t *h, const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(p + 4 * i);
    for (int i = 16; i < 80; i++)
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6u;
        }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

/* -------------------------------------------------------------- SHA-256 */

static const uint32_t k_sha256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

/* FIPS 180-4 §6.2.2. */
static void sha256_block(uint32_t *h, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(p + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + k_sha256[i] + w[i];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

/* ------------------------------------------------------- SHA-384/512 */

static const uint64_t k_sha512[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

/* FIPS 180-4 §6.4.2: SHA-256's structure on 64-bit words, 80 rounds. */
static void sha512_block(uint64_t *h, const unsigned char *p)
{
    uint64_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = load_be64(p + 8 * i);
    for (int i = 16; i < 80; i++) {
        uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ (w[i - 15] >> 7);
        uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 80; i++) {
        uint64_t t1 = hh + (ror64(e, 14) ^ ror64(e, 18) ^ ror64(e, 41)) + ((e & f) ^ (~e & g)) + k_sha512[i] + w[i];
        uint64_t t2 = (ror64(a, 28) ^ ror64(a, 34) ^ ror64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

/* ---------------------------------------------------------------- frame */

int aslrt_digest_alg(const char *name)
{
    static const char *const names[] = {"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static size_t block_size(int alg)
{
    return alg == ASLRT_SHA384 || alg == ASLRT_SHA512 ? 128 : 64;
}

void aslrt_digest_init(aslrt_digest *d, int alg)
{
    static const uint32_t md5_sha1[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
    static const uint32_t sha256[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                       0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    static const uint64_t sha384[8] = {0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull,
                                       0x152fecd8f70e5939ull, 0x67332667ffc00b31ull, 0x8eb44a8768581511ull,
                                       0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull};
    static const uint64_t sha512[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
                                       0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                                       0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
    memset(d, 0, sizeof *d);
    d->alg = alg;
    switch (alg) {
    case ASLRT_MD5: memcpy(d->h.w32, md5_sha1, 4 * sizeof(uint32_t)); break;
    case ASLRT_SHA1: memcpy(d->h.w32, md5_sha1, 5 * sizeof(uint32_t)); break;
    case ASLRT_SHA256: memcpy(d->h.w32, sha256, sizeof sha256); break;
    case ASLRT_SHA384: memcpy(d->h.w64, sha384, sizeof sha384); break;
    default: d->alg = ASLRT_SHA512; memcpy(d->h.w64, sha512, sizeof sha512); break;
    }
}

static void compress(aslrt_digest *d, const unsigned char *p)
{
    switch (d->alg) {
    case ASLRT_MD5: md5_block(d->h.w32, p); break;
    case ASLRT_SHA1: sha1_block(d->h.w32, p); break;
    case ASLRT_SHA256: sha256_block(d->h.w32, p); break;
    default: sha512_block(d->h.w64, p); break;
    }
}

void aslrt_digest_update(aslrt_digest *d, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t bs = block_size(d->alg);
    d->bytes += n;
    if (d->fill) {
        size_t take = bs - d->fill < n ? bs - d->fill : n;
        memcpy(d->block + d->fill, p, take);
        d->fill += take;
        p += take;
        n -= take;
        if (d->fill < bs)
            return;
        compress(d, d->block);
        d->fill = 0;
    }
    for (; n >= bs; p += bs, n -= bs)
        compress(d, p);
    memcpy(d->block, p, n);
    d->fill = n;
}

/* Padding: 0x80, zeros up to the length field, then the length in bits in
   the block's last 8 bytes (16 for SHA-384/512, whose top half stays zero
   for any message this process can hold). */
size_t aslrt_digest_final(aslrt_digest *d, unsigned char *out)
{
    size_t bs = block_size(d->alg), lenbytes = bs == 128 ? 16 : 8;
    uint64_t bits = d->bytes * 8;
    d->block[d->fill++] = 0x80;
    if (d->fill > bs - lenbytes) {
        memset(d->block + d->fill, 0, bs - d->fill);
        compress(d, d->block);
        d->fill = 0;
    }
    memset(d->block + d->fill, 0, bs - d->fill);
    if (d->alg == ASLRT_MD5) {
        store_le32(d->block + bs - 8, (uint32_t)bits);
        store_le32(d->block + bs - 4, (uint32_t)(bits >> 32));
    } else {
        store_be64(d->block + bs - 8, bits);
    }
    compress(d, d->block);
    switch (d->alg) {
    case ASLRT_MD5:
        for (int i = 0; i < 4; i++)
            store_le32(out + 4 * i, d->h.w32[i]);
        return 16;
    case ASLRT_SHA1:
    case ASLRT_SHA256: {
        int words = d->alg == ASLRT_SHA1 ? 5 : 8;
        for (int i = 0; i < words; i++)
            store_be32(out + 4 * i, d->h.w32[i]);
        return (size_t)words * 4;
    }
    default: {
        int words = d->alg == ASLRT_SHA384 ? 6 : 8;
        for (int i = 0; i < words; i++)
            store_be64(out + 8 * i, d->h.w64[i]);
        return (size_t)words * 8;
    }
    }
}

size_t aslrt_digest_once(int alg, const void *data, size_t n, unsigned char *out)
{
    aslrt_digest d;
    aslrt_digest_init(&d, alg);
    aslrt_digest_update(&d, data, n);
    return aslrt_digest_final(&d, out);
}
