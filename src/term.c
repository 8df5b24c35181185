#include "term.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

volatile sig_atomic_t term_quit;

static struct termios saved_tio;
static int saved_fd = -1;
static char rmcup_buf[64];

int term_probe_ask(char *buf, size_t cap, int row)
{
    /* the row's start, the character, where is the cursor? */
    int n = snprintf(buf, cap, "\x1b[%d;1H\xE2\x80\x9C\x1b[6n", row);
    return n > 0 && (size_t)n < cap ? n : -1;
}

static int ambiguous, ambiguous_told;

void term_ambiguous_set(int amb)
{
    ambiguous = amb;
}

int term_ambiguous_news(void)
{
    if (ambiguous != AMBI_WIDE || ambiguous_told)
        return AMBI_UNKNOWN;
    ambiguous_told = 1;
    return AMBI_WIDE;
}

void term_save(int fd)
{
    if (tcgetattr(fd, &saved_tio) == 0)
        saved_fd = fd;
}

void term_rmcup(const char *rmcup)
{
    rmcup_buf[0] = '\0';
    if (rmcup && strlen(rmcup) < sizeof rmcup_buf)
        strcpy(rmcup_buf, rmcup);
}

static void on_quit(int sig)
{
    (void)sig;
    term_quit = 1;
}

static void on_crash(int sig)
{
    static const char reset[] = "\x1b[0m\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1006l";
    ssize_t r = write(STDOUT_FILENO, reset, sizeof reset - 1);
    if (rmcup_buf[0])
        r = write(STDOUT_FILENO, rmcup_buf, strlen(rmcup_buf));
    r = write(STDOUT_FILENO, "\r\n", 2);
    (void)r;
    if (saved_fd >= 0)
        tcsetattr(saved_fd, TCSANOW, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

void term_guard(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit; /* no SA_RESTART: the key wait returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = (int)SA_RESETHAND;
    int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof crash / sizeof *crash; i++)
        sigaction(crash[i], &sa, NULL);
}
