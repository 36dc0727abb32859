/* jsonata_format.c — number formatting with XPath picture strings:
 * $formatNumber (fn:format-number), $formatInteger and $parseInteger
 * (fn:format-integer and its inverse), $formatBase.
 *
 * Pictures are worked on as arrays of code points, as JSONata works on
 * JavaScript strings (all the characters involved are in the BMP). The
 * analysis of integer pictures is shared with the date/time functions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_impl.h"

#define ARG(i) ((i) < n ? a[(i)] : jx_undef())

/* ------------------------------------------------------------ code points */

void jx_cps_push(jctx *c, jcps *a, unsigned cp)
{
    if (a->n == a->cap) {
        int cap = a->cap ? 2 * a->cap : 16;
        unsigned *nv = jx_alloc(c, sizeof *nv * (size_t)cap);
        if (a->n)
            memcpy(nv, a->v, sizeof *nv * (size_t)a->n);
        a->v = nv;
        a->cap = cap;
    }
    a->v[a->n++] = cp;
}

void jx_cps_from(jctx *c, jcps *out, const char *s, size_t n)
{
    memset(out, 0, sizeof *out);
    /* Even empty text gets a buffer: pictures are walked with pointer
       arithmetic, and NULL + 0 is undefined behaviour. */
    out->cap = 16;
    out->v = jx_alloc(c, sizeof *out->v * (size_t)out->cap);
    for (size_t i = 0; i < n;)
        jx_cps_push(c, out, aslrt_utf8_decode(s, n, &i));
}

jval jx_cps_str(jctx *c, const jcps *a)
{
    char *buf = jx_alloc(c, (size_t)a->n * 4 + 1), *o = buf;
    for (int i = 0; i < a->n; i++)
        o += aslrt_utf8_put(o, a->v[i]);
    *o = '\0';
    return jx_str(buf, (size_t)(o - buf));
}

/* Appends the code points of UTF-8 text s. */
static void cps_adds(jctx *c, jcps *a, const char *s)
{
    for (size_t i = 0, n = strlen(s); i < n;)
        jx_cps_push(c, a, aslrt_utf8_decode(s, n, &i));
}

/* Inserts cp at pos (clamped into the array). */
static void cps_insert(jctx *c, jcps *a, int pos, unsigned cp)
{
    jx_cps_push(c, a, 0);
    if (pos < 0)
        pos = 0;
    if (pos > a->n - 1)
        pos = a->n - 1;
    memmove(a->v + pos + 1, a->v + pos, sizeof *a->v * (size_t)(a->n - 1 - pos));
    a->v[pos] = cp;
}

/* indexOf(needle) from `from`, -1 if absent (empty needle: from). */
static int cps_find(const unsigned *h, int hn, const jcps *nd, int from)
{
    if (from < 0)
        from = 0;
    for (int i = from; i + nd->n <= hn; i++)
        if (!memcmp(h + i, nd->v, sizeof *h * (size_t)nd->n))
            return i;
    return -1;
}

/* lastIndexOf(needle), -1 if absent. */
static int cps_rfind(const unsigned *h, int hn, const jcps *nd)
{
    for (int i = hn - nd->n; i >= 0; i--)
        if (!memcmp(h + i, nd->v, sizeof *h * (size_t)nd->n))
            return i;
    return -1;
}

/* indexOf(one character), -1 if absent. */
static int cps_index(const unsigned *h, int hn, unsigned cp)
{
    for (int i = 0; i < hn; i++)
        if (h[i] == cp)
            return i;
    return -1;
}

/* -------------------------------------------------------- integer pictures */

