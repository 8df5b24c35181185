/* search: matches as document byte ranges, forwards and backwards, every
 * match overlapping a range; folded (創新 for 创新, ＤｅｅｐＳｅｅｋ for
 * deepseek), without t2s, exact, regex on the folded text (leftmost-longest,
 * not overlapping), an invalid regex refused with PCRE2's message. */
#include "search.h"
#include "sindex.h"
#include "t.h"
#include "text.h"
#include "util.h"

#include <iconv.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* s[0..n) in codec (malloc'ed, *bn bytes), or NULL when it has no form
 * there. */
static char *u8_conv(const char *codec, const char *s, size_t n, size_t *bn)
{
    iconv_t cd = iconv_open(codec, "UTF-8");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = 4 * n + 8, ol = cap, il = n;
    char *out = xmalloc(cap), *op = out, *ip = (char *)s;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    if (rc == (size_t)-1 || il) {
        free(out);
        return NULL;
    }
    *bn = cap - ol;
    return out;
}

static search_t S;
static query_t Q;
static int counted; /* queries search_count counted (same_matches) */

static int set(const char *q, int flags)
{
    char err[256];
    return query_set(&Q, q, strlen(q), flags, err, sizeof err);
}

static int find(size_t from, int dir, size_t *a, size_t *b)
{
    match_t m;
    if (!search_find(&S, &Q, from, dir, &m))
        return 0;
    *a = m.a;
    *b = m.b;
    return 1;
}

/* A generated document of ~500 KB: CJK in both forms, full-width
 * punctuation, Latin words, combining marks, short lines and one line of
 * 100 KB, so that pieces and index blocks end in every kind of place. */
static char *make_doc(size_t *n)
{
    static const char *pool[] = {
        "创", "新", "創", "新", "书", "書", "，", "。", "：", "的", "是", "在", "ß", "ss",
        "DeepSeek", "ＤｅｅｐＳｅｅｋ", " ", "e\xCC\x81", "ｶﾞ", "ガ", "①", "a", "Z", "梁文鋒",
        "\xF0\x9F\x91\x8D\xE2\x80\x8D\xF0\x9F\x94\xA5", "\xEA\xB0\x80", "\t",
    };
    size_t np = sizeof pool / sizeof *pool;
    unsigned seed = 99;
    buf_t b = {0};
    while (b.n < 400000) {
        int line = (b.n > 200000 && b.n < 210000) ? 100000 : 20 + (int)((seed >> 16) % 400);
        size_t start = b.n;
        while (b.n - start < (size_t)line) {
            seed = seed * 1103515245u + 12345u;
            buf_adds(&b, pool[(seed >> 16) % np]);
        }
        buf_adds(&b, (seed >> 20) % 3 ? "\n" : "\r\n");
    }
    *n = b.n;
    return b.p;
}

/* Every match of q in doc: the oracle (the whole text folded the plain way,
 * memmem, mapped back, none overlapping the one before) against this search, forwards and backwards. */
static void same_matches(const char *doc, size_t n, const char *q, int flags, const char *what)
{
    norm_t N, F;
    norm_init(&N, (flags & SEARCH_NO_TCSC) ? 0 : NORM_TCSC);
    norm_init(&F, N.flags);
    norm_add_ref(&N, doc, n, 0);
    norm_add_ref(&F, q, strlen(q), 0);
    match_t *want = NULL, *got = NULL;
    size_t nw = 0, wc = 0, ng = 0, gc = 0;
    for (const char *p = N.out.p; (p = memmem(p, N.out.n - (size_t)(p - N.out.p), F.out.p, F.out.n));
         p++) {
        size_t x = (size_t)(p - N.out.p);
        match_t m = {norm_src(&N, x), norm_src(&N, x + F.out.n)};
        if (m.b <= m.a)
            m.b = norm_src(&N, norm_fold(&N, m.a + 1));
        if (nw && m.a < want[nw - 1].b)
            continue; /* matches do not overlap (two folded starts in one cluster: one) */
        grow(&want, &wc, nw + 1, sizeof *want);
        want[nw++] = m;
    }
    CHECK(set(q, flags) == 0);
    match_t m;
    size_t from = 0;
    while (search_find(&S, &Q, from, 1, &m)) {
        grow(&got, &gc, ng + 1, sizeof *got);
        got[ng++] = m;
        from = m.b;
    }
    int same = ng == nw;
    for (size_t i = 0; same && i < nw; i++)
        same = got[i].a == want[i].a && got[i].b == want[i].b;
    CHECK_MSG(same, "%s: [%s] forwards: %zu matches, want %zu (first difference at %zu)", what, q,
              ng, nw, ng < nw ? ng : nw);
    long nc = search_count(&S, &Q); /* (-1: a search it does not count) */
    CHECK_MSG(nc < 0 || (size_t)nc == nw, "%s: [%s] counted %ld, want %zu", what, q, nc, nw);
    counted += nc >= 0;
    size_t k = nw, at = n;
    int back = 1;
    while (search_find(&S, &Q, at, -1, &m)) {
        back &= k > 0 && m.a == want[k - 1].a; /* (ß: more than one end) */
        k = k ? k - 1 : 0;
        at = m.a;
        if (!back)
            break;
    }
    CHECK_MSG(back && k == 0, "%s: [%s] backwards differ", what, q);
    free(want);
    free(got);
    norm_free(&N);
    norm_free(&F);
}

