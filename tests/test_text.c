/* text: units, display forms, widths, decoding. Expected values are
 * written out from the contract in src/text.h, not taken from src/text.c. */
#include "t.h"
#include <unigbrk.h>
#include <unistr.h>
#include "text.h"

#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static units_t T;

/* Cut s (NUL-terminated) into T. */
static void cut(const char *s)
{
    text_units(&T, s, strlen(s));
}

/* The whole display of T as a NUL-terminated string. */
static const char *disp(void)
{
    static buf_t b;
    b.n = 0;
    buf_add(&b, T.disp.p ? T.disp.p : "", T.disp.n);
    return b.p;
}

/* The display form of unit i of T. */
static const char *udisp(size_t i)
{
    static buf_t b;
    b.n = 0;
    buf_add(&b, T.disp.p + T.u[i].doff, T.u[i + 1].doff - T.u[i].doff);
    return b.p;
}

static size_t sum_w(void)
{
    size_t w = 0;
    for (size_t i = 0; i < T.n; i++)
        w += T.u[i].w;
    return w;
}

static void test_ascii(void)
{
    cut("abc");
    CHECK(T.n == 3);
    CHECK(T.u[0].w == 1);
    CHECK(T.u[1].w == 1);
    CHECK(T.u[2].w == 1);
    CHECK(T.u[0].flags == U_CLUSTER);
    CHECK(T.u[1].flags == U_CLUSTER);
    CHECK(T.u[2].flags == U_CLUSTER);
    CHECK(T.u[0].cp == 'a');
    CHECK(T.u[2].cp == 'c');
    CHECK(T.u[1].off == 1);
    CHECK(T.u[2].off == 2);
    CHECK(T.u[2].doff == 2);
    CHECK_STR(disp(), "abc");
    CHECK(T.u[3].off == 3);
    CHECK(T.u[3].doff == 3);
}

static void test_han(void)
{
    cut("中文");
    CHECK(T.n == 2);
    CHECK(T.u[0].w == 2);
    CHECK(T.u[1].w == 2);
    CHECK(T.u[0].flags == (U_CLUSTER | U_WIDE));
    CHECK(T.u[1].flags == (U_CLUSTER | U_WIDE));
    CHECK(T.u[0].cp == 0x4E2D);
    CHECK(T.u[1].cp == 0x6587);
    CHECK(T.u[1].off == 3);
    CHECK(T.u[1].doff == 3);
    CHECK_STR(disp(), "中文");
    CHECK(T.u[2].off == 6);
    CHECK(T.u[2].doff == 6);
}

static void test_combining(void)
{
    cut("e\xcc\x81"); /* e + U+0301 */
    CHECK(T.n == 1);
    CHECK(T.u[0].w == 1);
    CHECK(T.u[0].cp == 'e');
    CHECK_STR(disp(), "e\xcc\x81");
    CHECK(T.u[1].off == 3);

    cut("e\xcc\x81" "x");
    CHECK(T.n == 2);
    CHECK(T.u[1].off == 3);
    CHECK_STR(udisp(0), "e\xcc\x81");
    CHECK_STR(udisp(1), "x");

    /* e + six marks: only four kept, all 13 bytes covered */
    const char *six = "e\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86";
    cut(six);
    CHECK(T.n == 1);
    CHECK(T.u[0].w == 1);
    CHECK_STR(disp(), "e\xcc\x81\xcc\x82\xcc\x83\xcc\x84");
    CHECK(T.u[1].off == 13);
    CHECK(T.u[1].doff == 9);

    cut("e\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86"
        "x");
    CHECK(T.n == 2);
    CHECK(T.u[1].off == 13);
    CHECK(T.u[1].cp == 'x');
    CHECK_STR(udisp(1), "x");

    /* a lone mark at the start gets an NBSP base */
    cut("\xcc\x81");
    CHECK(T.n == 1);
    CHECK(T.u[0].w == 1);
    CHECK(T.u[0].flags & U_CLUSTER);
    CHECK_STR(disp(), "\xc2\xa0\xcc\x81");
    CHECK(T.u[1].off == 2);
}

