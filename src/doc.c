#include "doc.h"
#include "chars.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- mappings that shrink: SIGBUS -------------------------------------- */

enum { NMAPS = 16 }; /* documents and search indexes mapped at once */
static struct {
    char *volatile a;
    volatile size_t n;
    volatile sig_atomic_t lost;
} g_maps[NMAPS];
static struct sigaction g_prev_bus;
static long g_page = 4096;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    char *p = si ? (char *)si->si_addr : NULL;
    for (int i = 0; p && i < NMAPS; i++) {
        char *a = g_maps[i].a;
        size_t n = g_maps[i].n;
        if (a && p >= a && p < a + n) {
            /* zero pages from the fault to the end of the mapping */
            char *pg = (char *)((uintptr_t)p & ~(uintptr_t)(g_page - 1));
            if (mmap(pg, (size_t)(a + n - pg), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                     -1, 0) != MAP_FAILED) {
                g_maps[i].lost = 1;
                return; /* the read is tried again: it reads zeros */
            }
        }
    }
    if (g_prev_bus.sa_flags & SA_SIGINFO) {
        g_prev_bus.sa_sigaction(sig, si, uc);
    } else if (g_prev_bus.sa_handler != SIG_DFL && g_prev_bus.sa_handler != SIG_IGN) {
        g_prev_bus.sa_handler(sig);
    } else {
        signal(SIGBUS, SIG_DFL);
        raise(SIGBUS);
    }
}

void doc_guard_signals(void)
{
    struct sigaction cur;
    if (sigaction(SIGBUS, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
        cur.sa_sigaction == on_bus)
        return;
    long pg = sysconf(_SC_PAGESIZE);
    if (pg > 0)
        g_page = pg;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGBUS, &sa, &g_prev_bus);
}

