#define PCRE2_CODE_UNIT_WIDTH 8
#include "search.h"
#include "sindex.h"
#include "util.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void search_init(search_t *S, const char *text, size_t len)
{
    memset(S, 0, sizeof *S);
    S->text = text;
    S->len = len;
}

void query_free(query_t *Q)
{
    free(Q->q);
    if (Q->md)
        pcre2_match_data_free(Q->md);
    if (Q->re)
        pcre2_code_free(Q->re);
    memset(Q, 0, sizeof *Q);
}

struct prep_job {
    pthread_t thread;
    search_t *S;
    int flags;
};

static norm_t *folded(search_t *S, int flags);

static void *prep_thread(void *arg)
{
    struct prep_job *j = arg;
    folded(j->S, j->flags);
    return NULL;
}

/* Wait for a folding on a thread, if one runs. */
static void join_job(search_t *S)
{
    struct prep_job *j = S->job;
    if (!j)
        return;
    pthread_join(j->thread, NULL);
    free(j);
    S->job = NULL;
}

void search_prepare_async(search_t *S, int flags)
{
    if (S->job || (flags & SEARCH_EXACT))
        return;
    struct prep_job *j = xmalloc(sizeof *j);
    j->S = S;
    j->flags = flags;
    S->job = j;
    if (pthread_create(&j->thread, NULL, prep_thread, j) != 0) {
        free(j);
        S->job = NULL;
    }
}

void search_free(search_t *S)
{
    join_job(S);
    for (int i = 0; i < 2; i++)
        norm_free(&S->N[i]);
    memset(S, 0, sizeof *S);
}

/* The folded document of the current flags (made on first use), or NULL
 * for an exact search. */
static norm_t *folded(search_t *S, int flags)
{
    if ((flags & SEARCH_EXACT) || S->len >= UINT32_MAX / 2)
        return NULL; /* texts of 2 GiB and more are searched as they are */
    int k = (flags & SEARCH_NO_TCSC) ? 1 : 0;
    if (!S->built[k]) {
        norm_init(&S->N[k], k ? 0 : NORM_TCSC);
        char *ipath = S->id[0] ? sindex_path(S->id, S->N[k].flags) : NULL;
        if (ipath && sindex_load(ipath, S->len, &S->N[k]) == 0) {
            S->built[k] = 1;
            S->loaded++;
            free(ipath);
            return &S->N[k];
        }
        /* a line at a time: clusters never span a line end */
        size_t a = 0;
        while (a < S->len) {
            const char *nl = memchr(S->text + a, '\n', S->len - a);
            size_t e = nl ? (size_t)(nl - S->text) + 1 : S->len;
            norm_add(&S->N[k], S->text + a, e - a, a);
            a = e;
        }
        if (S->len == 0)
            norm_add(&S->N[k], "", 0, 0);
        S->built[k] = 1;
        if (ipath && sindex_save(ipath, S->len, &S->N[k]) == 0)
            S->saved++;
        free(ipath);
    }
    return &S->N[k];
}

void search_use_index(search_t *S, const char *id)
{
    snprintf(S->id, sizeof S->id, "%s", id);
}

void search_prepare(search_t *S, int flags)
{
    join_job(S);
    folded(S, flags);
}

int query_set(query_t *S, const char *q, size_t n, int flags, char *err,
              size_t errn)
{
    query_free(S);
    S->flags = flags;
    err[0] = '\0';
    if (n == 0) {
        snprintf(err, errn, "empty query");
        return -1;
    }
    if (flags & SEARCH_EXACT) {
        S->q = xmalloc(n + 1);
        memcpy(S->q, q, n);
        S->q[n] = '\0';
        S->qn = n;
    } else {
        norm_t Q;
        norm_init(&Q, (flags & SEARCH_NO_TCSC) ? 0 : NORM_TCSC);
        norm_add(&Q, q, n, 0);
        S->q = xstrdup(Q.out.p);
        S->qn = Q.out.n;
        norm_free(&Q);
    }
    if (flags & SEARCH_REGEX) {
        int code;
        PCRE2_SIZE at;
        S->re = pcre2_compile((PCRE2_SPTR)S->q, S->qn, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                              &code, &at, NULL);
        if (!S->re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            snprintf(err, errn, "invalid regex: %s (at %zu)", (const char *)msg, (size_t)at);
            query_free(S);
            return -1;
        }
        S->md = pcre2_match_data_create_from_pattern(S->re, NULL);
    }
    return 0;
}

