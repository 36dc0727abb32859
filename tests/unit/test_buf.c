/* test_buf.c — the growable byte buffer (json/buf.h) every layer builds text in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "xalloc.h"

static void zeroed_buffer_should_allocate_on_the_first_append(void **state)
{
    (void)state;
    asl_buf b = {0};
    assert_null(b.data);
    asl_buf_add(&b, "", 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    asl_buf_puts(&b, "ab");
    asl_buf_putc(&b, 'c');
    asl_buf_printf(&b, "%d-%s", 42, "x");
    assert_int_equal(b.len, 7);
    assert_string_equal(b.data, "abc42-x");
    asl_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void init_should_start_with_an_empty_string(void **state)
{
    (void)state;
    asl_buf b;
    asl_buf_init(&b);
    assert_string_equal(b.data, "");
    asl_buf_free(&b);
}

static void local_buffer_should_stay_in_local_memory_while_the_text_fits(void **state)
{
    (void)state;
    char mem[8];
    asl_buf b;
    asl_buf_init_local(&b, mem, sizeof mem);
    asl_buf_puts(&b, "1234567"); /* 7 bytes and the NUL: exactly full */
    assert_ptr_equal(b.data, mem);
    assert_string_equal(mem, "1234567");
    asl_buf_putc(&b, '8');
    assert_ptr_not_equal(b.data, mem);
    assert_string_equal(b.data, "12345678");
    asl_buf_free(&b); /* frees the heap copy, not mem */
}

static void take_should_copy_text_out_of_local_memory(void **state)
{
    (void)state;
    char mem[16];
    asl_buf b;
    asl_buf_init_local(&b, mem, sizeof mem);
    asl_buf_puts(&b, "short");
    char *s = asl_buf_take(&b);
    assert_ptr_not_equal(s, mem);
    assert_string_equal(s, "short");
    assert_null(b.data);
    free(s);

    asl_buf z = {0};
    s = asl_buf_take(&z);
    assert_string_equal(s, "");
    free(s);

    asl_buf h = {0};
    asl_buf_puts(&h, "heap");
    const char *data = h.data;
    s = asl_buf_take(&h);
    assert_ptr_equal(s, data); /* already malloc'd: handed over, not copied */
    free(s);
}

static void growth_should_keep_every_byte(void **state)
{
    (void)state;
    char mem[4];
    asl_buf b;
    asl_buf_init_local(&b, mem, sizeof mem);
    for (int i = 0; i < 10000; i++)
        asl_buf_putc(&b, (char)('a' + i % 26));
    asl_buf_add(&b, "\0z", 2); /* NUL bytes are data too */
    assert_int_equal(b.len, 10002);
    assert_true(b.cap >= b.len + 1);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(b.data[i], 'a' + i % 26);
    assert_memory_equal(b.data + 10000, "\0z\0", 3);
    asl_buf_free(&b);
}

static void reserve_should_leave_room_and_keep_the_nul(void **state)
{
    (void)state;
    char mem[4];
    asl_buf b;
    asl_buf_init_local(&b, mem, sizeof mem);
    asl_buf_puts(&b, "ab");
    asl_buf_reserve(&b, 100);
    assert_true(b.cap >= b.len + 101);
    assert_string_equal(b.data, "ab");
    memcpy(b.data + b.len, "cd", 2);
    b.len += 2;
    b.data[b.len] = '\0';
    assert_string_equal(b.data, "abcd");
    b.len = 0; /* emptied for reuse */
    asl_buf_puts(&b, "x");
    assert_string_equal(b.data, "x");
    asl_buf_free(&b);
}

static void read_should_append_a_whole_file(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    size_t n = 200000; /* several reads and blocks */
    for (size_t i = 0; i < n; i++)
        fputc((int)(i % 251), f);
    rewind(f);
    asl_buf b = {0};
    asl_buf_puts(&b, "head");
    assert_int_equal(asl_buf_read(&b, f), 0);
    fclose(f);
    assert_int_equal(b.len, 4 + n);
    assert_memory_equal(b.data, "head", 4);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)b.data[4 + i] != i % 251)
            fail_msg("byte %zu differs", i);
    assert_int_equal(b.data[b.len], '\0');
    asl_buf_free(&b);
}

static void read_should_report_a_read_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/null", "w"); /* not open for reading */
    assert_non_null(f);
    asl_buf b = {0};
    assert_int_equal(asl_buf_read(&b, f), -1);
    fclose(f);
    asl_buf_free(&b);
}

static void xrealloc_should_keep_the_contents(void **state)
{
    (void)state;
    char *p = aslrt_xmalloc(4);
    memcpy(p, "abc", 4);
    p = aslrt_xrealloc(p, 1 << 20);
    assert_string_equal(p, "abc");
    p = aslrt_xrealloc(p, 0); /* a block free takes, not NULL */
    assert_non_null(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zeroed_buffer_should_allocate_on_the_first_append),
        cmocka_unit_test(init_should_start_with_an_empty_string),
        cmocka_unit_test(local_buffer_should_stay_in_local_memory_while_the_text_fits),
        cmocka_unit_test(take_should_copy_text_out_of_local_memory),
        cmocka_unit_test(growth_should_keep_every_byte),
        cmocka_unit_test(reserve_should_leave_room_and_keep_the_nul),
        cmocka_unit_test(read_should_append_a_whole_file),
        cmocka_unit_test(read_should_report_a_read_error),
        cmocka_unit_test(xrealloc_should_keep_the_contents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