static const char *queries[] = {"创新", "創新", "ss", "deepseek", "，", "a", "书的", "梁文锋",
                                "ガ", "é", "zzqqzz"};

static void big_document(void)
{
    size_t n;
    char *doc = make_doc(&n);
    char dir[] = "/tmp/juan-test-idx-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    setenv("JUAN_CACHE_DIR", dir, 1);
    /* without an index: pieces folded as the search goes */
    search_init(&S, doc, n);
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        same_matches(doc, n, queries[i], 0, "no index");
    same_matches(doc, n, "創新", SEARCH_NO_TCSC, "no index, no t2s");
    /* bounded: nothing past the bound, nothing before it backwards */
    match_t m, m2;
    CHECK(set("创新", 0) == 0 && search_find(&S, &Q, 0, 1, &m));
    CHECK(!search_find_within(&S, &Q, 0, m.a, 1, &m2));
    CHECK(search_find_within(&S, &Q, 0, m.a + 1, 1, &m2) && m2.a == m.a);
    CHECK(!search_find_within(&S, &Q, m.a, m.a, -1, &m2));
    search_free(&S);

    /* with an index: made once, then reused */
    search_init(&S, doc, n);
    search_use_index(&S, "test-doc");
    CHECK(search_prepare(&S, 0) == SEARCH_INDEX_MADE);
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        same_matches(doc, n, queries[i], 0, "index");
    CHECK(search_prepare(&S, SEARCH_EXACT) == 0); /* an exact search reads none */
    /* without traditional -> simplified: an index of its own */
    char *fp = search_index_path(&S, SEARCH_NO_TCSC);
    CHECK(fp && strstr(fp, ".fold.idx") && access(fp, F_OK) != 0);
    CHECK(search_prepare(&S, SEARCH_NO_TCSC) == SEARCH_INDEX_MADE);
    CHECK(fp && access(fp, F_OK) == 0);
    same_matches(doc, n, "創新", SEARCH_NO_TCSC, "index, no t2s");
    CHECK(search_prepare(&S, SEARCH_NO_TCSC) == SEARCH_INDEX_OPENED);
    if (fp)
        unlink(fp);
    free(fp);
    search_free(&S);
    char *path = sindex_path("test-doc", NORM_TCSC);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (size_t)sb.st_size < 2 * n);
    search_init(&S, doc, n);
    search_use_index(&S, "test-doc");
    CHECK_MSG(search_prepare(&S, 0) == SEARCH_INDEX_OPENED, "the index reused, not made again");
    search_free(&S);

    /* a damaged block of folded text: found when read, the index dropped,
     * the answers still right; made again by the next prepare */
    FILE *f = fopen(path, "r+b");
    CHECK(f && fseek(f, 128 + 250000, SEEK_SET) == 0 && fputc('#', f) != EOF && fclose(f) == 0);
    search_init(&S, doc, n);
    search_use_index(&S, "test-doc");
    CHECK(search_prepare(&S, 0) == SEARCH_INDEX_OPENED); /* the header and filters are sound */
    same_matches(doc, n, "创新", 0, "damaged block");
    CHECK_MSG(access(path, F_OK) != 0, "a damaged index is removed");
    CHECK(search_prepare(&S, 0) == SEARCH_INDEX_MADE);
    search_free(&S);
    /* damaged filters, truncated, or made for another text: made again */
    const long cuts[] = {-100, -5000000};
    for (int i = 0; i < 2; i++) {
        CHECK(stat(path, &sb) == 0);
        if (i == 0) {
            f = fopen(path, "r+b");
            CHECK(f && fseek(f, cuts[0], SEEK_END) == 0 && fputc('#', f) != EOF && fclose(f) == 0);
        } else {
            CHECK(truncate(path, sb.st_size / 2) == 0);
        }
        search_init(&S, doc, n);
        search_use_index(&S, "test-doc");
        CHECK_MSG(search_prepare(&S, 0) == SEARCH_INDEX_MADE, "%s index made again",
                  i ? "a truncated" : "a damaged");
        same_matches(doc, n, "deepseek", 0, i ? "after truncation" : "after damage");
        search_free(&S);
    }
    search_init(&S, doc, n - 1); /* the same identity, another length */
    search_use_index(&S, "test-doc");
    CHECK_MSG(search_prepare(&S, 0) == SEARCH_INDEX_MADE, "an index of another text is not used");
    search_free(&S);
    unlink(path);
    char *pd = xstrdup(path);
    *strrchr(pd, '/') = 0;
    rmdir(pd);
    free(pd);
    free(path);
    free(doc);
}

