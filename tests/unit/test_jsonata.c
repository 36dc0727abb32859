/* test_jsonata.c — the JSONata engine: parser (compiler/jsonata_parse.c) and
   evaluator (jsonata/jsonata*.c). Expected values follow JSONata 2.0.6's
   documented behaviour (and what the reference implementation returns),
   plus Step Functions' additions from asl-reference §9. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "arena.h"
#include "exec.h"
#include "jsonata_eval.h"
#include "jsonata_parse.h"

/* ------------------------------------------------------------ helpers */

/* The document most tests run against, as $states.input. */
static const char k_doc[] =
    "{\"Account\": {\"Name\": \"Firefly\", \"Order\": ["
    "{\"OrderID\": \"o1\", \"Product\": ["
    "{\"Name\": \"Hat\", \"SKU\": \"A1\", \"Price\": 34.45, \"Quantity\": 2, \"Tags\": [\"red\", \"wool\"]},"
    "{\"Name\": \"Cap\", \"SKU\": \"A2\", \"Price\": 21.67, \"Quantity\": 1, \"Tags\": [\"blue\"]}]},"
    "{\"OrderID\": \"o2\", \"Product\": ["
    "{\"Name\": \"Hat\", \"SKU\": \"A1\", \"Price\": 34.45, \"Quantity\": 4, \"Tags\": []},"
    "{\"Name\": \"Cloak\", \"SKU\": \"B7\", \"Price\": 107.99, \"Quantity\": 1}]}]},"
    " \"nums\": [3, 1, 2], \"empty\": [], \"one\": [7], \"nested\": [[1, 2], [3, [4]]],"
    " \"s\": \"Hello World\"}";

static cJSON *g_vars; /* workflow variables for the lookup callback */

static const cJSON *lookup(void *ctx, const char *name)
{
    (void)ctx;
    return g_vars ? cJSON_GetObjectItemCaseSensitive(g_vars, name) : NULL;
}

/* Parses and evaluates expr with $states.input = input (JSON text, may be
   NULL), returning a malloc'd description: the result's compact JSON,
   "undefined", "function", or "error: <cause>"; parse errors give
   "syntax: <message>". */
static char *run(const char *expr, const char *input)
{
    asl_arena *a = asl_arena_new();
    const char *err = NULL;
    const jsonata_node *x = jsonata_parse(a, expr, &err);
    char *r;
    if (!x) {
        size_t n = strlen(err) + 9;
        r = malloc(n);
        snprintf(r, n, "syntax: %s", err);
        asl_arena_free(a);
        return r;
    }
    cJSON *states = cJSON_CreateObject();
    if (input)
        cJSON_AddItemToObject(states, "input", cJSON_Parse(input));
    cJSON_AddItemToObject(states, "context", cJSON_Parse("{\"State\": {\"Name\": \"S\"}}"));
    cJSON *out = NULL;
    char *eval_err = NULL;
    int rc = jsonata_eval(x, states, lookup, NULL, &out, &eval_err);
    if (rc == 0 && out) {
        r = cJSON_PrintUnformatted(out);
    } else if (rc == 0) {
        r = strdup("undefined");
    } else if (rc == JSONATA_FUNCTION) {
        r = strdup("function");
    } else {
        assert_non_null(eval_err);
        size_t n = strlen(eval_err) + 8;
        r = malloc(n);
        snprintf(r, n, "error: %s", eval_err);
    }
    free(eval_err);
    cJSON_Delete(out);
    cJSON_Delete(states);
    asl_arena_free(a);
    return r;
}

typedef struct jcase {
    const char *expr;
    const char *want; /* exact, or a prefix when it ends with '*' */
} jcase;

/* Runs a table of expressions against k_doc, failing with the expression. */
static void check_table(const jcase *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = run(t[i].expr, k_doc);
        size_t wl = strlen(t[i].want);
        int ok = wl && t[i].want[wl - 1] == '*' ? !strncmp(got, t[i].want, wl - 1) : !strcmp(got, t[i].want);
        static char msg[2048]; /* fail_msg does not return: free first */
        snprintf(msg, sizeof msg, "%s\n  want: %s\n  got:  %s", t[i].expr, t[i].want, got);
        free(got);
        if (!ok)
            fail_msg("%s", msg);
    }
}

#define CHECK(table) check_table(table, sizeof table / sizeof table[0])

/* ------------------------------------------------------------- paths */