static int guard(void *a, size_t n)
{
    doc_guard_signals();
    for (int i = 0; i < NMAPS; i++) {
        char *none = NULL; /* a slot taken at once (an index opens on a thread) */
        if (!g_maps[i].a &&
            __atomic_compare_exchange_n((char **)&g_maps[i].a, &none, (char *)a, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            g_maps[i].lost = 0;
            g_maps[i].n = n; /* (nothing of it is read before guard returns) */
            return i;
        }
    }
    return -1;
}

static void unguard(void *a)
{
    for (int i = 0; i < NMAPS; i++)
        if (g_maps[i].a == a) {
            g_maps[i].n = 0; /* before the slot is free for another */
            __atomic_store_n((char **)&g_maps[i].a, NULL, __ATOMIC_SEQ_CST);
        }
}

static int lost(const void *a)
{
    for (int i = 0; a && i < NMAPS; i++)
        if (g_maps[i].a == a)
            return g_maps[i].lost;
    return 0;
}

int doc_guard_map(void *a, size_t n)
{
    return guard(a, n) < 0 ? -1 : 0;
}

void doc_unguard_map(void *a)
{
    unguard(a);
}

int doc_map_lost(const void *a)
{
    return lost(a);
}

/* The source mapping, unguarded and gone. */
static void unmap(doc_t *d)
{
    if (d->map) {
        unguard(d->map);
        munmap(d->map, d->maplen);
        d->map = NULL;
    }
}

static long long mtime_ns(const struct stat *st)
{
    return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* The file of st against the one d was loaded from: DOC_SAME,
 * DOC_REPLACED or DOC_MODIFIED. */
static int compare(const doc_t *d, const struct stat *st)
{
    if ((unsigned long long)st->st_dev != d->dev || (unsigned long long)st->st_ino != d->ino)
        return DOC_REPLACED;
    if ((unsigned long long)st->st_size != d->size || mtime_ns(st) != d->mtime_ns)
        return DOC_MODIFIED;
    return DOC_SAME;
}

int doc_changed(const doc_t *d)
{
    if (!d->path || !strcmp(d->path, "-"))
        return DOC_SAME;
    if (lost(d->map))
        return DOC_TRUNCATED;
    struct stat st;
    if (stat(d->path, &st) < 0)
        return DOC_GONE;
    return compare(d, &st);
}

int doc_reopen(const doc_t *d)
{
    if (!d->path || !strcmp(d->path, "-"))
        return -1;
    int fd = open(d->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || compare(d, &st) != DOC_SAME)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Read fd to its end, or max bytes (0: no limit). */
static int read_all(int fd, size_t max, char **out, size_t *n)
{
    size_t cap = max && max < (1 << 16) ? max : 1 << 16, len = 0;
    char *b = xmalloc(cap);
    while (!max || len < max) {
        if (len == cap)
            grow(&b, &cap, cap + 1, 1);
        size_t want = cap - len;
        if (max && want > max - len)
            want = max - len;
        ssize_t k = read(fd, b + len, want);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(b);
            errno = e;
            return -1;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    *out = b;
    *n = len;
    return 0;
}

int doc_looks_binary(const char *t, size_t len)
{
    /* Controls that text styled for a terminal does not use (CH_BIN_CTRL)
     * and replacement characters, in the first 64 KiB: random data scores
     * 10% or more whatever it is decoded as; text with a stray NUL stays
     * far below. */
    size_t n = len < (64u << 10) ? len : (64u << 10);
    size_t chars = 0, odd = 0;
    const unsigned char *u = (const unsigned char *)t;
    for (size_t i = 0; i < n;) {
        /* whole blocks of sixteen such characters (below) at once, where
           one starts: of them only U+FFFD is odd (600,000 -> 130,000
           instructions for the bench text's 64 KiB, callgrind) */
        if (u[i] >= 0xE1) {
            size_t k = enc_utf8_cjk_blocks(u + i, n - i);
            if (k) {
                chars += k / 3;
                for (const char *f = t + i; (f = mem_find(f, (size_t)(t + i + k - f), "\xEF\xBF\xBD", 3));
                     f += 3)
                    odd++;
                i += k;
                continue;
            }
        }
        /* a whole 3-byte character led by E1..EC or EE (U+1000..U+CFFF,
           U+E000..U+EFFF: most of CJK) is neither, counted undecoded:
           0.83 -> 0.61 million instructions for the 64 KiB of a Chinese
           novel (callgrind) */
        if (u[i] >= 0xE1 && u[i] <= 0xEE && u[i] != 0xED && i + 2 < n &&
            utf8_is_cont(u[i + 1]) && utf8_is_cont(u[i + 2])) {
            chars++;
            i += 3;
            continue;
        }
        uint32_t c;
        i += (size_t)text_decode(t + i, n - i, &c);
        chars++;
        if (ch_bin_ctrl(c) || c == 0xFFFD)
            odd++;
    }
    return chars >= 16 && odd * 10 >= chars;
}

int doc_open(doc_t *d, const char *path, const doc_opts_t *o)
{
    memset(d, 0, sizeof *d);
    d->path = xstrdup(path);
    const char *want = NULL;
    if (o->encoding) {
        want = enc_canonical(o->encoding);
        if (!want) {
            snprintf(d->encbuf, sizeof d->encbuf, "%s", o->encoding);
            return DOC_ERR_ENCODING;
        }
    }
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        d->err = errno;
        return DOC_ERR_SYS;
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        goto sys;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto sys;
    }
    d->dev = (unsigned long long)st.st_dev;
    d->ino = (unsigned long long)st.st_ino;
    d->size = (unsigned long long)st.st_size;
    d->mtime_ns = mtime_ns(&st);
    const unsigned char *src;
    size_t n;
    /* a small file is read, not mapped: mapping and unmapping it costs
     * more (10,000 files of 1-5 KB searched on two threads: 0.40 s read,
     * against 0.57 s mapped, the unmapping's TLB shootdowns the most) */
    if (S_ISREG(st.st_mode) && st.st_size > DOC_READ_MAX && !o->prefix) {
        n = (size_t)st.st_size;
        void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            goto sys;
        d->map = m;
        d->maplen = n;
        guard(m, n);
        src = m;
    } else {
        size_t max = o->prefix;
        if (S_ISREG(st.st_mode) && (!max || (off_t)max > st.st_size))
            max = (size_t)st.st_size; /* what a mapping would hold */
        if (read_all(fd, max, &d->owned_src, &n) < 0)
            goto sys;
        src = (const unsigned char *)d->owned_src;
    }
    if (fd > 0)
        close(fd);
    fd = -1;
    d->src_len = n;

    size_t bom = 0;
    const char *enc = enc_detect_unicode(src, n, &bom);
    if (o->may_hold && !want && (enc || !enc_declared(src, n)) &&
        !o->may_hold(o->arg, src + bom, n - bom, enc && !strcmp(enc, "UTF-8"))) {
        unmap(d);
        free(d->owned_src);
        d->owned_src = NULL;
        return DOC_SKIPPED;
    }
    if (!enc)
        enc = enc_guess(src, n);
    if (want) {
        /* an explicit encoding wins; a BOM of that encoding is skipped */
        if (strcasecmp(want, enc))
            bom = 0;
        enc = want;
    }
    /* the name may live in a static buffer: keep a copy (for a message),
     * and point at one that lives as long as the process, so that a doc_t
     * copied elsewhere keeps a sound encoding (a pointer into its own
     * encbuf went stale when the session copied the loaded doc_t) */
    snprintf(d->encbuf, sizeof d->encbuf, "%s", enc);
    enc = enc_intern(enc);
    d->bom = bom;
    src += bom;
    n -= bom;
    if (!strcasecmp(enc, "UTF-8")) {
        /* used as it is: stray invalid bytes read as U+FFFD */
        d->text = (const char *)src;
        d->len = n;
        d->encoding = "UTF-8";
    } else {
        if (enc_convert(enc, src, n, &d->conv) < 0) {
            errno = EINVAL;
            return DOC_ERR_ENCODING;
        }
        d->text = d->conv.text;
        d->len = d->conv.len;
        d->nbad = d->conv.nbad;
        d->converted = 1;
        /* the source is no longer needed */
        unmap(d);
        free(d->owned_src);
        d->owned_src = NULL;
        d->encoding = enc;
    }
    if (!o->force && doc_looks_binary(d->text, d->len))
        return DOC_ERR_BINARY;
    return DOC_OK;
sys:
    d->err = errno;
    if (fd > 0)
        close(fd);
    errno = d->err;
    return DOC_ERR_SYS;
}

const char *doc_error(const doc_t *d, int r, char *out, size_t n)
{
    buf_t p = {0}, e = {0}; /* the path and the encoding, terminal-safe */
    buf_add(&p, "", 0);
    buf_add(&e, "", 0);
    if (d->path)
        text_sanitize(&p, d->path, strlen(d->path));
    if (r == DOC_ERR_SYS) {
        snprintf(out, n, "%s: %s", p.p, strerror(d->err));
    } else if (r == DOC_ERR_BINARY) {
        snprintf(out, n, "%s: binary file (use --force to view)", p.p);
    } else {
        text_sanitize(&e, d->encbuf, strlen(d->encbuf));
        snprintf(out, n, "%s: cannot convert from encoding '%s'", p.p, e.p);
    }
    buf_free(&p);
    buf_free(&e);
    return out;
}

size_t doc_src_offset(const doc_t *d, size_t off)
{
    if (!d->converted)
        return d->bom + off;
    return d->bom + enc_src_offset(&d->conv, d->encoding, off);
}

int doc_mapped(const doc_t *d)
{
    return d->map && !d->converted && d->text == (const char *)d->map + d->bom;
}

void doc_close(doc_t *d)
{
    unmap(d);
    free(d->owned_src);
    if (d->converted)
        free(d->conv.text);
    enc_result_free(&d->conv);
    free(d->path);
    memset(d, 0, sizeof *d);
}
