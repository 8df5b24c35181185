/* st_talk: the speakers of the structure module — which paragraphs and
 * Markdown headings are speaker labels, which are not (a key to the
 * labels, credits, link-only, promotional and footer lines, which also end
 * a running turn), and the resolution of the scanner's events into
 * speakers, turns and the turn table (see st_int.h); included by the
 * structure module's files alone.
 *
 * Contract. A label is a paragraph's prefix (speaker_label(): NAME：,
 * **NAME**：, **NAME：question？**, ...), a whole Markdown paragraph that is
 * only a label (**NAME：**), or a whole Markdown heading: NAME： (any level;
 * a Latin name, a parenthesised second name allowed), ROLE：NAME (the
 * speaker is NAME), or a bare NAME when NAME is an established speaker.
 * Labels on a line of their own (headings, label-only paragraphs) count
 * only where at least two names label three turns in that form, each
 * followed by a paragraph. A key to the labels (NAME：title lines in one
 * paragraph, or a plain text's adjacent lines, first labels of their
 * names) is no turn. Names are folded without blanks and a trailing
 * parenthesised part. A speaker is a name whose labels start two turns or
 * more, a known label (问/答/Q/A/记者/主持人...), or a name labelled once
 * in a form an established speaker uses, with a short name that is no
 * role word (作者, 编辑, 地址...), between the established turns. A whole bold
 * paragraph without a label, after the first turn and right before a
 * labelled answer, is a question of the interviewer (the speaker who asks:
 * bold questions, a known label, or most turns ending in a question mark)
 * where at least two such paragraphs occur; with no interviewer it ends the
 * running turn. A turn runs over the unlabelled paragraphs after it until
 * the next turn, heading, rule, stop line, or the end of the block quote or
 * list that holds it. In Markdown a heading label becomes a paragraph that
 * starts the turn (the speech under it, tight, as under a label-only
 * paragraph), and a bold question's body is no longer bold: only the label
 * is emphasised. */
#ifndef JUAN_ST_TALK_H
#define JUAN_ST_TALK_H
#include "st_int.h"

/* stx_item_t.stop: why a paragraph ends a running turn */
enum { STX_STOP_NONE, STX_STOP_KEY, STX_STOP_CREDIT, STX_STOP_LINK,
       STX_STOP_PROMO };

/* A paragraph (not a heading): its label (candidate, form, name, prefix)
 * or its stop kind. */
void stx_talk_classify(stx_scan_t *sc, stx_item_t *it);
/* A Markdown heading: is its text a label (candidate, form SPK_HEADING,
 * the whole text the prefix) or a bare name (bare)? */
void stx_talk_heading(stx_scan_t *sc, stx_item_t *it);
/* Does the paragraph matter to the speakers though it is neither a
 * heading nor a candidate (a stop, a bold paragraph, a container's end)? */
int stx_talk_event(const stx_item_t *it);
/* Speakers, turns, the turn table and (Markdown, Aozora) the blocks'
 * turns, from the events once their kinds and the title are known. */
void stx_talk_resolve(stx_scan_t *sc);

#endif