static void paths_should_navigate_and_flatten_sequences(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$states.input.Account.Name", "\"Firefly\""},
        {"$states.input.Account.Order.OrderID", "[\"o1\",\"o2\"]"},
        {"$states.input.Account.Order.Product.Price", "[34.45,21.67,34.45,107.99]"},
        {"$states.input.Account.Order.Product.Tags", "[\"red\",\"wool\",\"blue\"]"},
        {"$states.input.Account.Order[0].OrderID", "\"o1\""},
        {"$states.input.Account.Order.Product[0].Name", "[\"Hat\",\"Hat\"]"},
        {"($states.input.Account.Order.Product)[0].Name", "\"Hat\""},
        {"$states.input.Account.Order.Product[-1].Name", "[\"Cap\",\"Cloak\"]"},
        {"$states.input.Account.Order.Product[1.7].Name", "[\"Cap\",\"Cloak\"]"},
        {"$states.input.Account.Nothing", "undefined"},
        {"$states.input.Account.Nothing.Deeper", "undefined"},
        {"$states.input.one", "[7]"},
        {"$states.input.one[0]", "7"},
        {"$states.input.nested", "[[1,2],[3,[4]]]"},
        {"$states.input.nested[1]", "[3,[4]]"},
        {"$states.input.empty", "[]"},
        {"$states.input.Account.Order[OrderID='o2'].Product.SKU", "[\"A1\",\"B7\"]"},
        {"$states.input.Account.Order.Product[Quantity > 1].SKU", "[\"A1\",\"A1\"]"},
        {"$states.input.Account.Order.Product[[0,1]].SKU", "[\"A1\",\"A2\",\"A1\",\"B7\"]"},
        {"$states.input.Account.Order[0].Product.SKU[]", "[\"A1\",\"A2\"]"},
        {"$states.input.Account.Order[1].Product[1].SKU[]", "[\"B7\"]"},
        {"$states.input.Account.Order.Product.`Name`", "[\"Hat\",\"Cap\",\"Hat\",\"Cloak\"]"},
        {"$states.input.Account.*.OrderID", "[\"o1\",\"o2\"]"},
        {"$states.input.nested.*", "[1,2,3,4]"},
        {"$count($states.input.Account.**.Price)", "4"},
        {"$states.input.Account.Order.(OrderID & '!')", "[\"o1!\",\"o2!\"]"},
        {"$states.input.Account.Order.Product.Price[$ > 30]", "[34.45,34.45,107.99]"},
    };
    CHECK(t);
}

static void paths_should_bind_context_positions_and_parents(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$states.input.Account.Order.Product.{'sku': SKU, 'order': %.OrderID}",
         "[{\"sku\":\"A1\",\"order\":\"o1\"},{\"sku\":\"A2\",\"order\":\"o1\"},{\"sku\":\"A1\",\"order\":\"o2\"},"
         "{\"sku\":\"B7\",\"order\":\"o2\"}]"},
        {"$states.input.Account.Order.Product[%.OrderID = 'o2'].SKU", "[\"A1\",\"B7\"]"},
        {"$states.input.Account.Order.Product.%.%.Name", "[\"Firefly\",\"Firefly\",\"Firefly\",\"Firefly\"]"},
        {"$states.input.Account.Order#$i.Product.{'i': $i, 'sku': SKU}",
         "[{\"i\":0,\"sku\":\"A1\"},{\"i\":0,\"sku\":\"A2\"},{\"i\":1,\"sku\":\"A1\"},{\"i\":1,\"sku\":\"B7\"}]"},
        {"$states.input.Account.Order.Product#$i[$i = 0].SKU", "[\"A1\",\"A1\"]"},
        {"$states.input.Account.Order@$o.$o.Product@$p.($o.OrderID & '/' & $p.SKU)",
         "[\"o1/A1\",\"o1/A2\",\"o2/A1\",\"o2/B7\"]"},
        {"$states.input.Account.Order.Product^(Price)#$i.{'i': $i, 'sku': SKU}[0]", "{\"i\":0,\"sku\":\"A2\"}"},
    };
    CHECK(t);
}

