/* encoding: detection, conversion to UTF-8, repair, offset mapping.
 * Reference conversions are made with iconv(3) here, independently of
 * src/encoding.c. */
#include "encoding.h"
#include "t.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#define U(s) ((const unsigned char *)(s))

/* Convert s[0..n) from `from` to `to` with iconv(3); NULL on any error.
 * *out_n gets the length. */
static char *conv(const char *to, const char *from, const char *s, size_t n,
                  size_t *out_n)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = n * 4 + 16;
    char *out = xmalloc(cap);
    char *in = (char *)s, *o = out;
    size_t inl = n, outl = cap;
    size_t r = iconv(cd, &in, &inl, &o, &outl);
    if (r != (size_t)-1)
        r = iconv(cd, NULL, NULL, &o, &outl);
    iconv_close(cd);
    if (r == (size_t)-1) {
        free(out);
        return NULL;
    }
    *out_n = (size_t)(o - out);
    return out;
}

static const char *detect(const void *s, size_t n, size_t *bom)
{
    return enc_detect(U(s), n, bom);
}

static void test_bom(void)
{
    size_t bom = 99;
    CHECK_STR(detect("\xef\xbb\xbf" "abc", 6, &bom), "UTF-8");
    CHECK(bom == 3);
    CHECK_STR(detect("\xff\xfe" "a\0", 4, &bom), "UTF-16LE");
    CHECK(bom == 2);
    CHECK_STR(detect("\xfe\xff\0a", 4, &bom), "UTF-16BE");
    CHECK(bom == 2);
    /* a BOM alone */
    CHECK_STR(detect("\xef\xbb\xbf", 3, &bom), "UTF-8");
    CHECK(bom == 3);

    CHECK_STR(detect("中文abc", strlen("中文abc"), &bom), "UTF-8");
    CHECK(bom == 0);
    CHECK_STR(detect("hello, world\n", 13, &bom), "UTF-8");
    CHECK(bom == 0);
    CHECK_STR(detect("", 0, &bom), "UTF-8");
}

static void test_samples(void)
{
    size_t nu, nb, ng;
    char *utf8 = t_slurp("samples/traditional.txt", &nu);
    char *big5 = t_slurp("samples/traditional.big5.txt", &nb);
    char *gb = t_slurp("samples/traditional.gb18030.txt", &ng);
    CHECK(utf8 && big5 && gb);
    if (!utf8 || !big5 || !gb)
        goto out;
    size_t bom = 9;
    CHECK_STR(detect(big5, nb, &bom), "CP950");
    CHECK(bom == 0);
    CHECK_STR(detect(gb, ng, &bom), "GB18030");
    CHECK(bom == 0);
    CHECK_STR(detect(utf8, nu, &bom), "UTF-8");

    enc_result_t r;
    CHECK(enc_convert("CP950", U(big5), nb, &r) == 0);
    CHECK(r.len == nu);
    CHECK(r.len == nu && !memcmp(r.text, utf8, nu));
    CHECK(r.text[r.len] == '\0');
    CHECK(r.nbad == 0);
    free(r.text);
    enc_result_free(&r);

    CHECK(enc_convert("GB18030", U(gb), ng, &r) == 0);
    CHECK(r.len == nu);
    CHECK(r.len == nu && !memcmp(r.text, utf8, nu));
    CHECK(r.nbad == 0);

    /* source offsets: the byte length of text[0..off) re-encoded */
    int bad = 0, tried = 0;
    for (int k = 0; k < 20; k++) {
        size_t off = r.len * (size_t)k / 20;
        while (off < r.len && ((unsigned char)r.text[off] & 0xC0) == 0x80)
            off++;
        size_t want = 0;
        char *e = conv("GB18030", "UTF-8", r.text, off, &want);
        if (!e) {
            bad++;
            continue;
        }
        free(e);
        tried++;
        size_t got = enc_src_offset(&r, "GB18030", off);
        if (got != want) {
            bad++;
            fprintf(stderr, "  GB18030 text off %zu: src %zu, want %zu\n", off,
                    got, want);
        }
    }
    CHECK(tried == 20);
    CHECK_MSG(bad == 0, "%d of 20 GB18030 offsets wrong", bad);
    CHECK(enc_src_offset(&r, "GB18030", 0) == 0);
    CHECK(enc_src_offset(&r, "GB18030", r.len) == ng);
    free(r.text);
    enc_result_free(&r);
out:
    free(utf8);
    free(big5);
    free(gb);
}

