/* Encoding detection and conversion: any bytes give valid UTF-8, and the
 * checkpoints map every text offset back into the source, in order. The
 * first byte picks a forced encoding half of the time. */
#include "encoding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const forced[] = {"GB18030", "CP950", "CP932", "EUC-JP", "UTF-16LE",
                                         "UTF-16BE", "UTF-8", "BIG5-HKSCS"};
    size_t bom = 0;
    const char *enc = enc_detect(data, size, &bom);
    REQUIRE(enc && bom <= size);
    if (size && (data[0] & 0x80))
        enc = forced[data[0] % (sizeof forced / sizeof *forced)], bom = 0;
    enc_result_t r;
    if (enc_convert(enc, data + bom, size - bom, &r) == 0) {
        REQUIRE(r.text && r.text[r.len] == '\0');
        REQUIRE(enc_utf8_valid_prefix((const unsigned char *)r.text, r.len) == r.len);
        size_t prev = 0;
        for (size_t off = 0; off <= r.len; off += 1 + off / 8) {
            size_t s = enc_src_offset(&r, enc, off);
            REQUIRE(s <= size - bom);
            REQUIRE(s >= prev);
            prev = s;
        }
        free(r.text); /* the caller's */
        enc_result_free(&r);
    }
    /* the user's encoding names */
    char name[32];
    size_t k = size < sizeof name - 1 ? size : sizeof name - 1;
    memcpy(name, data, k);
    name[k] = '\0';
    enc_canonical(name);
    return 0;
}