static void test_emoji(void)
{
    /* U+1F468 ZWJ U+1F469 ZWJ U+1F467 */
    cut("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
        "\xf0\x9f\x91\xa7");
    CHECK(T.n == 3);
    CHECK(T.u[0].flags & U_CLUSTER);
    CHECK(!(T.u[1].flags & U_CLUSTER));
    CHECK(!(T.u[2].flags & U_CLUSTER));
    CHECK(T.u[0].off == 0);
    CHECK(T.u[1].off == 7);
    CHECK(T.u[2].off == 14);
    CHECK(T.u[3].off == 18);
    CHECK(T.u[0].w == 2);
    CHECK(T.u[1].w == 2);
    CHECK(T.u[2].w == 2);
    CHECK(sum_w() == 6);
    CHECK_STR(disp(), "\xf0\x9f\x91\xa8\xf0\x9f\x91\xa9\xf0\x9f\x91\xa7");
    CHECK_STR(udisp(1), "\xf0\x9f\x91\xa9");

    /* heart + VS16: selector dropped, width of the heart alone */
    cut("\xe2\x9d\xa4\xef\xb8\x8f");
    CHECK(T.n == 1);
    CHECK(T.u[0].w == 1);
    CHECK_STR(disp(), "\xe2\x9d\xa4");
    CHECK(T.u[1].off == 6);

    /* thumbs up + skin tone */
    cut("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd");
    CHECK(T.n == 1);
    CHECK(T.u[0].w == 2);
    CHECK_STR(disp(), "\xf0\x9f\x91\x8d");
    CHECK(T.u[1].off == 8);

    /* soft hyphen and ZWSP dropped, width 0 */
    cut("a\xc2\xad" "b");
    CHECK_STR(disp(), "ab");
    CHECK(sum_w() == 2);
    CHECK(T.u[T.n].off == 4);
    cut("a\xe2\x80\x8b" "b");
    CHECK_STR(disp(), "ab");
    CHECK(sum_w() == 2);
    CHECK(T.u[T.n].off == 5);
    CHECK(text_cp_width(0x00AD) == 0);
    CHECK(text_cp_width(0x200B) == 0);
    CHECK(text_cp_width(0x200D) == 0);
    CHECK(text_cp_width(0xFE0F) == 0);
    CHECK(text_cp_width(0x1F3FD) == 0);
    CHECK(text_width("a\xc2\xad" "b", 4) == 2);
}

