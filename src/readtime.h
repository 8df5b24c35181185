/* readtime: how long the rest of a document takes to read.
 *
 * Contract: rt_start() counts, on a thread of its own, the CJK characters
 * and Latin words of the text per 64 KiB chunk, so a 100 MB file costs the
 * reader nothing before its first screen; rt_minutes_left() answers from
 * those counts (plus the part of one chunk) at 400 CJK characters and 230
 * words a minute, or -1 while the count is running; rt_say() puts them in
 * words. The text must outlive
 * the count: rt_free() stops it and waits for it. No curses, no output. */
#ifndef JUAN_READTIME_H
#define JUAN_READTIME_H
#include <stddef.h>

typedef struct rt_job rt_t;

rt_t *rt_start(const char *text, size_t len);
long rt_minutes_left(rt_t *rt, size_t off);
/* Minutes left as people say them, into out: "25 min left" under an
 * hour; "≈ 3 h 20 min left" (to the nearest 10 minutes; "≈ 3 h left")
 * under a day; "≈ 26 days left" (to the nearest day; "≈ 1 day left")
 * beyond. */
void rt_say(long minutes, char *out, size_t n);
/* Has the count finished? */
int rt_ready(const rt_t *rt);
void rt_free(rt_t *rt);

#endif
