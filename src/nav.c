#include "nav.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nav_say(char *out, size_t on, const char *before, const char *s, size_t n,
             const char *after)
{
    buf_t b = {0};
    buf_adds(&b, before);
    text_sanitize(&b, s, n);
    buf_adds(&b, after);
    size_t k = b.n < on ? b.n : on - 1;
    memcpy(out, b.p, k);
    out[k] = '\0';
    buf_free(&b);
}

void nav_query_init(nav_query_t *Q)
{
    memset(Q, 0, sizeof *Q);
    Q->speaker = -1;
}

void nav_query_free(nav_query_t *Q)
{
    free(Q->raw);
    query_free(&Q->q);
    nav_query_init(Q);
}

/* Is off in speaker k's turns (k < 0: anywhere)? */
static int in_speaker(const structure_t *st, size_t off, int k)
{
    if (k < 0)
        return 1;
    st_cursor_t c;
    block_t b;
    return st_at(st, off, &c, &b) && b.speaker == k && (b.flags & (BF_TURN | BF_CONT));
}

int nav_in_scope(const structure_t *st, const nav_query_t *Q, int only, size_t off)
{
    if (Q->has_sec && (off < Q->sec_lo || off >= Q->sec_hi))
        return 0;
    return in_speaker(st, off, Q->speaker) && in_speaker(st, off, only);
}

int nav_section(const structure_t *st, const char *t, size_t n, size_t *lo, size_t *hi)
{
    st_wait(st);
    long want = -1, k = 0, found = -1;
    char tmp[32];
    if (n && n < sizeof tmp) {
        memcpy(tmp, t, n);
        tmp[n] = 0;
        char *end;
        long v = strtol(tmp, &end, 10);
        if (*end == 0 && v > 0)
            want = v;
    }
    buf_t b = {0};
    for (size_t i = 0; i < st->nheadings && found < 0; i++) {
        if (st->headings[i].level == 0)
            continue;
        k++;
        st_heading_text(st, &st->headings[i], &b);
        if (want > 0 ? k == want : memmem(b.p, b.n, t, n) != NULL)
            found = (long)i;
    }
    buf_free(&b);
    if (found < 0)
        return -1;
    const heading_t *h = &st->headings[found];
    *lo = h->start;
    *hi = st->len;
    for (size_t i = (size_t)found + 1; i < st->nheadings; i++)
        if (st->headings[i].level > 0 && st->headings[i].level <= h->level &&
            st->headings[i].start > h->start) { /* (never empty) */
            *hi = st->headings[i].start;
            break;
        }
    return 0;
}

/* The end of the word at s[i]: the next blank, or n. */
static size_t word_end(const char *s, size_t n, size_t i)
{
    while (i < n && text_skip_blanks(s, i, n) == i)
        i++;
    return i;
}

/* A speaker's name as @NAME compares it: folded as queries are (flags:
 * SEARCH_*), without blanks and a closing colon, into b. */
static void name_key(const char *s, size_t n, int flags, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    norm_t N;
    norm_init(&N, (flags & SEARCH_NO_TCSC) ? 0 : NORM_TCSC);
    if (!(flags & SEARCH_EXACT))
        norm_add(&N, s, n, 0);
    const char *f = (flags & SEARCH_EXACT) ? s : N.out.p;
    size_t fn = (flags & SEARCH_EXACT) ? n : N.out.n;
    for (size_t i = 0; i < fn;) {
        size_t j = text_skip_blanks(f, i, fn); /* (SP, TAB, U+3000) */
        if (j > i) {
            i = j;
            continue;
        }
        buf_add(b, f + i, 1);
        i++;
    }
    norm_free(&N);
    static const char *colons[] = {":", "\xEF\xBC\x9A"}; /* : ： */
    for (int c = 0; c < 2; c++) {
        size_t k = strlen(colons[c]);
        if (b->n >= k && !memcmp(b->p + b->n - k, colons[c], k))
            b->n -= k;
    }
    b->p[b->n] = 0;
}

/* The speaker @NAME (name[0..n)) selects: the one named so, else the one
 * whose folded name is NAME folded, else the only one whose folded name
 * starts so; -1 with a message (none, or the candidates). */