static void test_controls(void)
{
    cut("\x1b");
    CHECK(T.n == 1);
    CHECK_STR(disp(), "^[");
    CHECK(T.u[0].w == 2);
    CHECK(T.u[0].flags == (U_CLUSTER | U_ESCAPE));
    CHECK(T.u[0].cp == 0x1B);

    text_units(&T, "\0", 1);
    CHECK(T.n == 1);
    CHECK_STR(disp(), "^@");
    CHECK(T.u[0].w == 2);
    CHECK(T.u[1].off == 1);

    cut("\x7f");
    CHECK_STR(disp(), "^?");
    CHECK(T.u[0].w == 2);
    CHECK(T.u[0].flags & U_ESCAPE);

    cut("\t");
    CHECK(T.n == 1);
    CHECK_STR(disp(), " ");
    CHECK(T.u[0].w == 1);
    CHECK(T.u[0].flags & U_SPACE);
    CHECK(!(T.u[0].flags & U_ESCAPE));

    cut("\xc2\x85"); /* C1 NEL */
    CHECK(T.n == 1);
    CHECK_STR(disp(), "<U+0085>");
    CHECK(T.u[0].w == 8);
    CHECK(T.u[0].flags & U_ESCAPE);
    CHECK(T.u[1].off == 2);

    cut("a\xe2\x80\xae" "b"); /* RIGHT-TO-LEFT OVERRIDE */
    CHECK(T.n == 3);
    CHECK_STR(udisp(1), "<U+202E>");
    CHECK(T.u[1].w == 8);
    CHECK(T.u[1].flags & U_ESCAPE);
    CHECK(T.u[2].off == 4);
    CHECK_STR(disp(), "a<U+202E>b");

    cut("\xe2\x80\xa8"); /* LINE SEPARATOR */
    CHECK_STR(disp(), "<U+2028>");
    CHECK(T.u[0].w == 8);

    cut("\xf0\x9d\x85\xb3"); /* U+1D173, a 5-digit escape */
    CHECK_STR(disp(), "<U+1D173>");
    CHECK(T.u[0].w == 9);

    CHECK(text_cp_width(0x1B) == 2);
    CHECK(text_cp_width(0) == 2);
    CHECK(text_cp_width(0x7F) == 2);
    CHECK(text_cp_width('\t') == 1);
    CHECK(text_cp_width(0x85) == 8);
    CHECK(text_cp_width(0x202E) == 8);
    CHECK(text_cp_width(0x1D173) == 9);
    CHECK(text_cp_width('a') == 1);
    CHECK(text_cp_width(0x4E2D) == 2);
    CHECK(text_cp_width(0x301) == 0);

    /* no raw C0 control or DEL in any display form */
    for (int c = 0; c < 0x80; c++) {
        char s[1] = {(char)c};
        text_units(&T, s, 1);
        int raw = 0;
        for (size_t i = 0; i < T.disp.n; i++) {
            unsigned char d = (unsigned char)T.disp.p[i];
            if (d < 0x20 || d == 0x7F)
                raw = 1;
        }
        CHECK_MSG(!raw, "byte 0x%02X shown raw", c);
        CHECK_MSG(T.n == 1 && T.u[1].off == 1, "byte 0x%02X: %zu units", c,
                  T.n);
    }
}

static void test_unknown_and_invalid(void)
{
    /* U+31350 (CJK Ext H, Unicode 15): glibc 2.36 does not know it */
    cut("\xf0\xb1\x8d\x90");
    CHECK(T.n == 1);
    CHECK_STR(disp(), "\xef\xbf\xbd");
    CHECK(T.u[0].w == 1);
    CHECK(T.u[1].off == 4);

    /* invalid UTF-8 shows as U+FFFD per byte */
    cut("\xff");
    CHECK(T.n == 1);
    CHECK(T.u[0].cp == 0xFFFD);
    CHECK(T.u[0].w == 1);
    CHECK_STR(disp(), "\xef\xbf\xbd");

    cut("a\xe4" "b");
    CHECK(T.n == 3);
    CHECK(T.u[0].cp == 'a');
    CHECK(T.u[1].cp == 0xFFFD);
    CHECK(T.u[2].cp == 'b');
    CHECK(T.u[1].off == 1);
    CHECK(T.u[2].off == 2);
    CHECK(T.u[3].off == 3);
    CHECK_STR(disp(), "a\xef\xbf\xbd" "b");

    /* every lone high byte: one unit, displayed as U+FFFD (never raw) */
    int raw = 0, first = -1;
    for (int c = 0x80; c < 0x100; c++) {
        char s[1] = {(char)c};
        text_units(&T, s, 1);
        if (T.n != 1 || T.disp.n != 3 ||
            memcmp(T.disp.p, "\xef\xbf\xbd", 3)) {
            raw++;
            if (first < 0)
                first = c;
        }
    }
    CHECK_MSG(raw == 0, "%d lone bytes 0x80..0xFF not shown as U+FFFD "
              "(first 0x%02X)", raw, first);

    /* text_sanitize: same rule */
    buf_t b = {0};
    size_t w = text_sanitize(&b, "a\xff" "b", 3);
    CHECK_STR(b.p, "a\xef\xbf\xbd" "b");
    CHECK(w == 3);
    buf_free(&b);
}

