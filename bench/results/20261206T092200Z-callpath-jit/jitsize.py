# bytes inlined per subtree (depth-limited), for a root compile
import re, sys, html, collections
txt = open(sys.argv[1], errors='replace').read()
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
tasks = [m for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S)
         if sys.argv[2] in attr(m.group(1))['method'] and 'level' not in attr(m.group(1))]
m = tasks[int(sys.argv[3])]; body = m.group(2); maxd = int(sys.argv[4])
methods = {}; klass = {}
for e in re.finditer(r"<(method|klass) ([^>]*)/>", body):
    x = attr(e.group(2))
    if e.group(1) == 'method': methods[x['id']] = x
    else: klass[x['id']] = x['name']
name = lambda i: klass.get(methods[i]['holder'], '?').split('/')[-1] + '.' + methods[i]['name']
stack = []; out = []
for e in re.finditer(r"<(/?)parse\b([^>]*?)/?>", body):
    if not e.group(1):
        a = attr(e.group(2)); node = [name(a['method']), int(methods[a['method']].get('bytes', 0)), 0, len(stack)]
        for s in stack: s[2] += node[1]
        stack.append(node); out.append(node)
    else:
        stack.pop()
for n in out:
    if n[3] <= maxd: print('%s%s own=%d sub=%d' % ('  ' * n[3], n[0], n[1], n[1] + n[2]))
