# which C2 compiles inline a given method (by name), with their time
import re, sys, html
txt = open(sys.argv[1], errors='replace').read()
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
for target in sys.argv[2:]:
    holder, name = target.rsplit('.', 1)
    tot = 0; rows = []
    for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S):
        a = attr(m.group(1)); body = m.group(2)
        if 'level' in a: continue
        kid = [attr(e.group(1))['id'] for e in re.finditer(r"<klass ([^>]*)/>", body) if attr(e.group(1))['name'] in (holder, holder.replace('.', '/'))]
        mids = [attr(e.group(1))['id'] for e in re.finditer(r"<method ([^>]*)/>", body) if attr(e.group(1)).get('holder') in kid and attr(e.group(1)).get('name') == name]
        if any(re.search(r"<parse method='%s'" % i, body) for i in mids):
            d = attr(re.search(r"<task_done ([^>]*)/>", body).group(1)); dur = float(d['stamp']) - float(a['stamp']); tot += dur
            rows.append('  %.3f %.3fs inl=%s %s%s' % (float(a['stamp']), dur, d.get('inlined_bytes'), a['method'].split(' (')[0], ' OSR' if 'osr_bci' in a else ''))
    print(target, 'parsed in %d C2 compiles, %.3f s' % (len(rows), tot)); print('\n'.join(rows))