static void test_short_cjk(void)
{
    size_t bom;
    /* "中文測試" in CP950: a4a4 a4e5 b4fa b8d5 */
    const char *big5 = "\xa4\xa4\xa4\xe5\xb4\xfa\xb8\xd5";
    CHECK_STR(detect(big5, 8, &bom), "CP950");
    /* "中文测试" in GB18030: d6d0 cec4 b2e2 cad4 */
    const char *gb = "\xd6\xd0\xce\xc4\xb2\xe2\xca\xd4";
    CHECK_STR(detect(gb, 8, &bom), "GB18030");

    enc_result_t r;
    CHECK(enc_convert("CP950", U(big5), 8, &r) == 0);
    CHECK_STR(r.text, "中文測試");
    free(r.text);
    enc_result_free(&r);
    CHECK(enc_convert("GB18030", U(gb), 8, &r) == 0);
    CHECK_STR(r.text, "中文测试");
    free(r.text);
    enc_result_free(&r);
}

static void test_sjis(void)
{
    size_t bom;
    /* two sentences, made here with iconv(3) */
    const char *ja = "今日はとても良い天気ですね。散歩に行きましょう。";
    size_t n = 0;
    char *sj = conv("CP932", "UTF-8", ja, strlen(ja), &n);
    CHECK(sj != NULL);
    if (sj) {
        CHECK_STR(detect(sj, n, &bom), "CP932");
        enc_result_t r;
        CHECK(enc_convert("CP932", U(sj), n, &r) == 0);
        CHECK_STR(r.text, ja);
        CHECK(r.nbad == 0);
        free(r.text);
        enc_result_free(&r);
        free(sj);
    }

    size_t nj;
    char *jt = t_slurp("samples/japanese.txt", &nj);
    CHECK(jt != NULL);
    if (!jt)
        return;
    sj = conv("CP932", "UTF-8", jt, nj, &n);
    CHECK(sj != NULL);
    if (sj) {
        CHECK_STR(detect(sj, n, &bom), "CP932");
        enc_result_t r;
        CHECK(enc_convert("CP932", U(sj), n, &r) == 0);
        CHECK(r.len == nj);
        CHECK(r.len == nj && !memcmp(r.text, jt, nj));
        CHECK(r.nbad == 0);
        free(r.text);
        enc_result_free(&r);
        free(sj);
    }
    free(jt);
}