static void order_by_and_group_by_should_sort_and_aggregate(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$states.input.Account.Order.Product^(Price).SKU", "[\"A2\",\"A1\",\"A1\",\"B7\"]"},
        {"$states.input.Account.Order.Product^(>Price, Quantity).Quantity", "[1,2,4,1]"},
        {"$states.input.Account.Order.Product^(Name).Name", "[\"Cap\",\"Cloak\",\"Hat\",\"Hat\"]"},
        {"$states.input.Account.Order.Product{Name: $sum(Quantity)}", "{\"Hat\":6,\"Cap\":1,\"Cloak\":1}"},
        {"$states.input.Account.Order{OrderID: $count(Product)}", "{\"o1\":2,\"o2\":2}"},
        {"$states.input.Account.Order.Product{SKU: Price}", "{\"A1\":[34.45,34.45],\"A2\":21.67,\"B7\":107.99}"},
        {"$states.input.Account.Order.Product{Name: 1, 'Hat': 2}",
         "error: D1009: Multiple key definitions evaluate to same key: \"Hat\""},
        {"$states.input.Account.Order.Product{Price: 1}",
         "error: T1003: Key in object structure must evaluate to a string; got: 34.45"},
        {"$states.input.Account.Order.Product^(Tags).SKU",
         "error: T2008: The expressions within an order-by clause must evaluate to numeric or string values"},
    };
    CHECK(t);
}

/* ---------------------------------------------------- constructors, operators */

static void constructors_should_keep_arrays_and_build_objects(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"[1, 2, [3, 4], $states.input.nums]", "[1,2,[3,4],3,1,2]"},
        {"[$states.input.one]", "[7]"},
        {"[]", "[]"},
        {"[1..5]", "[1,2,3,4,5]"},
        {"[5..1]", "[]"},
        {"[1..3, 9]", "[1,2,3,9]"},
        {"[1.5..3]", "error: T2003: The left side of the range operator (..) must evaluate to an integer"},
        {"{'a': 1, 'b': [true, null], 'c': {'d': 'e'}}", "{\"a\":1,\"b\":[true,null],\"c\":{\"d\":\"e\"}}"},
        {"{'a': $nothing}", "{}"},
        {"{}", "{}"},
        {"$states.input.Account.Order.[OrderID]", "[[\"o1\"],[\"o2\"]]"},
    };
    CHECK(t);
}

static void operators_should_follow_jsonata_types(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"1 + 2 * 3 - 4 / 8", "6.5"},
        {"7 % 3", "1"},
        {"-(2 + 3)", "-5"},
        {"1 + $nothing", "undefined"},
        {"'1' + 1", "error: T2001: The left side of the \"+\" operator must evaluate to a number"},
        {"1 + 'x'", "error: T2002: The right side of the \"+\" operator must evaluate to a number"},
        {"-'x'", "error: D1002: Cannot negate a non-numeric value: \"x\""},
        {"1/0", "error: D1001: Number out of range: Infinity"},
        {"'a' & 1 & true & null & [1, 2]", "\"a1truenull[1,2]\""},
        {"0.1 + 0.2 & ''", "\"0.3\""},
        {"1 = 1.0", "true"},
        {"[1, {'a': [2]}] = [1, {'a': [2]}]", "true"},
        {"'a' < 'b'", "true"},
        {"1 < 'b'", "error: T2009: The values 1 and \"b\" either side of operator \"<\" must be of the same data type"},
        {"true < false",
         "error: T2010: The expressions either side of operator \"<\" must evaluate to numeric or string values"},
        {"$nothing = 1", "false"},
        {"$nothing < 1", "undefined"},
        {"1 in [1, 2]", "true"},
        {"'2' in [1, 2]", "false"},
        {"true and 'x'", "true"},
        {"[] or 0", "false"},
        {"$states.input.s ? 'yes' : 'no'", "\"yes\""},
        {"false ? 1", "undefined"},
        {"1 > 2 ? 'a' : 2 > 1 ? 'b' : 'c'", "\"b\""},
    };
    CHECK(t);
}

/* ---------------------------------------------------------- functions */

