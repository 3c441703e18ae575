import re, sys, html
txt = open(sys.argv[1], errors='replace').read(); pat = sys.argv[2]
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
queued = {attr(m.group(1))['compile_id']: attr(m.group(1)) for m in re.finditer(r"<task_queued ([^>]*)/>", txt)}
tot = 0
for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S):
    a = attr(m.group(1))
    if 'level' in a or pat not in a['method']: continue
    d = attr(re.search(r"<task_done ([^>]*)/>", m.group(2)).group(1))
    dur = float(d['stamp']) - float(a['stamp']); tot += dur
    q = float(queued.get(a['compile_id'], a)['stamp'])
    if int(d.get('inlined_bytes', 0) or 0) >= int(sys.argv[3]) if len(sys.argv) > 3 else 1000:
        print('q=%.3f start=%.3f %.3fs inl=%5s nm=%6s %s%s' % (q, float(a['stamp']), dur, d.get('inlined_bytes'), d.get('nmsize'), a['method'].split(' (')[0], ' OSR' if 'osr_bci' in a else ''))
print('total %.3f s' % tot)
