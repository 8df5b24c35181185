/* term: the terminal around the reader — the question that probes it,
 * and putting it back whatever way the reader ends.
 *
 * Contract: term_probe_ask() writes into buf the question that asks the
 * terminal how wide it draws U+201C: the cursor to the start of row `row`
 * (1-based), the character, and a request for the cursor position
 * (ESC[6n); nothing waits for the answer, ESC[row;2R (narrow) or
 * ESC[row;3R (wide), which comes among the keys (the screen's owner
 * erases the character and takes the answer from its key input).
 * term_ambiguous_set() records the answer when it comes;
 * term_ambiguous_news() returns AMBI_WIDE once after a wide answer was
 * recorded (for the notice), else AMBI_UNKNOWN.
 * term_guard() installs handlers: SIGINT, SIGTERM and SIGHUP only
 * set a flag (term_quit) that the reader's loop honours; a crash signal
 * (SEGV, BUS, FPE, ILL, ABRT) resets the terminal (leaves the alternate
 * screen, shows the cursor, stops mouse reporting, restores the tty
 * modes saved by term_save()) and dies of the same signal. */
#ifndef JUAN_TERM_H
#define JUAN_TERM_H
#include <signal.h>
#include <stddef.h>

enum { AMBI_UNKNOWN = 0, AMBI_NARROW = 1, AMBI_WIDE = 2 };

/* The answer's row and columns are what the question makes them. */
int term_probe_ask(char *buf, size_t cap, int row);
void term_ambiguous_set(int amb);
int term_ambiguous_news(void);
/* Save the tty modes of fd before curses changes them (to restore after a
 * crash), and then the bytes that leave the alternate screen (rmcup). */
void term_save(int fd);
void term_rmcup(const char *rmcup);
void term_guard(void);
extern volatile sig_atomic_t term_quit;

#endif
