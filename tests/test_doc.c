/* doc: opening files in every encoding, errors, binary detection and
 * source offsets. Fixtures are samples/ and temp files under /tmp. */
#include "chars.h"
#include "doc.h"
#include "encoding.h"
#include "t.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A temp file holding s[0..n); the caller unlinks and frees the path. */
static char *tmpfile_with(const void *s, size_t n)
{
    char *path = xstrdup("/tmp/juan-test-doc-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    if (n && write(fd, s, n) != (ssize_t)n) {
        close(fd);
        unlink(path);
        free(path);
        return NULL;
    }
    close(fd);
    return path;
}

static void rm(char *path)
{
    if (path) {
        unlink(path);
        free(path);
    }
}

/* Byte length of UTF-8 s[0..n) in `enc` (iconv(3)); (size_t)-1 on error. */
static size_t encoded_len(const char *enc, const char *s, size_t n)
{
    iconv_t cd = iconv_open(enc, "UTF-8");
    if (cd == (iconv_t)-1)
        return (size_t)-1;
    size_t total = 0;
    char *in = (char *)s;
    size_t inl = n;
    while (inl) {
        char tmp[256], *o = tmp;
        size_t ol = sizeof tmp;
        size_t r = iconv(cd, &in, &inl, &o, &ol);
        total += sizeof tmp - ol;
        if (r == (size_t)-1 && errno != E2BIG) {
            iconv_close(cd);
            return (size_t)-1;
        }
    }
    iconv_close(cd);
    return total;
}

/* Byte offset of the k-th (0-based) character of UTF-8 s. */
static size_t char_off(const char *s, size_t n, size_t k)
{
    size_t i = 0;
    while (k && i < n) {
        uint32_t c;
        i += (size_t)text_decode(s + i, n - i, &c);
        k--;
    }
    return i;
}

static const doc_opts_t DETECT = {0};

static void test_samples(void)
{
    size_t nu;
    char *utf8 = t_slurp("samples/traditional.txt", &nu);
    CHECK(utf8 != NULL);
    if (!utf8)
        return;
    doc_t d;

    CHECK(doc_open(&d, "samples/traditional.big5.txt", &DETECT) == DOC_OK);
    CHECK_STR(d.encoding, "CP950");
    CHECK(d.converted == 1);
    CHECK(d.bom == 0);
    CHECK(d.src_len == 3539);
    CHECK(d.nbad == 0);
    CHECK(d.len == nu);
    CHECK(d.len == nu && !memcmp(d.text, utf8, nu));
    CHECK_STR(d.path, "samples/traditional.big5.txt");
    doc_close(&d);

    CHECK(doc_open(&d, "samples/traditional.gb18030.txt", &DETECT) ==
          DOC_OK);
    CHECK_STR(d.encoding, "GB18030");
    CHECK(d.converted == 1);
    CHECK(d.bom == 0);
    CHECK(d.nbad == 0);
    CHECK(d.len == nu);
    CHECK(d.len == nu && !memcmp(d.text, utf8, nu));
    /* source offset of the 10th character (and a few more) */
    size_t ng;
    char *gb = t_slurp("samples/traditional.gb18030.txt", &ng);
    CHECK(gb != NULL);
    size_t ks[] = {9, 0, 1, 100, 500, 1000};
    for (size_t j = 0; gb && j < sizeof ks / sizeof *ks; j++) {
        size_t off = char_off(d.text, d.len, ks[j]);
        size_t want = encoded_len("GB18030", d.text, off);
        size_t got = doc_src_offset(&d, off);
        CHECK_MSG(got == want, "char %zu (text off %zu): src %zu, want %zu",
                  ks[j], off, got, want);
        /* the source bytes there decode to that very character */
        uint32_t c;
        int k = text_decode(d.text + off, d.len - off, &c);
        size_t cl = encoded_len("GB18030", d.text + off, (size_t)k);
        char back[8];
        size_t bl = 0;
        if (got + cl <= ng && cl <= 4) {
            iconv_t cd = iconv_open("UTF-8", "GB18030");
            char *in = gb + got, *o = back;
            size_t inl = cl, ol = sizeof back;
            if (cd != (iconv_t)-1) {
                iconv(cd, &in, &inl, &o, &ol);
                iconv_close(cd);
            }
            bl = sizeof back - ol;
        }
        CHECK_MSG(bl == (size_t)k && !memcmp(back, d.text + off, bl),
                  "char %zu: source bytes at %zu hold another character",
                  ks[j], got);
    }
    /* "雨天與舊書店\n\n一、": the 10th character (、) is at source byte 16 */
    CHECK(doc_src_offset(&d, char_off(d.text, d.len, 9)) == 16);
    CHECK(doc_src_offset(&d, d.len) == ng);
    free(gb);
    doc_close(&d);

    CHECK(doc_open(&d, "samples/traditional.txt", &DETECT) == DOC_OK);
    CHECK_STR(d.encoding, "UTF-8");
    CHECK(d.converted == 0);
    CHECK(d.bom == 0);
    CHECK(d.len == nu);
    CHECK(d.src_len == nu);
    CHECK(d.len == nu && !memcmp(d.text, utf8, nu));
    CHECK(doc_src_offset(&d, 123) == 123);
    doc_close(&d);

    /* forced encoding beats detection (the Big5 file read as GB18030) */
    enc_result_t r;
    size_t nb;
    char *big5 = t_slurp("samples/traditional.big5.txt", &nb);
    CHECK(big5 != NULL);
    doc_opts_t gbo = {.encoding = "GB18030"};
    CHECK(doc_open(&d, "samples/traditional.big5.txt", &gbo) == DOC_OK);
    CHECK_STR(d.encoding, "GB18030");
    CHECK(d.converted == 1);
    CHECK(d.len != nu || memcmp(d.text, utf8, nu));
    if (big5 && enc_convert("GB18030", (const unsigned char *)big5, nb,
                            &r) == 0) {
        CHECK(d.len == r.len && !memcmp(d.text, r.text, r.len));
        CHECK(d.nbad == r.nbad);
        free(r.text);
        enc_result_free(&r);
    }
    free(big5);
    doc_close(&d);

    /* an alias is canonicalised */
    doc_opts_t gbk = {.encoding = "gbk"};
    CHECK(doc_open(&d, "samples/traditional.gb18030.txt", &gbk) == DOC_OK);
    CHECK_STR(d.encoding, "GB18030");
    CHECK(d.len == nu && !memcmp(d.text, utf8, nu));
    doc_close(&d);

    /* unknown encoding */
    doc_opts_t bad = {.encoding = "no-such\x1b[2J"};
    int rc = doc_open(&d, "samples/traditional.txt", &bad);
    CHECK(rc == DOC_ERR_ENCODING);
    char e[256];
    CHECK_STR(doc_error(&d, rc, e, sizeof e),
              "samples/traditional.txt: cannot convert from encoding 'no-such^[[2J'");
    doc_close(&d);
    free(utf8);
}