static const unsigned k_decimal_groups[] = {
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

/* The zero of the decimal digit group cp belongs to, or 0. */
static unsigned digit_zero(unsigned cp)
{
    for (size_t i = 0; i < sizeof k_decimal_groups / sizeof k_decimal_groups[0]; i++)
        if (cp >= k_decimal_groups[i] && cp <= k_decimal_groups[i] + 9)
            return k_decimal_groups[i];
    return 0;
}

/* Greatest common divisor, for regular grouping. */
static int gcd(int a, int b)
{
    return b == 0 ? a : gcd(b, a % b);
}

/* fn:format-integer's picture: primary token (A a I i W w Ww, or a
   decimal-digit pattern such as #,##0) and an optional ";o" ordinal. */
void jx_intfmt_analyse(jctx *c, const char *pic, size_t n, jintfmt *f)
{
    memset(f, 0, sizeof *f);
    f->primary = JX_DECIMAL;
    f->tcase = JX_LOWER;
    const char *semi = NULL;
    for (size_t i = 0; i < n; i++)
        if (pic[i] == ';')
            semi = pic + i;
    size_t plen = n;
    if (semi) {
        plen = (size_t)(semi - pic);
        if (semi + 1 < pic + n && semi[1] == 'o')
            f->ordinal = 1;
    }
    if (plen == 1 && (pic[0] == 'A' || pic[0] == 'a')) {
        f->primary = JX_LETTERS;
        f->tcase = pic[0] == 'A' ? JX_UPPER : JX_LOWER;
        return;
    }
    if (plen == 1 && (pic[0] == 'I' || pic[0] == 'i')) {
        f->primary = JX_ROMAN;
        f->tcase = pic[0] == 'I' ? JX_UPPER : JX_LOWER;
        return;
    }
    if (plen == 1 && (pic[0] == 'W' || pic[0] == 'w')) {
        f->primary = JX_WORDS;
        f->tcase = pic[0] == 'W' ? JX_UPPER : JX_LOWER;
        return;
    }
    if (plen == 2 && pic[0] == 'W' && pic[1] == 'w') {
        f->primary = JX_WORDS;
        f->tcase = JX_TITLE;
        return;
    }
    jcps cp;
    jx_cps_from(c, &cp, pic, plen);
    int seppos = 0, ngs = 0;
    int gpos[JX_MAX_GROUPS];
    unsigned gch[JX_MAX_GROUPS];
    for (int i = cp.n - 1; i >= 0; i--) { /* right to left: positions count digits */
        unsigned ch = cp.v[i];
        unsigned z = digit_zero(ch);
        if (z) {
            f->mandatory++;
            seppos++;
            if (!f->zero)
                f->zero = z;
            else if (z != f->zero)
                jx_fail(c, "D3131: In a decimal digit pattern, all digits must be from the same decimal group");
        } else if (ch == '#') {
            seppos++;
            f->optional++;
        } else if (ngs < JX_MAX_GROUPS) {
            gpos[ngs] = seppos;
            gch[ngs++] = ch;
        }
    }
    if (f->mandatory == 0) {
        f->primary = JX_SEQUENCE;
        f->token = jx_strndup(c, pic, plen);
        return;
    }
    /* regular: one character, at every multiple of the first position */
    int regular = 0;
    if (ngs > 0) {
        int same = 1;
        for (int i = 1; i < ngs; i++)
            same &= gch[i] == gch[0];
        if (same) {
            int factor = gpos[0];
            for (int i = 1; i < ngs; i++)
                factor = gcd(factor, gpos[i]);
            regular = factor;
            for (int k = 1; k <= ngs && regular; k++) {
                int found = 0;
                for (int i = 0; i < ngs; i++)
                    found |= gpos[i] == k * factor;
                if (!found)
                    regular = 0;
            }
        }
    }
    if (regular > 0) {
        f->regular = 1;
        f->group_pos = regular;
        f->group_ch = gch[0];
    } else {
        f->ngroups = ngs;
        memcpy(f->gpos, gpos, sizeof gpos[0] * (size_t)ngs);
        memcpy(f->gch, gch, sizeof gch[0] * (size_t)ngs);
    }
}

static const char *const k_few[] = {"Zero",    "One",     "Two",       "Three",    "Four",     "Five",    "Six",
                                     "Seven",   "Eight",   "Nine",      "Ten",      "Eleven",   "Twelve",  "Thirteen",
                                     "Fourteen", "Fifteen", "Sixteen",  "Seventeen", "Eighteen", "Nineteen"};
static const char *const k_ordinals[] = {
    "Zeroth",     "First",      "Second",     "Third",       "Fourth",     "Fifth",     "Sixth",
    "Seventh",    "Eighth",     "Ninth",      "Tenth",       "Eleventh",   "Twelfth",   "Thirteenth",
    "Fourteenth", "Fifteenth",  "Sixteenth",  "Seventeenth", "Eighteenth", "Nineteenth"};
static const char *const k_decades[] = {"Twenty", "Thirty", "Forty",  "Fifty",  "Sixty",
                                        "Seventy", "Eighty", "Ninety", "Hundred"};
static const char *const k_magnitudes[] = {"Thousand", "Million", "Billion", "Trillion"};

/* English words for num (title case, "and" lower case), as JSONata spells them. */
static void words(jctx *c, char **b, size_t *l, size_t *cap, double num, int prev, int ord, int depth)
{
    if (depth > 64)
        jx_fail(c, "D3130: The number is too large to be written in words");
    if (num <= 19) {
        if (prev)
            jx_buf_add(c, b, l, cap, " and ", 5);
        const char *w = ord ? k_ordinals[(int)num] : k_few[(int)num];
        jx_buf_add(c, b, l, cap, w, strlen(w));
    } else if (num < 100) {
        int tens = (int)floor(num / 10), rem = (int)fmod(num, 10);
        if (prev)
            jx_buf_add(c, b, l, cap, " and ", 5);
        const char *w = k_decades[tens - 2];
        if (rem > 0) {
            jx_buf_add(c, b, l, cap, w, strlen(w));
            jx_buf_add(c, b, l, cap, "-", 1);
            words(c, b, l, cap, rem, 0, ord, depth + 1);
        } else if (ord) {
            jx_buf_add(c, b, l, cap, w, strlen(w) - 1);
            jx_buf_add(c, b, l, cap, "ieth", 4);
        } else {
            jx_buf_add(c, b, l, cap, w, strlen(w));
        }
    } else if (num < 1000) {
        int hundreds = (int)floor(num / 100);
        double rem = fmod(num, 100);
        if (prev)
            jx_buf_add(c, b, l, cap, ", ", 2);
        jx_buf_add(c, b, l, cap, k_few[hundreds], strlen(k_few[hundreds]));
        jx_buf_add(c, b, l, cap, " Hundred", 8);
        if (rem > 0)
            words(c, b, l, cap, rem, 1, ord, depth + 1);
        else if (ord)
            jx_buf_add(c, b, l, cap, "th", 2);
    } else {
        int mag = (int)floor(log10(num) / 3);
        if (mag > 4)
            mag = 4;
        double factor = pow(10, mag * 3);
        double mant = floor(num / factor);
        double rem = num - mant * factor;
        if (prev)
            jx_buf_add(c, b, l, cap, ", ", 2);
        words(c, b, l, cap, mant, 0, 0, depth + 1);
        jx_buf_add(c, b, l, cap, " ", 1);
        jx_buf_add(c, b, l, cap, k_magnitudes[mag - 1], strlen(k_magnitudes[mag - 1]));
        if (rem > 0)
            words(c, b, l, cap, rem, 1, ord, depth + 1);
        else if (ord)
            jx_buf_add(c, b, l, cap, "th", 2);
    }
}

/* Upper- or lower-cases ASCII letters in place (words, numerals). */
static void ascii_case(char *s, int upper)
{
    for (; *s; s++)
        if (upper && *s >= 'a' && *s <= 'z')
            *s = (char)(*s - 32);
        else if (!upper && *s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

jval jx_intfmt_format(jctx *c, double value, const jintfmt *f)
{
    int negative = value < 0;
    value = fabs(value);
    jcps out;
    memset(&out, 0, sizeof out);
    switch (f->primary) {
    case JX_LETTERS: {
        char buf[64];
        int k = 63;
        buf[k] = '\0';
        double v = value;
        while (v > 0 && k > 0) {
            buf[--k] = (char)((f->tcase == JX_UPPER ? 'A' : 'a') + (int)fmod(v - 1, 26));
            v = floor((v - 1) / 26);
        }
        cps_adds(c, &out, buf + k);
        break;
    }
    case JX_ROMAN: {
        static const struct {
            int v;
            const char *s;
        } romans[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
                      {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
        if (value > 1e6)
            jx_fail(c, "D3130: The number is too large to be written in roman numerals");
        double v = value;
        for (size_t i = 0; i < sizeof romans / sizeof romans[0]; i++)
            while (v >= romans[i].v) {
                char s[3];
                strcpy(s, romans[i].s);
                ascii_case(s, f->tcase == JX_UPPER);
                cps_adds(c, &out, s);
                v -= romans[i].v;
            }
        break;
    }
    case JX_WORDS: {
        char *b = NULL;
        size_t l = 0, cap = 0;
        words(c, &b, &l, &cap, value, 0, f->ordinal, 0);
        if (f->tcase != JX_TITLE)
            ascii_case(b, f->tcase == JX_UPPER);
        cps_adds(c, &out, b);
        break;
    }
    case JX_DECIMAL: {
        char num[ASLRT_JSNUM_MAX];
        aslrt_jsnum_format(value, num);
        int pad = f->mandatory - (int)strlen(num);
        for (int i = 0; i < pad; i++)
            jx_cps_push(c, &out, '0');
        cps_adds(c, &out, num);
        if (f->zero != '0')
            for (int i = 0; i < out.n; i++)
                out.v[i] = out.v[i] + f->zero - '0';
        if (f->regular) {
            int groups = (out.n - 1) / f->group_pos;
            for (int g = groups; g > 0; g--)
                cps_insert(c, &out, out.n - g * f->group_pos, f->group_ch);
        } else {
            /* substr(0, pos) + sep + substr(pos), with JavaScript's substr
               for a negative pos: nothing before, and counted from the end */
            for (int g = f->ngroups - 1; g >= 0; g--) {
                int pos = out.n - f->gpos[g];
                if (pos >= 0) {
                    cps_insert(c, &out, pos, f->gch[g]);
                } else {
                    int from = out.n + pos > 0 ? out.n + pos : 0;
                    memmove(out.v, out.v + from, sizeof *out.v * (size_t)(out.n - from));
                    out.n -= from;
                    cps_insert(c, &out, 0, f->gch[g]);
                }
            }
        }
        if (f->ordinal) {
            unsigned last = out.n ? out.v[out.n - 1] : 0;
            const char *suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : "th";
            if (out.n > 1 && out.v[out.n - 2] == '1')
                suffix = "th";
            cps_adds(c, &out, suffix);
        }
        break;
    }
    default:
        jx_fail(c, "D3130: Formatting or parsing an integer as a sequence starting with \"%s\" is not supported by "
                   "this implementation", f->token ? f->token : "");
    }
    if (negative) {
        jcps neg;
        memset(&neg, 0, sizeof neg);
        jx_cps_push(c, &neg, '-');
        for (int i = 0; i < out.n; i++)
            jx_cps_push(c, &neg, out.v[i]);
        return jx_cps_str(c, &neg);
    }
    return jx_cps_str(c, &out);
}

/* The words $parseInteger understands, with their values, in JSONata's
   order (the order matters to the regular expression's alternation). */
typedef struct wordval {
    const char *w;
    double v;
} wordval;

/* Fills t (at least 80 entries) and returns the count. */
static int word_table(wordval *t)
{
    int n = 0;
    static const char *const few[] = {"zero",    "one",     "two",      "three",     "four",     "five",    "six",
                                      "seven",   "eight",   "nine",     "ten",       "eleven",   "twelve",  "thirteen",
                                      "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    static const char *const ords[] = {"zeroth",     "first",      "second",     "third",       "fourth",
                                       "fifth",      "sixth",      "seventh",    "eighth",      "ninth",
                                       "tenth",      "eleventh",   "twelfth",    "thirteenth",  "fourteenth",
                                       "fifteenth",  "sixteenth",  "seventeenth", "eighteenth", "nineteenth"};
    static const char *const decs[] = {"twenty", "twentieth", "thirty", "thirtieth", "forty",   "fortieth",
                                       "fifty",  "fiftieth",  "sixty",  "sixtieth",  "seventy", "seventieth",
                                       "eighty", "eightieth", "ninety", "ninetieth", "hundred", "hundreieth"};
    static const char *const mags[] = {"thousand", "thousandth", "million", "millionth",
                                       "billion",  "billionth",  "trillion", "trillionth"};
    for (int i = 0; i < 20; i++)
        t[n++] = (wordval){few[i], i};
    for (int i = 0; i < 20; i++)
        t[n++] = (wordval){ords[i], i};
    for (int i = 0; i < 18; i++)
        t[n++] = (wordval){decs[i], (i / 2 + 2) * 10};
    t[n++] = (wordval){"hundredth", 100};
    for (int i = 0; i < 8; i++)
        t[n++] = (wordval){mags[i], pow(10, (i / 2 + 1) * 3)};
    return n;
}

/* White space as JavaScript regular expressions match it (ASCII part). */
static int is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* wordsToNumber: "three hundred and twenty-seven thousand, ..." split at
   ", ", " and ", white space, hyphens (and backslashes, as JSONata's
   regular expression has it); each word's value added or multiplied in. */
static double words_to_number(const char *s, size_t n)
{
    wordval t[80];
    int nt = word_table(t);
    double segs[128];
    int ns = 1;
    segs[0] = 0;
    size_t i = 0, part = 0;
    for (;;) {
        size_t sep = 0;
        if (i < n) {
            if (s[i] == ',' && i + 1 < n && is_ws(s[i + 1]))
                sep = 2;
            else if (is_ws(s[i]) && i + 4 < n && !strncasecmp(s + i + 1, "and", 3) && is_ws(s[i + 4]))
                sep = 5;
            else if (is_ws(s[i]) || s[i] == '\\' || s[i] == '-')
                sep = 1;
            if (!sep) {
                i++;
                continue;
            }
        }
        size_t len = i - part;
        double value = NAN;
        for (int k = 0; k < nt; k++)
            if (strlen(t[k].w) == len && !strncasecmp(t[k].w, s + part, len))
                value = t[k].v;
        double top = segs[--ns];
        if (value < 100) {
            if (top >= 1000) {
                segs[ns++] = top;
                top = 0;
            }
            segs[ns++] = top + value;
        } else {
            segs[ns++] = top * value;
        }
        if (ns >= 127 || i >= n)
            break;
        i += sep;
        part = i;
    }
    double r = 0;
    for (int k = 0; k < ns; k++)
        r += segs[k];
    return r;
}

const char *jx_intfmt_regex(jctx *c, const jintfmt *f)
{
    switch (f->primary) {
    case JX_LETTERS: return f->tcase == JX_UPPER ? "[A-Z]+" : "[a-z]+";
    case JX_ROMAN: return f->tcase == JX_UPPER ? "[MDCLXVI]+" : "[mdclxvi]+";
    case JX_WORDS: {
        wordval t[80];
        int nt = word_table(t);
        char *b = NULL;
        size_t l = 0, cap = 0;
        jx_buf_add(c, &b, &l, &cap, "(?:", 3);
        for (int k = 0; k < nt; k++) {
            jx_buf_add(c, &b, &l, &cap, t[k].w, strlen(t[k].w));
            jx_buf_add(c, &b, &l, &cap, "|", 1);
        }
        jx_buf_add(c, &b, &l, &cap, "and|[\\-, ])+", 13);
        return b;
    }
    case JX_DECIMAL: {
        char *r = jx_alloc(c, 64);
        if (f->parse_width)
            snprintf(r, 64, "[0-9]{%d}%s", f->parse_width, f->ordinal ? "(?:th|st|nd|rd)" : "");
        else
            snprintf(r, 64, "[0-9]+%s", f->ordinal ? "(?:th|st|nd|rd)" : "");
        return r;
    }
    default:
        jx_fail(c, "D3130: Formatting or parsing an integer as a sequence starting with \"%s\" is not supported by "
                   "this implementation", f->token ? f->token : "");
    }
}

double jx_intfmt_parse(jctx *c, const jintfmt *f, const char *s, size_t n)
{
    switch (f->primary) {
    case JX_LETTERS: {
        double d = 0;
        char a0 = f->tcase == JX_UPPER ? 'A' : 'a';
        for (size_t i = 0; i < n; i++)
            d += (s[n - i - 1] - a0 + 1) * pow(26, (double)i);
        return d;
    }
    case JX_ROMAN: {
        double d = 0, max = 1;
        for (size_t i = n; i-- > 0;) {
            char ch = s[i];
            if (ch >= 'a' && ch <= 'z')
                ch = (char)(ch - 32);
            double v = ch == 'M' ? 1000 : ch == 'D' ? 500 : ch == 'C' ? 100 : ch == 'L' ? 50 : ch == 'X' ? 10
                     : ch == 'V' ? 5 : ch == 'I' ? 1 : NAN;
            if (v < max) {
                d -= v;
            } else {
                max = v;
                d += v;
            }
        }
        return d;
    }
    case JX_WORDS: return words_to_number(s, n);
    case JX_DECIMAL: {
        jcps in, digits;
        jx_cps_from(c, &in, s, n);
        memset(&digits, 0, sizeof digits);
        int end = in.n - (f->ordinal && in.n >= 2 ? 2 : 0);
        for (int i = 0; i < end; i++) {
            unsigned ch = in.v[i];
            int sep = 0;
            if (f->regular)
                sep = ch == ',';
            else
                for (int g = 0; g < f->ngroups; g++)
                    sep |= ch == f->gch[g];
            if (!sep)
                jx_cps_push(c, &digits, f->zero != '0' ? ch - f->zero + '0' : ch);
        }
        /* parseInt: leading digits, NaN when there are none */
        double d = 0;
        int any = 0;
        for (int i = 0; i < digits.n && digits.v[i] >= '0' && digits.v[i] <= '9'; i++) {
            d = d * 10 + (digits.v[i] - '0');
            any = 1;
        }
        return any ? d : NAN;
    }
    default:
        return jx_intfmt_parse(c, f, s, n); /* unreachable: the regex failed first */
    }
}

/* $formatInteger(number, picture): the number floored, then formatted. */
jval jx_fn_format_integer(jctx *c, jval *a, int n)
{
    jval v = ARG(0), pic = ARG(1);
    if (v.t == JT_UNDEF)
        return v;
    jintfmt f;
    jx_intfmt_analyse(c, pic.u.s, pic.len, &f);
    return jx_intfmt_format(c, floor(v.u.n), &f);
}

/* $parseInteger(string, picture): the inverse; undefined when nothing parses. */
jval jx_fn_parse_integer(jctx *c, jval *a, int n)
{
    jval s = ARG(0), pic = ARG(1);
    if (s.t == JT_UNDEF)
        return s;
    jintfmt f;
    jx_intfmt_analyse(c, pic.u.s, pic.len, &f);
    if (f.primary == JX_SEQUENCE)
        jx_intfmt_regex(c, &f); /* D3130 */
    double d = jx_intfmt_parse(c, &f, s.u.s, s.len);
    if (isnan(d))
        return jx_undef();
    return jx_num(c, d);
}

/* $formatBase(number[, radix]): the rounded number in base 2..36. */
jval jx_fn_format_base(jctx *c, jval *a, int n)
{
    jval v = ARG(0), r = ARG(1);
    if (v.t == JT_UNDEF)
        return v;
    double value = jx_round_half_even(v.u.n, 0);
    /* the radix is rounded, then checked as a double: 1e10 is D3100 as in
       JSONata, not an int conversion gone wrong */
    double rounded = r.t == JT_UNDEF ? 10 : jx_round_half_even(r.u.n, 0);
    long radix;
    if (!aslrt_num_to_long(rounded, 2, 36, &radix))
        jx_fail(c, "D3100: The radix of the formatBase function must be between 2 and 36.  It was given %s",
                jx_show(c, jx_num(c, rounded)));
    char buf[1100], *o = buf + sizeof buf - 1;
    *o = '\0';
    double x = fabs(value);
    do {
        double d = fmod(x, radix);
        *--o = "0123456789abcdefghijklmnopqrstuvwxyz"[(int)d];
        x = (x - d) / radix;
    } while (x >= 1 && o > buf + 1);
    if (value < 0)
        *--o = '-';
    return jx_strc(c, o, strlen(o));
}

/* ----------------------------------------------------------- format-number */

/* The properties of a decimal format (fn:format-number), each a string. */
typedef struct decfmt {
    jcps decimal, grouping, exponent, infinity, minus, nan, percent, permille, zero, digit, pattern;
} decfmt;

typedef struct subpic {
    int start, n;           /* the sub-picture within the picture */
    int prefix, suffix;     /* lengths */
    int active_start, active_n;
    int mant_n;             /* mantissa: active[0, mant_n) */
    int exp_start, exp_n;   /* exponent part, or exp_start = -1 */
    int int_start, int_n;   /* integer part */
    int frac_start, frac_n; /* fractional part */
} subpic;

typedef struct picvars {
    int ngroups, groups[64];
    int regular;
    int min_int, scaling;
    int nfgroups, fgroups[64];
    int min_frac, max_frac, min_exp;
    jcps prefix, suffix;
    int has_percent, has_permille;
} picvars;

/* Is the property exactly the one character ch? */
static int is_single(const jcps *p, unsigned ch)
{
    return p->n == 1 && p->v[0] == ch;
}

/* A digit of the decimal digit family (zero-digit to zero-digit + 9). */
static int in_family(const decfmt *d, unsigned ch)
{
    return ch >= d->zero.v[0] && ch < d->zero.v[0] + 10;
}

/* An active character of the picture (F&O 4.7.3). */
static int is_active(const decfmt *d, unsigned ch)
{
    return in_family(d, ch) || is_single(&d->decimal, ch) || is_single(&d->exponent, ch) ||
           is_single(&d->grouping, ch) || is_single(&d->digit, ch) || is_single(&d->pattern, ch);
}

/* A sub-picture's prefix, suffix, mantissa, exponent, integer and fraction
   parts, found as JSONata finds them. */
static void split_parts(const decfmt *d, const unsigned *pic, int start, int n, subpic *sp)
{
    const unsigned *s = pic + start;
    memset(sp, 0, sizeof *sp);
    sp->start = start;
    sp->n = n;
    int pre = -1, suf = -1;
    for (int i = 0; i < n; i++)
        if (is_active(d, s[i]) && !is_single(&d->exponent, s[i])) {
            pre = i;
            break;
        }
    for (int i = n - 1; i >= 0; i--)
        if (is_active(d, s[i]) && !is_single(&d->exponent, s[i])) {
            suf = n - i - 1;
            break;
        }
    if (pre < 0) { /* no active character at all */
        pre = n;
        suf = 0;
    }
    sp->prefix = pre;
    sp->suffix = suf;
    sp->active_start = start + pre;
    sp->active_n = n - pre - suf > 0 ? n - pre - suf : 0;
    int exppos = cps_find(s, n, &d->exponent, pre);
    if (exppos == -1 || exppos > n - suf) {
        sp->mant_n = sp->active_n;
        sp->exp_start = -1;
    } else {
        /* JSONata cuts the active part at the exponent's index in the picture */
        sp->mant_n = exppos < sp->active_n ? exppos : sp->active_n;
        sp->exp_start = sp->active_start + exppos + 1;
        sp->exp_n = sp->active_n - exppos - 1;
        if (sp->exp_n < 0)
            sp->exp_n = 0;
    }
    const unsigned *m = pic + sp->active_start;
    int dp = -1;
    for (int i = 0; i < sp->mant_n && d->decimal.n; i++)
        if (!memcmp(m + i, d->decimal.v, sizeof *m * (size_t)d->decimal.n) && i + d->decimal.n <= sp->mant_n) {
            dp = i;
            break;
        }
    if (dp == -1) {
        sp->int_start = sp->active_start;
        sp->int_n = sp->mant_n;
        sp->frac_start = start + n - suf; /* the suffix, as JSONata has it */
        sp->frac_n = suf;
    } else {
        sp->int_start = sp->active_start;
        sp->int_n = dp;
        sp->frac_start = sp->active_start + dp + d->decimal.n;
        sp->frac_n = sp->mant_n - dp - d->decimal.n;
    }
}

/* The sub-picture rules of F&O 4.7.3: D3081 to D3093. */
static void validate(jctx *c, const decfmt *d, const unsigned *pic, const subpic *sp)
{
    const unsigned *s = pic + sp->start;
    int n = sp->n;
    const char *err = NULL;
    int dpos = cps_find(s, n, &d->decimal, 0);
    if (dpos != cps_rfind(s, n, &d->decimal))
        err = "D3081: The sub-picture must not contain more than one instance of the 'decimal-separator' character";
    if (cps_find(s, n, &d->percent, 0) != cps_rfind(s, n, &d->percent))
        err = "D3082: The sub-picture must not contain more than one instance of the 'percent' character";
    if (cps_find(s, n, &d->permille, 0) != cps_rfind(s, n, &d->permille))
        err = "D3083: The sub-picture must not contain more than one instance of the 'per-mille' character";
    if (cps_find(s, n, &d->percent, 0) != -1 && cps_find(s, n, &d->permille, 0) != -1)
        err = "D3084: The sub-picture must not contain both a 'percent' and a 'per-mille' character";
    int valid = 0;
    for (int i = 0; i < sp->mant_n; i++) {
        unsigned ch = pic[sp->active_start + i];
        if (in_family(d, ch) || is_single(&d->digit, ch))
            valid = 1;
    }
    if (!valid)
        err = "D3085: The mantissa part of a sub-picture must contain at least one character that is either an "
              "'optional digit character' or a member of the 'decimal digit family'";
    for (int i = 0; i < sp->active_n; i++)
        if (!is_active(d, pic[sp->active_start + i]))
            err = "D3086: The sub-picture must not contain a passive character that is preceded by an active "
                  "character and that is followed by another active character";
    if (dpos != -1) {
        if ((dpos > 0 && is_single(&d->grouping, s[dpos - 1])) ||
            (dpos + 1 < n && is_single(&d->grouping, s[dpos + 1])))
            err = "D3087: The sub-picture must not contain a 'grouping-separator' character that appears adjacent "
                  "to a 'decimal-separator' character";
    } else if (sp->int_n > 0 && is_single(&d->grouping, pic[sp->int_start + sp->int_n - 1])) {
        err = "D3088: The sub-picture must not contain a 'grouping-separator' at the end of the integer part";
    }
    if (d->grouping.n == 1)
        for (int i = 0; i + 1 < n; i++)
            if (s[i] == d->grouping.v[0] && s[i + 1] == d->grouping.v[0])
                err = "D3089: The sub-picture must not contain two adjacent instances of the 'grouping-separator' "
                      "character";
    int opt = -1;
    for (int i = 0; i < sp->int_n; i++)
        if (is_single(&d->digit, pic[sp->int_start + i])) {
            opt = i;
            break;
        }
    if (opt != -1)
        for (int i = 0; i < opt; i++)
            if (in_family(d, pic[sp->int_start + i]))
                err = "D3090: The integer part of the sub-picture must not contain a member of the 'decimal digit "
                      "family' that is followed by an instance of the 'optional digit character'";
    opt = -1;
    for (int i = sp->frac_n - 1; i >= 0; i--)
        if (is_single(&d->digit, pic[sp->frac_start + i])) {
            opt = i;
            break;
        }
    if (opt != -1)
        for (int i = opt; i < sp->frac_n; i++)
            if (in_family(d, pic[sp->frac_start + i]))
                err = "D3091: The fractional part of the sub-picture must not contain an instance of the 'optional "
                      "digit character' that is followed by a member of the 'decimal digit family'";
    int exp = sp->exp_start >= 0;
    if (exp && sp->exp_n > 0 && (cps_find(s, n, &d->percent, 0) != -1 || cps_find(s, n, &d->permille, 0) != -1))
        err = "D3092: A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character "
              "treated as an 'exponent-separator'";
    if (exp) {
        int bad = sp->exp_n == 0;
        for (int i = 0; i < sp->exp_n; i++)
            if (!in_family(d, pic[sp->exp_start + i]))
                bad = 1;
        if (bad)
            err = "D3093: The exponent part of the sub-picture must comprise only of one or more characters that are "
                  "members of the 'decimal digit family'";
    }
    if (err)
        jx_fail(c, "%s", err);
}

/* Digits (and optional-digit signs, when asked) among s[0, n). */
static int count_digits(const decfmt *d, const unsigned *s, int n, int with_optional)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (in_family(d, s[i]) || (with_optional && is_single(&d->digit, s[i])))
            k++;
    return k;
}

/* F&O 4.7.4: grouping positions, minimum and maximum part sizes, scaling
   factor, prefix and suffix of a sub-picture. */
static void analyse(jctx *c, const decfmt *d, const unsigned *pic, const subpic *sp, picvars *v)
{
    memset(v, 0, sizeof *v);
    const unsigned *ip = pic + sp->int_start, *fp = pic + sp->frac_start;
    /* grouping positions: digits to the right, in the integer part (JSONata
       looks the next separator up in the integer part for both parts) */
    for (int pos = cps_find(ip, sp->int_n, &d->grouping, 0); pos != -1 && v->ngroups < 64;
         pos = cps_find(ip, sp->int_n, &d->grouping, pos + 1))
        v->groups[v->ngroups++] = count_digits(d, ip + pos, sp->int_n - pos, 1);
    if (v->ngroups) {
        int factor = v->groups[0];
        for (int i = 1; i < v->ngroups; i++)
            factor = gcd(factor, v->groups[i]);
        v->regular = factor;
        for (int k = 1; k <= v->ngroups && v->regular; k++) {
            int found = 0;
            for (int i = 0; i < v->ngroups; i++)
                found |= v->groups[i] == k * factor;
            if (!found)
                v->regular = 0;
        }
    }
    for (int pos = cps_find(fp, sp->frac_n, &d->grouping, 0); pos != -1 && v->nfgroups < 64;
         pos = cps_find(ip, sp->int_n, &d->grouping, pos + 1))
        v->fgroups[v->nfgroups++] = count_digits(d, fp, pos < sp->frac_n ? pos : sp->frac_n, 1);
    v->min_int = count_digits(d, ip, sp->int_n, 0);
    v->scaling = v->min_int;
    v->min_frac = count_digits(d, fp, sp->frac_n, 0);
    v->max_frac = count_digits(d, fp, sp->frac_n, 1);
    int exp = sp->exp_start >= 0;
    if (v->min_int == 0 && v->max_frac == 0) {
        if (exp) {
            v->min_frac = 1;
            v->max_frac = 1;
        } else {
            v->min_int = 1;
        }
    }
    if (exp && v->min_int == 0 && cps_index(ip, sp->int_n, d->digit.n == 1 ? d->digit.v[0] : 0) != -1)
        v->min_int = 1;
    if (v->min_int == 0 && v->min_frac == 0)
        v->min_frac = 1;
    if (exp)
        v->min_exp = count_digits(d, pic + sp->exp_start, sp->exp_n, 0);
    memset(&v->prefix, 0, sizeof v->prefix);
    memset(&v->suffix, 0, sizeof v->suffix);
    for (int i = 0; i < sp->prefix; i++)
        jx_cps_push(c, &v->prefix, pic[sp->start + i]);
    for (int i = sp->n - sp->suffix; i < sp->n; i++)
        jx_cps_push(c, &v->suffix, pic[sp->start + i]);
    v->has_percent = cps_find(pic + sp->start, sp->n, &d->percent, 0) != -1;
    v->has_permille = cps_find(pic + sp->start, sp->n, &d->permille, 0) != -1;
}

/* A decimal-format property: from the options object, else its default. */
static void prop(jctx *c, jcps *out, jval options, const char *name, const char *def)
{
    jval v = options.t == JT_OBJ ? jx_obj_get(options.u.o, name) : jx_undef();
    if (v.t == JT_STR)
        jx_cps_from(c, out, v.u.s, v.len);
    else
        jx_cps_from(c, out, def, strlen(def));
}

/* Number.prototype.toFixed(dp) of |x|, with digits of the zero family. */
static void to_fixed(jctx *c, const decfmt *d, double x, int dp, jcps *out)
{
    char buf[400];
    x = fabs(x);
    if (x >= 1e21)
        aslrt_jsnum_format(x, buf);
    else
        aslrt_jsnum_fixed(x, dp, buf, sizeof buf);
    memset(out, 0, sizeof *out);
    for (char *p = buf; *p; p++)
        jx_cps_push(c, out, *p >= '0' && *p <= '9' ? d->zero.v[0] + (unsigned)(*p - '0') : (unsigned)*p);
}

/* $formatNumber(number, picture[, options]): fn:format-number (F&O 4.7.5),
   rounding half to even, with JSONata's reading of the picture. */
jval jx_fn_format_number(jctx *c, jval *a, int n)
{
    jval val = ARG(0), picture = ARG(1), options = ARG(2);
    if (val.t == JT_UNDEF)
        return val;
    decfmt d;
    prop(c, &d.decimal, options, "decimal-separator", ".");
    prop(c, &d.grouping, options, "grouping-separator", ",");
    prop(c, &d.exponent, options, "exponent-separator", "e");
    prop(c, &d.infinity, options, "infinity", "Infinity");
    prop(c, &d.minus, options, "minus-sign", "-");
    prop(c, &d.nan, options, "NaN", "NaN");
    prop(c, &d.percent, options, "percent", "%");
    prop(c, &d.permille, options, "per-mille", "\xE2\x80\xB0");
    prop(c, &d.zero, options, "zero-digit", "0");
    prop(c, &d.digit, options, "digit", "#");
    prop(c, &d.pattern, options, "pattern-separator", ";");
    if (d.zero.n == 0)
        jx_cps_push(c, &d.zero, '0');
    jcps pic;
    jx_cps_from(c, &pic, picture.u.s, picture.len);
    /* sub-pictures */
    int starts[3], lens[3], nsub = 0, from = 0;
    for (;;) {
        int p = d.pattern.n ? cps_find(pic.v, pic.n, &d.pattern, from) : -1;
        if (nsub == 2)
            jx_fail(c, "D3080: The picture string must only contain a maximum of two sub-pictures");
        starts[nsub] = from;
        lens[nsub] = (p == -1 ? pic.n : p) - from;
        nsub++;
        if (p == -1)
            break;
        from = p + d.pattern.n;
    }
    subpic sp[2];
    for (int i = 0; i < nsub; i++)
        split_parts(&d, pic.v, starts[i], lens[i], &sp[i]);
    for (int i = 0; i < nsub; i++)
        validate(c, &d, pic.v, &sp[i]);
    picvars vars[2];
    for (int i = 0; i < nsub; i++)
        analyse(c, &d, pic.v, &sp[i], &vars[i]);
    if (nsub == 1) {
        vars[1] = vars[0];
        jcps pre;
        memset(&pre, 0, sizeof pre);
        for (int i = 0; i < d.minus.n; i++)
            jx_cps_push(c, &pre, d.minus.v[i]);
        for (int i = 0; i < vars[0].prefix.n; i++)
            jx_cps_push(c, &pre, vars[0].prefix.v[i]);
        vars[1].prefix = pre;
    }
    double value = val.u.n;
    picvars *pv = value >= 0 ? &vars[0] : &vars[1];
    double adjusted = pv->has_percent ? value * 100 : pv->has_permille ? value * 1000 : value;
    double mantissa = adjusted;
    int exponent = 0, has_exp = pv->min_exp != 0;
    if (has_exp) {
        double maxm = pow(10, pv->scaling), minm = pow(10, pv->scaling - 1);
        mantissa = adjusted;
        if (mantissa != 0) {
            while (mantissa < minm && exponent > -400) {
                mantissa *= 10;
                exponent--;
            }
            while (mantissa > maxm && exponent < 400) {
                mantissa /= 10;
                exponent++;
            }
        }
    }
    double rounded = jx_round_half_even(mantissa, pv->max_frac);
    jcps s;
    to_fixed(c, &d, rounded, pv->max_frac, &s);
    /* the decimal point becomes the decimal separator (appended if absent) */
    unsigned dsep = d.decimal.n ? d.decimal.v[0] : '.';
    int dp = cps_index(s.v, s.n, '.');
    if (dp == -1)
        jx_cps_push(c, &s, dsep);
    else
        s.v[dp] = dsep;
    unsigned zero = d.zero.v[0];
    int lo = 0, hi = s.n;
    while (lo < hi && s.v[lo] == zero)
        lo++;
    while (hi > lo && s.v[hi - 1] == zero)
        hi--;
    jcps t;
    memset(&t, 0, sizeof t);
    int dpos = -1;
    for (int i = lo; i < hi; i++) {
        if (s.v[i] == dsep && dpos == -1)
            dpos = i - lo;
        jx_cps_push(c, &t, s.v[i]);
    }
    int padl = pv->min_int - dpos, padr = pv->min_frac - (t.n - dpos - 1);
    jcps u;
    memset(&u, 0, sizeof u);
    for (int i = 0; i < padl; i++)
        jx_cps_push(c, &u, zero);
    for (int i = 0; i < t.n; i++)
        jx_cps_push(c, &u, t.v[i]);
    for (int i = 0; i < padr; i++)
        jx_cps_push(c, &u, zero);
    unsigned gsep = d.grouping.n ? d.grouping.v[0] : ',';
    dpos = cps_index(u.v, u.n, dsep);
    if (pv->regular > 0) {
        int groups = (dpos - 1) / pv->regular;
        for (int g = 1; g <= groups; g++)
            cps_insert(c, &u, dpos - g * pv->regular, gsep);
    } else {
        for (int i = 0; i < pv->ngroups; i++) {
            int pos = dpos - pv->groups[i]; /* slice(): negative counts from the end */
            if (pos < 0)
                pos = u.n + pos > 0 ? u.n + pos : 0;
            cps_insert(c, &u, pos, gsep);
            dpos++;
        }
    }
    dpos = cps_index(u.v, u.n, dsep);
    for (int i = 0; i < pv->nfgroups; i++)
        cps_insert(c, &u, pv->fgroups[i] + dpos + 1, gsep);
    dpos = cps_index(u.v, u.n, dsep);
    if (dpos == -1 || dpos == u.n - 1)
        u.n--;
    if (has_exp) {
        jcps e;
        to_fixed(c, &d, exponent, 0, &e);
        if (exponent == 0 && e.n == 0)
            jx_cps_push(c, &e, zero);
        for (int i = 0; i < d.exponent.n; i++)
            jx_cps_push(c, &u, d.exponent.v[i]);
        if (exponent < 0)
            for (int i = 0; i < d.minus.n; i++)
                jx_cps_push(c, &u, d.minus.v[i]);
        for (int i = e.n; i < pv->min_exp; i++)
            jx_cps_push(c, &u, zero);
        for (int i = 0; i < e.n; i++)
            jx_cps_push(c, &u, e.v[i]);
    }
    jcps out;
    memset(&out, 0, sizeof out);
    for (int i = 0; i < pv->prefix.n; i++)
        jx_cps_push(c, &out, pv->prefix.v[i]);
    for (int i = 0; i < u.n; i++)
        jx_cps_push(c, &out, u.v[i]);
    for (int i = 0; i < pv->suffix.n; i++)
        jx_cps_push(c, &out, pv->suffix.v[i]);
    return jx_cps_str(c, &out);
}
