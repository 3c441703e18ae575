import csv, sys, statistics
d = sys.argv[1]
rows = list(csv.DictReader(open(d + '/summary.tsv'), delimiter='\t'))
res = list(csv.DictReader(open(d + '/results.tsv'), delimiter='\t'))
sysc = {}
for f, mode in (('/work/iocore-run/sysc-keepalive.log', 'keepalive'), ('/work/iocore-run/sysc-nginx.log', 'keepalive'), ('/work/iocore-run/sysc-many.log', 'many')):
    try:
        for line in open(f):
            p = line.split()
            if len(p) > 2 and p[1].startswith('req=') and p[1] != 'req=':
                kv = dict(x.split('=') for x in p[2:])
                sysc[(mode, p[0])] = kv
    except FileNotFoundError:
        pass
order = "hourglass proto-vt proto-sel proto-sel0 proto-epoll proto-epollv undertow nginx".split()
def cpu_rounds(mode, conns, s):
    return [float(r['cpu_us_per_req']) for r in res if r['mode'] == mode and r['conns'] == conns and r['server'] == s]
med = {}
for mode, conns in (('keepalive', '64'), ('keepalive', '256'), ('many', '10000')):
    print(f"\n{mode} {conns}")
    print("| server | CPU µs/req (rounds) | req/s | p99 ms | RSS MB" + (" | KiB/conn" if mode == 'many' else "") + " | other CPU % | ÷ Hourglass, same round | syscalls/req: all (read, write, epoll_ctl, epoll_wait, futex) |")
    print("|---|---|---:|---:|---:|" + ("---:|" if mode == 'many' else "") + "---:|---:|---|")
    for s in order:
        r = [x for x in rows if x['mode'] == mode and x['conns'] == conns and x['server'] == s]
        if not r: continue
        r = r[0]
        cr = cpu_rounds(mode, conns, s); hr = cpu_rounds(mode, conns, 'hourglass')
        ratios = [a / b for a, b in zip(cr, hr)]
        med[(mode, conns, s)] = float(r['cpu_us_per_req'])
        sc = ''
        if conns != '256':
            kv = sysc.get((mode, s))
            if kv:
                g = lambda *k: sum(float(kv.get(x, '0')) for x in k)
                sc = f"{g('ALL'):.2f} ({g('read','recvfrom','readv'):.2f}, {g('write','writev','sendto'):.2f}, {g('epoll_ctl'):.2f}, {g('epoll_wait','epoll_pwait'):.2f}, {g('futex'):.2f})"
        kib = f" | {float(r['rss_kib_per_conn']):.1f}" if mode == 'many' else ''
        print(f"| {s} | {float(r['cpu_us_per_req']):.1f} ({', '.join('%.1f' % x for x in cr)}) | {float(r['req_per_s']):.0f} | {float(r['p99_ms']):.2f} | {float(r['rss_mb']):.0f}{kib} | {float(r['other_cpu_pct']):.0f} | {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) | {sc} |")
    H = med[(mode, conns, 'hourglass')]; V = med[(mode, conns, 'proto-vt')]
    for ref in ('undertow', 'nginx'):
        if (mode, conns, ref) not in med: continue
        X = med[(mode, conns, ref)]; gap = H - X
        print(f"gap to {ref}: {gap:.2f} us; own code H-vt {H-V:.2f} ({(H-V)/gap*100 if gap>0 else float('nan'):.0f}%);", 
              "; ".join(f"{c}: vt-{c} {V-med[(mode,conns,c)]:.2f} ({(V-med[(mode,conns,c)])/gap*100 if gap>0 else float('nan'):.0f}%)" for c in ('proto-epoll','proto-epollv','proto-sel','proto-sel0')))
