/* para: paragraphs found forwards, backwards and from any offset. The
 * walks are compared with a simple model written here: split into lines
 * (LF, CRLF, lone CR), merge runs of blank lines. */
#include "para.h"
#include "t.h"
#include "text.h"
#include "util.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define P(s) (s), strlen(s)

static int same(const para_t *a, const para_t *b)
{
    return a->start == b->start && a->end == b->end && a->next == b->next &&
           !a->blank == !b->blank;
}

static int is_blank_text(const char *t, size_t s, size_t e)
{
    for (size_t i = s; i < e;) {
        if (t[i] == ' ' || t[i] == '\t')
            i++;
        else if (e - i >= 3 && !memcmp(t + i, "\xe3\x80\x80", 3))
            i += 3;
        else
            return 0;
    }
    return 1;
}

/* The model: every paragraph of t, in order. */
static para_t *model(const char *t, size_t len, size_t *np)
{
    para_t *v = NULL;
    size_t n = 0, cap = 0;
    size_t s = 0;
    while (s < len) {
        size_t e = s;
        while (e < len && t[e] != '\n' && t[e] != '\r')
            e++;
        size_t next = e;
        if (e < len)
            next = (t[e] == '\r' && e + 1 < len && t[e + 1] == '\n') ? e + 2
                                                                     : e + 1;
        int blank = is_blank_text(t, s, e);
        if (blank && n && v[n - 1].blank) {
            v[n - 1].end = e;
            v[n - 1].next = next;
        } else {
            grow(&v, &cap, n + 1, sizeof *v);
            v[n++] = (para_t){s, e, next, blank, 0, s};
        }
        s = next;
    }
    *np = n;
    return v;
}

/* Walk t forwards and backwards and compare with the model; also find
 * each paragraph from its middle and from its last byte. */
static void walk(const char *name, const char *t, size_t len)
{
    size_t n;
    para_t *m = model(t, len, &n);
    para_t *fw = calloc(n + 1, sizeof *fw);
    size_t nf = 0, bad = 0;
    para_t p, q;
    if (para_first(t, len, &p)) {
        do {
            if (nf < n && !same(&p, &m[nf]) && !bad++)
                fprintf(stderr,
                        "  %s fwd #%zu: [%zu,%zu) next %zu blank %d; "
                        "want [%zu,%zu) next %zu blank %d\n",
                        name, nf, p.start, p.end, p.next, p.blank,
                        m[nf].start, m[nf].end, m[nf].next, m[nf].blank);
            if (nf <= n)
                fw[nf] = p;
            nf++;
            if (!para_next(t, len, &p, &q))
                break;
            p = q;
        } while (nf <= n);
    }
    CHECK_MSG(nf == n, "%s: %zu paragraphs forwards, model %zu", name, nf, n);
    CHECK_MSG(bad == 0, "%s: %zu paragraphs differ going forwards", name, bad);
    CHECK_MSG(n == 0 || fw[n - 1].next == len, "%s: last next != len", name);

    size_t nb = 0;
    bad = 0;
    if (n) {
        p = fw[n - 1];
        for (;;) {
            nb++;
            size_t k = n - nb;
            if (nb <= n && !same(&p, &m[k]) && !bad++)
                fprintf(stderr,
                        "  %s back #%zu: [%zu,%zu) next %zu; want [%zu,%zu) "
                        "next %zu\n",
                        name, k, p.start, p.end, p.next, m[k].start,
                        m[k].end, m[k].next);
            if (nb > n || !para_prev(t, len, &p, &q))
                break;
            p = q;
        }
    }
    CHECK_MSG(nb == n, "%s: %zu paragraphs backwards, model %zu", name, nb, n);
    CHECK_MSG(bad == 0, "%s: %zu paragraphs differ going backwards", name,
              bad);

    size_t bad_at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t offs[3] = {m[i].start, m[i].start + (m[i].next - m[i].start) / 2,
                          m[i].next - 1};
        for (int j = 0; j < 3; j++)
            if (!para_at(t, len, offs[j], &p) || !same(&p, &m[i])) {
                if (!bad_at++)
                    fprintf(stderr, "  %s: para_at(%zu) wrong\n", name,
                            offs[j]);
            }
    }
    CHECK_MSG(bad_at == 0, "%s: %zu para_at lookups wrong", name, bad_at);
    free(m);
    free(fw);
}