static void blocks_and_lambdas_should_scope_and_close_over(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"($x := 2; $y := $x * 3; $x + $y)", "8"},
        {"($x := 1; ($x := 2); $x)", "1"},
        {"($f := function($a, $b){$a * $b}; $f(3, 4))", "12"},
        {"(function($n){$n + 1})(1)", "2"},
        {"\xCE\xBB($n){$n * 2}(4)", "8"},
        {"($add := function($a){function($b){$a + $b}}; $add(2)(3))", "5"},
        {"($fac := function($n){$n <= 1 ? 1 : $n * $fac($n - 1)}; $fac(10))", "3628800"},
        {"($loop := function($n, $acc){$n = 0 ? $acc : $loop($n - 1, $acc + $n)}; $loop(100000, 0))", "5000050000"},
        {"$substring(?, 0, 3)('abcdef')", "\"abc\""},
        {"($f := function($a, $b, $c){$a & $b & $c}; $f(?, 'x', ?)('1', '2'))", "\"1x2\""},
        {"'hello' ~> $uppercase ~> $substring(1)", "\"ELLO\""},
        {"($double := function($x){$x * 2}; $inc := function($x){$x + 1}; ($double ~> $inc)(5))", "11"},
        {"[1, 2] ~> 3", "error: T2006: The right side of the function application operator ~> must be a function"},
        {"function($x)<n:n>{$x}('a')", "error: T0410: Argument 1 of function undefined does not match function signature"},
        {"function($a)<a<n>:n>{$sum($a)}(5)", "5"},
        {"function($a)<a<n>:n>{$sum($a)}(['x'])",
         "error: T0412: Argument 1 of function undefined must be an array of \"numbers\""},
        {"$nothing()", "error: T1006: Attempted to invoke a non-function"},
        {"uppercase('x')", "error: T1005: Attempted to invoke a non-function. Did you mean $uppercase?"},
        {"$nothing(?)", "error: T1008: Attempted to partially apply a non-function"},
        {"function($x){$x}", "function"},
        {"$uppercase", "function"},
    };
    CHECK(t);
}

static void higher_order_functions_should_pass_value_index_array(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$map($states.input.nums, function($v, $i){$v * 10 + $i})", "[30,11,22]"},
        {"$map([1, 2], $string)", "[\"1\",\"2\"]"},
        {"$filter($states.input.nums, function($v){$v > 1})", "[3,2]"},
        {"$reduce($states.input.nums, function($acc, $v){$acc + $v})", "6"},
        {"$reduce($states.input.nums, function($acc, $v){$acc + $v}, 10)", "16"},
        {"$reduce([1], function($a){$a})",
         "error: D3050: The second argument of reduce function must be a function with at least two arguments"},
        {"$single($states.input.nums, function($v){$v = 1})", "1"},
        {"$single($states.input.nums)",
         "error: D3138: The $single() function expected exactly 1 matching result.  Instead it matched more."},
        {"$sort($states.input.nums)", "[1,2,3]"},
        {"$sort(['b', 'a', 'C'])", "[\"C\",\"a\",\"b\"]"},
        {"$sort($states.input.nums, function($a, $b){$a < $b})", "[3,2,1]"},
        {"$sort([1, 'a'])", "error: D3070: *"},
        {"$each({'a': 1, 'b': 2}, function($v, $k){$k & $v})", "[\"a1\",\"b2\"]"},
        {"$sift({'a': 1, 'b': 2}, function($v){$v > 1})", "{\"b\":2}"},
        {"$zip([1, 2, 3], ['a', 'b'])", "[[1,\"a\"],[2,\"b\"]]"},
    };
    CHECK(t);
}

static void transform_should_copy_update_and_delete(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$states.input.Account ~> |Order.Product|{'Total': Price * Quantity}, ['Tags', 'SKU', 'Price', 'Quantity']|"
         " ~> $lookup('Order') ~> $lookup('Product')",
         "[{\"Name\":\"Hat\",\"Total\":68.9},{\"Name\":\"Cap\",\"Total\":21.67},{\"Name\":\"Hat\",\"Total\":137.8},"
         "{\"Name\":\"Cloak\",\"Total\":107.99}]"},
        {"($t := |a|{'b': 1}|; $t({'a': {'c': 0}}))", "{\"a\":{\"c\":0,\"b\":1}}"},
        {"{'a': {}} ~> |a|5|",
         "error: T2011: The insert/update clause of the transform expression must evaluate to an object: 5"},
        {"{'a': {}} ~> |a|{}, 5|", "error: T2012: *"},
        {"($o := {'a': {'c': 0}}; $o ~> |a|{'c': 1}|; $o.a.c)", "0"},
    };
    CHECK(t);
}