/* The index file cut while a search uses it (a full disk, a user): its
 * table was copied when it was opened, so a cut through it changes no
 * block's offsets (a block's end read as 0 made a regex search checksum
 * 2^64 bytes: a crash), and a cut within a page of the filters, whose
 * tail then reads as zeros with no fault, is seen by the file's size
 * (sindex_lost): the index is dropped and the answers are the text's. */
typedef struct {
    char magic[8];
    uint32_t version, flags;
    uint64_t text_len, out_len, nblocks, off_table, off_bloom, size, sum, pad[6];
} ixhead_t; /* (sindex.c's header: the file format, version 4) */

static size_t count_in(const char *doc, size_t a, size_t b, const char *q)
{
    size_t t = 0, qn = strlen(q);
    for (const char *c = doc + a; (c = memmem(c, (size_t)(doc + b - c), q, qn)); c += qn)
        t++;
    return t;
}

static char *cut_doc(size_t n)
{
    char *doc = xmalloc(n + 1);
    size_t at = 0;
    unsigned x = 1;
    static const char *const w[] = {"apple", "river", "stone", "cloud", "tiger", "amber"};
    while (at < n) {
        x = x * 1103515245u + 12345u;
        char line[96];
        int k = snprintf(line, sizeof line, "line %u %s %s %s\n", x % 100000, w[(x >> 8) % 6],
                         w[(x >> 12) % 6], (x >> 16) % 7 ? "hay" : "needle");
        size_t m = (size_t)k < n - at ? (size_t)k : n - at;
        memcpy(doc + at, line, m);
        at += m;
    }
    doc[n - 1] = '\n';
    doc[n] = 0;
    return doc;
}

/* The header of the index made for doc, and its path. */
static char *cut_index(search_t *C, const char *doc, size_t n, ixhead_t *h)
{
    char *path = sindex_path("cut-doc", NORM_TCSC);
    unlink(path);
    search_init(C, doc, n);
    search_use_index(C, "cut-doc");
    CHECK(search_prepare(C, 0) == SEARCH_INDEX_MADE);
    FILE *f = fopen(path, "rb");
    CHECK(f && fread(h, sizeof *h, 1, f) == 1);
    if (f)
        fclose(f);
    return path;
}