static void test_simple(void)
{
    const char *t = "a\nb\n";
    para_t p, q;
    CHECK(para_first(P(t), &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 1);
    CHECK(p.next == 2);
    CHECK(p.blank == 0);
    CHECK(para_next(P(t), &p, &q) == 1);
    CHECK(q.start == 2);
    CHECK(q.end == 3);
    CHECK(q.next == 4);
    CHECK(q.blank == 0);
    CHECK(para_next(P(t), &q, &p) == 0);
    CHECK(para_prev(P(t), &q, &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 1);
    CHECK(para_prev(P(t), &p, &q) == 0);

    /* CRLF */
    t = "a\r\nb\r\n";
    CHECK(para_first(P(t), &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 1);
    CHECK(p.next == 3);
    CHECK(para_next(P(t), &p, &q) == 1);
    CHECK(q.start == 3);
    CHECK(q.end == 4);
    CHECK(q.next == 6);
    CHECK(para_next(P(t), &q, &p) == 0);

    /* lone CR */
    t = "a\rb\r";
    CHECK(para_first(P(t), &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 1);
    CHECK(p.next == 2);
    CHECK(para_next(P(t), &p, &q) == 1);
    CHECK(q.start == 2);
    CHECK(q.end == 3);
    CHECK(q.next == 4);
    CHECK(para_next(P(t), &q, &p) == 0);

    /* a CR then an LF-terminated line would be a CRLF: a lone CR before
     * an empty CRLF line is one blank line */
    t = "a\r\r\nb";
    CHECK(para_first(P(t), &p) == 1);
    CHECK(p.end == 1);
    CHECK(p.next == 2);
    CHECK(para_next(P(t), &p, &q) == 1);
    CHECK(q.start == 2);
    CHECK(q.end == 2);
    CHECK(q.next == 4);
    CHECK(q.blank == 1);

    /* no trailing newline */
    t = "a\nbc";
    CHECK(para_first(P(t), &p) == 1);
    CHECK(para_next(P(t), &p, &q) == 1);
    CHECK(q.start == 2);
    CHECK(q.end == 4);
    CHECK(q.next == 4);
    CHECK(para_next(P(t), &q, &p) == 0);

    /* a single line without newline */
    CHECK(para_first(P("x"), &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 1);
    CHECK(p.next == 1);

    /* empty text */
    CHECK(para_first("", 0, &p) == 0);
    CHECK(para_at("", 0, 0, &p) == 0);
}

static void test_blank_runs(void)
{
    /* a, four blank lines ("", "", "  ", U+3000), b */
    const char *t = "a\n\n\n  \n\xe3\x80\x80\nb";
    size_t len = strlen(t);
    CHECK(len == 12);
    para_t p, q, r;
    CHECK(para_first(t, len, &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 1);
    CHECK(p.next == 2);
    CHECK(p.blank == 0);
    CHECK(para_next(t, len, &p, &q) == 1);
    CHECK(q.start == 2);
    CHECK(q.end == 10);
    CHECK(q.next == 11);
    CHECK(q.blank == 1);
    CHECK(para_next(t, len, &q, &r) == 1);
    CHECK(r.start == 11);
    CHECK(r.end == 12);
    CHECK(r.next == 12);
    CHECK(r.blank == 0);
    CHECK(para_next(t, len, &r, &p) == 0);

    /* backwards from b: the whole run from its first line */
    CHECK(para_prev(t, len, &r, &p) == 1);
    CHECK(p.start == 2);
    CHECK(p.end == 10);
    CHECK(p.next == 11);
    CHECK(p.blank == 1);
    CHECK(para_prev(t, len, &p, &q) == 1);
    CHECK(q.start == 0);
    CHECK(q.end == 1);

    /* para_at inside the run */
    for (size_t off = 2; off < 11; off++) {
        CHECK_MSG(para_at(t, len, off, &p) == 1, "off %zu", off);
        CHECK_MSG(p.start == 2 && p.end == 10 && p.next == 11 && p.blank,
                  "off %zu: [%zu,%zu) next %zu", off, p.start, p.end, p.next);
    }

    /* a line starting with U+3000 but holding text is not blank */
    t = "\xe3\x80\x80x\n\n";
    CHECK(para_first(t, strlen(t), &p) == 1);
    CHECK(p.blank == 0);
    CHECK(p.end == 4);
    CHECK(para_next(t, strlen(t), &p, &q) == 1);
    CHECK(q.blank == 1);
    CHECK(q.start == 5);
    CHECK(q.end == 5);
    CHECK(q.next == 6);

    /* tabs are blank; a half U+3000 is not */
    t = "\t \t\nx";
    CHECK(para_first(t, strlen(t), &p) == 1);
    CHECK(p.blank == 1);
    CHECK(p.end == 3);
    t = "\xe3\x80\nx";
    CHECK(para_first(t, strlen(t), &p) == 1);
    CHECK(p.blank == 0);

    /* leading blank run */
    t = "\n\n  \nabc";
    CHECK(para_first(t, strlen(t), &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 4);
    CHECK(p.next == 5);
    CHECK(p.blank == 1);
    CHECK(para_at(t, strlen(t), 5, &q) == 1);
    CHECK(para_prev(t, strlen(t), &q, &r) == 1);
    CHECK(r.start == 0);
    CHECK(r.next == 5);
}

static void test_at(void)
{
    const char *t = "hello\nworld\n";
    size_t len = strlen(t);
    para_t p;
    /* middle of a line */
    CHECK(para_at(t, len, 8, &p) == 1);
    CHECK(p.start == 6);
    CHECK(p.end == 11);
    CHECK(p.next == 12);
    /* on the '\n' */
    CHECK(para_at(t, len, 5, &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 5);
    CHECK(p.next == 6);
    CHECK(para_at(t, len, 11, &p) == 1);
    CHECK(p.start == 6);
    /* first byte */
    CHECK(para_at(t, len, 6, &p) == 1);
    CHECK(p.start == 6);
    /* at / past len */
    CHECK(para_at(t, len, len, &p) == 0);
    CHECK(para_at(t, len, len + 5, &p) == 0);

    t = "ab\r\ncd\r\n";
    len = strlen(t);
    /* on the CR of a CRLF */
    CHECK(para_at(t, len, 2, &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 2);
    CHECK(p.next == 4);
    /* on the LF of a CRLF */
    CHECK(para_at(t, len, 3, &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 2);
    CHECK(p.next == 4);
    CHECK(para_at(t, len, 7, &p) == 1);
    CHECK(p.start == 4);
    CHECK(p.end == 6);
    CHECK(p.next == 8);

    /* blank CRLF run, from its CR and LF bytes */
    t = "a\r\n\r\n  \r\nb";
    len = strlen(t);
    for (size_t off = 3; off < 9; off++) {
        CHECK_MSG(para_at(t, len, off, &p) == 1, "off %zu", off);
        CHECK_MSG(p.start == 3 && p.end == 7 && p.next == 9 && p.blank,
                  "CRLF run off %zu: [%zu,%zu) next %zu", off, p.start,
                  p.end, p.next);
    }

    /* lone CR */
    t = "ab\rcd";
    len = strlen(t);
    CHECK(para_at(t, len, 2, &p) == 1);
    CHECK(p.start == 0);
    CHECK(p.end == 2);
    CHECK(p.next == 3);
    CHECK(para_at(t, len, 4, &p) == 1);
    CHECK(p.start == 3);
    CHECK(p.end == 5);
}

/* 1,000 lines, blank runs of every kind; terminators from `mode`:
 * 0 CRLF only, 1 LF/CRLF/lone CR mixed. No final terminator. */
static char *generate(int mode, size_t *len, size_t *nblank_lines)
{
    static const char *const blanks[] = {"", "  ", "\xe3\x80\x80", "\t",
                                         " \xe3\x80\x80\t"};
    buf_t b = {0};
    unsigned r = 12345;
    const char *prev_term = "";
    *nblank_lines = 0;
    for (int i = 0; i < 1000; i++) {
        r = r * 1103515245u + 12345u;
        unsigned k = (r >> 16) % 10;
        const char *content;
        char tmp[64];
        if (k < 4) {
            content = blanks[(r >> 8) % 5];
            ++*nblank_lines;
        } else {
            snprintf(tmp, sizeof tmp, "%s第%d行 line %d。",
                     k == 4 ? "\xe3\x80\x80" : "", i, i);
            content = tmp;
        }
        buf_adds(&b, content);
        if (i == 999)
            break;
        const char *term = "\r\n";
        if (mode == 1) {
            unsigned m = (r >> 4) % 3;
            term = m == 0 ? "\n" : m == 1 ? "\r\n" : "\r";
            /* a lone CR then an empty LF line would read as one CRLF */
            if (!*content && !strcmp(prev_term, "\r") && m == 0)
                term = "\r";
        }
        buf_adds(&b, term);
        prev_term = term;
    }
    buf_add(&b, "", 0);
    *len = b.n;
    return b.p;
}

static void test_walks(void)
{
    size_t n;
    char *t = t_slurp("samples/interview.txt", &n);
    CHECK(t != NULL);
    if (t) {
        walk("interview.txt", t, n);
        free(t);
    }

    size_t nbl;
    t = generate(0, &n, &nbl);
    CHECK(nbl > 300);
    CHECK(strstr(t, "\r\n\r\n") != NULL);
    walk("CRLF x1000", t, n);
    free(t);

    t = generate(1, &n, &nbl);
    walk("mixed x1000", t, n);
    free(t);

    /* with a trailing terminator and a trailing blank run */
    const char *s = "x\r\n\r\n\t\r\n";
    walk("trailing run", s, strlen(s));
    para_t p;
    CHECK(para_at(s, strlen(s), 4, &p) == 1);
    CHECK(p.start == 3);
    CHECK(p.end == 6);
    CHECK(p.next == 8);
    CHECK(p.blank == 1);
}

/* "Nothing here reads more of the text than it returns": the first
 * paragraph of a text whose second page is unreadable is found without
 * touching that page. Run in a child; it exits 0 when para_first gives
 * [0,3) next 4 for "abc" + terminator. */
static int first_para_reads_ahead(const char *term)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    memset(m, 'x', (size_t)pg * 2);
    memcpy(m, "abc", 3);
    memcpy(m + 3, term, strlen(term));
    mprotect(m + pg, (size_t)pg, PROT_NONE);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        para_t p;
        int ok = para_first(m, (size_t)pg * 2, &p) && p.start == 0 &&
                 p.end == 3 && p.next == 3 + strlen(term);
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);
    munmap(m, (size_t)pg * 2);
    if (pid < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_reads_only_what_it_returns(void)
{
    int r = first_para_reads_ahead("\n");
    CHECK_MSG(r == 0, "LF: child status %d", r);
    r = first_para_reads_ahead("\r\n");
    CHECK_MSG(r == 0, "CRLF: child status %d", r);
    r = first_para_reads_ahead("\r");
    CHECK_MSG(r == 0,
              "lone CR: child status %d (para_first read past the first "
              "line into an unreadable page)", r);
}

/* Long lines are cut into pieces of about PARA_PIECE bytes: the pieces
 * cover each line exactly, in order, the same forwards, backwards and from
 * any offset; a cut is between two CJK letters (not before small kana) or
 * after a space before a letter or digit, unless the 4 KiB after the
 * multiple hold none; only the first piece of a line is not `cont`. */
static int cjk(uint32_t c)
{
    return (c >= 0x3041 && c <= 0x30FF && c != 0x30FB && c != 0x30FC) ||
           (c >= 0x4E00 && c <= 0x9FFF);
}

static void test_pieces(void)
{
    buf_t b = {0};
    const char *words[] = {"这是", "一段", "很长的", "文字，", "ゃ", "ABC ", "def ", "。", "́"};
    unsigned seed = 7;
    size_t line_starts[8], nl = 0;
    /* four long lines of different shapes, and short ones around them */
    buf_adds(&b, "第一章\n");
    for (int L = 0; L < 4; L++) {
        line_starts[nl++] = b.n;
        size_t want = L == 3 ? PARA_PIECE + 100 : 300000;
        while (b.n - line_starts[nl - 1] < want) {
            seed = seed * 1103515245u + 12345u;
            if (L == 2)
                buf_adds(&b, "x"); /* nowhere to cut: character boundaries */
            else if (L == 1)
                buf_adds(&b, words[5 + (seed >> 16) % 2]); /* Latin words */
            else
                buf_adds(&b, words[(seed >> 16) % 9]);
        }
        buf_adds(&b, L == 1 ? "\r\n" : "\n");
        buf_adds(&b, "短行\n\n");
    }
    const char *t = b.p;
    size_t len = b.n;
    /* forwards */
    para_t v[64], p, q;
    size_t n = 0;
    int ok = para_first(t, len, &p);
    while (ok && n < 64) {
        v[n++] = p;
        ok = para_next(t, len, &p, &q);
        p = q;
    }
    CHECK(n < 64);
    size_t bad_cover = 0, bad_size = 0, bad_cut = 0, bad_cont = 0, pieces = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && v[i].start != v[i - 1].next)
            bad_cover++;
        if (v[i].end - v[i].start > PARA_PIECE + 4096)
            bad_size++;
        if (v[i].cont) {
            pieces++;
            if (!i || v[i - 1].next != v[i].start || v[i - 1].end != v[i].start ||
                v[i].line != v[i - 1].line)
                bad_cont++;
            uint32_t a = 0, c = 0;
            size_t j = v[i].start - 1;
            while (((unsigned char)t[j] & 0xC0) == 0x80)
                j--;
            text_decode(t + j, v[i].start - j, &a);
            text_decode(t + v[i].start, len - v[i].start, &c);
            int legal = (cjk(a) && cjk(c) && c != 0x3083) || (a == ' ' && c < 0x80 && c != ' ');
            if (!legal && !(a == 'x' && c == 'x'))
                bad_cut++;
        } else if (v[i].line != v[i].start) {
            bad_cont++;
        }
    }
    CHECK_MSG(bad_cover == 0, "%zu pieces not contiguous", bad_cover);
    CHECK_MSG(bad_size == 0, "%zu pieces too large", bad_size);
    CHECK_MSG(bad_cut == 0, "%zu cuts at a place a line may not break", bad_cut);
    CHECK_MSG(bad_cont == 0, "%zu pieces with a wrong cont/line", bad_cont);
    CHECK_MSG(pieces >= 12, "only %zu pieces after the first", pieces);
    CHECK(n && v[n - 1].next == len);
    /* the line of PARA_PIECE + 100 bytes is two pieces */
    size_t k3 = 0;
    for (size_t i = 0; i < n; i++)
        k3 += v[i].line == line_starts[3];
    CHECK_MSG(k3 == 2, "PARA_PIECE + 100: %zu pieces", k3);
    /* backwards: the same */
    size_t bad_back = 0, m = n;
    p = v[n - 1];
    for (;;) {
        m--;
        if (p.start != v[m].start || p.end != v[m].end || p.next != v[m].next || p.cont != v[m].cont)
            bad_back++;
        if (!para_prev(t, len, &p, &q))
            break;
        p = q;
    }
    CHECK_MSG(bad_back == 0 && m == 0, "backwards: %zu differ, %zu left", bad_back, m);
    /* from any offset: the piece holding it (a line end: the last piece) */
    size_t bad_at = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t off = v[i].start; off < v[i].next; off += 1 + (v[i].next - v[i].start) / 7)
            if (!para_at(t, len, off, &p) || p.start != v[i].start || p.end != v[i].end)
                bad_at++;
    CHECK_MSG(bad_at == 0, "para_at: %zu wrong", bad_at);
    buf_free(&b);
}

/* A cut never comes before a character no line may start with (CH_NO_START:
 * iteration and sound marks, small kana) nor before a combining mark: the
 * cut's place is one where layout may break the line anyway. */
static void test_cut_classes(void)
{
    static const char *const mark[] = {"ゝ", "ヽ", "ゞ", "ヾ", "゛", "゜", "゠", "ー",
                                       "ㇰ", "ァ", "ぁ", "々", "\xE3\x82\x99" /* U+3099 */};
    for (size_t i = 0; i < sizeof mark / sizeof *mark; i++) {
        char t[64];
        snprintf(t, sizeof t, "汉か%s字字字", mark[i]);
        size_t m = strlen("汉か"), len = strlen(t), r = para_cut(t, m, len);
        CHECK_MSG(r > m && r < len, "汉か|%s字字字: cut at %zu", mark[i], r);
    }
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_simple();
    test_blank_runs();
    test_at();
    test_walks();
    test_reads_only_what_it_returns();
    test_pieces();
    test_cut_classes();
    return T_DONE("test_para");
}