static void test_bom(void)
{
    const char u8[] = "\xef\xbb\xbf中文";
    char *p = tmpfile_with(u8, sizeof u8 - 1);
    CHECK(p != NULL);
    doc_t d;
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_OK);
        CHECK_STR(d.encoding, "UTF-8");
        CHECK(d.bom == 3);
        CHECK(d.len == 6);
        CHECK(d.len == 6 && !memcmp(d.text, "中文", 6));
        CHECK(d.src_len == 9);
        CHECK(doc_src_offset(&d, 3) == 6);
        doc_close(&d);
    }
    rm(p);

    /* "中文\nabc" in UTF-16LE with BOM */
    const char le[] = "\xff\xfe\x2d\x4e\x87\x65\x0a\x00\x61\x00\x62\x00"
                      "\x63\x00";
    p = tmpfile_with(le, sizeof le - 1);
    CHECK(p != NULL);
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_OK);
        CHECK_STR(d.encoding, "UTF-16LE");
        CHECK(d.bom == 2);
        CHECK(d.converted == 1);
        CHECK(d.len == 10);
        CHECK(d.len == 10 && !memcmp(d.text, "中文\nabc", 10));
        CHECK(doc_src_offset(&d, 7) == 8); /* 'a' */
        doc_close(&d);
    }
    rm(p);
}

static void test_errors_and_small(void)
{
    doc_t d;
    errno = 0;
    CHECK(doc_open(&d, "/nonexistent/juan/\x1b]0;x\a.txt", &DETECT) ==
          DOC_ERR_SYS);
    CHECK(errno == ENOENT);
    char e[256];
    errno = 0; /* the message does not depend on errno staying put */
    CHECK_STR(doc_error(&d, DOC_ERR_SYS, e, sizeof e),
              "/nonexistent/juan/^[]0;x^G.txt: No such file or directory");
    doc_close(&d);

    errno = 0;
    CHECK(doc_open(&d, "samples", &DETECT) == DOC_ERR_SYS);
    CHECK(errno == EISDIR);
    CHECK_STR(doc_error(&d, DOC_ERR_SYS, e, sizeof e), "samples: Is a directory");
    doc_close(&d);

    char *p = tmpfile_with("", 0);
    CHECK(p != NULL);
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_OK);
        CHECK(d.len == 0);
        CHECK(d.src_len == 0);
        CHECK_STR(d.encoding, "UTF-8");
        doc_close(&d);
    }
    rm(p);

    p = tmpfile_with("a", 1);
    CHECK(p != NULL);
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_OK);
        CHECK(d.len == 1);
        CHECK(d.len == 1 && d.text[0] == 'a');
        CHECK_STR(d.encoding, "UTF-8");
        CHECK(d.converted == 0);
        doc_close(&d);
    }
    rm(p);

    p = tmpfile_with("\xe4", 1);
    CHECK(p != NULL);
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_OK);
        CHECK(d.len == 3);
        CHECK(d.len == 3 && !memcmp(d.text, "\xef\xbf\xbd", 3));
        CHECK(d.nbad == 1);
        CHECK(d.converted == 1);
        doc_close(&d);
    }
    rm(p);
}

