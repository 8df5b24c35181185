/* chars.h's classes against libunistring's properties and the standards'
 * lists; utf8.h's decoder against libunistring's. */
#include "chars.h"
#include "t.h"
#include "utf8.h"

#include <iconv.h>
#include <pthread.h>
#include <string.h>
#include <unictype.h>
#include <uniname.h>
#include <uniwidth.h>

/* ---- the decoder ---------------------------------------------------------- */

/* What utf8_decode must give: libunistring's decoding, U+FFFD and one byte
 * for anything it rejects. */
static int ref_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    ucs4_t u;
    int k = u8_mbtoucr(&u, p, n);
    *cp = k > 0 ? u : 0xFFFD;
    return k > 0 ? k : 1;
}

/* Every sequence of one to three bytes, whole and cut short, and the four
 * byte sequences with every lead byte and continuation bytes at the edges
 * of their ranges. */
static void test_decode(void)
{
    size_t bad = 0, n_checked = 0;
    unsigned char b[4];
    for (uint32_t v = 0; v < 1u << 24; v++) {
        b[0] = (unsigned char)(v >> 16);
        b[1] = (unsigned char)(v >> 8);
        b[2] = (unsigned char)v;
        b[3] = 0x80;
        for (size_t n = 1; n <= 3; n++) {
            if (n < 3 && (v & ((1u << (8 * (3 - n))) - 1)))
                continue; /* shorter inputs: once per prefix */
            uint32_t c, r;
            int k = utf8_decode((const char *)b, n, &c), kr = ref_decode(b, n, &r);
            n_checked++;
            if (k != kr || c != r) {
                if (bad++ < 5)
                    fprintf(stderr, "%02X %02X %02X (n %zu): %04X/%d, want %04X/%d\n", b[0],
                            b[1], b[2], n, c, k, r, kr);
            }
        }
    }
    static const unsigned char edge[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
    for (unsigned lead = 0xF0; lead <= 0xFF; lead++)
        for (size_t x = 0; x < sizeof edge; x++)
            for (size_t y = 0; y < sizeof edge; y++)
                for (size_t z = 0; z < sizeof edge; z++)
                    for (size_t n = 1; n <= 4; n++) {
                        b[0] = (unsigned char)lead;
                        b[1] = edge[x];
                        b[2] = edge[y];
                        b[3] = edge[z];
                        uint32_t c, r;
                        int k = utf8_decode((const char *)b, n, &c), kr = ref_decode(b, n, &r);
                        n_checked++;
                        if (k != kr || c != r)
                            bad++;
                    }
    CHECK_MSG(bad == 0, "%zu of %zu inputs decoded unlike u8_mbtoucr", bad, n_checked);

    uint32_t c;
    CHECK(utf8_decode("\xEF\xBF\xBD", 3, &c) == 3 && c == 0xFFFD && !utf8_invalid(c, 3));
    CHECK(utf8_decode("\xE4\xB8", 2, &c) == 1 && utf8_invalid(c, 1)); /* cut short */
    CHECK(utf8_decode("\xED\xA0\x80", 3, &c) == 1 && c == 0xFFFD);    /* surrogate */
    CHECK(utf8_decode("\xE0\x9F\xBF", 3, &c) == 1 && c == 0xFFFD);    /* overlong */
    CHECK(utf8_decode("\xEF\xBC\x8C", 3, &c) == 3 && c == 0xFF0C);    /* ， */

    const char *s = "a中\x80\x80\x80\x80";
    CHECK(utf8_back(s, 0, 3) == 1);  /* inside 中: its start */
    CHECK(utf8_back(s, 0, 1) == 1);
    CHECK(utf8_back(s, 0, 7) == 4);  /* stray bytes: at most three back */
    CHECK(utf8_back(s, 2, 3) == 2);  /* never before lo */
    const char *u = "a中b\x80\x80";
    CHECK(utf8_next(u, 2, 7) == 4);  /* inside 中: the next character */
    CHECK(utf8_next(u, 1, 7) == 1);
    CHECK(utf8_next(u, 5, 7) == 7);  /* a run of stray bytes passed whole */
    CHECK(utf8_next(u, 5, 6) == 6);  /* never past hi */
    size_t wrong = 0; /* continuation bytes: 10xxxxxx */
    for (unsigned b = 0; b < 256; b++)
        wrong += !utf8_is_cont((unsigned char)b) != !(b >= 0x80 && b <= 0xBF);
    CHECK(wrong == 0);
}

/* ---- the classes ------------------------------------------------------- */

#define HAS(c, k) ((ch_class(c) & (k)) == (k))
#define HASNT(c, k) ((ch_class(c) & (k)) == 0)

static void test_examples(void)
{
    CHECK(HAS(U'中', CH_HAN | CH_UNIFIED | CH_LETTER | CH_CJK));
    CHECK(HAS(0x20000, CH_HAN | CH_UNIFIED | CH_CJK)); /* 𠀀 */
    CHECK(HAS(0xF900, CH_HAN) && HASNT(0xF900, CH_UNIFIED)); /* 豈: NFKC changes it */
    CHECK(HAS(0xFA0E, CH_HAN | CH_UNIFIED));                 /* a unified one there */
    CHECK(HAS(U'々', CH_HAN | CH_CJK | CH_NO_START));
    CHECK(HASNT(0x4DC0, CH_HAN | CH_LETTER)); /* ䷀ a hexagram, between two Han blocks */
    CHECK(HAS(0x4DBF, CH_HAN) && HAS(0x3400, CH_HAN) && HASNT(0x33FF, CH_HAN));
    CHECK(HAS(U'あ', CH_KANA | CH_CJK) && HASNT(U'あ', CH_NO_START | CH_HAN));
    CHECK(HAS(U'ァ', CH_KANA | CH_NO_START));
    CHECK(HAS(U'ㇰ', CH_KANA | CH_NO_START | CH_CJK)); /* U+31F0 */
    CHECK(HAS(U'ｱ', CH_KANA) && HASNT(U'ｱ', CH_CJK)); /* halfwidth: narrow */
    CHECK(HAS(U'ー', CH_CJK | CH_NO_START) && HASNT(U'ー', CH_KANA));
    CHECK(HASNT(U'・', CH_KANA | CH_CJK | CH_LETTER) && HAS(U'・', CH_NO_START));
    CHECK(HASNT(0x3099, CH_KANA | CH_CJK) && HASNT(U'゛', CH_KANA | CH_CJK));
    CHECK(HASNT(0x3040, CH_KANA | CH_CJK | CH_LETTER)); /* unassigned */
    CHECK(HASNT(0x3100, CH_KANA) && HAS(U'ㄅ', CH_CJK)); /* Bopomofo */
    CHECK(HAS(U'한', CH_CJK | CH_LETTER) && HASNT(U'한', CH_HAN | CH_KANA));
    CHECK(HAS(U'Ａ', CH_FW_ALNUM | CH_CJK) && HASNT(U'Ａ', CH_FW_DIGIT));
    CHECK(HAS(U'０', CH_FW_DIGIT | CH_FW_ALNUM) && HAS(U'９', CH_FW_DIGIT));
    CHECK(HASNT(0xFF0F, CH_FW_ALNUM) && HASNT(0xFF1A, CH_FW_ALNUM) &&
          HASNT(0xFF20, CH_FW_ALNUM) && HASNT(0xFF3B, CH_FW_ALNUM) &&
          HASNT(0xFF40, CH_FW_ALNUM) && HASNT(0xFF5B, CH_FW_ALNUM));
    CHECK(HAS(U'ｚ', CH_FW_ALNUM) && HAS(U'Ｚ', CH_FW_ALNUM) && HAS(U'ａ', CH_FW_ALNUM));
    CHECK(HAS(U'é', CH_WORD | CH_LETTER) && HAS(0x1EBF, CH_WORD) /* ế */);
    CHECK(HAS(U'α', CH_LETTER) && HASNT(U'α', CH_WORD | CH_CJK));
    CHECK(HASNT('a', CH_WORD) && HAS('a', CH_LETTER) && HASNT('1', CH_LETTER));
    CHECK(HASNT(0x0661, CH_LETTER)); /* Arabic-Indic one: a digit */
    CHECK(HASNT(U'×', CH_WORD | CH_LETTER));
    CHECK(HAS(U'。', CH_NO_START | CH_CJK_PUNCT) && HAS(U'，', CH_NO_START | CH_CJK_PUNCT));
    CHECK(HAS(U'」', CH_NO_START) && HAS(U'「', CH_NO_END) && HASNT(U'「', CH_NO_START));
    CHECK(HAS(U'／', CH_NO_START | CH_NO_END)); /* JLREQ: both */
    CHECK(HAS(U'—', CH_INSEP | CH_CJK_PUNCT) && HAS(U'…', CH_INSEP) && HAS(U'⋯', CH_INSEP));
    CHECK(HAS(U'“', CH_OPEN_Q | CH_NO_END) && HAS(U'’', CH_CLOSE_Q | CH_NO_START));
    CHECK(HAS(U'·', CH_MIDDOT | CH_CJK_PUNCT) && HASNT(U'·', CH_NO_START));
    /* ASCII punctuation beside CJK: the kinsoku of its fullwidth form */
    for (uint32_t c = 0; c < 0x110000; c++) {
        uint32_t k = ch_class(c);
        if (k & (CH_ASCII_NO_START | CH_ASCII_NO_END))
            CHECK_MSG(c > 0x20 && c < 0x7F &&
                          HAS(c + 0xFEE0, k & CH_ASCII_NO_START ? CH_NO_START : CH_NO_END) &&
                          !((k & CH_ASCII_NO_START) && (k & CH_ASCII_NO_END)),
                      "U+%04X", c);
    }
    for (const char *c = ",.?!:;)]}%"; *c; c++)
        CHECK_MSG(HAS((uint32_t)*c, CH_ASCII_NO_START), "%c", *c);
    for (const char *c = "([{"; *c; c++)
        CHECK_MSG(HAS((uint32_t)*c, CH_ASCII_NO_END), "%c", *c);
    CHECK(HAS(0x2000, CH_CJK_PUNCT) && HAS(0x206F, CH_CJK_PUNCT) && HASNT(0x1FFF, CH_CJK_PUNCT) &&
          HASNT(0x2070, CH_CJK_PUNCT) && HAS(0xFFEF, CH_CJK_PUNCT) && HASNT(0xFFF0, CH_CJK_PUNCT) &&
          HAS(0x3000, CH_CJK_PUNCT) && HAS(0x303F, CH_CJK_PUNCT) && HASNT(0x3040, CH_CJK_PUNCT));
    CHECK(HAS(' ', CH_BLANK) && HAS('\t', CH_BLANK) && HAS(0x3000, CH_BLANK));
    CHECK(HASNT(0xA0, CH_BLANK) && HASNT('\n', CH_BLANK) && HASNT(0x2003, CH_BLANK));
    CHECK(HAS(0x200D, CH_DROP) && HAS(0xFE0F, CH_DROP) && HAS(0x1F3FB, CH_DROP) &&
          HAS(0xE0001, CH_DROP) && HAS(0xE007F, CH_DROP) && HASNT(0xE0100, CH_DROP));
    CHECK(HAS(0x202E, CH_ESCAPE) && HAS(0x85, CH_ESCAPE) && HAS(0x1D173, CH_ESCAPE) &&
          HASNT(0x202F, CH_ESCAPE) && HASNT(0x200D, CH_ESCAPE));
    CHECK(HAS(0, CH_BIN_CTRL) && HAS(0x06, CH_BIN_CTRL) && HAS(0x0E, CH_BIN_CTRL) &&
          HAS(0x1A, CH_BIN_CTRL) && HAS(0x1C, CH_BIN_CTRL) && HAS(0x7F, CH_BIN_CTRL) &&
          HAS(0x85, CH_BIN_CTRL) && HAS(0x9F, CH_BIN_CTRL));
    CHECK(HASNT('\a', CH_BIN_CTRL) && HASNT('\b', CH_BIN_CTRL) && HASNT('\t', CH_BIN_CTRL) &&
          HASNT('\n', CH_BIN_CTRL) && HASNT('\v', CH_BIN_CTRL) && HASNT('\f', CH_BIN_CTRL) &&
          HASNT('\r', CH_BIN_CTRL) && HASNT(0x1B, CH_BIN_CTRL) && HASNT(' ', CH_BIN_CTRL) &&
          HASNT(0xA0, CH_BIN_CTRL) && HASNT(0xFFFD, CH_BIN_CTRL) && HASNT(0x200E, CH_BIN_CTRL));
    CHECK(ch_class(0xD800) == 0 && ch_class(0x110000) == 0 && ch_class(UINT32_MAX) == 0);
}

/* Every code point against the properties each class is defined by. */
/* Whether GB 2312 (as iconv knows it) encodes the code point c. */
static int in_gb2312(uint32_t c)
{
    iconv_t cd = iconv_open("GB2312", "UTF-32LE");
    if (cd == (iconv_t)-1)
        return -1;
    unsigned char in[4] = {c & 0xFF, c >> 8 & 0xFF, c >> 16 & 0xFF, 0}, out[8];
    char *ip = (char *)in, *op = (char *)out;
    size_t il = sizeof in, ol = sizeof out;
    int ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1;
    iconv_close(cd);
    return ok;
}

static void test_exhaustive(void)
{
    CHECK_MSG(in_gb2312(0x201C) == 1 && in_gb2312(0x201F) == 0, "iconv has no GB2312");
    const uc_script_t *han = uc_script_byname("Han"), *hira = uc_script_byname("Hiragana"),
                      *kata = uc_script_byname("Katakana"), *latin = uc_script_byname("Latin");
    size_t bad[12] = {0};
    for (uint32_t c = 0; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        uint32_t k = ch_class(c);
        const uc_script_t *s = uc_script(c);
        int letter = uc_is_general_category(c, UC_CATEGORY_L);
        int alpha = uc_is_property_alphabetic(c), wide = uc_width(c, "UTF-8") == 2;
        bad[0] += !(k & CH_HAN) != !(letter && s == han);
        bad[1] += !(k & CH_KANA) != !(letter && (s == hira || s == kata));
        bad[2] += !(k & CH_UNIFIED) != !uc_is_property_unified_ideograph(c);
        bad[3] += !(k & CH_LETTER) != !alpha;
        bad[4] += !(k & CH_CJK) != !(alpha && wide);
        bad[5] += !(k & CH_WORD) != !(alpha && !wide && c >= 0x80 && s == latin);
        bad[6] += !(k & CH_BLANK) != !ch_blank(c);
        bad[7] += (k & CH_FW_DIGIT) && !(k & CH_FW_ALNUM);
        /* the controls but those text styled for a terminal uses */
        bad[8] += !(k & CH_BIN_CTRL) != !(uc_is_general_category(c, UC_CATEGORY_Cc) &&
                                          !(c && strchr("\a\b\t\n\v\f\r\x1B", (int)c)));
        bad[9] += !(k & CH_BIN_CTRL) != !ch_bin_ctrl(c);
        bad[10] += !ch_space(c) != !((k & CH_BLANK) || (c && c < 0x80 && strchr("\n\v\f\r", (int)c)));
        /* the quotes of the rule beside wide text: the initial and final
         * quotes that GB 2312, the Chinese national set, encodes */
        int gb = (uc_is_general_category(c, UC_CATEGORY_Pi) ||
                  uc_is_general_category(c, UC_CATEGORY_Pf)) && in_gb2312(c);
        bad[11] += !(k & CH_OPEN_Q) != !(gb && uc_is_general_category(c, UC_CATEGORY_Pi));
        bad[11] += !(k & CH_CLOSE_Q) != !(gb && uc_is_general_category(c, UC_CATEGORY_Pf));
    }
    static const char *const name[] = {"HAN",   "KANA",     "UNIFIED",  "LETTER",   "CJK",
                                       "WORD",  "BLANK",    "FW_DIGIT", "BIN_CTRL", "BIN_CTRL table",
                                       "BLANK and line ends (ch_space)", "OPEN_Q / CLOSE_Q (initial/final quotes of GB 2312)"};
    for (int i = 0; i < 12; i++)
        CHECK_MSG(bad[i] == 0, "CH_%s differs from its definition at %zu code points", name[i],
                  bad[i]);
}

/* The line-breaking lists agree with Unicode where it has something to say:
 * a bracket's mirror is in the other list, every small kana letter may not
 * start a line, every closing bracket of the CJK punctuation blocks may not
 * start one and every opening one may not end one. */
static void test_kinsoku(void)
{
    size_t bad = 0, small = 0, brackets = 0;
    for (uint32_t c = 0; c < 0x10000; c++) {
        uint32_t k = ch_class(c), m;
        /* (libunistring 1.0 gives U+FFFD as the mirror of the brackets at
         * U+FE59 and after: those are checked by block below) */
        if ((k & (CH_NO_START | CH_NO_END)) && uc_mirror_char(c, &m) && m != c && m != 0xFFFD) {
            uint32_t want = k & CH_NO_END ? CH_NO_START : CH_NO_END;
            if (!(ch_class(m) & want) && c != U'／') {
                bad++;
                fprintf(stderr, "U+%04X: its mirror U+%04X lacks the other class\n", c, m);
            }
        }
        char nm[UNINAME_MAX];
        if ((k & CH_KANA) && unicode_character_name(c, nm) && strstr(nm, " LETTER SMALL ")) {
            small++;
            if (!(k & CH_NO_START)) {
                bad++;
                fprintf(stderr, "%s may start a line\n", nm);
            }
        }
        const uc_block_t *b = uc_block(c);
        if (b && (!strcmp(b->name, "CJK Symbols and Punctuation") ||
                  !strcmp(b->name, "Halfwidth and Fullwidth Forms") ||
                  !strcmp(b->name, "Small Form Variants"))) {
            if (uc_is_general_category(c, UC_CATEGORY_Pe) && !(k & CH_NO_START)) {
                bad++;
                fprintf(stderr, "U+%04X closes but may start a line\n", c);
            }
            if (uc_is_general_category(c, UC_CATEGORY_Ps) && !(k & CH_NO_END)) {
                bad++;
                fprintf(stderr, "U+%04X opens but may end a line\n", c);
            }
            brackets += uc_is_general_category(c, UC_CATEGORY_Pe);
        }
        if ((k & CH_NO_START) && (k & CH_NO_END) && c != U'／')
            bad++;
    }
    CHECK_MSG(bad == 0, "%zu disagreements", bad);
    CHECK_MSG(small == 49, "%zu small kana letters in the BMP (Unicode 14: 49)", small);
    CHECK(brackets >= 19);
}

/* Pages filled from several threads at once give one table. */
static void *fill_backwards(void *arg)
{
    uint32_t *sum = arg;
    for (uint32_t c = 0x3FFFF;; c -= 97) {
        *sum += ch_class(c) * (c & 7);
        if (c < 97)
            break;
    }
    return NULL;
}

static void test_threads(void)
{
    pthread_t t[3];
    uint32_t sum[3] = {0};
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, fill_backwards, &sum[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    uint32_t again = 0;
    fill_backwards(&again);
    CHECK(sum[0] == again && sum[1] == again && sum[2] == again);
}

/* The BMP's generated classes (src/chclass.inc) are what chars.c works
 * out (ch_fill_), for every code point: after a change of its lists or of
 * libunistring, `make preimage`. */
static void test_generated(void)
{
    size_t bad = 0;
    for (uint32_t c = 0; c < 0x10000; c++)
        if (ch_class(c) != ch_fill_(c) && bad++ < 5)
            fprintf(stderr, "U+%04X: src/chclass.inc has %#x, chars.c makes %#x\n", (unsigned)c,
                    (unsigned)ch_class(c), (unsigned)ch_fill_(c));
    CHECK_MSG(bad == 0, "%zu code points of the BMP differ from src/chclass.inc (make preimage)",
              bad);
}

int main(void)
{
    test_threads(); /* first: the table is empty */
    test_generated();
    test_decode();
    test_examples();
    test_exhaustive();
    test_kinsoku();
    return T_DONE("test_chars");
}
