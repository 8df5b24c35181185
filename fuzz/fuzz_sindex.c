/* Search index files: a damaged, truncated or forged index is refused, or
 * every use of it stays in bounds: block ranges, the folded text, the
 * per-block checks, the filters. The text's length the caller expects is
 * the one the file's header gives (bytes 16-23 after byte 0), or, with
 * byte 0's bit 2, one more: then the index is stale and must be refused.
 * Seeds are made by `juan --index` of every sample and of a text of
 * several blocks made of them, both foldings (fuzz/run.sh);
 * tests/fuzz/fuzz_sindex/ holds one of an older format, made by juan
 * 0.1.0, which must be refused. Byte 0: bit 0 reseals the file
 * (recomputes its checksum, so that damage behind it reaches the later
 * checks), bit 1 picks the folding, bit 2 as above; the rest is the
 * file. */
#include "norm.h"
#include "sindex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static char path[64];

static void init(void)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/juan-fuzz-sindex-%ld.idx", (long)getpid());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    if (size < 1)
        return 0;
    size_t n = size - 1, text_len = 0;
    uint64_t hl = 0; /* the header's text length */
    if (n >= 24)
        memcpy(&hl, data + 1 + 16, 8);
    text_len = (size_t)hl + ((data[0] & 4) ? 1 : 0);
    unsigned char *img = malloc(n ? n : 1);
    memcpy(img, data + 1, n);
    if (data[0] & 1)
        sindex_reseal(img, n);
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(img);
        return 0;
    }
    fwrite(img, 1, n, f);
    fclose(f);
    free(img);
    int flags = (data[0] & 2) ? 0 : NORM_TCSC;
    sindex_t *ix = sindex_open(path, text_len, flags);
    uint32_t version = 0; /* after the 8-byte magic number */
    if (n >= 12)
        memcpy(&version, data + 1 + 8, 4);
    REQUIRE(!ix || version == SIX_VERSION);
    REQUIRE(!ix || !(data[0] & 4)); /* stale */
    if (ix) {
        size_t nb = sindex_blocks(ix), fn;
        const char *ft = sindex_text(ix, &fn);
        REQUIRE(ft || !fn);
        uint64_t g[SIX_GRAMS];
        size_t ng = sindex_grams("采访", strlen("采访"), 1, g);
        for (size_t k = 0; k < nb; k++) {
            size_t sa, sb, fa, fb;
            sindex_block(ix, k, &sa, &sb, &fa, &fb);
            REQUIRE(sa < sb && sb <= text_len && fa <= fb && fb <= fn);
            REQUIRE(sindex_find_block(ix, sa, 0) == k);
            if (sindex_block_ok(ix, k)) {
                volatile char x = 0;
                for (size_t i = fa; i < fb; i++) /* readable */
                    x ^= ft[i];
                (void)x;
            }
            sindex_may_have(ix, k, g, ng);
        }
        REQUIRE(sindex_find_block(ix, text_len, 0) < (nb ? nb : 1));
        sindex_close(ix);
    }
    unlink(path);
    return 0;
}
