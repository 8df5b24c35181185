/* aozora: Aozora Bunko notation (青空文庫注記): which documents use it, and
 * what a reader sees of one of their lines.
 *
 * Contract: az_detect() tells from a text's content whether it is written
 * in the notation, reading at most its first 64 KiB and last 16 KiB: the
 * legend 【テキスト中に現れる記号について】, an annotation ［＃…］, or the
 * colophon (a line 底本：… followed by 入力：, 校正： or 青空文庫). A Chinese
 * text's 《书名》 is none of these. az_legend() finds the legend block (its
 * dashed lines included), az_colophon() the colophon's first line.
 * az_line() parses one source line into items: runs of its text (with the
 * styles of 傍点, 傍線, 太字, 斜体), ruby readings (漢字《かんじ》 after a run
 * of kanji, ｜青空《あおぞら》, ［＃「X」に「Y」のルビ］) and gaiji
 * (※［＃「…」、第3水準1-85-54］: the character, for a JIS X 0213 men-ku-ten
 * through iconv's EUC-JISX0213 or a U+XXXX; else 〔description〕). Items are
 * source ranges, so everything shown maps back to the document; what is
 * between them (annotations, 《》, ｜, ※) is not shown. Cuts say where the
 * line turns into a heading (見出し in every form: ［＃「X」は中見出し］ after X,
 * ［＃中見出し］X［＃中見出し終わり］, 同行 and 窓 見出し, whose text after the
 * heading is text again) or flush right (地付き, 地からN字上げ); the line's
 * 字下げ at its start and its block annotations (ここから… / ここで…終わり)
 * are reported for the caller to apply. Every other annotation (改ページ,
 * 縦中横, ママ, 底本では…) is hidden; an illustration (挿絵, 図) shows as
 * [图: caption]. A 《, ｜ or ［＃ that opens nothing is text. No structure,
 * no output. */
#ifndef JUAN_AOZORA_H
#define JUAN_AOZORA_H
#include "util.h"
#include <stddef.h>
#include <stdint.h>

/* ※: what starts a gaiji (※［＃…］), shown as the character it describes;
 * AZ_GAIJI_OPEN: the UTF-8 it starts with (※ and an annotation's ［＃). */
enum { AZ_GAIJI = 0x203B };
#define AZ_GAIJI_OPEN "\u203B\uFF3B\uFF03"

int az_detect(const char *t, size_t n);
/* The legend block [*a, return) (from its first dashed line to the line
 * after its last), or 0 when the text has none near its start. */
size_t az_legend(const char *t, size_t n, size_t *a);
/* Where a line longer than a paragraph piece may be cut at or after m
 * (before e): para_cut's place, moved past a reading or an annotation it
 * would cut (see para.h); e when nowhere. */
size_t az_cut(const char *t, size_t m, size_t e);
/* The start of the colophon's first line (底本：…, the last one at a line
 * start), or n when there is none. */
size_t az_colophon(const char *t, size_t n);

enum { AZ_TEXT, AZ_RUBY, AZ_LIT };    /* item kinds */
enum { AZ_EM = 1, AZ_STRONG = 2 };    /* item styles */

typedef struct {
    size_t off, len;   /* AZ_TEXT: text shown; AZ_RUBY: the reading;
                          AZ_LIT: the source it stands for (※［＃…］) */
    uint32_t lit, llen; /* AZ_LIT: its bytes in the line's lit */
    uint8_t kind, style;
} az_item_t;

/* What a cut starts: text, a heading (n: 1 大, 2 中, 3 小見出し), or text
 * flush right with n characters kept free after it. */
enum { AZ_PARA, AZ_HEAD, AZ_RIGHT };
typedef struct {
    size_t item;  /* the first item it holds */
    int what, n;
} az_cut_t;

/* Block annotations: ここからN字下げ[、折り返してM字下げ] (n, n2), ここで字下げ
 * 終わり; ここから地付き / 地からN字上げ (n), their end; ここから中見出し (n as
 * above), its end; ここから太字 / 斜体 (n: AZ_*), their end. */
enum {
    AZB_INDENT = 1, AZB_INDENT_END, AZB_RIGHT, AZB_RIGHT_END, AZB_HEAD,
    AZB_HEAD_END, AZB_STYLE, AZB_STYLE_END
};
typedef struct {
    int op, n, n2;
} az_block_t;

enum { AZ_MAXCUT = 8, AZ_MAXBLK = 4 };

typedef struct {
    az_item_t *v;
    size_t n, cap;
    buf_t lit;
    az_cut_t cut[AZ_MAXCUT]; /* cut[0] is at item 0 */
    size_t ncut;
    az_block_t blk[AZ_MAXBLK];
    size_t nblk;
    int indent, indent2; /* ［＃N字下げ］ (and 、折り返してM字下げ, or
                            ［＃折り返してM字下げ］) before its text; -1: none */
    int style;           /* set by the caller: styles of every item (a
                            ここから太字 block) */
} az_line_t;

void az_init(az_line_t *L);
void az_free(az_line_t *L);
/* Parse the line t[start, end) (its terminator excluded) into L. */
void az_line(az_line_t *L, const char *t, size_t start, size_t end);
/* The text shown of items [a, b) (readings left out) added to out. */
void az_text(const az_line_t *L, const char *t, size_t a, size_t b, buf_t *out);

#endif
