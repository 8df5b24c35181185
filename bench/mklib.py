#!/usr/bin/env python3
"""bench/mklib.py DIR [N]: a library of N (10,000) saved articles of 1-5 KB,
about 44 MB, one in ten in GB18030, the rest UTF-8 with CRLF line ends, cut
at line ends from the novels of ../shared/corpus (taken round again when
they run out), or from generated Han text when ../shared is absent.
Deterministic: the same directory every time."""
import os
import random
import sys

def lines_of_corpus(root):
    names = sorted(f for f in os.listdir(root) if f.endswith(".txt")) if os.path.isdir(root) else []
    out = []
    for f in names:
        with open(os.path.join(root, f), "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
        out.append((f[:-4], [l for l in text.split("\r\n") if l.strip()]))
    return out

def generated():
    rnd = random.Random(7)
    han = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家宝玉黛"
    punct = "，。、；：！？"
    lines = []
    for _ in range(40000):
        n = 20 + rnd.randrange(200)
        s = "".join(han[rnd.randrange(len(han))] + (punct[rnd.randrange(len(punct))] if rnd.random() < 0.08 else "") for _ in range(n))
        lines.append("　　" + s)
    return [("生成", lines)]

def main():
    if len(sys.argv) < 2:
        sys.exit("usage: mklib.py DIR [N]")
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    here = os.path.dirname(os.path.abspath(__file__))
    books = lines_of_corpus(os.path.join(here, "..", "..", "shared", "corpus")) or generated()
    rnd = random.Random(19)
    os.makedirs(out, exist_ok=True)
    pos = [0] * len(books)
    for i in range(n):
        b = i % len(books)
        name, lines = books[b]
        want = rnd.randrange(2000, 6000)
        # an article: a title line (the first line of its text) and paragraphs
        parts, size = [], 0
        while size < want:
            l = lines[pos[b] % len(lines)]
            pos[b] += 1
            parts.append(l)
            size += len(l.encode("utf-8")) + 2
        text = "\r\n".join(parts) + "\r\n"
        gb = i % 10 == 9
        data = text.encode("gb18030") if gb else text.encode("utf-8")
        with open(os.path.join(out, "%s-%05d.txt" % (name, i)), "wb") as fh:
            fh.write(data)

main()
