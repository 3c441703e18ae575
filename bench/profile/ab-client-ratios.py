#!/usr/bin/env python3
"""ab-client-ratios.py X Y FILE...: arm X over arm Y within each (file, pair, concurrency) of ab-client.sh's lines
("HH:MM:SS pair=P conc=C arm=NAME <client-compare.sh's warm row>"; rows with errors are left out): per concurrency
each arm's median and range of the in-process and whole-process CPU µs per call (the warm row's columns 9 and 11),
its calls/s and other CPU %, then the same-pair ratios X/Y, median and range."""
import re
import statistics as st
import sys


def load(files):
    runs = {}
    for f in files:
        for line in open(f):
            m = re.match(r'\S+ pair=(\d+) conc=(\d+) arm=(\S+) (.*)', line.rstrip('\n'))
            if not m:
                continue
            cols = m.group(4).split('\t')
            if len(cols) < 14 or cols[0] != 'warm' or cols[6] != '0':
                continue
            runs[(f, int(m.group(1)), int(m.group(2)), m.group(3))] = (
                float(cols[8]), float(cols[10]), float(cols[13] or 0), float(cols[7]))
    return runs


def main(args):
    if len(args) < 3:
        sys.exit(__doc__)
    x, y = args[0], args[1]
    d = load(args[2:])
    for c in sorted({k[2] for k in d}):
        ri, rw = [], []
        for k, a in d.items():
            if k[2] == c and k[3] == x and (k[0], k[1], c, y) in d:
                b = d[(k[0], k[1], c, y)]
                ri.append(a[0] / b[0])
                rw.append(a[1] / b[1])
        for arm in (x, y):
            v = [a for k, a in d.items() if k[2] == c and k[3] == arm]
            if v:
                print('conc=%d %-12s runs=%d in-process %.2f (%.2f-%.2f) whole %.2f (%.2f-%.2f) calls/s %.0f other%% %s' % (
                    c, arm, len(v), st.median(a[0] for a in v), min(a[0] for a in v), max(a[0] for a in v),
                    st.median(a[1] for a in v), min(a[1] for a in v), max(a[1] for a in v), st.median(a[3] for a in v),
                    ','.join('%.0f' % a[2] for a in v)))
        if ri:
            print('conc=%d %s/%s pairs=%d in-process %.3f (%.3f-%.3f) [%s]  whole %.3f (%.3f-%.3f)' % (
                c, x, y, len(ri), st.median(ri), min(ri), max(ri), ' '.join('%.3f' % r for r in ri),
                st.median(rw), min(rw), max(rw)))


main(sys.argv[1:])
