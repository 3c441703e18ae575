import re, sys, html, collections
txt = open(sys.argv[1], errors='replace').read()
lo = float(sys.argv[2]) if len(sys.argv) > 2 else 0; hi = float(sys.argv[3]) if len(sys.argv) > 3 else 1e9
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
queued = {}
for m in re.finditer(r"<task_queued ([^>]*)/>", txt):
    a = attr(m.group(1)); queued[a['compile_id']] = a
rows = []
for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S):
    a = attr(m.group(1)); d = re.search(r"<task_done ([^>]*)/>", m.group(2)); da = attr(d.group(1)) if d else {}
    st = float(a['stamp']); en = float(da.get('stamp', st)); lvl = a.get('level', '4')
    q = queued.get(a['compile_id'], {}); qs = float(q.get('stamp', st))
    rows.append((st, en, lvl, a['method'], qs, da.get('inlined_bytes'), a.get('osr_bci')))
c2 = [r for r in rows if r[2] == '4']
busy = sum(min(r[1], hi) - max(r[0], lo) for r in c2 if r[1] > lo and r[0] < hi)
print('C2 busy in [%.3f,%.3f]: %.3f s of %.3f' % (lo, hi, busy, hi - lo))
print('C2 total whole run: %.3f s, %d tasks' % (sum(r[1]-r[0] for r in c2), len(c2)))
print('top C2 compiles by time (start, dur, queued wait, inlined, method):')
for r in sorted(c2, key=lambda r: r[0]-r[1])[:int(sys.argv[4]) if len(sys.argv)>4 else 25]:
    print('%.3f %.3fs wait=%.3f inl=%s %s%s' % (r[0], r[1]-r[0], r[0]-r[4], r[5], r[3][:90], ' OSR' if r[6] else ''))
