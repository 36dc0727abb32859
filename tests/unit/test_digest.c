/* test_digest.c — json/digest.c against the published test vectors
   (RFC 1321, FIPS 180-4's "abc" and 448-bit messages) and digests of
   messages around the block and padding boundaries, as Python's hashlib
   computes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"

/* The digest of n bytes of data as lower-case hex, in buf. */
static const char *hex_digest(int alg, const void *data, size_t n, char *buf)
{
    unsigned char md[ASLRT_DIGEST_MAX];
    size_t len = aslrt_digest_once(alg, data, n, md);
    for (size_t i = 0; i < len; i++)
        snprintf(buf + 2 * i, 3, "%02x", md[i]);
    return buf;
}

static void digest_should_match_the_standard_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *msg;
        int alg;
        const char *hex;
    } cases[] = {
        {"", ASLRT_MD5, "d41d8cd98f00b204e9800998ecf8427e"},
        {"abc", ASLRT_MD5, "900150983cd24fb0d6963f7d28e17f72"},
        /* The rest of RFC 1321's test suite (A.5). */
        {"a", ASLRT_MD5, "0cc175b9c0f1b6a831c399e269772661"},
        {"message digest", ASLRT_MD5, "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", ASLRT_MD5, "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", ASLRT_MD5,
         "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890", ASLRT_MD5,
         "57edf4a22be3c955ac49da2e2107b67a"},
        {"", ASLRT_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", ASLRT_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", ASLRT_SHA1,
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
        {"", ASLRT_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", ASLRT_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", ASLRT_SHA256,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abc", ASLRT_SHA384,
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
        {"", ASLRT_SHA512,
         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f"
         "63b931bd47417a81a538327af927da3e"},
        {"abc", ASLRT_SHA512,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
         "454d4423643ce80e2a9ac94fa54ca49f"},
    };
    char buf[2 * ASLRT_DIGEST_MAX + 1];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(hex_digest(cases[i].alg, cases[i].msg, strlen(cases[i].msg), buf), cases[i].hex);
}

/* Lengths either side of where the padding spills into a second block. */
static void digest_should_pad_messages_at_block_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *md5, *sha256, *sha512_prefix;
    } cases[] = {
        {55, "6912ee65fff2d9f9ce2508cddf8bcda0", "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59",
         "6856647f269c2ee3d8128f0b25427659"},
        {56, "51fdd1acda72405dfdfa03fcb85896d7", "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562",
         "8b12b2f6fe400a51d29656e2b8c42a1b"},
        {63, "48a6295221902e8e0938f773a7185e72", "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488",
         "9dc9c5598e55dc42955695320839788e"},
        {64, "b2d3f56bc197fd985d5965079b5e7148", "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108",
         "ee4320ebaf3fdb4f2c832b137200c08e"},
        {111, "4fad3ab7d8546851ec1bb63ea7e6f5a8", "60780e9451bdc43cf4530ffc95cbb0c4eb24dae2c39f55f334d679e076c08065",
         "a1a111449b198d9b1f538bad7f3fc102"},
        {112, "d1fec2ac3715e791ca5f489f300381b3", "09373f127d34e61dbbaa8bc4499c87074f2ddb10e1b465f506d7d70a15011979",
         "c5fbd731d19d2ae1180f001be72c2c1a"},
        {127, "8402b21e7bc7906493bae0dac017f1f9", "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976",
         "eab89674feaa34e27aebeeff3c0a4d70"},
        {128, "37eff01866ba3f538421b30b7cbefcac", "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5",
         "1dffd5e3adb71d45d2245939665521ae"},
    };
    unsigned char data[128];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)i;
    char buf[2 * ASLRT_DIGEST_MAX + 1];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(hex_digest(ASLRT_MD5, data, cases[i].n, buf), cases[i].md5);
        assert_string_equal(hex_digest(ASLRT_SHA256, data, cases[i].n, buf), cases[i].sha256);
        hex_digest(ASLRT_SHA512, data, cases[i].n, buf);
        assert_memory_equal(buf, cases[i].sha512_prefix, 32);
    }
}

/* Fed in uneven pieces, a message gives the digest it gives in one piece. */
static void digest_should_not_depend_on_how_the_input_is_split(void **state)
{
    (void)state;
    static const struct {
        int alg;
        const char *hex;
    } cases[] = {
        {ASLRT_MD5, "cabe45dcc9ae5b66ba86600cca6b8ba8"},
        {ASLRT_SHA1, "291e9a6c66994949b57ba5e650361e98fc36b1ba"},
        {ASLRT_SHA256, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"},
        {ASLRT_SHA384,
         "f54480689c6b0b11d0303285d9a81b21a93bca6ba5a1b4472765dca4da45ee328082d469c650cd3b61b16d3266ab8ced"},
        {ASLRT_SHA512,
         "67ba5535a46e3f86dbfbed8cbbaf0125c76ed549ff8b0b9e03e0c88cf90fa634fa7b12b47d77b694de488ace8d9a6596"
         "7dc96df599727d3292a8d9d447709c97"},
    };
    char a1000[1000];
    memset(a1000, 'a', sizeof a1000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aslrt_digest d;
        aslrt_digest_init(&d, cases[i].alg);
        size_t at = 0;
        for (size_t piece = 1; at < sizeof a1000; piece = piece * 3 % 200 + 1) {
            size_t n = piece < sizeof a1000 - at ? piece : sizeof a1000 - at;
            aslrt_digest_update(&d, a1000 + at, n);
            at += n;
        }
        unsigned char md[ASLRT_DIGEST_MAX];
        size_t len = aslrt_digest_final(&d, md);
        char buf[2 * ASLRT_DIGEST_MAX + 1];
        for (size_t k = 0; k < len; k++)
            snprintf(buf + 2 * k, 3, "%02x", md[k]);
        assert_string_equal(buf, cases[i].hex);
    }
}

static void digest_alg_should_know_only_the_aws_names(void **state)
{
    (void)state;
    assert_int_equal(aslrt_digest_alg("MD5"), ASLRT_MD5);
    assert_int_equal(aslrt_digest_alg("SHA-1"), ASLRT_SHA1);
    assert_int_equal(aslrt_digest_alg("SHA-256"), ASLRT_SHA256);
    assert_int_equal(aslrt_digest_alg("SHA-384"), ASLRT_SHA384);
    assert_int_equal(aslrt_digest_alg("SHA-512"), ASLRT_SHA512);
    assert_int_equal(aslrt_digest_alg("sha-256"), -1);
    assert_int_equal(aslrt_digest_alg("SHA256"), -1);
    assert_int_equal(aslrt_digest_alg(""), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digest_should_match_the_standard_vectors),
        cmocka_unit_test(digest_should_pad_messages_at_block_boundaries),
        cmocka_unit_test(digest_should_not_depend_on_how_the_input_is_split),
        cmocka_unit_test(digest_alg_should_know_only_the_aws_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
