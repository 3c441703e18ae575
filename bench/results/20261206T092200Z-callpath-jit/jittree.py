# jittree.py LOG METHOD_SUBSTR [N-th occurrence, default last]: the inlining tree of a C2 compile
import re, sys, html
txt = open(sys.argv[1], errors='replace').read()
attr = lambda s: {k: html.unescape(v) for k, v in re.findall(r"(\w+)='([^']*)'", s)}
tasks = [m for m in re.finditer(r"<task (compile_id[^>]*)>(.*?)</task>", txt, re.S)
         if sys.argv[2] in attr(m.group(1))['method'] and 'level' not in attr(m.group(1))]
m = tasks[int(sys.argv[3]) if len(sys.argv) > 3 else -1]
a = attr(m.group(1)); body = m.group(2)
print(a['method'], a['compile_id'], a['stamp'])
methods = {}; klass = {}
for e in re.finditer(r"<(method|klass) ([^>]*)/>", body):
    x = attr(e.group(2))
    if e.group(1) == 'method': methods[x['id']] = x
    else: klass[x['id']] = x['name']
name = lambda i: (klass.get(methods[i]['holder'], '?').split('/')[-1] + '.' + methods[i]['name'] + ' ' + methods[i].get('bytes', '?') + 'B') if i in methods else i
depth = 0; pending = None
for e in re.finditer(r"<(/?)(parse|call|inline_fail|inline_success|uncommon_trap|predicted_call|intrinsic)\b([^>]*?)/?>", body):
    close, tag, rest = e.group(1), e.group(2), attr(e.group(3))
    if tag == 'parse' and not close:
        print('  ' * depth + '+ ' + name(rest['method'])); depth += 1
    elif tag == 'parse' and close:
        depth -= 1
    elif tag == 'call':
        pending = rest
    elif tag == 'inline_fail' and pending:
        print('  ' * depth + 'x ' + name(pending['method']) + ' count=' + pending.get('count', '?') + ' : ' + rest['reason'])
    elif tag == 'uncommon_trap' and 'reason' in rest and len(sys.argv) > 4:
        print('  ' * depth + '! trap ' + rest.get('reason') + ' bci=' + rest.get('bci', '?'))