static void cut_under_use(void)
{
    char dir[] = "/tmp/juan-test-cut-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    setenv("JUAN_CACHE_DIR", dir, 1);
    char err[256];
    query_t R = {0};
    match_t m;
    search_t C;
    ixhead_t h = {0};

    /* 0: a cut through the table. 1 MB of lowercase ASCII, 17 blocks: a
       table of 408 bytes. The cut must leave its lower half (a block is
       found by halving) and zero the rows above: the text's length is
       moved until a page boundary falls at three quarters of the table
       (the folded text, before the table, about as long) */
    size_t n = 1u << 20;
    const uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE); /* (a cut that faults) */
    char *doc = NULL, *path = NULL;
    uint64_t page = 0, tlen = 0, in = 0;
    for (int pass = 0; pass < 3; pass++) {
        free(doc);
        free(path);
        doc = cut_doc(n);
        path = cut_index(&C, doc, n, &h);
        page = (h.off_table + pg - 1) & ~(pg - 1);
        tlen = 24 * (h.nblocks + 1);
        in = page - h.off_table;
        if (in > tlen / 2 + 48 && in + 48 < tlen)
            break;
        search_free(&C);
        n -= (size_t)(((tlen * 3 / 4 - in) % pg + 7) & ~(uint64_t)7);
    }
    CHECK_MSG(in > tlen / 2 + 48 && in + 48 < tlen,
              "a page boundary in the table's upper half (table %llu, %llu bytes, page %llu)",
              (unsigned long long)h.off_table, (unsigned long long)tlen,
              (unsigned long long)page);
    /* a first search with the index, then the cut, then a regex (it
       checks every block's text against the table) */
    CHECK(query_set(&R, "needle", 6, 0, err, sizeof err) == 0 && search_find(&C, &R, 0, 1, &m));
    query_free(&R);
    CHECK(truncate(path, (off_t)page) == 0);
    CHECK(query_set(&R, "need.e", 6, SEARCH_REGEX, err, sizeof err) == 0);
    size_t found = 0, truth = count_in(doc, 0, n, "needle");
    for (size_t from = 0; search_find(&C, &R, from, 1, &m); from = m.b)
        found++;
    CHECK_MSG(found == truth && truth > 0, "a cut through the table: %zu matches of %zu", found,
              truth);
    query_free(&R);
    search_free(&C);
    free(doc);

    /* 1: a cut a byte into a page of block k's filter: the rest of that
       page reads as zeros with no fault, pages past it fault. A search
       within block k, for words whose filter bits fall there or past it */
    static const char *const qs[] = {"needle", "cloud", "hay",   "pl",    "apple",
                                     "river",  "stone", "tiger", "amber", "line 1"};
    size_t nq = getenv("JUAN_TEST_QUICK") ? 4 : sizeof qs / sizeof *qs; /* (valgrind) */
    n = 1u << 20;
    doc = cut_doc(n);
    for (size_t q = 0; q < nq; q++) {
        free(path);
        path = cut_index(&C, doc, n, &h);
        size_t k = (size_t)h.nblocks / 2;
        uint64_t row[6]; /* block k's and k + 1's: src, fold, sum */
        FILE *f = fopen(path, "rb");
        CHECK(f && fseek(f, (long)(h.off_table + 24 * k), SEEK_SET) == 0 &&
              fread(row, sizeof row, 1, f) == 1);
        if (f)
            fclose(f);
        size_t sa = (size_t)row[0], sb = (size_t)row[3];
        CHECK(query_set(&R, qs[q], strlen(qs[q]), 0, err, sizeof err) == 0 &&
              search_find(&C, &R, 0, 1, &m));
        CHECK(truncate(path,
                       (off_t)(((h.off_bloom + k * SIX_BLOOM + pg - 1) & ~(pg - 1)) + 1)) ==
              0);
        found = 0;
        truth = count_in(doc, sa, sb, qs[q]);
        for (size_t from = sa; search_find_within(&C, &R, from, sb, 1, &m); from = m.b)
            found++;
        CHECK_MSG(found == truth && truth > 0, "a cut in block %zu's filter, '%s': %zu of %zu",
                  k, qs[q], found, truth);
        query_free(&R);
        search_free(&C);
    }
    unlink(path);
    free(path);
    free(doc);
    rmdir(dir);
}

/* A literal is folded only on the lines that hold a form of its
 * characters (search.c, fold_lines): every match the whole text folded
 * holds is found, in whatever form its line has it (traditional, a
 * variant, full width, a compatibility character, a mark that composes),
 * at a line's start or end, across pieces, and a piece folded for one
 * query's lines is not taken for another's. */