static void test_spaces(void)
{
    cut(" ");
    CHECK(T.u[0].flags & U_SPACE);
    CHECK(T.u[0].w == 1);
    cut("\xe3\x80\x80"); /* U+3000 */
    CHECK(T.u[0].flags & U_SPACE);
    CHECK(T.u[0].flags & U_WIDE);
    CHECK(T.u[0].w == 2);
    cut("\xc2\xa0"); /* NBSP */
    CHECK(!(T.u[0].flags & U_SPACE));
    CHECK(T.u[0].w == 1);
    cut("a");
    CHECK(!(T.u[0].flags & U_SPACE));

    CHECK(text_skip_blanks(" x", 0, 2) == 1);
    CHECK(text_skip_blanks("\tx", 0, 2) == 1);
    CHECK(text_skip_blanks("\u3000\u3000x", 0, 7) == 6);
    CHECK(text_skip_blanks("\u00A0x", 0, 3) == 0);
    CHECK(text_skip_blanks("\u3000", 0, 2) == 0); /* cut U+3000 */
    CHECK(text_skip_blanks("  ", 0, 2) == 2);
    CHECK(text_skip_blanks("a", 0, 1) == 0);
    CHECK(text_skip_blanks("\n", 0, 1) == 0);
}

static void test_sanitize_width(void)
{
    buf_t b = {0};
    size_t w = text_sanitize(&b, "a\x1b[31mb", 7);
    CHECK_STR(b.p, "a^[[31mb");
    CHECK(w == 8);
    CHECK(text_width("a\x1b[31mb", 7) == 8);

    /* appends */
    w = text_sanitize(&b, "\t\xc2\x85", 3);
    CHECK_STR(b.p, "a^[[31mb <U+0085>");
    CHECK(w == 9);

    /* dropped only: empty but non-NULL */
    buf_free(&b);
    w = text_sanitize(&b, "\xe2\x80\x8b", 3);
    CHECK(b.p != NULL);
    CHECK(b.n == 0);
    CHECK(w == 0);

    /* a lone leading mark gets an NBSP base: width 1 */
    buf_free(&b);
    w = text_sanitize(&b, "\xcc\x81", 2);
    CHECK_STR(b.p, "\xc2\xa0\xcc\x81");
    CHECK(w == 1);
    /* text_width: "cells ... as text_sanitize would draw it" */
    CHECK_MSG(text_width("\xcc\x81", 2) == 1, "text_width(U+0301) = %zu",
              text_width("\xcc\x81", 2));
    buf_free(&b);

    /* printable ASCII, taken a run at a time: each its own cell, as a
       character at a time (kind_of) says of it; a mark after a run is on
       its last character, a run after a cut caret starts anew */
    char ascii[0x5F + 1];
    for (int c = 0x20; c < 0x7F; c++) {
        CHECK_MSG(text_cp_width((uint32_t)c) == 1, "width of 0x%02X: %d", c,
                  text_cp_width((uint32_t)c));
        ascii[c - 0x20] = (char)c;
    }
    ascii[0x5F] = '\0';
    w = text_sanitize(&b, ascii, 0x5F);
    CHECK_STR(b.p, ascii);
    CHECK(w == 0x5F);
    buf_free(&b);
    w = text_sanitize(&b, "e\xcc\x81\x01x\xcc\x81", 7);
    CHECK_STR(b.p, "e\xcc\x81^Ax\xcc\x81");
    CHECK(w == 4);
    buf_free(&b);

    CHECK(text_width("", 0) == 0);
    CHECK(text_width("abc", 3) == 3);
    CHECK(text_width("中文", 6) == 4);
    CHECK(text_width("e\xcc\x81", 3) == 1);

    /* every line of samples/mixed.txt: units, text_width and
     * text_sanitize agree */
    size_t n;
    char *s = t_slurp("samples/mixed.txt", &n);
    CHECK(s != NULL);
    if (!s)
        return;
    int lines = 0, bad_units = 0, bad_san = 0;
    for (size_t i = 0; i < n;) {
        const char *lf = memchr(s + i, '\n', n - i);
        size_t e = lf ? (size_t)(lf - s) : n;
        text_units(&T, s + i, e - i);
        size_t tw = text_width(s + i, e - i);
        if (sum_w() != tw) {
            bad_units++;
            fprintf(stderr, "  mixed.txt line %d: units %zu, width %zu\n",
                    lines + 1, sum_w(), tw);
        }
        buf_t d = {0};
        if (text_sanitize(&d, s + i, e - i) != tw)
            bad_san++;
        buf_free(&d);
        lines++;
        i = e + 1;
    }
    CHECK(lines == 51);
    CHECK_MSG(bad_units == 0, "%d lines where units width != text_width",
              bad_units);
    CHECK_MSG(bad_san == 0, "%d lines where text_sanitize != text_width",
              bad_san);
    free(s);
}

