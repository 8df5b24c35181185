/* json: the writer's layouts, commas and escapes. */
#include "json.h"
#include "t.h"
#include "text.h"

#include <stdlib.h>

static char *buf;
static size_t bufn;

static json_t *start(json_t *J)
{
    free(buf);
    buf = NULL;
    FILE *f = open_memstream(&buf, &bufn);
    json_init(J, f);
    return J;
}

static const char *done(json_t *J)
{
    fclose(J->out);
    return buf;
}

int main(void)
{
    text_init_locale();
    json_t J;
    /* an object inline, with every kind of value, a line feed at the end */
    start(&J);
    json_object(&J, JSON_INLINE);
    json_key(&J, "s");
    json_strz(&J, "创新");
    json_key(&J, "n");
    json_int(&J, -12);
    json_key(&J, "r");
    json_real(&J, 33.333, 1);
    json_key(&J, "z");
    json_null(&J);
    json_key(&J, "a");
    json_array(&J, JSON_INLINE);
    json_int(&J, 1);
    json_int(&J, 2);
    json_end(&J);
    json_key(&J, "e");
    json_array(&J, JSON_LINES);
    json_end(&J);
    json_end(&J);
    CHECK_STR(done(&J), "{\"s\": \"创新\", \"n\": -12, \"r\": 33.3, \"z\": null, \"a\": [1, 2], "
                        "\"e\": []}\n");
    /* one element a line */
    start(&J);
    json_array(&J, JSON_LINES);
    json_object(&J, JSON_INLINE);
    json_key(&J, "k");
    json_int(&J, 1);
    json_end(&J);
    json_object(&J, JSON_INLINE);
    json_end(&J);
    json_end(&J);
    CHECK_STR(done(&J), "[\n  {\"k\": 1},\n  {}\n]\n");
    /* documents: each as printed alone, a comma on a line between */
    start(&J);
    json_array(&J, JSON_DOCS);
    for (int i = 0; i < 2; i++) {
        json_object(&J, JSON_INLINE);
        json_key(&J, "l");
        json_array(&J, JSON_LINES);
        json_int(&J, i);
        json_end(&J);
        json_end(&J);
    }
    json_end(&J);
    CHECK_STR(done(&J), "[\n{\"l\": [\n  0\n]}\n,\n{\"l\": [\n  1\n]}\n]\n");
    start(&J);
    json_array(&J, JSON_DOCS);
    json_end(&J);
    CHECK_STR(done(&J), "[]\n");
    /* strings: quote, backslash and controls escaped, invalid bytes U+FFFD */
    start(&J);
    json_str(&J, "a\"b\\c\n\t\x01\x7f\xff中\xe4", 14);
    CHECK_STR(done(&J), "\"a\\\"b\\\\c\\u000a\\u0009\\u0001\\u007f\xEF\xBF\xBD中\xEF\xBF\xBD\"\n");
    start(&J);
    json_str(&J, "a\0b", 3);
    CHECK_STR(done(&J), "\"a\\u0000b\"\n");
    /* C1 controls (CSI, OSC), bidi and other invisible format characters
       escaped too (issue 18), a plane-1 one as a surrogate pair; CJK, an
       emoji and a combining mark stay as they are */
    start(&J);
    json_strz(&J, "\xC2\x9B" "2J\xC2\x9D" "52\xE2\x80\xAE" "x\xE2\x81\xA6"
                  "\xE2\x80\xA8\xC2\x85\xEF\xBB\xBF\xE2\x80\x8B\xF0\x9D\x85\xB3"
                  "高\xF0\x9F\x98\x80" "e\xCC\x81");
    CHECK_STR(done(&J), "\"\\u009b2J\\u009d52\\u202ex\\u2066\\u2028\\u0085\\ufeff"
                        "\\u200b\\ud834\\udd73高\xF0\x9F\x98\x80" "e\xCC\x81\"\n");
    free(buf);
    return T_DONE("json");
}
