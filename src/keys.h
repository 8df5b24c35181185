/* keys: the reader's names for keys (its files only).
 *
 * Contract: a key is one int: a character as typed (get_wch's OK: a
 * code point, up to U+10FFFF), or a curses function key (KEY_CODE_YES)
 * moved up by KEYS_FN, above every code point, so the two never meet:
 * key_of() makes one, FN(KEY_UP) names one, key >= KEYS_FN tells one.
 * The control characters the reader and its prompts act on are named
 * here, nowhere else as numbers. */
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

/* One key from get_wch's result r and character ch. */
#define key_of(r, ch) ((r) == KEY_CODE_YES ? (int)(ch) + KEYS_FN : (int)(ch))

#endif