static void candidate_lines(void)
{
    static const char *const forms[] = {
        "宝玉", "寶玉", "寳玉", "宝⽟", "寶\xE2\xBD\x9F", "ＡＢＣ", "abc", "Abc", "e\xCC\x81",
        "é", "ｶﾞ", "ガ", "㍻", "平成", "宝", "玉", "宝\n玉", "宝\r\n玉",
    };
    static const char *const filler[] = {"的", "是", "，", "。", " ", "黛玉", "x", "\xE5"};
    static const char *const qs[] = {"宝玉", "寶玉", "abc", "é", "ガ", "平成", "黛玉", "玉",
                                     "宝玉的", "x黛"};
    size_t nf = sizeof forms / sizeof *forms, nfl = sizeof filler / sizeof *filler;
    unsigned seed = 4242;
    buf_t b = {0};
    while (b.n < 300000) { /* (beyond FIRST_PIECE * 4: pieces on every core) */
        seed = seed * 1103515245u + 12345u;
        int len = (int)((seed >> 16) % 120), at = (int)((seed >> 8) % (len + 1));
        for (int k = 0; k <= len; k++) {
            seed = seed * 1103515245u + 12345u;
            if (k == at && (seed >> 16) % 4 == 0)
                buf_adds(&b, forms[(seed >> 20) % nf]);
            else
                buf_adds(&b, filler[(seed >> 20) % nfl]);
        }
        buf_adds(&b, (seed >> 24) % 2 ? "\n" : "\r\n");
    }
    search_init(&S, b.p, b.n);
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        same_matches(b.p, b.n, qs[i], 0, "candidate lines");
    same_matches(b.p, b.n, "寶玉", SEARCH_NO_TCSC, "candidate lines, no t2s");
    /* from anywhere (between lines folded, in lines left out): the first
     * match at or after it, the last before it (queries that cannot
     * overlap themselves: those of a search from the start) */
    static const char *const lone[] = {"宝玉", "黛玉", "平成"};
    for (size_t i = 0; i < sizeof lone / sizeof *lone; i++) {
        match_t *all = NULL, m;
        size_t na = 0, ac = 0, from = 0;
        CHECK(set(lone[i], 0) == 0);
        while (search_find(&S, &Q, from, 1, &m)) {
            grow(&all, &ac, na + 1, sizeof *all);
            all[na++] = m;
            from = m.b;
        }
        int fwd = 1, bwd = 1;
        for (int k = 0; k < 200; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (size_t)(seed >> 4) % (b.n + 1), j = 0;
            while (j < na && all[j].a < at)
                j++;
            int f = search_find(&S, &Q, at, 1, &m);
            fwd &= j < na ? f && m.a == all[j].a : !f;
            f = search_find(&S, &Q, at, -1, &m);
            bwd &= j > 0 ? f && m.a == all[j - 1].a : !f;
        }
        CHECK_MSG(fwd && bwd, "[%s] from anywhere: forwards %d, backwards %d", lone[i], fwd, bwd);
        free(all);
    }
    /* one query's lines folded, then another's from the same places */
    for (size_t i = 0; i + 1 < sizeof qs / sizeof *qs; i += 3) {
        match_t m;
        CHECK(set(qs[i], 0) == 0);
        search_find(&S, &Q, b.n / 2, 1, &m);
        search_find(&S, &Q, b.n / 2, -1, &m);
        same_matches(b.p, b.n, qs[i + 1], 0, "after another query");
    }
    search_free(&S);
    buf_free(&b);
}

/* Windows folded apart (search.c, fold_near) never make a match across
 * what lies between them: a line passed unfolded (its character 0 at a
 * mark, the line without the query's other characters) between a window
 * that ends inside a line and the next line (a review found both). */
