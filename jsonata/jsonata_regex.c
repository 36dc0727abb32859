/* jsonata_regex.c — JSONata regular expressions (/.../flags) over PCRE2.
 *
 * A regex literal evaluates to a function, as in JSONata: called with a
 * string it returns the first match {match, start, end, groups, next}, and
 * `next()` the following one. $match, $contains, $replace and $split take
 * either such a regex or any function that behaves like one; jx_match_first
 * and jx_match_next hide the difference.
 *
 * JavaScript regex syntax is close to PCRE2's; the options below cover the
 * differences that matter ($ only at the very end unless /m, \uXXXX escapes,
 * [^] matching any character, unset back-references matching ""). Compiled
 * patterns are cached process-wide under a mutex (they are immutable and
 * safe to share between threads); match data is per call.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_impl.h"

typedef struct rx_entry {
    struct rx_entry *next;
    pcre2_code *code;   /* NULL when the pattern does not compile */
    char *error;        /* then: PCRE2's message */
    char key[];         /* flags '/' pattern */
} rx_entry;

/* Shared by every evaluation of the process, concurrent executions
   included, under rx_lock. Entries are never evicted: the cache is bounded
   by the distinct regular expression literals of the expressions parsed
   (JSONata builds no pattern at run time). */
#define RX_BUCKETS 256
static pthread_mutex_t rx_lock = PTHREAD_MUTEX_INITIALIZER;
static rx_entry *rx_table[RX_BUCKETS];

/* djb2, for the pattern cache. */
static unsigned rx_hash(const char *s)
{
    unsigned h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

/* A pattern compiled with JSONata's flags ("i", "m"), once per process. */
static const pcre2_code *rx_compile(jctx *c, const char *pattern, const char *flags)
{
    size_t fl = strlen(flags), pl = strlen(pattern);
    char *key = jx_alloc(c, fl + pl + 2);
    memcpy(key, flags, fl);
    key[fl] = '/';
    memcpy(key + fl + 1, pattern, pl + 1);
    unsigned b = rx_hash(key) % RX_BUCKETS;
    const pcre2_code *code = NULL;
    char err[256] = "";
    pthread_mutex_lock(&rx_lock);
    rx_entry *e = rx_table[b];
    while (e && strcmp(e->key, key))
        e = e->next;
    if (!e) {
        e = malloc(sizeof *e + fl + pl + 2);
        if (!e) {
            pthread_mutex_unlock(&rx_lock);
            aslrt_xmalloc((size_t)-1); /* reports and aborts */
        }
        memcpy(e->key, key, fl + pl + 2);
        e->error = NULL;
        uint32_t opt = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_MATCH_UNSET_BACKREF | PCRE2_ALLOW_EMPTY_CLASS;
        if (strchr(flags, 'i'))
            opt |= PCRE2_CASELESS;
        if (strchr(flags, 'm'))
            opt |= PCRE2_MULTILINE;
        else
            opt |= PCRE2_DOLLAR_ENDONLY;
        pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
        if (cc)
            pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
        int ec;
        PCRE2_SIZE eo;
        e->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opt, &ec, &eo, cc);
        pcre2_compile_context_free(cc);
        if (!e->code) {
            PCRE2_UCHAR msg[200];
            pcre2_get_error_message(ec, msg, sizeof msg);
            e->error = strdup((const char *)msg);
        }
        e->next = rx_table[b];
        rx_table[b] = e;
    }
    code = e->code;
    if (!code && e->error)
        strncpy(err, e->error, sizeof err - 1);
    pthread_mutex_unlock(&rx_lock);
    if (!code)
        jx_fail(c, "S0303: The regular expression /%s/ is not valid: %s", pattern, err);
    return code;
}

/* The compiled pattern of a REGEX node. */
static const pcre2_code *rx_code(jctx *c, const jsonata_node *x)
{
    return rx_compile(c, x->str, x->str2 ? x->str2 : "");
}

const void *jx_regex_compile(jctx *c, const char *pattern, const char *flags)
{
    return rx_compile(c, pattern, flags);
}

