/* hash: the one hash of juan — XXH3 (libxxhash), 64 bits.
 *
 * Contract: hash64() of the same bytes is the same in every run and on
 * every machine (XXH3 is specified byte for byte), so it may be stored:
 * content identities, index checksums and file names of the cache use it,
 * and so do the things that only need a well-spread number (a speaker's
 * name, grouped and coloured). hash_stream_* hash bytes given in pieces,
 * with the same result as hash64() of them all. Not for secrets. */
#ifndef JUAN_HASH_H
#define JUAN_HASH_H
#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *p, size_t n);
uint64_t hash64_seed(const void *p, size_t n, uint64_t seed);

typedef struct hash_stream hash_stream_t;
hash_stream_t *hash_stream_new(void);
void hash_stream_add(hash_stream_t *h, const void *p, size_t n);
uint64_t hash_stream_end(hash_stream_t *h); /* the hash; frees h */

#endif