static void string_functions_should_count_code_points(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$string(123.0)", "\"123\""},
        {"$string(1/3)", "\"0.333333333333333\""},
        {"$string(1e21)", "\"1e+21\""},
        {"$string(0.0000001)", "\"1e-7\""},
        {"$string({'a': [1, 'x', null]})", "\"{\\\"a\\\":[1,\\\"x\\\",null]}\""},
        {"$string([1], true)", "\"[\\n  1\\n]\""},
        {"$length('h\xC3\xA9llo')", "5"},
        {"$substring('Hello World', 6)", "\"World\""},
        {"$substring('Hello World', -5, 2)", "\"Wo\""},
        {"$substringBefore($states.input.s, ' ')", "\"Hello\""},
        {"$substringAfter($states.input.s, 'o')", "\" World\""},
        {"$uppercase('stra\xC3\x9F" "e')", "\"STRASSE\""},
        {"$lowercase('\xC3\x89T\xC3\x89')", "\"\xC3\xA9t\xC3\xA9\""},
        {"$trim('  a \\n\\t b  ')", "\"a b\""},
        {"$pad('x', 4, '-')", "\"x---\""},
        {"$pad('x', -4)", "\"   x\""},
        {"$contains($states.input.s, 'World')", "true"},
        {"$split('a,b,,c', ',')", "[\"a\",\"b\",\"\",\"c\"]"},
        {"$split('a,b,c', ',', 2)", "[\"a\",\"b\"]"},
        {"$join(['a', 'b', 'c'], '-')", "\"a-b-c\""},
        {"$replace('abcabc', 'b', 'X', 1)", "\"aXcabc\""},
        {"$base64encode('hello')", "\"aGVsbG8=\""},
        {"$base64decode('aGVsbG8=')", "\"hello\""},
        {"$encodeUrlComponent('a b/\xC3\xA9')", "\"a%20b%2F%C3%A9\""},
        {"$encodeUrl('http://x/a b?q=1&r=\xC3\xA9')", "\"http://x/a%20b?q=1&r=%C3%A9\""},
        {"$decodeUrlComponent('%E2%82%AC')", "\"\xE2\x82\xAC\""},
        {"$decodeUrlComponent('%E2%82')", "error: D3140: Malformed URL passed to $decodeUrlComponent(): \"%E2%82\""},
        {"$states.input.s.$uppercase()", "\"HELLO WORLD\""},
    };
    CHECK(t);
}

static void regex_functions_should_match_like_javascript(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$match('ab12cd345', /[0-9]+/)",
         "[{\"match\":\"12\",\"index\":2,\"groups\":[]},{\"match\":\"345\",\"index\":6,\"groups\":[]}]"},
        {"$match('ab12', /([a-z]+)([0-9]+)/).groups", "[\"ab\",\"12\"]"},
        {"$contains('Hello', /^h/i)", "true"},
        {"$contains('a\\nb', /^b$/m)", "true"},
        {"$contains('ab\\n', /b$/)", "false"},
        {"$replace('2024-01-31', /(\\d+)-(\\d+)-(\\d+)/, '$3/$2/$1')", "\"31/01/2024\""},
        {"$replace('hello', /l/, function($m){$uppercase($m.match)})", "\"heLLo\""},
        {"$replace('abc', /x*/, '-')", "error: D1004: Regular expression matches zero length string"},
        {"$split('a1b22c', /[0-9]+/)", "[\"a\",\"b\",\"c\"]"},
        {"$states.input.Account.Order.Product[$contains(Name, /^C/)].SKU", "[\"A2\",\"B7\"]"},
        {"/b+/('abbbc').match", "\"bbb\""},
        {"$match('x', /(/)", "syntax: S0302*"},
        {"$match('x', /a{2,1}/)", "error: S0303: The regular expression /a{2,1}/ is not valid: *"},
        {"$match('x', /[/)", "syntax: S0302: No terminating / in regular expression*"},
    };
    CHECK(t);
}