static void test_valid_prefix(void)
{
    CHECK(enc_utf8_valid_prefix(U("abc\xff" "def"), 7) == 3);
    CHECK(enc_utf8_valid_prefix(U(""), 0) == 0);
    CHECK(enc_utf8_valid_prefix(U("abcdefghijklmnop"), 16) == 16);
    /* the ASCII fast path must stop at a bad byte after 8 good ones */
    CHECK(enc_utf8_valid_prefix(U("abcdefghij\x80klmnopq"), 17) == 10);
    CHECK(enc_utf8_valid_prefix(U("中文"), 6) == 6);
    CHECK(enc_utf8_valid_prefix(U("\xf0\x9f\x98\x80"), 4) == 4);
    CHECK(enc_utf8_valid_prefix(U("\xf4\x8f\xbf\xbf"), 4) == 4);
    CHECK(enc_utf8_valid_prefix(U("\xed\x9f\xbf"), 3) == 3); /* U+D7FF */
    /* overlong */
    CHECK(enc_utf8_valid_prefix(U("a\xc0\x80"), 3) == 1);
    CHECK(enc_utf8_valid_prefix(U("a\xc1\xbf"), 3) == 1);
    CHECK(enc_utf8_valid_prefix(U("ab\xe0\x80\x80"), 5) == 2);
    CHECK(enc_utf8_valid_prefix(U("ab\xe0\x9f\xbf"), 5) == 2);
    CHECK(enc_utf8_valid_prefix(U("\xf0\x8f\xbf\xbf"), 4) == 0);
    /* surrogates */
    CHECK(enc_utf8_valid_prefix(U("中\xed\xa0\x80"), 6) == 3);
    CHECK(enc_utf8_valid_prefix(U("\xed\xbf\xbf"), 3) == 0);
    /* beyond U+10FFFF */
    CHECK(enc_utf8_valid_prefix(U("x\xf4\x90\x80\x80"), 5) == 1);
    CHECK(enc_utf8_valid_prefix(U("\xf5\x80\x80\x80"), 4) == 0);
    /* truncated at the end */
    CHECK(enc_utf8_valid_prefix(U("\xe4\xb8"), 2) == 0);
    CHECK(enc_utf8_valid_prefix(U("中\xe4\xb8"), 5) == 3);
    CHECK(enc_utf8_valid_prefix(U("ab\xf0\x9f\x98"), 5) == 2);
    CHECK(enc_utf8_valid_prefix(U("ab\xc3"), 3) == 2);
    /* a bad continuation byte */
    CHECK(enc_utf8_valid_prefix(U("\xe4\x41\xad"), 3) == 0);
    CHECK(enc_utf8_valid_prefix(U("\xe4\xb8\xc0"), 3) == 0);
    /* n limits the scan */
    CHECK(enc_utf8_valid_prefix(U("中文"), 4) == 3);
}

/* The hand validator (kept for its speed, see encoding.c) against
 * libunistring's u8_check(): every sequence of up to three bytes after
 * "ab", the four-byte ones with continuation bytes at the edges of their
 * ranges, and random mixtures of ASCII, CJK and bad bytes. */
static size_t ref_prefix(const unsigned char *s, size_t n)
{
    const uint8_t *bad = u8_check(s, n);
    return bad ? (size_t)(bad - s) : n;
}

/* Long runs of 3-byte characters (the validator's 48-byte steps), every
 * lead among them (E0 and ED with their bounded second bytes), one byte
 * of the run replaced by a random one, against u8_check(). */
static size_t cjk_runs_checked(void)
{
    unsigned seed = 7;
    size_t bad = 0, t;
    for (t = 0; t < 40000; t++) {
        unsigned char m[200];
        size_t n = 0, chars = 20 + (size_t)(rand_r(&seed) % 40);
        if (t & 1)
            m[n++] = 'x'; /* the run starting off the vectors' alignment */
        for (size_t k = 0; k < chars; k++) {
            unsigned lead = 0xE0 + (unsigned)rand_r(&seed) % 16;
            unsigned lo = lead == 0xE0 ? 0xA0 : 0x80, hi = lead == 0xED ? 0x9F : 0xBF;
            m[n++] = (unsigned char)lead;
            m[n++] = (unsigned char)(lo + (unsigned)rand_r(&seed) % (hi - lo + 1));
            m[n++] = (unsigned char)(0x80 + (unsigned)rand_r(&seed) % 64);
        }
        if (t % 8) /* (one in eight left whole) */
            m[(size_t)rand_r(&seed) % n] = (unsigned char)rand_r(&seed);
        bad += enc_utf8_valid_prefix(m, n) != ref_prefix(m, n);
    }
    CHECK_MSG(bad == 0, "%zu of %zu runs of CJK disagree with u8_check", bad, t);
    return t;
}

