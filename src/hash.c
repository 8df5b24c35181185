#include "hash.h"
#include "util.h"

#include <stdlib.h>
#include <xxhash.h>

uint64_t hash64(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

uint64_t hash64_seed(const void *p, size_t n, uint64_t seed)
{
    return XXH3_64bits_withSeed(p, n, seed);
}

struct hash_stream {
    XXH3_state_t *s;
};

hash_stream_t *hash_stream_new(void)
{
    hash_stream_t *h = xmalloc(sizeof *h);
    h->s = XXH3_createState();
    if (!h->s) {
        msg("out of memory");
        exit(2);
    }
    XXH3_64bits_reset(h->s);
    return h;
}

void hash_stream_add(hash_stream_t *h, const void *p, size_t n)
{
    XXH3_64bits_update(h->s, p, n);
}

uint64_t hash_stream_end(hash_stream_t *h)
{
    uint64_t r = XXH3_64bits_digest(h->s);
    XXH3_freeState(h->s);
    free(h);
    return r;
}