static void test_binary(void)
{
    unsigned char bin[4096];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)i;
    char *p = tmpfile_with(bin, sizeof bin);
    CHECK(p != NULL);
    doc_t d;
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_ERR_BINARY);
        char e[512], want[512];
        snprintf(want, sizeof want, "%s: binary file (use --force to view)", p);
        CHECK_STR(doc_error(&d, DOC_ERR_BINARY, e, sizeof e), want);
        doc_close(&d);
        doc_opts_t force = {.force = 1};
        CHECK(doc_open(&d, p, &force) == DOC_OK);
        CHECK(d.len > 0);
        CHECK(enc_utf8_valid_prefix((const unsigned char *)d.text, d.len) ==
              d.len);
        doc_close(&d);
    }
    rm(p);

    /* ~2 KB of Chinese with three NULs: text, not binary */
    buf_t b = {0};
    for (int i = 0; i < 70; i++) {
        buf_adds(&b, "中文測試，這是一段文字。");
        if (i % 25 == 10)
            buf_addc(&b, '\0');
        if (i % 10 == 9)
            buf_addc(&b, '\n');
    }
    CHECK(b.n > 2000);
    p = tmpfile_with(b.p, b.n);
    CHECK(p != NULL);
    if (p) {
        CHECK(doc_open(&d, p, &DETECT) == DOC_OK);
        CHECK_STR(d.encoding, "UTF-8");
        CHECK(d.len == b.n);
        CHECK(d.len == b.n && !memcmp(d.text, b.p, b.n));
        doc_close(&d);
    }
    rm(p);
    buf_free(&b);

    CHECK(doc_looks_binary("hello\n", 6) == 0);
    char zeros[100] = {0};
    CHECK(doc_looks_binary(zeros, sizeof zeros) == 1);
    /* mostly U+FFFD */
    buf_t f = {0};
    for (int i = 0; i < 20; i++)
        buf_adds(&f, "\xef\xbf\xbdx");
    CHECK(doc_looks_binary(f.p, f.n) == 1);
    buf_free(&f);
    /* escapes (ESC) and form feeds are text */
    const char *ansi = "\x1b[31mred\x1b[0m plain text\f\n\x1b[1mbold\x1b[0m";
    CHECK(doc_looks_binary(ansi, strlen(ansi)) == 0);
    /* fewer than 16 characters never look binary */
    CHECK(doc_looks_binary("\x01\x02\x03", 3) == 0);
}

/* doc_looks_binary's rule one character at a time (its definition):
 * controls of CH_BIN_CTRL and U+FFFD are at least a tenth of 16 or more
 * characters, in the first 64 KiB, as text_decode() reads them. */
static int binary_by_definition(const char *t, size_t len)
{
    size_t n = len < (64u << 10) ? len : (64u << 10), chars = 0, odd = 0;
    for (size_t i = 0; i < n; chars++) {
        uint32_t c;
        i += (size_t)text_decode(t + i, n - i, &c);
        odd += ch_bin_ctrl(c) || c == 0xFFFD;
    }
    return chars >= 16 && odd * 10 >= chars;
}

/* Random texts of CJK runs (the 48-byte blocks taken whole), U+FFFD at
 * any place in them, controls, C1 controls, invalid bytes, near the
 * rule's 10%: the same answer as the definition. */