static void test_valid_prefix_ref(void)
{
    size_t bad = 0, checked = 0;
    unsigned char b[16] = "ab";
    for (uint32_t v = 0; v < 1u << 24; v += (v >> 16) < 0x80 ? 0x10000 - (v & 0xFFFF) : 1) {
        b[2] = (unsigned char)(v >> 16);
        b[3] = (unsigned char)(v >> 8);
        b[4] = (unsigned char)v;
        for (size_t n = 3; n <= 5; n++, checked++)
            bad += enc_utf8_valid_prefix(b, n) != ref_prefix(b, n);
    }
    static const unsigned char edge[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
    for (unsigned lead = 0xF0; lead <= 0xFF; lead++)
        for (size_t x = 0; x < 512; x++, checked++) {
            b[2] = (unsigned char)lead;
            b[3] = edge[x & 7];
            b[4] = edge[x >> 3 & 7];
            b[5] = edge[x >> 6 & 7];
            bad += enc_utf8_valid_prefix(b, 6) != ref_prefix(b, 6);
        }
    static const char *const piece[] = {"a", "abcdefghij", "中", "文", "\xF0\x9F\x98\x80", "é",
                                        "\x80", "\xFF", "\xE4\xB8", "\xED\xA0\x80", "\xC0\x80"};
    unsigned seed = 1;
    for (int t = 0; t < 20000; t++, checked++) {
        unsigned char m[256];
        size_t n = 0;
        for (;;) {
            seed = seed * 1103515245 + 12345;
            /* mostly good text, now and then a bad piece */
            const char *p = piece[(seed >> 16) % ((seed >> 8) % 64 ? 6 : 11)];
            if (n + strlen(p) > sizeof m)
                break;
            memcpy(m + n, p, strlen(p));
            n += strlen(p);
        }
        bad += enc_utf8_valid_prefix(m, n) != ref_prefix(m, n);
    }
    CHECK_MSG(bad == 0, "%zu of %zu inputs: the valid prefix differs from u8_check's", bad,
              checked);
}

static void test_repair(void)
{
    enc_result_t r;
    /* "中" ff "文" e4 */
    const char *d = "\xe4\xb8\xad\xff\xe6\x96\x87\xe4";
    CHECK(enc_convert("UTF-8", U(d), 8, &r) == 0);
    CHECK_STR(r.text, "中\xef\xbf\xbd文\xef\xbf\xbd");
    CHECK(r.len == 12);
    CHECK(r.nbad == 2);
    CHECK(enc_src_offset(&r, "UTF-8", 0) == 0);
    CHECK(enc_src_offset(&r, "UTF-8", 3) == 3);
    CHECK(enc_src_offset(&r, "UTF-8", 6) == 4);
    CHECK(enc_src_offset(&r, "UTF-8", 9) == 7);
    CHECK(enc_src_offset(&r, "UTF-8", 12) == 8);
    free(r.text);
    enc_result_free(&r);

    /* "你好" ff "你" + truncated c4 */
    const char *g = "\xc4\xe3\xba\xc3\xff\xc4\xe3\xc4";
    CHECK(enc_convert("GB18030", U(g), 8, &r) == 0);
    CHECK_STR(r.text, "你好\xef\xbf\xbd你\xef\xbf\xbd");
    CHECK(r.len == 15);
    CHECK(r.nbad == 2);
    CHECK(enc_src_offset(&r, "GB18030", 0) == 0);
    CHECK(enc_src_offset(&r, "GB18030", 3) == 2);
    CHECK(enc_src_offset(&r, "GB18030", 6) == 4);
    CHECK(enc_src_offset(&r, "GB18030", 9) == 5);
    CHECK(enc_src_offset(&r, "GB18030", 12) == 7);
    CHECK(enc_src_offset(&r, "GB18030", 15) == 8);
    free(r.text);
    enc_result_free(&r);

    /* valid input: nothing replaced */
    CHECK(enc_convert("UTF-8", U("abc"), 3, &r) == 0);
    CHECK_STR(r.text, "abc");
    CHECK(r.nbad == 0);
    free(r.text);
    enc_result_free(&r);

    /* an empty buffer converts to an empty string */
    CHECK(enc_convert("GB18030", U(""), 0, &r) == 0);
    CHECK(r.len == 0);
    CHECK(r.text != NULL && r.text[0] == '\0');
    free(r.text);
    enc_result_free(&r);

    /* a real U+FFFD in the source (GB18030 84 31 a4 37) is text, not a
     * replacement: nbad counts "replacement characters inserted" */
    CHECK(enc_convert("GB18030", U("a\x84\x31\xa4\x37" "b"), 6, &r) == 0);
    CHECK_STR(r.text, "a\xef\xbf\xbd" "b");
    CHECK_MSG(r.nbad == 0, "nbad = %zu for a source U+FFFD", r.nbad);
    CHECK(enc_src_offset(&r, "GB18030", 4) == 5);
    free(r.text);
    enc_result_free(&r);

    CHECK(enc_convert("NO-SUCH-ENCODING", U("abc"), 3, &r) == -1);
    free(r.text);
    enc_result_free(&r);
}

static void test_canonical(void)
{
    CHECK_STR(enc_canonical("gbk"), "GB18030");
    CHECK_STR(enc_canonical("GB2312"), "GB18030");
    CHECK_STR(enc_canonical("big5"), "CP950");
    CHECK_STR(enc_canonical("sjis"), "CP932");
    CHECK_STR(enc_canonical("Shift_JIS"), "CP932");
    CHECK_STR(enc_canonical("utf8"), "UTF-8");
    CHECK_STR(enc_canonical("utf-16le"), "UTF-16LE");
    CHECK_STR(enc_canonical("gb18030"), "GB18030");
    CHECK(enc_canonical("no-such-enc") == NULL);
}

static void test_utf16(void)
{
    /* "中文\nabc" in UTF-16LE, after an FF FE BOM */
    const char le[] = "\xff\xfe\x2d\x4e\x87\x65\x0a\x00\x61\x00\x62\x00"
                      "\x63\x00";
    size_t bom;
    CHECK_STR(detect(le, sizeof le - 1, &bom), "UTF-16LE");
    CHECK(bom == 2);
    enc_result_t r;
    CHECK(enc_convert("UTF-16LE", U(le + 2), sizeof le - 3, &r) == 0);
    CHECK_STR(r.text, "中文\nabc");
    CHECK(r.len == 10);
    CHECK(r.nbad == 0);
    CHECK(enc_src_offset(&r, "UTF-16LE", 3) == 2);  /* 文 */
    CHECK(enc_src_offset(&r, "UTF-16LE", 7) == 6);  /* a */
    CHECK(enc_src_offset(&r, "UTF-16LE", 10) == 12);
    free(r.text);
    enc_result_free(&r);

    const char be[] = "\x4e\x2d\x65\x87\x00\x0a\x00\x61";
    CHECK(enc_convert("UTF-16BE", U(be), sizeof be - 1, &r) == 0);
    CHECK_STR(r.text, "中文\na");
    free(r.text);
    enc_result_free(&r);

    /* an odd trailing byte is a truncated unit: one U+FFFD at the end */
    CHECK(enc_convert("UTF-16LE", U("\x61\x00\x62"), 3, &r) == 0);
    CHECK_STR(r.text, "a\xef\xbf\xbd");
    CHECK(r.nbad == 1);
    free(r.text);
    enc_result_free(&r);
}

/* Is b[0..n) among enc_forms(c) (codec NULL), or among enc_forms_in for
 * the guessable codec of that name? */
static int is_form_in(const char *codec, uint32_t c, const unsigned char *b, size_t n)
{
    buf_t f = {0};
    if (codec) {
        const char *const *names;
        size_t nc = enc_guessable(&names), k = 0;
        while (k < nc && strcmp(names[k], codec))
            k++;
        if (k == nc)
            CHECK_MSG(0, "%s is not guessable", codec);
        enc_forms_in(k, c, &f);
    } else {
        enc_forms(c, &f);
    }
    int found = 0;
    for (size_t i = 0; i < f.n && !found; i += 1 + (unsigned char)f.p[i])
        found = (unsigned char)f.p[i] == n && !memcmp(f.p + i + 1, b, n);
    buf_free(&f);
    return found;
}

static int is_form(uint32_t c, const unsigned char *b, size_t n)
{
    return is_form_in(NULL, c, b, n);
}

/* Does codec decode b[0..n) to one character? *c: which. */
static int decodes(const char *codec, const unsigned char *b, size_t n, uint32_t *c)
{
    iconv_t dec = iconv_open("UTF-32LE", codec);
    if (dec == (iconv_t)-1)
        return 0;
    unsigned char u[16];
    char *ip = (char *)b, *op = (char *)u;
    size_t il = n, ol = sizeof u;
    int ok = iconv(dec, &ip, &il, &op, &ol) != (size_t)-1 && !il &&
             iconv(dec, NULL, NULL, &op, &ol) != (size_t)-1 && sizeof u - ol == 4;
    iconv_close(dec);
    *c = (uint32_t)(u[0] | u[1] << 8 | u[2] << 16);
    return ok;
}

/* enc_forms_in of the stateful codecs, whose forms are made, not asked of
 * iconv: every character HZ and ISO-2022-JP decode a byte or a 7-bit pair
 * inside their escapes to is a form of it in that codec (the pair, or the
 * byte: ASCII, JIS-Roman's ¥ and ‾). */
static void test_stateful_forms(void)
{
    static const struct {
        const char *codec, *in1, *out1, *in2, *out2;
    } v[] = {
        {"HZ", "", "", "~{", "~}"},
        {"ISO-2022-JP", "", "", "\x1b$B", "\x1b(B"},
        {"ISO-2022-JP", "\x1b(J", "\x1b(B", "\x1b$@", "\x1b(B"},
    };
    size_t bad = 0, checked = 0;
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        for (unsigned a = 0x20; a < 0x7F; a++) {
            unsigned char b[16];
            size_t l1 = strlen(v[k].in1), l2 = strlen(v[k].out1);
            memcpy(b, v[k].in1, l1);
            b[l1] = (unsigned char)a;
            memcpy(b + l1 + 1, v[k].out1, l2);
            uint32_t c;
            if (a == '~' && !strcmp(v[k].codec, "HZ"))
                continue; /* (HZ's escape) */
            if (!decodes(v[k].codec, b, l1 + 1 + l2, &c))
                continue;
            checked++;
            if (!is_form_in(v[k].codec, c, &b[l1], 1) && bad++ < 5)
                fprintf(stderr, "%s %s%02X: U+%04X, not a form\n", v[k].codec, v[k].in1[0] ? "(roman) " : "", a, c);
        }
        for (unsigned a = 0x21; a < 0x7F; a++)
            for (unsigned t = 0x21; t < 0x7F; t++) {
                unsigned char b[16];
                size_t l1 = strlen(v[k].in2), l2 = strlen(v[k].out2);
                memcpy(b, v[k].in2, l1);
                b[l1] = (unsigned char)a, b[l1 + 1] = (unsigned char)t;
                memcpy(b + l1 + 2, v[k].out2, l2);
                uint32_t c;
                if (!decodes(v[k].codec, b, l1 + 2 + l2, &c) || c == 0xFFFD)
                    continue;
                checked++;
                if (!is_form_in(v[k].codec, c, &b[l1], 2) && bad++ < 5)
                    fprintf(stderr, "%s %02X%02X: U+%04X, not a form\n", v[k].codec, a, t, c);
            }
    }
    CHECK_MSG(bad == 0, "%zu of %zu stateful sequences are not forms", bad, checked);
    CHECK(checked > 10000);
}

