#!/usr/bin/env python3
# Summarise a HotSpot -XX:+LogCompilation file: compilations of matching methods (with timing), uncommon traps,
# make_not_entrant events, inline failures inside hot compilations.
import re, sys, html, collections
path = sys.argv[1]; pat = sys.argv[2] if len(sys.argv) > 2 else 'io.hourglass'
since = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
txt = open(path, errors='replace').read()
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
# methods by id (compilation log part)
methods = {}
for m in re.finditer(r"<method id='(\d+)' holder='(\d+)' name='([^']*)'", txt):
    methods[m.group(1)] = (m.group(2), html.unescape(m.group(3)))
klasses = {m.group(1): m.group(2) for m in re.finditer(r"<klass id='(\d+)' name='([^']*)'", txt)}
# tasks
tasks = {}
for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S):
    a = attr(m.group(1)); body = m.group(2)
    d = re.search(r"<task_done ([^>]*)/>", body)
    da = attr(d.group(1)) if d else {}
    a['done'] = da
    a['body'] = body
    tasks[a['compile_id']] = a
# runtime events
traps = collections.Counter(); trapfirst = {}
for m in re.finditer(r"<uncommon_trap (thread[^>]*)>(.*?)</uncommon_trap>", txt, re.S):
    a = attr(m.group(1)); st = float(a.get('stamp', 0))
    if st < since: continue
    j = re.findall(r"<jvms ([^>]*)/>", m.group(2))
    where = ' <- '.join(attr(x).get('method', '?') + '@' + attr(x).get('bci', '?') for x in j[:3])
    t = tasks.get(a.get('compile_id'), {})
    key = (t.get('method', '?'), a.get('reason'), a.get('action'), where)
    traps[key] += 1; trapfirst.setdefault(key, st)
print("== uncommon traps since %.3f (compiled method | reason | action | where) ==" % since)
for k, v in traps.most_common(60):
    if pat in ' '.join(k):
        print(v, 'first@%.3f' % trapfirst[k], ' | '.join(k))
mne = collections.Counter()
for m in re.finditer(r"<make_not_entrant ([^>]*)/>", txt):
    a = attr(m.group(1)); st = float(a.get('stamp', 0))
    if st < since or a.get('reason') == 'not used': continue
    t = tasks.get(a.get('compile_id'), {})
    if pat in t.get('method', ''):
        print('not entrant %.3f' % st, a.get('reason'), a.get('compiler'), a.get('level'), t.get('method'))
print("== compilations of %s since %.3f (stamp, level, method, bytes, nmsize, inlined, time) ==" % (pat, since))
tot = collections.Counter()
for cid, a in sorted(tasks.items(), key=lambda kv: float(kv[1].get('stamp', 0))):
    st = float(a.get('stamp', 0)); d = a['done']
    if st < since: continue
    dur = float(d.get('stamp', st)) - st
    lvl = a.get('level', '4'); pkg = a.get('method', '').split(' ')[0].rsplit('.', 1)[0]
    tot[(pkg, lvl)] += dur
    if pat in a.get('method', '') and lvl == '4':
        print('%.3f L%s %-70s bytes=%s nm=%s inl=%s %.3fs%s' % (st, lvl, a['method'][:70], a.get('bytes'), d.get('nmsize'), d.get('inlined_bytes'), dur, ' OSR' if a.get('osr_bci') else ''))
print("== compile wall time per package/level since %.3f ==" % since)
for k, v in sorted(tot.items(), key=lambda kv: -kv[1])[:15]:
    print('%.3f %s L%s' % (v, k[0], k[1]))
