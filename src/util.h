/* util: small helpers shared by every module.
 * Contract: allocation never returns NULL (out of memory ends the process
 * with a message and exit 2); buf_t is a growable byte buffer; msg()
 * prints "juan: ..." to stderr as given: text from outside (a path, an
 * option's value, a file's contents) is made terminal-safe by the caller
 * first (safe_path, text_sanitize: text.h). */
#ifndef JUAN_UTIL_H
#define JUAN_UTIL_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define JUAN_VERSION "0.1.0"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size); /* zeroed */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grow *p (an array of elements of `size` bytes) so that it holds at least
 * `need` elements; *cap is updated. */
void grow(void *pp, size_t *cap, size_t need, size_t size);

typedef struct {
    char *p;
    size_t n, cap;
} buf_t;
void buf_add(buf_t *b, const void *s, size_t n);
void buf_addc(buf_t *b, char c);
void buf_adds(buf_t *b, const char *s);
void buf_free(buf_t *b);

/* Lower the calling thread's priority to nice n (background work that
 * the reader must not wait behind); best effort. */
void thread_background(int n);

/* The gate in front of background work (structure scan, identity hash,
 * reading time, index build): such a thread calls bg_gate(&its_stop)
 * first and waits while the gate is held and it is not stopped. The
 * reader holds the gate until its first screen is up and no key waits, so
 * that screen does not share the CPU, and a reader quit at once starts no
 * work. Open unless held. bg_join(): wait for a thread's result (releases
 * the gate); bg_stop_join(): join a thread whose stop flag is set. */
void bg_hold(void);
void bg_release(void);
int bg_held(void);
int bg_gate(const _Atomic int *stop); /* 1: go on; 0: stopped */
void bg_join(pthread_t t);
void bg_stop_join(pthread_t t);
/* A thread of background work started through the gate: while the gate is
 * held, bg_start() only notes it, and the thread is made when the gate
 * opens (a reader quit at once makes none: making and joining two waiting
 * threads took 0.6 ms at best here, 6 ms as the median of 31 on a busy
 * machine, where the quit waits for them to be scheduled). bg_start: 0, or -1
 * when no thread could be made (the caller does the work itself); a
 * thread that cannot be made when the gate opens does its work there and
 * then. bg_finish(): wait for its result (releases the gate);
 * bg_stop(): its stop flag is set: forgotten if never made, else woken
 * and joined. */
typedef struct bg_task {
    pthread_t thread;
    void *(*fn)(void *);
    void *arg;
    int state; /* 0: none (or done), 1: noted, 2: made */
    struct bg_task *next;
} bg_task_t;
int bg_start(bg_task_t *t, void *(*fn)(void *), void *arg);
void bg_finish(bg_task_t *t);
void bg_stop(bg_task_t *t);

/* The last component of a path ("a/b.txt" -> "b.txt"; "a/" -> "a/"). */
const char *path_base(const char *path);
/* memmem(s, n, f, fl) for a short needle in CJK text: memchr (vectorised)
 * for its last byte, the rest compared where that is. glibc's memmem runs
 * a byte at a time: over bench/mklib.py's 10,000 articles the literal
 * prefilter's memmem calls were a sixth of --grep -c 宝玉's CPU, and the
 * last byte of a character's UTF-8 (a continuation byte) is met once in
 * about 100 bytes of CJK text.
 * mem_find_any: where the first of k needles (nd[j], len[j] bytes, none
 * empty; k at most MEM_FIND_MAX, else NULL) begins, all in one pass: 32
 * bytes at a time, each needle by its last two bytes (the "packed pair"
 * of ripgrep's memchr crate), the places where both stand checked whole.
 * The three forms of 宝 through 20 MB of the novels: 0.055-0.079 s per
 * 100 MB, against 0.10 s with mem_find form after form (and 0.09 s 16
 * bytes at a time by the first and last byte). Where AVX2 is (x86-64,
 * GCC), mem_find of a needle of two bytes or more is mem_find_any's
 * loop for it alone: a CJK needle's last byte stops memchr every hundred
 * bytes or so (--grep --no-index -c 宝玉 over bench/mklib.py's library:
 * 1,021,000 memchr calls; 0.96x the time with the pair). */
enum { MEM_FIND_MAX = 8 };
const char *mem_find(const char *s, size_t n, const char *f, size_t fl);
const char *mem_find_any(const char *s, size_t n, const char *const *nd, const size_t *len,
                         size_t k);

/* Milliseconds on a monotonic clock. */
long long now_ms(void);

/* "juan: " + printf-style message + "\n" on stderr, nothing escaped (see
 * above). */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Is dir a directory of the user's that no one else can write to (as ssh
 * asks of ~/.ssh)? 0, else -1 with why in a few words. */
int dir_private(const char *dir, char *why, size_t n);

#endif