/* enc_forms: every two-byte sequence that a CJK codec decodes to one
 * character is a form of it (iconv here, both ways: the sequences iconv
 * does not encode to, CP932's NEC and IBM rows, ..., all of them, the
 * others one in 97); the 7-bit pairs of HZ and ISO-2022-JP; UTF-16 and
 * EUC-TW's 4-byte plane 1. Fails when iconv's tables changed under
 * src/encalt.inc: `make preimage`. */
static void test_forms(void)
{
    static const char *const codecs[] = {"GB18030", "CP950", "BIG5-HKSCS", "CP932", "EUC-JP", "CP949"};
    size_t bad = 0, checked = 0, seen = 0;
    /* under valgrind (JUAN_TEST_QUICK) one lead byte in 16 */
    unsigned lead_step = getenv("JUAN_TEST_QUICK") ? 16 : 1;
    for (size_t k = 0; k < sizeof codecs / sizeof *codecs; k++) {
        iconv_t dec = iconv_open("UTF-32LE", codecs[k]), enc = iconv_open(codecs[k], "UTF-32LE");
        CHECK(dec != (iconv_t)-1 && enc != (iconv_t)-1);
        if (dec == (iconv_t)-1 || enc == (iconv_t)-1)
            continue;
        for (unsigned l = 0x81; l <= 0xFE; l += lead_step)
            for (unsigned t = 0x40; t <= 0xFE; t++) {
                unsigned char b[2] = {(unsigned char)l, (unsigned char)t}, u[16], back[16];
                char *ip = (char *)b, *op = (char *)u;
                size_t il = 2, ol = sizeof u;
                iconv(dec, NULL, NULL, NULL, NULL);
                if (iconv(dec, &ip, &il, &op, &ol) == (size_t)-1 || il || sizeof u - ol != 4)
                    continue;
                uint32_t c = u[0] | u[1] << 8 | u[2] << 16;
                ip = (char *)u, op = (char *)back, il = 4, ol = sizeof back;
                iconv(enc, NULL, NULL, NULL, NULL);
                int canonical = iconv(enc, &ip, &il, &op, &ol) != (size_t)-1 &&
                                sizeof back - ol == 2 && !memcmp(back, b, 2);
                seen++;
                if (c == 0xFFFD || (canonical && seen % 97))
                    continue;
                checked++;
                if (!is_form_in(codecs[k], c, b, 2) && bad++ < 5)
                    fprintf(stderr, "%s %02X%02X (U+%04X): not a form\n", codecs[k], l, t, c);
            }
        iconv_close(dec);
        iconv_close(enc);
    }
    CHECK_MSG(bad == 0, "%zu of %zu byte sequences are not forms of what they decode to",
              bad, checked);
    CHECK(checked > (lead_step > 1 ? 50u : 1000u));
    CHECK(is_form(0x5B9D, U("1&"), 2));          /* 宝 in HZ: ~{1&~} */
    CHECK(is_form_in("HZ", 0x5B9D, U("1&"), 2));
    /* a sequence: ※［＃ in GB18030, UTF-16LE; in HZ, one escape's pairs */
    const char *const *names;
    size_t nc = enc_guessable(&names);
    static const uint32_t gaiji[] = {0x203B, 0xFF3B, 0xFF03};
    static const struct {
        const char *codec;
        const char *b;
        size_t n;
    } seq[] = {
        {"GB18030", "\xA1\xF9\xA3\xDB\xA3\xA3", 6},
        {"UTF-16LE", "\x3B\x20\x3B\xFF\x03\xFF", 6},
        {"HZ", "!y#[##", 6},
    };
    for (size_t i = 0; i < sizeof seq / sizeof *seq; i++) {
        size_t k = 0;
        while (k < nc && strcmp(names[k], seq[i].codec))
            k++;
        buf_t f = {0};
        enc_forms_seq_in(k, gaiji, 3, &f);
        CHECK_MSG(f.n == 1 + seq[i].n && (size_t)(unsigned char)f.p[0] == seq[i].n &&
                      !memcmp(f.p + 1, seq[i].b, seq[i].n),
                  "※［＃ in %s", seq[i].codec);
        buf_free(&f);
    }
    CHECK(!is_form_in("GB18030", 0x5B9D, U("1&"), 2));
    CHECK(is_form_in("GB18030", 0x5B9D, U("\xB1\xA6"), 2));
    CHECK(!is_form_in("CP950", 0x5B9D, U("\xB1\xA6"), 2));
    CHECK(is_form(0x5B9D, U("\x9D\x5B"), 2));  /* UTF-16LE */
    CHECK(is_form(0x5B9D, U("\xE5\xAE\x9D"), 3)); /* UTF-8 */
    CHECK(is_form(0x2235, U("\xFA\x5B"), 2));  /* ∵ in CP932's IBM row (its NEC one: 81E6) */
    size_t n;
    char *tw = conv("EUC-TW", "UTF-8", "\xE4\xB8\x80", 3, &n); /* 一 */
    CHECK(tw && n == 2);
    if (tw && n == 2) {
        unsigned char w[4] = {0x8E, 0xA1, (unsigned char)tw[0], (unsigned char)tw[1]};
        char *u = conv("UTF-8", "EUC-TW", (const char *)w, 4, &n);
        CHECK(u && n == 3 && !memcmp(u, "\xE4\xB8\x80", 3));
        CHECK(is_form(0x4E00, w, 4));
        free(u);
    }
    free(tw);
}

