#!/usr/bin/env python3
"""ab-rounds.py [--pair X/Y]... DIR...: the same-round comparison of the runs ab-server.sh wrote (DIR/ARM-ROUND.txt,
each the --tsv output of one bench/server-compare.sh run). Per mode and connection count: each round's CPU µs per
request by arm, then for each pair X/Y (default: every arm against A) over the rounds of all DIRs, the median and
range of the same-round ratio, each arm's median CPU per request and p99, and the most other CPU any run saw."""
import collections
import glob
import re
import statistics
import sys

MODES = ('keepalive', 'many', 'close')


def load(dirs):
    """{(mode, conns): {(arm, (dir, round)): (cpu µs/req, p99 ms, other CPU %)}}"""
    runs = collections.defaultdict(dict)
    for d in dirs:
        for f in glob.glob(d + '/*.txt'):
            m = re.search(r'/([A-Za-z0-9_]+)-(\d+)\.txt$', f)
            if not m:
                continue
            for line in open(f):
                p = line.rstrip('\n').split('\t')
                if len(p) > 12 and p[0] in MODES:
                    runs[(p[0], p[1])][(m.group(1), (d, int(m.group(2))))] = (float(p[9]), float(p[8]), float(p[12]))
    return runs


def mr(values):
    return f'{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})'


def main(args):
    pairs = [args[i + 1].split('/') for i, a in enumerate(args) if a == '--pair']
    dirs = [a for i, a in enumerate(args) if a != '--pair' and (i == 0 or args[i - 1] != '--pair')]
    if not dirs:
        sys.exit(__doc__)
    for (mode, conns), v in sorted(load(dirs).items(), key=lambda kv: (kv[0][0], int(kv[0][1]))):
        arms = sorted({a for a, _ in v})
        rounds = sorted({r for _, r in v})
        for r in rounds:
            row = ' '.join(f'{a} {v[(a, r)][0]:6.2f}' for a in arms if (a, r) in v)
            other = ' '.join(f'{v[(a, r)][2]}' for a in arms if (a, r) in v)
            print(f'{mode:9s} {conns:>5s} {r[0]} round {r[1]}: {row} µs/req (other CPU % {other})')
        for x, y in pairs or [(a, 'A') for a in arms if a != 'A']:
            both = [(v[(x, r)], v[(y, r)]) for r in rounds if (x, r) in v and (y, r) in v]
            if not both:
                continue
            ratio = [a[0] / b[0] for a, b in both]
            print(f'  => {mode} {conns} {x}/{y}: median {statistics.median(ratio):.3f} range {min(ratio):.3f}-'
                  f'{max(ratio):.3f} (n={len(ratio)}, below 1: {sum(q < 1 for q in ratio)}); {y} {mr([b[0] for a, b in both])}, '
                  f'{x} {mr([a[0] for a, b in both])} µs/req; p99 ms {y} {statistics.median([b[1] for a, b in both]):.2f}, '
                  f'{x} {statistics.median([a[1] for a, b in both]):.2f}; other CPU max {max(max(a[2], b[2]) for a, b in both)}')


main(sys.argv[1:])
