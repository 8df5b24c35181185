/* term: the terminal around the reader — probing it before curses starts,
 * and putting it back whatever way the reader ends.
 *
 * Contract: term_probe_ambiguous() asks the terminal (on /dev/tty, before
 * initscr) how wide it draws U+201C: it prints the character at the start
 * of the line, asks for the cursor position (ESC[6n) and erases what it
 * printed, waiting at most 200 ms for the answer; nothing is left on the
 * screen. Keys typed meanwhile are not lost: the bytes read that are not
 * the answer go to typed[0..*ntyped), for the reader to push back.
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

int term_probe_ambiguous(char *typed, size_t cap, size_t *ntyped);
/* Save the tty modes of fd before curses changes them (to restore after a
 * crash), and then the bytes that leave the alternate screen (rmcup). */
void term_save(int fd);
void term_rmcup(const char *rmcup);
void term_guard(void);
extern volatile sig_atomic_t term_quit;

#endif
