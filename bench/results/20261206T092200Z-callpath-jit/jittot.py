import re, sys, html, collections
for path in sys.argv[1:]:
    txt = open(path, errors='replace').read()
    attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
    c = collections.Counter(); n = collections.Counter(); tot = 0
    for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S):
        a = attr(m.group(1))
        if 'level' in a: continue
        d = attr(re.search(r"<task_done ([^>]*)/>", m.group(2)).group(1))
        dur = float(d['stamp']) - float(a['stamp']); tot += dur
        cls = a['method'].split(' ')[0]
        k = 'io.hourglass.client' if cls.startswith('io.hourglass.client') else 'io.hourglass.(other)' if cls.startswith('io.hourglass') else 'jdk'
        c[k] += dur; n[k] += 1
    print(path, 'C2 total %.3f' % tot, ', '.join('%s %.3f (%d)' % (k, v, n[k]) for k, v in c.most_common()))