static int find_speaker(const structure_t *st, const char *name, size_t n, int flags,
                        char *err, size_t en)
{
    int k = st_speaker_find(st, name, n);
    if (k >= 0)
        return k;
    buf_t want = {0}, key = {0}, list = {0};
    name_key(name, n, flags, &want);
    int same = -1, pre = -1, npre = 0;
    for (size_t i = 0; want.n && i < st->nspeakers && same < 0; i++) {
        const speaker_t *p = &st->speakers[i];
        name_key(st->text + p->name_off, p->name_len, flags, &key);
        if (key.n == want.n && !memcmp(key.p, want.p, want.n)) {
            same = (int)i;
        } else if (key.n > want.n && !memcmp(key.p, want.p, want.n)) {
            if (npre++ == 0)
                pre = (int)i;
            buf_adds(&list, npre > 1 ? ", " : "");
            buf_add(&list, st->text + p->name_off, p->name_len);
        }
    }
    k = same >= 0 ? same : npre == 1 ? pre : -1;
    if (k < 0 && npre > 1) {
        char head[64];
        snprintf(head, sizeof head, " is %d speakers: ", npre);
        buf_t m = {0};
        buf_add(&m, "@", 1);
        buf_add(&m, name, n);
        buf_adds(&m, head);
        buf_add(&m, list.p, list.n);
        nav_say(err, en, "", m.p, m.n, "");
        buf_free(&m);
    } else if (k < 0) {
        nav_say(err, en, "no speaker named ", name, n, "");
    }
    buf_free(&want);
    buf_free(&key);
    buf_free(&list);
    return k;
}

int nav_query_parse(nav_query_t *Q, const structure_t *st, const char *s, size_t n,
                    int flags, char *err, size_t en)
{
    nav_query_free(Q);
    err[0] = 0;
    size_t i = 0;
    while (i < n && (s[i] == '@' || s[i] == '#')) {
        size_t e = word_end(s, n, i + 1);
        if (s[i] == '@') {
            Q->speaker = find_speaker(st, s + i + 1, e - i - 1, flags, err, en);
            if (Q->speaker < 0)
                return -1;
        } else {
            if (nav_section(st, s + i + 1, e - i - 1, &Q->sec_lo, &Q->sec_hi) < 0) {
                nav_say(err, en, "no section ", s + i + 1, e - i - 1, "");
                return -1;
            }
            Q->has_sec = 1;
        }
        i = text_skip_blanks(s, e, n);
    }
    if (n - i >= 3 && !memcmp(s + i, "re:", 3)) {
        flags |= SEARCH_REGEX;
        i += 3;
    } else if (st->markdown) { /* across the line breaks joined when shown */
        flags |= SEARCH_SOFTBR;
    }
    Q->raw = xmalloc(n - i + 1);
    memcpy(Q->raw, s + i, n - i);
    Q->raw[n - i] = 0;
    if (i == n) {
        if (Q->speaker >= 0)
            return 0; /* @NAME alone: its turns */
        snprintf(err, en, "empty search");
        return -1;
    }
    return query_set(&Q->q, s + i, n - i, flags, err, en);
}

long nav_next_offset(const size_t *v, size_t n, size_t s, size_t e, int dir)
{
    long found = -1;
    for (size_t i = 0; i < n; i++) {
        if (dir > 0 && v[i] >= e && (v[i] > s || e == s))
            return (long)i;
        if (dir < 0 && v[i] < s)
            found = (long)i;
    }
    return found;
}

long nav_next_heading(const structure_t *st, size_t s, size_t e, int dir)
{
    st_wait(st);
    long found = -1;
    for (size_t i = 0; i < st->nheadings; i++) {
        const heading_t *h = &st->headings[i];
        if (h->level == 0)
            continue;
        if (dir > 0 && h->start >= e && (h->start > s || e == s))
            return (long)i;
        if (dir < 0 && h->start < s)
            found = (long)i;
    }
    return found;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

size_t nav_turns(const structure_t *st, size_t **v)
{
    st_wait(st);
    size_t n = 0;
    for (size_t i = 0; i < st->nspeakers; i++)
        n += st->speakers[i].turns;
    *v = xmalloc((n + 1) * sizeof **v);
    n = 0;
    for (size_t i = 0; i < st->nspeakers; i++)
        for (size_t j = 0; j < st->speakers[i].turns; j++)
            (*v)[n++] = st->speakers[i].turn_offsets[j];
    qsort(*v, n, sizeof **v, cmp_size);
    return n;
}

int nav_find(search_t *S, const structure_t *st, nav_query_t *Q, int only,
             size_t from, int dir, match_t *m, int *wrapped)
{
    size_t bound = dir > 0 ? st->len : 0, start = from;
    *wrapped = 0;
    for (;;) {
        int ok = search_find_within(S, &Q->q, from, bound, dir, m);
        while (ok && !nav_in_scope(st, Q, only, m->a))
            ok = search_find_within(S, &Q->q, dir > 0 ? m->b : m->a, bound,
                                    dir, m);
        if (ok)
            return 1;
        if (*wrapped)
            return 0;
        *wrapped = 1; /* the rest, up to where the search started */
        from = dir > 0 ? 0 : st->len;
        bound = dir > 0 ? start + 1 : start;
    }
}
