/* Library index files (libindex.h, .jlx): any bytes put where the index of
 * a directory belongs are refused and set aside, or every use of them
 * stays in bounds: the search that narrows by it (open, term lookup,
 * postings, paths), and with byte 0's bit 2 a refresh over it
 * (libindex_update: every block checked, the old terms merged into the
 * new file), after which the index is sound: a search with it sets
 * nothing aside. The directory is made once: a few texts of every kind
 * the index reads (plain, GB18030, HTML with an entity, Aozora with a
 * gaiji), at a path of a fixed length, so that the seeds
 * (tests/fuzz/fuzz_libindex/, written by this target with
 * JUAN_FUZZ_LIX_SEEDS=DIR) take it as their root (lix_reseal). Byte 0:
 * bit 0 reseals every checksum (damage behind them reaches the later
 * checks), bit 1 gives the entries the files' stat (so that a search may
 * skip them), bit 2 a refresh, bits 3-4 the query; the rest is the file. */
#include "libindex.h"
#include "files.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ftw.h>
#include <unistd.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

/* an allocation as large as a count in the file says (a term's postings,
 * 2^31 of them: 8 GiB) fails the replay too, not only libFuzzer's limit */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "max_allocation_size_mb=2048";
}

static char root[64], *file, bad[4200];
static char **list;
static size_t nlist;

static const struct {
    const char *name, *text;
} texts[] = {
    {"a.txt", "宝玉来了。他说：天下大事，合久必分。\n"},
    {"b.txt", "\xf7\xec\xd3\xf1\xd4\xe1\xbb\xa8\n"}, /* 黛玉葬花, GB18030 */
    {"sub/c.html", "<!DOCTYPE html><html><body><p>&#23453;玉 <img alt=\"猫\"></p></body></html>\n"},
    {"sub/d.txt", "［＃ここから２字下げ］\n※［＃「宝」、U+5B9D、1-1］玉《ぎょく》\n"},
    {"e.txt", "plain text, English and 创新\n"},
};
static const char *const queries[] = {"宝玉", "玉", "创新 text", "无"};

static void put(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    REQUIRE(fwrite(p, 1, n, f) == n);
    REQUIRE(fclose(f) == 0);
}

static char base[48];

static int rm_one(const char *p, const struct stat *sb, int type, struct FTW *f)
{
    (void)sb, (void)type, (void)f;
    return remove(p), 0;
}

static void cleanup(void)
{
    nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void init(void)
{
    if (root[0])
        return;
    char p[128];
    snprintf(base, sizeof base, "/tmp/juan-fuzz-lix-%08lx", (unsigned long)getpid() & 0xffffffffUL);
    snprintf(root, sizeof root, "%s/docs", base);
    mkdir(base, 0700);
    atexit(cleanup);
    mkdir(root, 0700);
    snprintf(p, sizeof p, "%s/sub", root);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/cache", base);
    mkdir(p, 0700);
    setenv("JUAN_CACHE_DIR", p, 1);
    snprintf(p, sizeof p, "%s/cache/lib", base);
    mkdir(p, 0700);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        snprintf(p, sizeof p, "%s/%s", root, texts[i].name);
        put(p, texts[i].text, strlen(texts[i].text));
    }
    nlist = files_under(root, &list, NULL, NULL);
    REQUIRE(nlist == sizeof texts / sizeof *texts);
    file = libindex_path(root);
    REQUIRE(file);
    snprintf(bad, sizeof bad, "%s.bad", file);
    const char *seeds = getenv("JUAN_FUZZ_LIX_SEEDS");
    if (seeds) { /* the index of the texts, as each flag would have it */
        lix_stats_t st;
        sleep(LIX_RACY_S + 1); /* (trusted: not modified just now) */
        REQUIRE(libindex_update(root, 1, &st) == 0 && st.indexed == nlist);
        FILE *f = fopen(file, "rb");
        REQUIRE(f);
        static unsigned char img[1 << 16];
        size_t n = fread(img + 1, 1, sizeof img - 1, f);
        fclose(f);
        static const unsigned char flags[] = {0, 1, 2, 3, 4, 6, 7, 10, 18, 26};
        for (size_t b = 0; b < sizeof flags; b++) {
            img[0] = flags[b];
            snprintf(p, sizeof p, "%s/index-%02x", seeds, flags[b]);
            put(p, img, n + 1);
        }
    }
}

/* Search with the index of root; nothing set aside when sound. */
static long narrow(const char *q, int sound)
{
    unsigned char skip[16] = {0};
    long r = libindex_narrow(root, list, nlist, q, 0, skip);
    long k = 0;
    for (size_t i = 0; i < nlist; i++)
        k += skip[i];
    REQUIRE(r == LIX_NO_NARROW ? k == 0 : r >= 0 && r == k);
    if (sound)
        REQUIRE(access(bad, F_OK) != 0);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    if (size < 1)
        return 0;
    size_t n = size - 1;
    unsigned char *img = malloc(n ? n : 1);
    memcpy(img, data + 1, n);
    lix_reseal(img, n, root, ((data[0] & 1) ? LIX_RESEAL_ALL : 0) |
                                 ((data[0] & 2) ? LIX_RESEAL_STAT : 0));
    unlink(bad);
    put(file, img, n);
    free(img);
    narrow(queries[(data[0] >> 3) & 3], 0);
    if (data[0] & 4) {
        lix_stats_t st;
        unlink(bad);
        REQUIRE(libindex_update(root, 1, &st) == 0 && st.files == nlist);
        REQUIRE(narrow(queries[(data[0] >> 3) & 3], 1) != LIX_NO_NARROW ||
                st.indexed < nlist);
    }
    unlink(file);
    unlink(bad);
    return 0;
}
