/* encoding: detect a byte buffer's character encoding and convert it to
 * UTF-8.
 *
 * Contract: enc_detect() never fails; it answers BOM (UTF-8, UTF-16LE/BE),
 * else UTF-8 when a sample (256 KiB from the first non-ASCII byte) is valid
 * UTF-8, else the charset an HTML <meta> in the first 4 KiB declares
 * (charset=, or http-equiv's content; GB2312/GBK as GB18030, Big5 as CP950,
 * ISO-8859-1 as CP1252), else uchardet's guess (from the first
 * non-ASCII byte to the 512th over 0x7F) mapped
 * to a superset codec (GB18030 for GB2312/GBK, CP950 for Big5, CP932 for
 * Shift_JIS, EUC-JP), else a trail-byte test between GB18030 and CP950.
 * enc_convert() turns any buffer into valid UTF-8: every invalid or
 * truncated sequence becomes U+FFFD, valid text around it is kept, and
 * checkpoints (text offset, source offset) let a text offset be mapped
 * back to the source bytes. */
#ifndef JUAN_ENCODING_H
#define JUAN_ENCODING_H
#include "util.h"
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *text;       /* UTF-8, NUL-terminated, owned */
    size_t len;
    size_t *ck_text;  /* checkpoints: text offset ... */
    size_t *ck_src;   /* ... and the source offset it came from */
    size_t nck, ckcap;
    size_t nbad;      /* replacement characters inserted */
} enc_result_t;

/* Detected encoding name (static string) and the BOM length to skip. */
const char *enc_detect(const unsigned char *s, size_t n, size_t *bom);
/* Its two steps: what the bytes say of themselves (a BOM, UTF-8 valid on
 * the sample), else NULL; then enc_guess: a declared charset (enc_declared:
 * an HTML <meta>, or NULL), else uchardet's guess. */
const char *enc_detect_unicode(const unsigned char *s, size_t n, size_t *bom);
const char *enc_guess(const unsigned char *s, size_t n);
const char *enc_declared(const unsigned char *s, size_t n);
/* Every byte sequence that decodes to code point c in a codec enc_detect
 * may guess (UTF-8 and UTF-16/32 among them; for HZ and ISO-2022-JP, the
 * 7-bit pair inside their escapes), appended to out as records of a
 * length byte and the bytes, none twice: text of bytes that hold none of
 * them, guessed and converted, does not hold c. */
void enc_forms(uint32_t c, buf_t *out);
/* Those codecs (all that enc_guess may answer for bytes that declare no
 * charset): their number, and *names pointed at their names, for
 * enc_convert; enc_forms_in: the forms of c in codec k of them alone. */
size_t enc_guessable(const char *const **names);
void enc_forms_in(size_t k, uint32_t c, buf_t *out);
/* The forms of the characters v[0..n) one after another in codec k (of
 * at most ENC_FORM_MAX bytes, and a few; else those of v's longest prefix
 * that keeps within that, a superset). */
enum { ENC_FORM_MAX = 16 };
void enc_forms_seq_in(size_t k, const uint32_t *v, size_t n, buf_t *out);
/* The first characters (up to max, at most 4) of s[0..n) read in codec k
 * of them, as enc_convert gives them (U+FFFD for a code unit that starts
 * none), as code points into cp: how many; -1 for a codec read only from
 * its start (HZ, ISO-2022-JP) or not to be had. */
int enc_decode_few(size_t k, const unsigned char *s, size_t n, uint32_t *cp, int max);
/* name kept for the life of the process (one copy of each name): what a
 * document's encoding points at. Thread-safe. */
const char *enc_intern(const char *name);
/* Canonical name for a user-given encoding, or NULL if iconv cannot
 * convert from it. */
const char *enc_canonical(const char *name);
/* Convert s[0..n) from `enc` to UTF-8. Returns 0, or -1 if the encoding
 * is unknown to iconv. */
int enc_convert(const char *enc, const unsigned char *s, size_t n,
                enc_result_t *r);
/* Source offset (relative to the converted bytes) of text offset off. */
size_t enc_src_offset(const enc_result_t *r, const char *enc, size_t off);
/* Frees the checkpoints; r->text is the caller's to free. */
void enc_result_free(enc_result_t *r);

/* Length of the longest prefix of s that is valid UTF-8. */
size_t enc_utf8_valid_prefix(const unsigned char *s, size_t n);
/* The bytes at the start of s that are whole blocks of 48: sixteen valid
 * 3-byte characters each, led by E1-EC or EE-EF (U+1000-U+CFFF,
 * U+E000-U+FFFF: most of CJK), checked 16 bytes at a time. */
size_t enc_utf8_cjk_blocks(const unsigned char *s, size_t n);

#endif