static void test_decode(void)
{
    uint32_t cp;
    CHECK(text_decode("A", 1, &cp) == 1);
    CHECK(cp == 'A');
    CHECK(text_decode("\xc3\xa9", 2, &cp) == 2);
    CHECK(cp == 0xE9);
    CHECK(text_decode("\xe4\xb8\xad", 3, &cp) == 3);
    CHECK(cp == 0x4E2D);
    CHECK(text_decode("\xf0\x9f\x98\x80", 4, &cp) == 4);
    CHECK(cp == 0x1F600);
    CHECK(text_decode("\xf4\x8f\xbf\xbf", 4, &cp) == 4);
    CHECK(cp == 0x10FFFF);
    /* decoding stops at n */
    CHECK(text_decode("ab", 2, &cp) == 1);
    CHECK(cp == 'a');
    /* overlong NUL */
    CHECK(text_decode("\xc0\x80", 2, &cp) == 1);
    CHECK(cp == 0xFFFD);
    /* overlong 3-byte */
    CHECK(text_decode("\xe0\x80\x80", 3, &cp) == 1);
    CHECK(cp == 0xFFFD);
    /* surrogate */
    CHECK(text_decode("\xed\xa0\x80", 3, &cp) == 1);
    CHECK(cp == 0xFFFD);
    /* beyond U+10FFFF */
    CHECK(text_decode("\xf4\x90\x80\x80", 4, &cp) == 1);
    CHECK(cp == 0xFFFD);
    /* truncated by n */
    CHECK(text_decode("\xe4\xb8\xad", 2, &cp) == 1);
    CHECK(cp == 0xFFFD);
    /* lone continuation byte */
    CHECK(text_decode("\x80", 1, &cp) == 1);
    CHECK(cp == 0xFFFD);
}

static void check_contiguous(const char *path)
{
    size_t n;
    char *s = t_slurp(path, &n);
    CHECK_MSG(s != NULL, "%s", path);
    if (!s)
        return;
    text_units(&T, s, n);
    size_t bad = 0;
    for (size_t i = 0; i < T.n; i++)
        if (!(T.u[i].doff <= T.u[i + 1].doff) ||
            !(T.u[i].off < T.u[i + 1].off)) {
            if (!bad)
                fprintf(stderr, "  %s: unit %zu off %u->%u doff %u->%u\n",
                        path, i, T.u[i].off, T.u[i + 1].off, T.u[i].doff,
                        T.u[i + 1].doff);
            bad++;
        }
    CHECK_MSG(bad == 0, "%s: %zu units out of order", path, bad);
    CHECK(T.n > 0);
    CHECK(T.u[0].off == 0);
    CHECK(T.u[0].doff == 0);
    CHECK(T.u[T.n].off == n);
    CHECK(T.u[T.n].doff == T.disp.n);
    free(s);
}

/* Display growth: 1,000 ESC (2 display bytes each) then 100 ASCII letters.
 * Run in a child so that a heap overflow cannot take the other checks
 * with it. The child exits 0 when the display is right and stayed inside
 * its allocation. */
/* What text_count_reading counts: CH_CJK characters one by one (an
 * iteration mark, the prolonged sound mark, fullwidth letters; not the
 * middle dot, not a combining sound mark apart from its kana) and words
 * of Latin letters (ế included). */
