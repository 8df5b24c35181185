/* keys: the reader's names for keys (its files only).
 *
 * Contract: a key is one int: a character as typed (get_wch's OK: a
 * code point, up to U+10FFFF), or a curses function key (KEY_CODE_YES)
 * moved up by KEYS_FN, above every code point, so the two never meet:
 * key_of() makes one, FN(KEY_UP) names one, key >= KEYS_FN tells one.
 * The control characters the reader and its prompts act on are named
 * here, nowhere else as numbers. The answers to the ambiguous-width
 * probe (term.h) come as two keys of their own, K_AMBI_NARROW and
 * K_AMBI_WIDE (curses is told their sequences): key_is_probe() tells
 * them, and no action takes them. */
#ifndef JUAN_KEYS_H
#define JUAN_KEYS_H

#define KEYS_FN 0x110000
#define FN(k) ((k) + KEYS_FN)
#define K_CTRL(c) ((c) & 0x1f)

enum {
    K_BS = K_CTRL('H'),     /* Backspace as some terminals send it */
    K_TAB = '\t',
    K_LF = '\n',
    K_CR = '\r',
    K_CTRL_L = K_CTRL('L'), /* redraw */
    K_CTRL_U = K_CTRL('U'), /* clear the line */
    K_ESC = 0x1b,
    K_DEL = 0x7f,         /* Backspace as most terminals send it */
};

#define K_AMBI_NARROW FN(KEY_MAX + 1)
#define K_AMBI_WIDE FN(KEY_MAX + 2)
#define key_is_probe(k) ((k) == K_AMBI_NARROW || (k) == K_AMBI_WIDE)
#define probe_ambiguous(k) ((k) == K_AMBI_WIDE ? AMBI_WIDE : AMBI_NARROW)

/* One key from get_wch's result r and character ch. */
#define key_of(r, ch) ((r) == KEY_CODE_YES ? (int)(ch) + KEYS_FN : (int)(ch))

#endif