static void window_gaps(void)
{
    static const char *const t[][2] = {
        {"玉a玉x\xCC\x81\n宝\xCC\x81玉\n", "玉宝"},
        {"成株株\n成\xE3\x82\x99\n成", "株成"},
        {"玉a玉x\xCC\x81\r\n宝\xCC\x81玉\r\n玉宝", "玉宝"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        search_init(&S, t[i][0], strlen(t[i][0]));
        same_matches(t[i][0], strlen(t[i][0]), t[i][1], 0, "window gaps");
        search_free(&S);
    }
}

/* The literal prefilter never says no where a search finds a match
 * (query_may_match on the text; query_may_match_bytes on it in GB18030,
 * Big5, Shift_JIS and UTF-16LE): random texts of characters that fold
 * into others (traditional forms, width, case, compatibility characters,
 * marks that compose), queries of one to three of them. */
static void prefilter(void)
{
    static const char *const pool[] = {
        "宝", "寶", "寳", "玉", "⽟", "Ａ", "a", "á", "a\xCC\x81", "㍻", "平", "成", "ß", "s",
        "ｶ", "ﾞ", "ガ", "カ", "か", "\xE3\x82\x99", "が", "ﬁ", "f", "i", "创", "創", "新",
        "①", "1", "一", "가", "ᄀ", "ㄱ", "ᅡ", "　", "、", "，", ",", "\n", "K", "K", "ǆ", "Ǆ",
    };
    static const char *const codecs[] = {"GB18030", "CP950", "CP932", "UTF-16LE"};
    size_t np = sizeof pool / sizeof *pool, found = 0, legacy = 0, said_no = 0;
    unsigned seed = 777;
#define RND() ((seed = seed * 1103515245u + 12345u) >> 16)
    int rounds = getenv("JUAN_TEST_QUICK") ? 300 : 3000; /* (under valgrind: fewer) */
    for (int round = 0; round < rounds; round++) {
        buf_t t = {0}, q = {0};
        int len = 1 + (int)(RND() % 40), ql = 1 + (int)(RND() % 2);
        for (int k = 0; k < len; k++)
            buf_adds(&t, pool[RND() % np]);
        for (int k = 0; k < ql; k++)
            buf_adds(&q, pool[RND() % np]);
        int flags = RND() % 4 ? 0 : SEARCH_SOFTBR;
        char err[256];
        query_t P = {0};
        if (query_set(&P, q.p, q.n, flags, err, sizeof err) == 0) {
            search_t T;
            match_t m;
            search_init(&T, t.p, t.n);
            if (search_find(&T, &P, 0, 1, &m)) {
                found++;
                int yes = query_may_match(&P, t.p, t.n);
                said_no += !yes;
                CHECK_MSG(yes, "a match of [%s] in [%s], said impossible", q.p, t.p);
                for (size_t c = 0; c < sizeof codecs / sizeof *codecs; c++) {
                    size_t bn;
                    char *b = u8_conv(codecs[c], t.p, t.n, &bn);
                    if (!b)
                        continue;
                    legacy++;
                    yes = query_may_match_bytes(&P, (const unsigned char *)b, bn);
                    said_no += !yes;
                    CHECK_MSG(yes, "a match of [%s] in [%s] in %s, said impossible", q.p, t.p,
                              codecs[c]);
                    free(b);
                }
            } else if (!query_may_match(&P, t.p, t.n)) {
                said_no++; /* (told without folding) */
            }
            search_free(&T);
        }
        query_free(&P);
        buf_free(&t);
        buf_free(&q);
    }
#undef RND
    CHECK_MSG(found * 3000 > 500u * (size_t)rounds && legacy * 3000 > 500u * (size_t)rounds,
              "found %zu, legacy %zu", found, legacy);
    CHECK_MSG(said_no * 3000 > 200u * (size_t)rounds, "the prefilter rules texts out (%zu)", said_no);
}

/* query_may_match_file on bytes still to be guessed: a file is let
 * through for a codec only where the text its bytes would be in it holds
 * the query's characters or a maker (st_makers), not where their bytes
 * are met across two characters: GB 2312's “ (A1 B0) is Big5's ※. Two
 * characters side by side (pair_t): 玉宝 cannot hold 宝玉, 宝 and a line
 * break may. (codec NULL: the bytes as written, HZ's.) */
static void may_match_file(void)
{
    static const struct {
        const char *text, *codec, *q;
        int want;
    } v[] = {
        {"他说：“好。”", "GB18030", "宝", 0},       /* “ = Big5's ※ */
        {"他说：“宝。”", "GB18030", "宝", 1},
        {"他说：※［＃字］", "GB18030", "宝", 1},     /* a gaiji may be 宝 */
        {"他说：※注意", "GB18030", "宝", 0},        /* a mark, no gaiji */
        {"他说 &amp; 她", "GB18030", "宝", 1},       /* an entity may be */
        {"他说 &amp; 她", "UTF-16LE", "宝", 1},
        {"他說：“寶玉。”", "CP950", "宝玉", 1},
        {"他說：“寶玉。”", "CP950", "黛玉", 0},
        {"彼は言った。", "CP932", "宝", 0},
        {"a ~{1&~} b", NULL, "宝", 1},             /* 宝 in HZ */
        {"a ~{Sq~} b", NULL, "玉", 1},             /* 玉 in HZ */
        {"a ~{Sq~} b", NULL, "宝", 0},
        {"玉宝", "GB18030", "宝玉", 0},              /* side by side, in order */
        {"宝\n玉", "GB18030", "宝玉", 1},            /* a soft line break */
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        size_t bn = strlen(v[i].text);
        char *b = v[i].codec ? u8_conv(v[i].codec, v[i].text, bn, &bn) : xstrdup(v[i].text);
        CHECK_MSG(b != NULL, "%s in %s", v[i].text, v[i].codec);
        if (!b)
            continue;
        char err[256];
        query_t P = {0};
        CHECK(query_set(&P, v[i].q, strlen(v[i].q), 0, err, sizeof err) == 0);
        CHECK_MSG(query_may_match_file(&P, (const unsigned char *)b, bn, 0) == v[i].want,
                  "#%zu: [%s] in %s, [%s]", i, v[i].text, v[i].codec ? v[i].codec : "HZ", v[i].q);
        query_free(&P);
        free(b);
    }
}

int main(void)
{
    text_init_locale();
    may_match_file();
    prefilter();
    candidate_lines();
    window_gaps();
    big_document();
    cut_under_use();
    /* (the literals of those texts are counted at once: a test of it) */
    CHECK_MSG(counted >= 20, "search_count counted %d queries", counted);
    const char *t = "创新，再创新。创创新";
    size_t n = strlen(t), a, b;
    search_init(&S, t, n);
    for (int flags = 0; flags <= SEARCH_EXACT; flags += SEARCH_EXACT) {
        CHECK(set("创新", flags) == 0);
        CHECK(find(0, 1, &a, &b) && a == 0 && b == 6);
        CHECK(find(1, 1, &a, &b) && a == 12);
        CHECK(find(13, 1, &a, &b) && a == 24);
        CHECK(!find(25, 1, &a, &b));
        CHECK(find(n, -1, &a, &b) && a == 24);
        CHECK(find(24, -1, &a, &b) && a == 12);
        CHECK(find(12, -1, &a, &b) && a == 0);
        CHECK(!find(0, -1, &a, &b));
        match_t *v = NULL;
        size_t cap = 0;
        CHECK(search_range(&S, &Q, 3, 13, &v, &cap) == 2 && v[0].a == 0 && v[1].a == 12);
        CHECK(search_range(&S, &Q, 0, n, &v, &cap) == 3);
        CHECK(search_range(&S, &Q, 6, 12, &v, &cap) == 0);
        free(v);
    }
    char err[256];
    CHECK(query_set(&Q, "", 0, 0, err, sizeof err) < 0);
    search_free(&S);

    /* folded: the match is the original bytes */
    const char *d = "他說：「創新不是口號。」DeepSeek 與 ＤｅｅｐＳｅｅｋ 都在。";
    search_init(&S, d, strlen(d));
    CHECK(set("创新", 0) == 0);
    CHECK(find(0, 1, &a, &b) && !strncmp(d + a, "創新", b - a) && b - a == strlen("創新"));
    CHECK(set("创新", SEARCH_NO_TCSC) == 0 && !find(0, 1, &a, &b));
    CHECK(set("創新", SEARCH_NO_TCSC) == 0 && find(0, 1, &a, &b));
    CHECK(set("创新", SEARCH_EXACT) == 0 && !find(0, 1, &a, &b));
    CHECK(set("deepseek", 0) == 0);
    CHECK(find(0, 1, &a, &b) && !strncmp(d + a, "DeepSeek", 8) && b - a == 8);
    CHECK(find(a + 1, 1, &a, &b) && !strncmp(d + a, "ＤｅｅｐＳｅｅｋ", b - a) &&
          b - a == strlen("ＤｅｅｐＳｅｅｋ"));
    match_t *v = NULL;
    size_t cap = 0;
    CHECK(search_range(&S, &Q, 0, strlen(d), &v, &cap) == 2);
    /* regex on the folded text */
    CHECK(set("de+p.eek", SEARCH_REGEX) == 0 && search_range(&S, &Q, 0, strlen(d), &v, &cap) == 2);
    CHECK(set("创[新意]", SEARCH_REGEX) == 0 && find(0, 1, &a, &b) && !strncmp(d + a, "創新", b - a));
    CHECK(set("口號|口号", SEARCH_REGEX) == 0 && find(0, 1, &a, &b));
    CHECK(find(strlen(d), -1, &a, &b) && !strncmp(d + a, "口號", b - a));
    free(v);
    v = NULL, cap = 0;
    query_free(&Q);
    search_free(&S);

    /* regex matches are leftmost-longest and do not overlap (grep -o) */
    const char *nums = "共 100 张，又 20 张。ab abc";
    search_init(&S, nums, strlen(nums));
    CHECK(set("[0-9]+ 张", SEARCH_REGEX) == 0 && search_range(&S, &Q, 0, strlen(nums), &v, &cap) == 2);
    CHECK(find(0, 1, &a, &b) && !strncmp(nums + a, "100 张", b - a) && b - a == strlen("100 张"));
    size_t first = a;
    CHECK(find(b, 1, &a, &b) && !strncmp(nums + a, "20 张", b - a)); /* from the end of the last */
    CHECK(find(a, -1, &a, &b) && a == first); /* back: not "00 张" inside it */
    CHECK(set("a|ab", SEARCH_REGEX) == 0 && find(0, 1, &a, &b) && b - a == 2);
    CHECK(set("ab|abc", SEARCH_REGEX | SEARCH_EXACT) == 0 && find(a + 2, 1, &a, &b) && b - a == 3);
    CHECK(set("[0-9]+?", SEARCH_REGEX) == 0 && search_range(&S, &Q, 0, strlen(nums), &v, &cap) == 2 &&
          v[0].b - v[0].a == 3);
    CHECK(set("(a)\\1|a", SEARCH_REGEX) == 0 && find(0, 1, &a, &b) && b - a == 1); /* no DFA */
    CHECK(query_set(&Q, "a(b", 3, SEARCH_REGEX, err, sizeof err) < 0 &&
          strstr(err, "invalid regex: missing closing parenthesis"));
    CHECK(query_set(&Q, "[z-a]", 5, SEARCH_REGEX, err, sizeof err) < 0 && strstr(err, "invalid regex"));
    free(v);
    query_free(&Q);
    search_free(&S);

    /* Markdown soft line breaks: joined when shown, so matched across */
    const char *md = "我们今天\n讨论創新。\n\n> 引文的第一行\n> 第二行\n\ndeep\n  seek and find\n";
    search_init(&S, md, strlen(md));
    CHECK(set("今天讨论", SEARCH_SOFTBR) == 0 && find(0, 1, &a, &b) &&
          a == (size_t)(strstr(md, "今天") - md) && b == (size_t)(strstr(md, "讨论") - md) + 6);
    CHECK(set("今天讨论创新", SEARCH_SOFTBR) == 0 && find(0, 1, &a, &b));
    CHECK(set("今天讨论", 0) == 0 && !find(0, 1, &a, &b));
    CHECK(set("第一行第二行", SEARCH_SOFTBR) == 0 && find(0, 1, &a, &b)); /* in a quote */
    CHECK(set("deep seek", SEARCH_SOFTBR) == 0 && find(0, 1, &a, &b) &&
          !strncmp(md + a, "deep\n  seek", b - a));
    CHECK(set("seek and", SEARCH_SOFTBR) == 0 && find(0, 1, &a, &b)); /* spaces as spaces */
    CHECK(set("创新。引文", SEARCH_SOFTBR) == 0 && !find(0, 1, &a, &b)); /* not across paragraphs */
    CHECK(set("创新。", SEARCH_SOFTBR) == 0 && find(0, 1, &a, &b));
    CHECK(set("第一\\E行", SEARCH_SOFTBR) == 0 && !find(0, 1, &a, &b)); /* literal, not a pattern */
    CHECK(set("(", SEARCH_SOFTBR) == 0 && !find(0, 1, &a, &b));
    query_free(&Q);
    search_free(&S);

    /* a regex that reaches PCRE2's limits on a line (issue 18, 4): the
       line is skipped and said, the matches past it found, both ways */
    {
        buf_t x = {0};
        buf_adds(&x, "第一行 ab\n");
        size_t l2 = x.n;
        for (int i = 0; i < 30; i++)
            buf_adds(&x, "a");
        buf_adds(&x, "c b\n第三行 aab\n");
        search_init(&S, x.p, x.n);
        for (int fl = 0; fl <= SEARCH_EXACT; fl += SEARCH_EXACT) {
            size_t nk, last = 0;
            CHECK(set("(a+)+b", SEARCH_REGEX | fl) == 0);
            CHECK(find(0, 1, &a, &b) && a == strlen("第一行 "));
            query_too_complex(&Q, &nk);
            CHECK(nk == 0); /* (nothing before) */
            CHECK(find(b, 1, &a, &b) && !strncmp(x.p + a, "aab", 3));
            const size_t *k = query_too_complex(&Q, &nk);
            CHECK_MSG(nk == 1 && k[0] == l2, "%zu skipped", nk);
            CHECK(query_too_complex_total(&Q, &last) == 1 && last == l2);
            CHECK(!find(b, 1, &a, &b));
            CHECK(find(x.n, -1, &a, &b) && !strncmp(x.p + a, "aab", 3));
            CHECK(find(a, -1, &a, &b) && a == strlen("第一行 "));
            k = query_too_complex(&Q, &nk);
            CHECK_MSG(nk == 1 && k[0] == l2, "%zu skipped going back", nk);
        }
        query_free(&Q);
        search_free(&S);
        buf_free(&x);
    }
    return T_DONE("test_search");
}