static void test_count_reading(void)
{
    static const struct {
        const char *s;
        size_t cjk, words;
    } C[] = {
        {"中文字", 3, 0},
        {"人々", 2, 0},
        {"コーヒー・ブレイク", 8, 0},
        {"\xE3\x81\x8B\xE3\x82\x99", 1, 0}, /* か + U+3099: が */
        {"ＮＨＫ", 3, 0},
        {"한국어", 3, 0},
        {"Tiếng Việt", 0, 2},
        {"Ελληνικά", 0, 0}, /* only Latin makes words */
        {"abc 123, déjà-vu", 0, 4},
        {"，。「」！", 0, 0},
    };
    for (size_t i = 0; i < sizeof C / sizeof *C; i++) {
        size_t cjk = 0, words = 0;
        text_count_reading(C[i].s, strlen(C[i].s), &cjk, &words);
        CHECK_MSG(cjk == C[i].cjk && words == C[i].words, "%s: %zu characters, %zu words", C[i].s,
                  cjk, words);
    }
}

static void test_display_growth(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char s[1100];
        memset(s, 0x1b, 1000);
        memset(s + 1000, 'a', 100);
        units_t t = {0};
        text_units(&t, s, sizeof s);
        int ok = t.n == 1100 && t.disp.n == 2100 && t.disp.n <= t.disp.cap;
        for (size_t i = 0; ok && i < 1000; i++)
            ok = t.disp.p[2 * i] == '^' && t.disp.p[2 * i + 1] == '[';
        for (size_t i = 2000; ok && i < 2100 && i < t.disp.cap; i++)
            ok = t.disp.p[i] == 'a';
        if (!ok)
            fprintf(stderr, "  child: n=%zu disp.n=%zu disp.cap=%zu\n", t.n,
                    t.disp.n, t.disp.cap);
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    CHECK(pid > 0);
    if (pid > 0)
        waitpid(pid, &st, 0);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "text_units on 1000 ESC + 100 'a': child %s %d "
              "(display written past its allocation)",
              WIFEXITED(st) ? "exited" : "killed by signal",
              WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* Differential: the cluster starts text_units() marks (with its fast path
 * for paragraphs of trivially segmented characters) are exactly those of
 * libunistring's u8_grapheme_breaks(), on random strings drawn from every
 * grapheme-break class. */
static void test_grapheme_oracle(void)
{
    static const uint32_t pool[] = {
        'a', 'Z', ' ', '1', 0x4E2D, 0x6587, 0x3042, 0x30A2, 0xFF21, 0x3002,
        0x0301, 0x0308, 0x200D, 0xFE0F, 0x1F468, 0x1F469, 0x1F600, 0x1F3FD,
        0x1F1E8, 0x1F1F3, 0x1100, 0x1161, 0x11A8, 0xAC00, 0xAC01, 0x0915,
        0x093F, 0x094D, 0x0600, 0x000D, 0x000A, 0x0009, 0x001B, 0x00AD,
        0x200B, 0x202E, 0xE0061, 0x2764, 0x20E3, 0x0E33, 0x0BCD,
    };
    uint64_t x = 88172645463325252ULL;
    int bad = 0;
    units_t t = {0};
    for (int iter = 0; iter < 3000; iter++) {
        char s[256];
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int len = 1 + (int)(x % 30);
        for (int k = 0; k < len; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly simple characters, so both paths are taken */
            uint32_t c = pool[(x >> 8) % (x % 4 ? 10 : sizeof pool / sizeof *pool)];
            n += (size_t)u8_uctomb((uint8_t *)s + n, c, (int)(sizeof s - n));
        }
        char gb[256];
        u8_grapheme_breaks((const uint8_t *)s, n, gb);
        text_units(&t, s, n);
        /* every cluster start libunistring reports begins a unit marked
         * U_CLUSTER, and every U_CLUSTER unit starts at one */
        size_t u = 0;
        for (size_t i = 0; i < n; i++) {
            int oracle = i == 0 || gb[i];
            while (u < t.n && t.u[u].off < i)
                u++;
            int ours = u < t.n && t.u[u].off == i && (t.u[u].flags & U_CLUSTER);
            /* a cluster of dropped characters only may merge into the
             * previous unit; a unit never starts inside a cluster */
            if ((ours && !oracle) ||
                (oracle && !ours && u < t.n && t.u[u].off == i))
                bad++;
        }
    }
    units_free(&t);
    CHECK_MSG(bad == 0, "%d cluster boundaries differ from libunistring", bad);
}

/* The width table is filled a page at a time on first use, by whichever
 * thread needs it: two threads measuring every BMP character in opposite
 * orders must agree with each other, with a pass made afterwards, and
 * with text_cp_width (the slow path) for ASCII, Han and kana. */
static int lazy_w[2][0x10000];

static void measure(int k)
{
    for (uint32_t i = 0; i < 0x10000; i++) {
        uint32_t c = k ? 0xFFFF - i : i;
        uint8_t u[4];
        int n = c >= 0xD800 && c <= 0xDFFF ? 0 : u8_uctomb(u, c, 4);
        lazy_w[k][c] = n > 0 ? (int)text_width((const char *)u, (size_t)n) : -1;
    }
}

static void *measure_thread(void *arg)
{
    measure(1);
    return arg;
}

static void test_lazy_table(void)
{
    pthread_t th;
    int threaded = pthread_create(&th, NULL, measure_thread, NULL) == 0;
    measure(0);
    if (threaded)
        pthread_join(th, NULL);
    else
        measure(1);
    int same = 1, again = 1, slow = 1;
    for (uint32_t c = 0; c < 0x10000; c++) {
        same &= lazy_w[0][c] == lazy_w[1][c];
        uint8_t u[4];
        int n = c >= 0xD800 && c <= 0xDFFF ? 0 : u8_uctomb(u, c, 4);
        if (n > 0)
            again &= lazy_w[0][c] == (int)text_width((const char *)u, (size_t)n);
        if ((c >= 0x20 && c < 0x7F) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3041 && c <= 0x3096))
            slow &= lazy_w[0][c] == text_cp_width(c);
    }
    CHECK(same);
    CHECK(again);
    CHECK(slow);
    CHECK(lazy_w[0][0x4E2D] == 2 && lazy_w[0]['a'] == 1);
}

