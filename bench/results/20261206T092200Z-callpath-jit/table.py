# Markdown rows: X ÷ Y within each round, median (range) over rounds, in-process and whole process
import re, statistics as st, collections, sys
d = collections.defaultdict(dict)
for l in open('/tmp/cp/r1.txt'):
    m = re.search(r'pair=(\d+) conc=(\d+) arm=(\S+) .*?in-process\s+([\d.]+) us/req\s+whole\s+([\d.]+)', l)
    if m: d[(m.group(1), m.group(2))][m.group(3)] = (float(m.group(4)), float(m.group(5)))
def rat(x, y, conc):
    ri, rw = [], []
    for (p, c), arms in sorted(d.items()):
        if c == conc and x in arms and y in arms:
            ri.append(arms[x][0] / arms[y][0]); rw.append(arms[x][1] / arms[y][1])
    f = lambda r: '%.3f (%.3f-%.3f)' % (st.median(r), min(r), max(r)) if r else '-'
    return len(ri), f(ri), f(rw)
def med(x, conc):
    v = [a[x] for (p, c), a in d.items() if c == conc and x in a]
    if not v: return '-'
    i = [a[0] for a in v]; w = [a[1] for a in v]
    return '%.2f (%.2f-%.2f) / %.1f' % (st.median(i), min(i), max(i), st.median(w))
for label, x, y in [('1. carrier taken inside `exchange()`', 'B', 'A'), ('2. Host once per origin, one pass over the fields', 'C', 'B'), ('1 + 2', 'C', 'A')]:
    for proto, conc in [('h2', '1'), ('h2', '64'), ('h1', '1'), ('h1', '64')]:
        yy = y if not (proto == 'h1' and y == 'A') else 'A0'
        n, ri, rw = rat(proto + '-' + x, proto + '-' + yy, conc)
        print('| %s | %s, %s | %d | %s | %s |' % (label, proto, conc, n, ri, rw))
print()
for proto, conc in [('h2', '1'), ('h2', '64'), ('h1', '1'), ('h1', '64')]:
    print(proto, conc, {a: med(proto + '-' + a, conc) for a in ['OLD', 'A0', 'A', 'B', 'C']})
for x, y in [('C', 'OLD'), ('A0', 'OLD'), ('C', 'A0')]:
    for conc in ['64', '1']:
        print('h1', conc, x, y, rat('h1-' + x, 'h1-' + y, conc))