int jx_regex_exec(jctx *c, const void *code, jval s, size_t **ovp)
{
    uint32_t ncap = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ncap);
    size_t *ov = jx_alloc(c, sizeof *ov * 2 * (ncap + 1));
    pcre2_match_data *md = pcre2_match_data_create(ncap + 1, NULL);
    if (!md)
        jx_fail(c, "U1002: out of memory matching a regular expression");
    int rc = pcre2_match(code, (PCRE2_SPTR)s.u.s, s.len, 0, PCRE2_ANCHORED, md, NULL);
    if (rc >= 0) {
        PCRE2_SIZE *o = pcre2_get_ovector_pointer(md);
        for (uint32_t i = 0; i < 2 * (ncap + 1); i++)
            ov[i] = (int)i / 2 < rc && o[i] != PCRE2_UNSET ? (size_t)o[i] : (size_t)-1;
    }
    pcre2_match_data_free(md);
    if (rc < 0)
        return 0;
    *ovp = ov;
    return (int)ncap + 1;
}

/* One search of `code` in s from byte offset `from`. On a match fills m
   (start, end, match, groups) and returns 1. */
static int rx_search(jctx *c, const pcre2_code *code, jval s, size_t from, jmatch *m)
{
    uint32_t ncap = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ncap);
    PCRE2_SIZE *ov = jx_alloc(c, sizeof *ov * 2 * (ncap + 1));
    /* no jx_* call between create and free: they could unwind */
    pcre2_match_data *md = pcre2_match_data_create(ncap + 1, NULL);
    if (!md)
        jx_fail(c, "U1002: out of memory matching a regular expression");
    int rc = pcre2_match(code, (PCRE2_SPTR)s.u.s, s.len, from, 0, md, NULL);
    if (rc >= 0)
        memcpy(ov, pcre2_get_ovector_pointer(md), sizeof *ov * 2 * (ncap + 1));
    pcre2_match_data_free(md);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(rc, msg, sizeof msg);
        jx_fail(c, "D1004: Regular expression matching failed: %s", (const char *)msg);
    }
    m->found = 1;
    m->start = ov[0];
    m->end = ov[1];
    m->match = jx_strc(c, s.u.s + ov[0], ov[1] - ov[0]);
    m->ngroups = (int)ncap;
    m->groups = jx_alloc(c, sizeof *m->groups * (ncap + 1));
    for (uint32_t i = 1; i <= ncap; i++) {
        if (ov[2 * i] == PCRE2_UNSET || (int)i >= rc)
            m->groups[i - 1] = jx_undef();
        else
            m->groups[i - 1] = jx_strc(c, s.u.s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    }
    m->next = jx_undef();
    return 1;
}

/* The match object a regex function returns. */
static jval match_object(jctx *c, jfn *re, jval s, const jmatch *m)
{
    jobj *o = jx_obj_new(c, 5);
    jx_obj_set(c, o, "match", m->match);
    jx_obj_set(c, o, "start", jx_num(c, jx_u16_index(s.u.s, m->start)));
    jx_obj_set(c, o, "end", jx_num(c, jx_u16_index(s.u.s, m->end)));
    jarr *g = jx_arr_new(c, m->ngroups, 0);
    for (int i = 0; i < m->ngroups; i++)
        g->v[g->n++] = m->groups[i];
    jx_obj_set(c, o, "groups", jx_arrv(g));
    jfn *nx = jx_alloc(c, sizeof *nx);
    nx->kind = F_NEXT;
    nx->re = re;
    nx->str = s;
    nx->offset = m->end;
    jx_obj_set(c, o, "next", jx_fnv(nx));
    return jx_objv(o);
}

/* A regex called as a function: regex(str[, fromIndex]). */
jval jx_regex_call(jctx *c, jfn *f, jval *args, int n)
{
    if (n < 1 || args[0].t != JT_STR)
        return jx_undef();
    size_t from = 0;
    if (n > 1 && args[1].t == JT_NUM)
        from = jx_u16_offset(args[0].u.s, args[0].len, args[1].u.n);
    jmatch m;
    memset(&m, 0, sizeof m);
    if (!rx_search(c, rx_code(c, f->node), args[0], from, &m))
        return jx_undef();
    return match_object(c, f, args[0], &m);
}