/* safe_path shares no buffer (issue 18, item 10): two paths in one
 * message are two paths; a path whose safe form is too long is cut at a
 * character and ends in "…". */
static void test_safe_path(void)
{
    char m[2 * SAFE_PATH_MAX + 64];
    snprintf(m, sizeof m, "%s: cannot write the index %s", safe_path("qa.txt"),
             safe_path("/c/\x1b[31mqa.idx"));
    CHECK_MSG(!strcmp(m, "qa.txt: cannot write the index /c/^[[31mqa.idx"), "[%s]", m);
    buf_t b = {0};
    for (int i = 0; i < 2000; i++)
        buf_adds(&b, "路");
    size_t n = strlen(safe_path(b.p));
    CHECK_MSG(n < SAFE_PATH_MAX && n > SAFE_PATH_MAX - 8, "cut to %zu bytes", n);
    CHECK(!strcmp(safe_path(b.p) + n - 6, "路…"));
    CHECK(!strcmp(safe_path(""), ""));
    buf_free(&b);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_ascii();
    test_han();
    test_combining();
    test_emoji();
    test_controls();
    test_unknown_and_invalid();
    test_spaces();
    test_sanitize_width();
    test_decode();
    check_contiguous("samples/mixed.txt");
    check_contiguous("samples/japanese.txt");
    check_contiguous("samples/interview.txt");
    test_display_growth();
    test_count_reading();
    test_grapheme_oracle();
    test_lazy_table();
    test_safe_path();
    units_free(&T);
    return T_DONE("test_text");
}
