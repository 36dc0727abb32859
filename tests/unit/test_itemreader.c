/* test_itemreader.c — a distributed Map's ItemReader over local files
   (runtime/map/itemreader.c): s3:// paths under --s3-root, JSON arrays read an
   element at a time, JSON Lines, CSV quoting and headers, gzip, S3
   inventory manifests, MaxItems, and the failures States.ItemReaderFailed
   reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <zlib.h>

#include "itemreader.h"

/* ------------------------------------------------------------ helpers */

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/aslc-itemreader-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes `text` to dir/name (gzip-compressed when gz), making folders. */
static char *put_file(const char *name, const char *text, int gz)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
    if (gz) {
        gzFile f = gzopen(path, "wb");
        assert_non_null(f);
        gzwrite(f, text, (unsigned)strlen(text));
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* Every item of a source as one compact JSON array text (malloc'd), or the
   failure as "FAIL: <cause>" after the items read so far. */
static char *read_all(aslrt_item_source *s)
{
    cJSON *all = cJSON_CreateArray();
    cJSON *item;
    char *cause = NULL;
    int rc;
    while ((rc = aslrt_item_source_next(s, &item, &cause)) > 0)
        cJSON_AddItemToArray(all, item);
    char *text = cJSON_PrintUnformatted(all);
    cJSON_Delete(all);
    if (rc < 0) {
        size_t n = strlen(text) + strlen(cause) + 16;
        char *t = malloc(n);
        snprintf(t, n, "%s FAIL: %s", text, cause);
        free(text);
        free(cause);
        text = t;
    }
    aslrt_item_source_close(s);
    return text;
}

/* Reads file `name` with ReaderConfig `config` (JSON text) and compares. */
static void assert_items(const char *name, const char *config, long max_items, const char *expected)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cJSON *cfg = config ? cJSON_Parse(config) : NULL;
    char *cause = NULL;
    aslrt_item_source *s = aslrt_item_source_file(path, "s3://b/k", cfg, max_items, dir, &cause);
    assert_null(cause);
    assert_non_null(s);
    char *got = read_all(s);
    assert_string_equal(got, expected);
    free(got);
    cJSON_Delete(cfg);
}

/* -------------------------------------------------------------- paths */

static void s3_path_should_map_bucket_and_key_under_the_root(void **state)
{
    (void)state;
    char *cause = NULL;
    char *p = aslrt_s3_path("/data", "bkt", "a/b.json", &cause);
    assert_string_equal(p, "/data/bkt/a/b.json");
    free(p);
    p = aslrt_s3_path("/data", "bkt", "", &cause);
    assert_string_equal(p, "/data/bkt");
    free(p);
    assert_null(cause);
}

static void s3_path_should_refuse_names_that_leave_the_root(void **state)
{
    (void)state;
    const char *bad[][2] = {{"..", "k"}, {"a/b", "k"}, {"", "k"}, {"bkt", "../x"}, {"bkt", "a/../../x"}, {"bkt", "a/.."}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *cause = NULL;
        assert_null(aslrt_s3_path("/data", bad[i][0], bad[i][1], &cause));
        assert_non_null(cause);
        free(cause);
    }
    char *cause = NULL;
    char *ok = aslrt_s3_path("/data", "bkt", "a/..b/c..", &cause); /* ".." only as a whole segment */
    assert_string_equal(ok, "/data/bkt/a/..b/c..");
    free(ok);
}

static void s3_path_should_ask_for_an_s3_root(void **state)
{
    (void)state;
    char *cause = NULL;
    assert_null(aslrt_s3_path(NULL, "bkt", "k.json", &cause));
    assert_string_equal(cause, "s3://bkt/k.json is read from a local directory: give it with --s3-root DIR "
                               "(the object is then the file DIR/bkt/k.json).");
    free(cause);
}

/* --------------------------------------------------------------- JSON */

static void json_array_should_give_each_element(void **state)
{
    (void)state;
    put_file("a.json", " [ {\"s\": \"a,]}\\\"[\"}, [1, [2]], \"x\" ,true,null , -1.5e3 ]\n", 0);
    assert_items("a.json", NULL, 0, "[{\"s\":\"a,]}\\\"[\"},[1,[2]],\"x\",true,null,-1500]");
}

static void json_array_should_be_empty_for_brackets_only(void **state)
{
    (void)state;
    put_file("e.json", "[ ]", 0);
    assert_items("e.json", "{\"InputType\": \"JSON\"}", 0, "[]");
}

static void json_that_is_not_an_array_should_fail_as_aws_says(void **state)
{
    (void)state;
    put_file("o.json", "{\"a\": [1]}", 0);
    assert_items("o.json", NULL, 0, "[] FAIL: Attempting to map over non-iterable node.");
}

static void json_with_a_bad_element_should_fail_after_the_good_ones(void **state)
{
    (void)state;
    put_file("bad.json", "[1, {\"a\" 2}, 3]", 0);
    assert_items("bad.json", NULL, 0, "[1] FAIL: Item 1 of s3://b/k is not valid JSON.");
    put_file("cut.json", "[1, 2", 0);
    assert_items("cut.json", NULL, 0, "[1] FAIL: The JSON array in s3://b/k ends before its closing ']'.");
}

/* Objects are text: ill-formed UTF-8 anywhere fails the source, naming the
   byte offset (in the uncompressed data), after the items before it. */
static void ill_formed_utf8_should_fail_with_its_offset_in_every_format(void **state)
{
    (void)state;
    put_file("u.json", "[1, \"x\xED\xA0\x80\", 3]", 0);
    assert_items("u.json", NULL, 0, "[1] FAIL: Cannot read s3://b/k: invalid UTF-8 at byte offset 6.");
    put_file("u.json.gz", "[1, \"x\xED\xA0\x80\", 3]", 1);
    assert_items("u.json.gz", NULL, 0, "[1] FAIL: Cannot read s3://b/k: invalid UTF-8 at byte offset 6.");
    put_file("cut.json", "[1, \"\xE2\x82", 0); /* cut short by the end of the file */
    assert_items("cut.json", NULL, 0, "[1] FAIL: Cannot read s3://b/k: invalid UTF-8 at byte offset 5.");
    put_file("u.jsonl", "1\n\"\xC0\x80\"\n2\n", 0);
    assert_items("u.jsonl", "{\"InputType\": \"JSONL\"}", 0,
                 "[1] FAIL: Cannot read s3://b/k: invalid UTF-8 at byte offset 3.");
    put_file("u.csv", "h\ncaf\xC3\xA9\n\xFF\n", 0);
    assert_items("u.csv", "{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\"}", 0,
                 "[{\"h\":\"caf\xC3\xA9\"}] FAIL: Cannot read s3://b/k: invalid UTF-8 at byte offset 8.");
}

/* A row the bad byte cuts short is no item: the failure hands out nothing
   (the reader had built one, and used to leave the freed pointer behind). */
static void ill_formed_utf8_inside_an_item_should_hand_out_no_item(void **state)
{
    (void)state;
    put_file("cut.csv", "h\n\"a\xFF\"\n", 0);
    char path[512];
    snprintf(path, sizeof path, "%s/cut.csv", dir);
    char *cause = NULL;
    cJSON *config = cJSON_Parse("{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\"}");
    aslrt_item_source *s = aslrt_item_source_file(path, "s3://b/k", config, 0, NULL, &cause);
    assert_non_null(s);
    cJSON *item = (cJSON *)1;
    assert_int_equal(aslrt_item_source_next(s, &item, &cause), -1);
    assert_null(item);
    assert_string_equal(cause, "Cannot read s3://b/k: invalid UTF-8 at byte offset 4.");
    free(cause);
    aslrt_item_source_close(s);
    cJSON_Delete(config);
}

static void json_array_should_stream_a_large_gzip_file(void **state)
{
    (void)state;
    const int n = 200000;
    size_t cap = (size_t)n * 16 + 16, len = 0;
    char *text = malloc(cap);
    text[len++] = '[';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s{\"i\":%d}", i ? "," : "", i);
    text[len++] = ']';
    text[len] = '\0';
    put_file("big.json.gz", text, 1);
    free(text);
    char path[512];
    snprintf(path, sizeof path, "%s/big.json.gz", dir);
    char *cause = NULL;
    aslrt_item_source *s = aslrt_item_source_file(path, "s3://b/big", NULL, 0, NULL, &cause);
    assert_non_null(s);
    cJSON *item;
    long count = 0, sum = 0;
    while (aslrt_item_source_next(s, &item, &cause) > 0) {
        sum += cJSON_GetObjectItemCaseSensitive(item, "i")->valueint;
        count++;
        cJSON_Delete(item);
    }
    assert_null(cause);
    assert_int_equal(count, n);
    assert_int_equal(sum, (long)n * (n - 1) / 2);
    aslrt_item_source_close(s);
}

static void max_items_should_stop_the_source(void **state)
{
    (void)state;
    put_file("m.json", "[1,2,3,4]", 0);
    assert_items("m.json", NULL, 3, "[1,2,3]");
}

static void json_lines_should_skip_blank_lines(void **state)
{
    (void)state;
    put_file("l.jsonl", "{\"a\":1}\n  \n\"two\"\r\n[3]", 0);
    assert_items("l.jsonl", "{\"InputType\": \"JSONL\"}", 0, "[{\"a\":1},\"two\",[3]]");
    put_file("lbad.jsonl", "1\n{x}\n", 0);
    assert_items("lbad.jsonl", "{\"InputType\": \"JSONL\"}", 0, "[1] FAIL: Line 2 of s3://b/k is not valid JSON.");
}

/* ---------------------------------------------------------------- CSV */

static void csv_should_key_rows_by_the_header_row(void **state)
{
    (void)state;
    put_file("t.csv", "name,qty,note\r\n\"Doe, J\",3,\"say \"\"hi\"\"\nthere\"\n\nx,,\nshort\n", 0);
    assert_items("t.csv", "{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\"}", 0,
                 "[{\"name\":\"Doe, J\",\"qty\":\"3\",\"note\":\"say \\\"hi\\\"\\nthere\"},"
                 "{\"name\":\"x\",\"qty\":\"\",\"note\":\"\"},{\"name\":\"short\",\"qty\":\"\",\"note\":\"\"}]");
}

static void csv_should_take_given_headers_and_delimiters(void **state)
{
    (void)state;
    put_file("t.tsv", "a\t1\textra\nb\t2\n", 0);
    assert_items("t.tsv",
                 "{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"GIVEN\", \"CSVHeaders\": [\"k\", \"v\"], "
                 "\"CSVDelimiter\": \"TAB\"}",
                 0, "[{\"k\":\"a\",\"v\":\"1\"},{\"k\":\"b\",\"v\":\"2\"}]");
    put_file("t.ssv", "k;v\na;1\n", 0);
    assert_items("t.ssv", "{\"InputType\": \"CSV\", \"CSVDelimiter\": \"SEMICOLON\"}", 0, "[{\"k\":\"a\",\"v\":\"1\"}]");
}

static void csv_should_refuse_duplicate_headers(void **state)
{
    (void)state;
    put_file("dup.csv", "a,b,a\n1,2,3\n", 0);
    assert_items("dup.csv", "{\"InputType\": \"CSV\"}", 0, "[] FAIL: CSV headers cannot contain duplicates.");
}

static void csv_with_an_unknown_delimiter_should_not_open(void **state)
{
    (void)state;
    put_file("x.csv", "a\n", 0);
    char path[512];
    snprintf(path, sizeof path, "%s/x.csv", dir);
    cJSON *cfg = cJSON_Parse("{\"InputType\": \"CSV\", \"CSVDelimiter\": \"COLON\"}");
    char *cause = NULL;
    assert_null(aslrt_item_source_file(path, "s3://b/k", cfg, 0, NULL, &cause));
    assert_string_equal(cause, "ReaderConfig CSVDelimiter \"COLON\" is not COMMA, PIPE, SEMICOLON, SPACE or TAB.");
    free(cause);
    cJSON_Delete(cfg);
}

/* ----------------------------------------------------------- MANIFEST */

static void manifest_should_read_every_listed_gzip_data_file(void **state)
{
    (void)state;
    put_file("inv/src/cfg/manifest.json",
             "{\"sourceBucket\": \"src\", \"destinationBucket\": \"arn:aws:s3:::inv\", \"fileFormat\": \"CSV\","
             " \"fileSchema\": \"Bucket, Key, Size\", \"files\": [{\"key\": \"src/cfg/data/1.csv.gz\"},"
             " {\"key\": \"src/cfg/data/2.csv.gz\"}]}", 0);
    put_file("inv/src/cfg/data/1.csv.gz", "\"src\",\"a\",\"1\"\n\"src\",\"b, c\",\"2\"\n", 1);
    put_file("inv/src/cfg/data/2.csv.gz", "\"src\",\"d\",\"3\"\n", 1);
    assert_items("inv/src/cfg/manifest.json", "{\"InputType\": \"MANIFEST\"}", 0,
                 "[{\"Bucket\":\"src\",\"Key\":\"a\",\"Size\":\"1\"},{\"Bucket\":\"src\",\"Key\":\"b, c\",\"Size\":\"2\"},"
                 "{\"Bucket\":\"src\",\"Key\":\"d\",\"Size\":\"3\"}]");
}

static void manifest_with_a_missing_data_file_should_fail(void **state)
{
    (void)state;
    put_file("inv2/manifest.json",
             "{\"destinationBucket\": \"arn:aws:s3:::inv2\", \"fileFormat\": \"CSV\", \"fileSchema\": \"Key\","
             " \"files\": [{\"key\": \"gone.csv\"}]}", 0);
    char path[512];
    snprintf(path, sizeof path, "%s/inv2/manifest.json", dir);
    cJSON *cfg = cJSON_Parse("{\"InputType\": \"MANIFEST\"}");
    char *cause = NULL;
    aslrt_item_source *s = aslrt_item_source_file(path, "s3://inv2/manifest.json", cfg, 0, dir, &cause);
    assert_non_null(s);
    char *got = read_all(s);
    assert_non_null(strstr(got, "[] FAIL: Cannot read s3://inv2/gone.csv from the local file "));
    free(got);
    cJSON_Delete(cfg);
}

static void unknown_input_type_should_not_open(void **state)
{
    (void)state;
    cJSON *cfg = cJSON_Parse("{\"InputType\": \"PARQUET\"}");
    char *cause = NULL;
    assert_null(aslrt_item_source_file("/nonexistent", "s3://b/k", cfg, 0, NULL, &cause));
    assert_string_equal(cause, "ReaderConfig InputType \"PARQUET\" cannot be read locally (JSON, JSONL, CSV and MANIFEST can).");
    free(cause);
    cJSON_Delete(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s3_path_should_map_bucket_and_key_under_the_root),
        cmocka_unit_test(s3_path_should_refuse_names_that_leave_the_root),
        cmocka_unit_test(s3_path_should_ask_for_an_s3_root),
        cmocka_unit_test(json_array_should_give_each_element),
        cmocka_unit_test(json_array_should_be_empty_for_brackets_only),
        cmocka_unit_test(json_that_is_not_an_array_should_fail_as_aws_says),
        cmocka_unit_test(json_with_a_bad_element_should_fail_after_the_good_ones),
        cmocka_unit_test(ill_formed_utf8_should_fail_with_its_offset_in_every_format),
        cmocka_unit_test(ill_formed_utf8_inside_an_item_should_hand_out_no_item),
        cmocka_unit_test(json_array_should_stream_a_large_gzip_file),
        cmocka_unit_test(max_items_should_stop_the_source),
        cmocka_unit_test(json_lines_should_skip_blank_lines),
        cmocka_unit_test(csv_should_key_rows_by_the_header_row),
        cmocka_unit_test(csv_should_take_given_headers_and_delimiters),
        cmocka_unit_test(csv_should_refuse_duplicate_headers),
        cmocka_unit_test(csv_with_an_unknown_delimiter_should_not_open),
        cmocka_unit_test(manifest_should_read_every_listed_gzip_data_file),
        cmocka_unit_test(manifest_with_a_missing_data_file_should_fail),
        cmocka_unit_test(unknown_input_type_should_not_open),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