static void numeric_functions_should_round_and_format(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$number('12.5e1')", "125"},
        {"$number('0x1F')", "31"},
        {"$number('12a')", "error: D3030: Unable to cast value to a number: \"12a\""},
        {"$round(2.5)", "2"},
        {"$round(3.5)", "4"},
        {"$round(1.255, 2)", "1.26"},
        {"$round(1250, -2)", "1200"},
        {"[$floor(-1.5), $ceil(-1.5), $abs(-2)]", "[-2,-1,2]"},
        {"$power(2, 10)", "1024"},
        {"$sqrt(-1)", "error: D3060: The sqrt function cannot be applied to a negative number: -1"},
        {"$formatNumber(1234.5678, '#,##0.00')", "\"1,234.57\""},
        {"$formatNumber(0.14, '01%')", "\"14%\""},
        {"$formatNumber(1234.5678, '00.000e0')", "\"12.346e2\""},
        {"$formatNumber(-6, '000')", "\"-006\""},
        {"$formatNumber(20, '#;#;#')", "error: D3080: The picture string must only contain a maximum of two sub-pictures"},
        {"$formatBase(255, 16)", "\"ff\""},
        {"$formatBase(-100, 2)", "\"-1100100\""},
        {"$formatInteger(1999, 'I')", "\"MCMXCIX\""},
        {"$formatInteger(3731, 'w;o')", "\"three thousand, seven hundred and thirty-first\""},
        {"$formatInteger(28, 'A')", "\"AB\""},
        {"$formatInteger(1234567, '#,##0')", "\"1,234,567\""},
        {"$formatInteger(22, '0;o')", "\"22nd\""},
        {"$parseInteger('twelve', 'w')", "12"},
        {"$parseInteger('MMXXIV', 'I')", "2024"},
        {"$parseInteger('1,234', '#,##0')", "1234"},
        {"[$sum($states.input.nums), $max($states.input.nums), $min($states.input.nums)]", "[6,3,1]"},
        {"$average($states.input.nums)", "2"},
        {"[$count($states.input.nums), $count($nothing), $sum($states.input.empty)]", "[3,0,0]"},
        {"$max([])", "undefined"},
        {"$sum(['a'])", "error: T0412: Argument 1 of function \"sum\" must be an array of \"numbers\""},
    };
    CHECK(t);
}

static void object_and_array_functions_should_follow_the_library(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$keys($states.input.Account.Order[0].Product[0])",
         "[\"Name\",\"SKU\",\"Price\",\"Quantity\",\"Tags\"]"},
        {"$keys([{'a': 1}, {'b': 2, 'a': 3}])", "[\"a\",\"b\"]"},
        {"$lookup($states.input.Account.Order, 'OrderID')", "[\"o1\",\"o2\"]"},
        {"$spread({'a': 1, 'b': 2})", "[{\"a\":1},{\"b\":2}]"},
        {"$merge([{'a': 1}, {'b': 2}, {'a': 3}])", "{\"a\":3,\"b\":2}"},
        {"$append([1], 2)", "[1,2]"},
        {"$reverse($states.input.nums)", "[2,1,3]"},
        {"$distinct([1, 2, 1, [3], [3]])", "[1,2,[3]]"},
        {"$count($shuffle($states.input.nums))", "3"},
        {"[$exists($states.input.s), $exists($nothing)]", "[true,false]"},
        {"[$type(1), $type('a'), $type(null), $type([]), $type({}), $type($type), $type(true)]",
         "[\"number\",\"string\",\"null\",\"array\",\"object\",\"function\",\"boolean\"]"},
        {"$type($nothing)", "undefined"},
        {"[$boolean(''), $boolean('0'), $boolean([0, '']), $boolean([0, 1]), $boolean({}), $not(null)]",
         "[false,true,false,true,false,true]"},
        {"$clone({'a': [1]})", "{\"a\":[1]}"},
        {"$error('custom message')", "error: D3137: custom message"},
        {"$assert(1 = 2, 'must be equal')", "error: D3141: must be equal"},
        {"$assert(1 = 1)", "undefined"},
        {"$eval('1 + 1')", "error: T1006: Attempted to invoke a non-function"},
    };
    CHECK(t);
}

static void date_time_functions_should_use_picture_strings(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$fromMillis(1521801216617)", "\"2018-03-23T10:33:36.617Z\""},
        {"$fromMillis(1521801216617, '[D1o] [MNn] [Y]')", "\"23rd March 2018\""},
        {"$fromMillis(1521801216617, '[FNn,3-3], [D01]/[M01]/[Y0001] [h]:[m01] [P]')",
         "\"Fri, 23/03/2018 10:33 am\""},
        {"$fromMillis(1521801216617, '[H01]:[m01][Z]', '+0530')", "\"16:03+05:30\""},
        {"$fromMillis(1521801216617, '[Yw]')", "\"two thousand and eighteen\""},
        {"$fromMillis(1521801216617, '[X0001]-W[W01]-[F1]')", "\"2018-W12-5\""},
        {"$fromMillis(0, '[Q]')", "error: D3132: Unknown component specifier \"Q\" in date/time picture string"},
        {"$toMillis('2018-03-23T10:33:36.617Z')", "1521801216617"},
        {"$toMillis('2018-03-23T10:33:36+01:00')", "1521797616000"},
        {"$toMillis('2018')", "1514764800000"},
        {"$toMillis('23/03/2018', '[D01]/[M01]/[Y0001]')", "1521763200000"},
        {"$toMillis('Friday, 23rd March 2018', '[FNn], [D1o] [MNn] [Y]')", "1521763200000"},
        {"$toMillis('4/4/2018 12:06 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')", "1522843560000"},
        {"$toMillis('yesterday')",
         "error: D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given "
         "\"yesterday\""},
        {"$type($now())", "\"string\""},
        {"$millis() = $toMillis($now())", "true"},
    };
    CHECK(t);
}

