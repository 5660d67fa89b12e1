#!/usr/bin/env python3
"""Content digest of text-package files, as pinned in scalpel-train's Gutenberg and BrownCorpus (TextFiles.digest):
SHA-256 over the files in name order, each as name (UTF-8), a zero byte, its length in decimal ASCII, a zero byte,
its bytes.

    docs/results/text_digest.py DIR REGEX     e.g.  DIR=unpacked/package/gutenberg  REGEX='.*\\.txt'
"""
import hashlib
import os
import re
import sys


def digest(directory, pattern):
    h = hashlib.sha256()
    names = sorted(n for n in os.listdir(directory)
                   if re.fullmatch(pattern, n) and os.path.isfile(os.path.join(directory, n)))
    for n in names:
        with open(os.path.join(directory, n), "rb") as f:
            b = f.read()
        h.update(n.encode() + b"\0" + str(len(b)).encode() + b"\0" + b)
    return len(names), h.hexdigest()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count, hexdigest = digest(sys.argv[1], sys.argv[2])
    print(count, "files", hexdigest)