/* First match at or after byte i of hay; 1 and [*a, *b) or 0. */
static int next_in(query_t *S, const char *hay, size_t hn, size_t i, size_t *a, size_t *b)
{
    if (S->re) {
        while (i <= hn) {
            int rc = pcre2_match(S->re, (PCRE2_SPTR)hay, hn, i, 0, S->md, NULL);
            if (rc < 0)
                return 0;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(S->md);
            if (ov[1] > ov[0]) { /* empty matches find nothing */
                *a = ov[0];
                *b = ov[1];
                return 1;
            }
            i = ov[0] + 1;
            while (i < hn && ((unsigned char)hay[i] & 0xC0) == 0x80)
                i++;
        }
        return 0;
    }
    if (S->qn > hn || i > hn - S->qn)
        return 0;
    const char *p = memmem(hay + i, hn - i, S->q, S->qn);
    if (!p)
        return 0;
    *a = (size_t)(p - hay);
    *b = *a + S->qn;
    return 1;
}

/* Last match starting before byte i of hay. */
static int prev_in(query_t *S, const char *hay, size_t hn, size_t i, size_t *a, size_t *b)
{
    if (S->re) { /* forward from the start; the last one before i */
        size_t x, y, at = 0;
        int found = 0;
        while (next_in(S, hay, hn, at, &x, &y) && x < i) {
            *a = x, *b = y, found = 1;
            at = x + 1;
        }
        return found;
    }
    if (S->qn == 0 || S->qn > hn)
        return 0;
    size_t k = i < hn - S->qn + 1 ? i : hn - S->qn + 1;
    while (k > 0) {
        const char *p = memrchr(hay, S->q[0], k);
        if (!p)
            return 0;
        k = (size_t)(p - hay);
        if (!memcmp(p, S->q, S->qn)) {
            *a = k;
            *b = k + S->qn;
            return 1;
        }
    }
    return 0;
}

int search_find(search_t *S, query_t *Q, size_t from, int dir, match_t *m)
{
    if (!Q->q)
        return 0;
    join_job(S);
    norm_t *N = folded(S, Q->flags);
    const char *hay = N ? N->out.p : S->text;
    size_t hn = N ? N->out.n : S->len;
    size_t i = N ? norm_fold(N, from) : (from < S->len ? from : S->len);
    size_t a, b;
    int ok = dir > 0 ? next_in(Q, hay, hn, i, &a, &b) : prev_in(Q, hay, hn, i, &a, &b);
    if (!ok)
        return 0;
    m->a = N ? norm_src(N, a) : a;
    m->b = N ? norm_src(N, b) : b;
    if (m->b <= m->a) /* inside one cluster's folding (ß → ss, "s") */
        m->b = N ? norm_src(N, norm_fold(N, m->a + 1)) : m->a + 1;
    return 1;
}

size_t search_range(search_t *S, query_t *Q, size_t lo, size_t hi,
                    match_t **v, size_t *cap)
{
    size_t n = 0;
    if (!Q->q)
        return 0;
    size_t from = lo > 256 ? lo - 256 : 0; /* a match may start before lo */
    match_t m;
    while (from < hi && search_find(S, Q, from, 1, &m) && m.a < hi) {
        if (m.b > lo) {
            grow(v, cap, n + 1, sizeof **v);
            (*v)[n++] = m;
        }
        from = m.a + 1;
    }
    return n;
}