/* Step Functions' additions (asl-reference §9). */
static void aws_functions_should_behave_as_step_functions_defines(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"$partition([1, 2, 3, 4, 5], 2)", "[[1,2],[3,4],[5]]"},
        {"$range(0, 9, 3)", "[0,3,6,9]"},
        {"$range(0, 10, 3)", "[0,3,6,9]"},
        {"$range(1, 9, 9)", "1"},
        {"$range(5, 1, -2)", "[5,3,1]"},
        {"$hash('hello', 'SHA-256')", "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\""},
        {"$hash('hello', 'MD5')", "\"5d41402abc4b2a76b9719d911017c592\""},
        {"$parse('{\"a\": [1, true]}')", "{\"a\":[1,true]}"},
        {"$parse('1.1')", "1.1"},
        {"$random(42) = $random(42)", "true"},
        {"$random() < 1 and $random() >= 0", "true"},
        {"$length($uuid())", "36"},
        {"$substring($uuid(), 14, 1)", "\"4\""},
    };
    CHECK(t);
}

/* ---------------------------------------------------------------- API */

static void eval_should_read_states_and_workflow_variables(void **state)
{
    (void)state;
    g_vars = cJSON_Parse("{\"total\": 40, \"sum\": \"shadowed\", \"cfg\": {\"rate\": 0.5}}");
    static const jcase t[] = {
        {"$total * $cfg.rate", "20"},
        {"$sum", "\"shadowed\""},
        {"$states.context.State.Name", "\"S\""},
        {"($total := 1; $total)", "1"},
        {"$missing", "undefined"},
        {"$states.result", "undefined"},
    };
    CHECK(t);
    cJSON_Delete(g_vars);
    g_vars = NULL;
}

static void eval_should_have_no_context_at_the_top_level(void **state)
{
    (void)state;
    char *r = run("$", k_doc);
    assert_string_equal(r, "undefined");
    free(r);
    r = run("Account", k_doc);
    assert_string_equal(r, "undefined");
    free(r);
    r = run("$uppercase()", k_doc); /* context default: undefined */
    assert_string_equal(r, "undefined");
    free(r);
}

static void parser_should_report_syntax_errors_with_codes(void **state)
{
    (void)state;
    static const jcase t[] = {
        {"1 +", "syntax: S0207: Unexpected end of expression*"},
        {"(1", "syntax: S0203: Expected \")\" before end of expression*"},
        {"[1, 2)", "syntax: S0202: Expected \"]\", got \")\"*"},
        {"'abc", "syntax: S0101: String literal must be terminated by a matching quote*"},
        {"'\\q'", "syntax: S0103: Unsupported escape sequence: \\\"q\"*"},
        {"`abc", "syntax: S0105: Quoted property name must be terminated with a backquote (`)*"},
        {"1 /* x", "syntax: S0106: Comment has no closing tag*"},
        {"a.1", "syntax: S0213: The literal value 1 cannot be used as a step within a path expression*"},
        {"1 := 2", "syntax: S0212: The left side of := must be a variable name (start with $)*"},
        {"a@b", "syntax: S0214: The right side of \"@\" must be a variable name (start with $)*"},
        {"!a", "syntax: S0204: Unknown operator: \"!\"*"},
        {"function($a, 1){1}", "syntax: S0208: Parameter 2 of function definition must be a variable name*"},
        {"%.a", "syntax: S0217: The object representing the 'parent' cannot be derived from this expression*"},
        {"a{'x': 1}{'y': 2}", "syntax: S0210: Each step can only have one grouping expression*"},
        {"1 ?? 2", "syntax: S0211*"},
        {"/* comment */ 1 + /* another */ 2", "3"},
        {"'\\u00e9\\ud83d\\ude00' & \"\\\"\"", "\"\xC3\xA9\xF0\x9F\x98\x80\\\"\""},
    };
    CHECK(t);
}

