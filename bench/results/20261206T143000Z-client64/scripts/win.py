import re, sys, html, collections
# win.py LOG START_S END_S: compile busy time inside the window by tier and root package; top hourglass roots
txt = open(sys.argv[1], errors='replace').read(); lo=float(sys.argv[2]); hi=float(sys.argv[3])
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
c = collections.Counter(); roots = collections.Counter(); nroot=collections.Counter()
for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S):
    a = attr(m.group(1)); d = re.search(r"<task_done ([^>]*)/>", m.group(2))
    if not d: continue
    da = attr(d.group(1)); st=float(a['stamp']); en=float(da['stamp'])
    ov = min(en,hi)-max(st,lo)
    if ov <= 0: continue
    lvl = a.get('level','4'); tier = 'C2' if lvl=='4' else 'C1'
    meth=a['method']; pkg = 'hourglass' if meth.startswith('io.hourglass') or meth.startswith('io/hourglass') else 'other'
    c[(tier,pkg)] += ov
    if tier=='C2' and pkg=='hourglass': roots[meth.split(' (')[0].split(' ')[0]+' '+meth.split(' ')[1]] += ov; nroot[meth.split(' ')[0]+' '+meth.split(' ')[1]]+=1
print(sys.argv[1], 'window %.3f-%.3f' % (lo,hi))
for k,v in sorted(c.items()): print('  %s %-9s %.3f s' % (k[0],k[1],v))
for k,v in roots.most_common(int(sys.argv[4]) if len(sys.argv)>4 else 15): print('    %.3f %s' % (v,k))