/* enc_decode_few: a codec's first characters, as enc_convert gives them
 * (U+FFFD for a code unit that starts none); a stateful codec: -1. */
static void test_decode_few(void)
{
    const char *const *names;
    size_t nc = enc_guessable(&names), gb = nc, hz = nc, u16 = nc;
    for (size_t k = 0; k < nc; k++) {
        gb = !strcmp(names[k], "GB18030") ? k : gb;
        hz = !strcmp(names[k], "HZ") ? k : hz;
        u16 = !strcmp(names[k], "UTF-16LE") ? k : u16;
    }
    CHECK(gb < nc && hz < nc && u16 < nc);
    uint32_t cp[4] = {0};
    /* 宝玉 in GB18030, then an invalid byte, then a */
    const unsigned char b[] = {0xB1, 0xA6, 0xD3, 0xF1, 0xFF, 'a'};
    CHECK(enc_decode_few(gb, b, sizeof b, cp, 2) == 2 && cp[0] == 0x5B9D && cp[1] == 0x7389);
    CHECK(enc_decode_few(gb, b + 2, sizeof b - 2, cp, 4) == 3 && cp[0] == 0x7389 &&
          cp[1] == 0xFFFD && cp[2] == 'a');
    CHECK(enc_decode_few(gb, b + 1, 1, cp, 2) == 1 && cp[0] == 0xFFFD); /* (cut short) */
    const unsigned char w[] = {0x9D, 0x5B, 'x', 0};
    CHECK(enc_decode_few(u16, w, sizeof w, cp, 4) == 2 && cp[0] == 0x5B9D && cp[1] == 'x');
    CHECK(enc_decode_few(hz, (const unsigned char *)"~{", 2, cp, 2) == -1);
}

int main(void)
{
    setlocale(LC_ALL, "");
    test_forms();
    test_stateful_forms();
    test_decode_few();
    text_init_locale();
    test_bom();
    test_samples();
    test_short_cjk();
    test_sjis();
    test_valid_prefix();
    test_valid_prefix_ref();
    cjk_runs_checked();
    test_repair();
    test_canonical();
    test_utf16();
    return T_DONE("test_encoding");
}