static void parser_and_evaluator_should_bound_nesting(void **state)
{
    (void)state;
    char expr[4000];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        expr[n++] = '[';
    expr[n++] = '1';
    for (int i = 0; i < 1000; i++)
        expr[n++] = ']';
    expr[n] = '\0';
    char *r = run(expr, NULL);
    assert_non_null(strstr(r, "syntax: S0299"));
    free(r);
    r = run("($f := function($n){$n + $f($n)}; $f(1))", NULL);
    assert_non_null(strstr(r, "error: U1001: Stack overflow error"));
    free(r);
    r = run("[1..10000001]", NULL);
    assert_non_null(strstr(r, "error: D2014:"));
    free(r);
    r = run("$reduce([1..100000], function($a, $v){$append($a, $v)}, [])", NULL);
    assert_non_null(strstr(r, "error: U1002:"));
    free(r);
}

static void analysis_should_find_context_reads_and_states_fields(void **state)
{
    (void)state;
    asl_arena *a = asl_arena_new();
    const char *err;
    static const struct {
        const char *expr;
        int reads;
    } t[] = {
        {"$states.input.total", 0}, {"total", 1},
        {"$", 1},
        {"$$.x", 1},
        {"$states.input.items[price > 1]", 0},
        {"$sum($states.input.a) + b", 1},
        {"$map($states.input.a, function($v){$v.x})", 0},
        {"$map($states.input.a, function($v){x})", 0},
        {"$count(items)", 1},
        {"{'a': **}", 1},
        {"$x := 1", 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const jsonata_node *x = jsonata_parse(a, t[i].expr, &err);
        assert_non_null(x);
        if (jsonata_reads_context(x) != t[i].reads)
            fail_msg("jsonata_reads_context(%s) should be %d", t[i].expr, t[i].reads);
    }
    const jsonata_node *x = jsonata_parse(a, "{'r': $states.result.Payload, 'e': [$states.input]}", &err);
    assert_true(jsonata_uses_states_field(x, "result"));
    assert_false(jsonata_uses_states_field(x, "errorOutput"));
    x = jsonata_parse(a, "$states.input[$states.errorOutput.Error = 'x']", &err);
    assert_true(jsonata_uses_states_field(x, "errorOutput"));
    asl_arena_free(a);
}

/* Many threads evaluating regexes (shared cache) and everything else at once. */
static void *thread_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50; i++) {
        char *r = run("$states.input.Account.Order.Product[$contains(Name, /^[CH]/)]{Name: $sum(Quantity)} ~> "
                      "$string()",
                      k_doc);
        if (strcmp(r, "\"{\\\"Hat\\\":6,\\\"Cap\\\":1,\\\"Cloak\\\":1}\"") != 0) {
            free(r);
            return (void *)1;
        }
        free(r);
        r = run("$replace('a-b-c', /-(\\w)/, '$1')", NULL);
        int bad = strcmp(r, "\"abc\"") != 0;
        free(r);
        if (bad)
            return (void *)1;
    }
    return NULL;
}

static void eval_should_be_thread_safe(void **state)
{
    (void)state;
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, NULL), 0);
    for (int i = 0; i < 8; i++) {
        void *res;
        pthread_join(th[i], &res);
        assert_null(res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_should_navigate_and_flatten_sequences),
        cmocka_unit_test(paths_should_bind_context_positions_and_parents),
        cmocka_unit_test(order_by_and_group_by_should_sort_and_aggregate),
        cmocka_unit_test(constructors_should_keep_arrays_and_build_objects),
        cmocka_unit_test(operators_should_follow_jsonata_types),
        cmocka_unit_test(blocks_and_lambdas_should_scope_and_close_over),
        cmocka_unit_test(higher_order_functions_should_pass_value_index_array),
        cmocka_unit_test(transform_should_copy_update_and_delete),
        cmocka_unit_test(string_functions_should_count_code_points),
        cmocka_unit_test(regex_functions_should_match_like_javascript),
        cmocka_unit_test(numeric_functions_should_round_and_format),
        cmocka_unit_test(object_and_array_functions_should_follow_the_library),
        cmocka_unit_test(date_time_functions_should_use_picture_strings),
        cmocka_unit_test(aws_functions_should_behave_as_step_functions_defines),
        cmocka_unit_test(eval_should_read_states_and_workflow_variables),
        cmocka_unit_test(eval_should_have_no_context_at_the_top_level),
        cmocka_unit_test(parser_should_report_syntax_errors_with_codes),
        cmocka_unit_test(parser_and_evaluator_should_bound_nesting),
        cmocka_unit_test(analysis_should_find_context_reads_and_states_fields),
        cmocka_unit_test(eval_should_be_thread_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