/* next(): the following match; one of zero length would never progress. */
jval jx_next_call(jctx *c, jfn *f)
{
    if (f->offset >= f->str.len)
        return jx_undef();
    jmatch m;
    memset(&m, 0, sizeof m);
    if (!rx_search(c, rx_code(c, f->re->node), f->str, f->offset, &m))
        return jx_undef();
    if (m.end == m.start)
        jx_fail(c, "D1004: Regular expression matches zero length string");
    return match_object(c, f->re, f->str, &m);
}

/* Reads a match object returned by a custom matcher function. */
static void from_object(jctx *c, jval s, jval r, jmatch *m)
{
    memset(m, 0, sizeof *m);
    if (r.t == JT_UNDEF)
        return;
    jval start = r.t == JT_OBJ ? jx_obj_get(r.u.o, "start") : jx_undef();
    jval end = r.t == JT_OBJ ? jx_obj_get(r.u.o, "end") : jx_undef();
    jval groups = r.t == JT_OBJ ? jx_obj_get(r.u.o, "groups") : jx_undef();
    jval next = r.t == JT_OBJ ? jx_obj_get(r.u.o, "next") : jx_undef();
    if (start.t != JT_NUM && end.t != JT_NUM && groups.t != JT_ARR && next.t != JT_FN)
        jx_fail(c, "T1010: The matcher function argument passed to function does not return the correct object "
                   "structure");
    m->found = 1;
    m->start = start.t == JT_NUM ? jx_u16_offset(s.u.s, s.len, start.u.n) : 0;
    m->end = end.t == JT_NUM ? jx_u16_offset(s.u.s, s.len, end.u.n) : m->start;
    jval mt = jx_obj_get(r.u.o, "match");
    m->match = mt.t == JT_STR ? mt : jx_strc(c, s.u.s + m->start, m->end >= m->start ? m->end - m->start : 0);
    if (mt.t == JT_STR)
        m->end = m->start + mt.len <= s.len ? m->start + mt.len : s.len;
    if (groups.t == JT_ARR) {
        m->ngroups = groups.u.a->n;
        m->groups = groups.u.a->v;
    }
    m->next = next;
}

void jx_match_first(jctx *c, jval matcher, jval s, jmatch *m)
{
    memset(m, 0, sizeof *m);
    if (matcher.t == JT_FN && matcher.u.f->kind == F_REGEX) {
        rx_search(c, rx_code(c, matcher.u.f->node), s, 0, m);
        return;
    }
    jval r = jx_apply(c, matcher, &s, 1, jx_null(), NULL);
    from_object(c, s, r, m);
}

void jx_match_next(jctx *c, jval matcher, jval s, jmatch *m)
{
    if (matcher.t == JT_FN && matcher.u.f->kind == F_REGEX) {
        size_t from = m->end;
        memset(m, 0, sizeof *m);
        if (from >= s.len)
            return;
        if (rx_search(c, rx_code(c, matcher.u.f->node), s, from, m) && m->end == m->start)
            jx_fail(c, "D1004: Regular expression matches zero length string");
        return;
    }
    jval next = m->next;
    memset(m, 0, sizeof *m);
    if (next.t != JT_FN)
        return;
    from_object(c, s, jx_apply(c, next, NULL, 0, jx_null(), NULL), m);
}

double jx_u16_index(const char *s, size_t off)
{
    double n = 0;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch & 0xC0) != 0x80)
            n += ch >= 0xF0 ? 2 : 1;
    }
    return n;
}

size_t jx_u16_offset(const char *s, size_t len, double index)
{
    if (index <= 0)
        return 0;
    double n = 0;
    size_t i = 0;
    while (i < len && n < index) {
        unsigned char ch = (unsigned char)s[i];
        n += ch >= 0xF0 ? 2 : 1;
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}
