/* heuristics: what one line or paragraph of CJK text looks like — a
 * conventional heading, a speaker's turn.
 *
 * Contract: pure functions over one paragraph's source text (UTF-8,
 * leading and trailing blanks already removed; no line terminators but
 * the one a Markdown paragraph may hold after a bold name); no
 * allocation, no global state. Document-level rules (a speaker must start
 * at least two paragraphs; minor headings only count where several occur;
 * heading levels) belong to the structure module. */
#ifndef JUAN_HEURISTICS_H
#define JUAN_HEURISTICS_H
#include <stddef.h>

/* Heading families, each one kind of numbering. */
enum {
    HF_NONE = 0,
    HF_NUM2,     /* 01 标题, 02 标题 (2-3 ASCII digits, then blanks) */
    HF_NUMDOT,   /* 1. 标题, 2、标题, 3．标题 */
    HF_CJKNUM,   /* 一、标题, 十二、标题 */
    HF_PAREN,    /* （一）标题, (一) 标题, （1）标题 */
    HF_HUI,      /* 第十二回 标题, 第3回 */
    HF_ZHANG,    /* 第3章, 第三章 标题, 第二节 标题 */
    HF_BUFEN,    /* 第二部分, 第一部分 标题 */
    HF_BRACKET,  /* 【标题】 alone on its line */
    HF_CHAPTER,  /* Chapter 7, CHAPTER VII, Chapter 7: Title */
    HF_MINOR,    /* a short standalone line (candidate minor heading) */
    HF_LOOSE,    /* a short standalone line with pauses (，、) or wholly
                    quoted (“我不后悔，但我很累”): a subhead only where the
                    document uses such lines as subheads */
    HF_COUNT
};

/* Family of a line that stands alone as a paragraph, or HF_NONE. A
 * byline (文｜某某, 文/某某, 撰文 某某) and a promotional line (关注, 点击,
 * 扫码, 公众号, 阅读原文 ...) are never a minor or loose heading. */
int heading_family(const char *s, size_t n);

/* Does the paragraph start with a speaker prefix: NAME： NAME: **NAME**：
 * **NAME：** 【NAME】 (colon optional after 】), or one of the other forms
 * of speaker_label()? NAME is 1..12 cells with
 * no sentence punctuation. On success returns 1 and sets the name's byte
 * range within s and *prefix_len, the bytes of the whole prefix (markup,
 * colon and any blanks after it). */
int speaker_prefix(const char *s, size_t n, size_t *name_off, size_t *name_len,
                   size_t *prefix_len);

/* The label forms speaker_label() tells apart (SPK_HEADING: a Markdown
 * heading that is a label, SPK_ALONE a Markdown paragraph that is only a
 * label: the structure module's). */
enum { SPK_NONE, SPK_PLAIN, SPK_BOLD, SPK_BOLDQ, SPK_BRACKET, SPK_HEADING,
       SPK_ALONE };

/* speaker_prefix() that also tells the label's form: SPK_PLAIN NAME：,
 * SPK_BRACKET 【NAME】, SPK_BOLD a bold name (**NAME**：, **NAME** ：,
 * **NAME** then a line break and ：, **NAME** **：**, **NAME：**), SPK_BOLDQ
 * a label that opens a bold run closed later (**NAME：question？**; the
 * prefix ends after the colon). */
int speaker_label(const char *s, size_t n, size_t *name_off, size_t *name_len,
                  size_t *prefix_len, int *form);

/* Two names are one speaker when equal after removing blanks (暗涌 and
 * 暗涌 ; "Q" and "Q"). Returns 1 if they are the same. */
int speaker_same(const char *a, size_t an, const char *b, size_t bn);

#endif
