#!/usr/bin/env python3
"""Corpus-level chrF2 (character orders 1-6, beta 2, whitespace removed), written from sacreBLEU 2's definition,
independently of Scalpel's Java ChrF: prints the golden values ChrFTest asserts.

    docs/results/chrf.py
"""
from collections import Counter


def chrf(hyps, refs, order=6, beta=2.0):
    stats = [[0, 0, 0] for _ in range(order)]
    for h, r in zip(hyps, refs):
        h = "".join(h.split())
        r = "".join(r.split())
        for n in range(1, order + 1):
            hc = Counter(h[i:i + n] for i in range(len(h) - n + 1))
            rc = Counter(r[i:i + n] for i in range(len(r) - n + 1))
            stats[n - 1][0] += sum(hc.values())
            stats[n - 1][1] += sum(rc.values())
            stats[n - 1][2] += sum((hc & rc).values())
    eps, f = 1e-16, beta ** 2
    score, effective = 0.0, 0
    for n_hyp, n_ref, n_match in stats:
        p = n_match / n_hyp if n_hyp > 0 else eps
        r = n_match / n_ref if n_ref > 0 else eps
        d = f * p + r
        score += (1 + f) * p * r / d if d > 0 else eps
        effective += 1 if n_hyp > 0 and n_ref > 0 else 0
    return 100 * score / effective if effective else 0.0


CASES = {
    "identical": (["Wählen Sie einen Operator."], ["Wählen Sie einen Operator."]),
    "partial": (["Die Katze sitzt auf der Matte.", "Formel"], ["Die Katze saß auf der Matte.", "Die Formel"]),
    "short": (["ab"], ["abc"]),
    "disjoint": (["xyz"], ["abc"]),
}

if __name__ == "__main__":
    for name, (h, r) in CASES.items():
        print(name, repr(chrf(h, r)))
