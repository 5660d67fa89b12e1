#!/usr/bin/env python3
"""English-German paragraph pairs from Debian's LibreOffice help packages, computed independently of Scalpel's Java
reader (dev.scalpel.train.data.LibreOfficeHelp) to check it: its counts per module are asserted by
LibreOfficeHelpTest.

    docs/results/libreoffice_pairs.py EN_ROOT DE_ROOT

EN_ROOT and DE_ROOT are the help trees .../usr/share/libreoffice/help/en-US/text and .../help/de/text of the two
unpacked packages (dpkg-deb -x). A pair: a <p> or <h1>..<h6> element with an id attribute, in a page present in both
languages under the same path, text = the element's content with tags removed, &lt; &gt; &amp; &quot; &apos; and
numeric references decoded, runs of ASCII whitespace turned into one space, trimmed; kept when both texts are
non-empty and differ. The module is the first directory under text/ (scalc, swriter, smath, ...). Also prints the
content digest of each tree as flattened by the Java reader (path below text/ with '/' as '+').
"""
import hashlib
import html
import os
import re
import sys
from collections import Counter

ELEMENT = re.compile(r'<(p|h[1-6])\s+id="([^"]+)"[^>]*>(.*?)</\1>', re.S)
WS = re.compile(r'[ \t\n\r\f\v]+')


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = {}
    for _, pid, inner in ELEMENT.findall(text):
        s = re.sub(r"<[^>]*>", "", inner)
        s = html.unescape(s)
        s = WS.sub(" ", s).strip(" ")
        if s and pid not in out:
            out[pid] = s
    return out


def pages(root):
    found = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = os.path.join(d, f)
                found[os.path.relpath(p, root).replace(os.sep, "+")] = p
    return found


def digest(found):
    h = hashlib.sha256()
    for n in sorted(found):
        with open(found[n], "rb") as f:
            b = f.read()
        h.update(n.encode() + b"\0" + str(len(b)).encode() + b"\0" + b)
    return h.hexdigest()


def main(en_root, de_root):
    en, de = pages(en_root), pages(de_root)
    print("en", len(en), "pages, digest", digest(en))
    print("de", len(de), "pages, digest", digest(de))
    counts = Counter()
    for name in sorted(en):
        if name not in de:
            continue
        a, b = paragraphs(en[name]), paragraphs(de[name])
        for pid, s in a.items():
            t = b.get(pid)
            if t and t != s:
                counts[name.split("+")[0]] += 1
    for module, n in sorted(counts.items()):
        print(module, n)
    print("total", sum(counts.values()))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