static void test_binary_fast(void)
{
    static const char *const piece[] = {"中", "文", "，", "\xEF\xBF\xBD", "\x01", "\xC2\x85",
                                        "a", "\r\n", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xFF",
                                        "\xE4\xB8", "\x7F", "\t"};
    unsigned seed = 3;
    size_t bad = 0, yes = 0, t;
    for (t = 0; t < 20000; t++) {
        buf_t b = {0};
        size_t len = 16 + (size_t)rand_r(&seed) % 300;
        unsigned rare = 4 + (unsigned)rand_r(&seed) % 24; /* one odd piece in about this many */
        if (t == 0)
            len = 30000; /* (past 64 KiB) */
        for (size_t k = 0; k < len; k++) {
            unsigned r = (unsigned)rand_r(&seed);
            size_t j = r % rare ? (r / 7) % 3 : 3 + (r / 7) % 11;
            buf_adds(&b, piece[j]);
        }
        int want = binary_by_definition(b.p, b.n);
        yes += want;
        bad += doc_looks_binary(b.p, b.n) != want;
        buf_free(&b);
    }
    CHECK_MSG(bad == 0, "%zu of %zu texts judged otherwise than by the definition", bad, t);
    CHECK_MSG(yes > 1000 && yes < t - 1000, "both answers met (%zu binary)", yes);
}

/* The encoding name of an open document must not change when another
 * encoding name is canonicalised later. */
static void test_encoding_name_stable(void)
{
    /* EUC-JP "こんにちは、世界へようこそ。" (iconv -t EUC-JP) */
    const char ja[] = "\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf\xa1\xa2"
                      "\xc0\xa4\xb3\xa6\xa4\xd8\xa4\xe8\xa4\xa6\xa4\xb3"
                      "\xa4\xbd\xa1\xa3";
    char *p = tmpfile_with(ja, sizeof ja - 1);
    CHECK(p != NULL);
    if (!p)
        return;
    doc_t a, b;
    doc_opts_t eucjp = {.encoding = "euc-jp"};
    CHECK(doc_open(&a, p, &eucjp) == DOC_OK);
    CHECK_STR(a.encoding, "EUC-JP");
    CHECK_STR(a.text, "こんにちは、世界へようこそ。");
    size_t off = char_off(a.text, a.len, 10);
    CHECK(doc_src_offset(&a, off) == 20);

    doc_opts_t latin1 = {.encoding = "latin1", .force = 1};
    CHECK(doc_open(&b, "samples/traditional.txt", &latin1) == DOC_OK);
    CHECK_STR(b.encoding, "LATIN1");
    CHECK_STR(a.encoding, "EUC-JP");
    CHECK_MSG(doc_src_offset(&a, off) == 20, "src offset %zu after opening "
              "a LATIN1 document", doc_src_offset(&a, off));
    doc_close(&b);
    /* a doc_t copied elsewhere (the session keeps the one it loaded) keeps
     * its encoding when the original's memory is gone */
    doc_t c = a;
    memset(&a, 0x5A, sizeof a);
    CHECK_STR(c.encoding, "EUC-JP");
    CHECK(doc_src_offset(&c, off) == 20);
    a = c;
    doc_close(&a);
    rm(p);
}

/* doc_reopen gives the file loaded only while it is that file unchanged;
 * doc_changed says what happened to it. */
static void test_reopen(void)
{
    char *p = tmpfile_with("第一版。\n", strlen("第一版。\n"));
    char *q = tmpfile_with("第二版。\n", strlen("第二版。\n"));
    CHECK(p && q);
    if (!p || !q) {
        rm(p);
        rm(q);
        return;
    }
    doc_t d;
    CHECK(doc_open(&d, p, &DETECT) == DOC_OK && d.mtime_ns > 0);
    int fd = doc_reopen(&d);
    char b[32] = "";
    CHECK(fd >= 0 && pread(fd, b, sizeof b - 1, 0) == (ssize_t)d.len && !memcmp(b, d.text, d.len));
    if (fd >= 0)
        close(fd);
    CHECK(doc_changed(&d) == DOC_SAME);
    /* touched */
    struct timespec ts[2] = {{0, UTIME_OMIT}, {d.mtime_ns / 1000000000 + 5, 0}};
    CHECK(utimensat(AT_FDCWD, p, ts, 0) == 0);
    CHECK(doc_reopen(&d) < 0 && doc_changed(&d) == DOC_MODIFIED);
    /* replaced by another file of its size */
    CHECK(rename(q, p) == 0);
    CHECK(doc_reopen(&d) < 0 && doc_changed(&d) == DOC_REPLACED);
    /* gone */
    CHECK(unlink(p) == 0);
    CHECK(doc_reopen(&d) < 0 && doc_changed(&d) == DOC_GONE);
    doc_close(&d);
    free(p);
    free(q);
    /* standard input is not opened again */
    memset(&d, 0, sizeof d);
    d.path = "-";
    CHECK(doc_reopen(&d) < 0);
}

int main(void)
{
    setlocale(LC_ALL, "");
    text_init_locale();
    test_samples();
    test_bom();
    test_errors_and_small();
    test_binary();
    test_binary_fast();
    test_encoding_name_stable();
    test_reopen();
    return T_DONE("test_doc");
}
