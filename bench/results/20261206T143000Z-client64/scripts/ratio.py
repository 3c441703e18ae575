import sys, re, statistics as st
# ratio.py X Y FILE...: X over Y within each (file, pair, conc); tsv summary row: col 9 in-process, col 11 whole, col 14 other
x, y = sys.argv[1], sys.argv[2]
d = {}
for f in sys.argv[3:]:
    for l in open(f):
        m = re.match(r'\S+ pair=(\d+) conc=(\d+) arm=(\S+) (.*)', l.rstrip('\n'))
        if not m: continue
        cols = m.group(4).split('\t')
        if len(cols) < 14 or cols[0] != 'warm': continue
        d[(f, int(m.group(1)), int(m.group(2)), m.group(3))] = (float(cols[8]), float(cols[10]), float(cols[13] or 0), float(cols[7]))
for c in sorted({k[2] for k in d}):
    ri, rw = [], []
    for k, a in d.items():
        if k[2] == c and k[3] == x and (k[0], k[1], c, y) in d:
            b = d[(k[0], k[1], c, y)]
            ri.append(a[0] / b[0]); rw.append(a[1] / b[1])
    for arm in (x, y):
        v = [a for k, a in d.items() if k[2] == c and k[3] == arm]
        if v:
            print("conc=%d %-6s runs=%d in-process %.2f (%.2f-%.2f) whole %.2f (%.2f-%.2f) calls/s %.0f other%% %s" % (
                c, arm, len(v), st.median(a[0] for a in v), min(a[0] for a in v), max(a[0] for a in v),
                st.median(a[1] for a in v), min(a[1] for a in v), max(a[1] for a in v), st.median(a[3] for a in v),
                ",".join("%.0f" % a[2] for a in v)))
    if ri:
        print("conc=%d %s/%s pairs=%d in-process %.3f (%.3f-%.3f) [%s]  whole %.3f (%.3f-%.3f)" % (
            c, x, y, len(ri), st.median(ri), min(ri), max(ri), " ".join("%.3f" % r for r in ri), st.median(rw), min(rw), max(rw)))
