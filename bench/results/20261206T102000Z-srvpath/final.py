# final.py [DIR]: the final-record table of docs/BENCHMARKS.md from DIR/ab-abc (A vs C) and DIR/ab-cm (A vs B, the kept branch)
import glob,os,re,statistics,collections,sys
D=sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
def load(d, ren):
    v=collections.defaultdict(dict)
    for f in glob.glob(d+'/*.txt'):
        m=re.search(r'/([A-Z])-(\d+)\.txt$',f); arm=ren.get(m.group(1),m.group(1)); r=int(m.group(2))
        for line in open(f):
            p=line.rstrip('\n').split('\t')
            if len(p)>12 and p[0] in ('keepalive','many'):
                v[(p[0],int(p[1]))][(arm,r)]=dict(cpu=float(p[9]),p99=float(p[8]),other=float(p[12]),kib=p[18] if len(p)>18 else '')
    return v
v=load(D+'/ab-abc',{}); v.update(load(D+'/ab-cm',{'B':'C'}))
def fmt(xs): return f'{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})'
print('| load | main µs/req, median (range) | branch µs/req | branch ÷ main, same round: median (range) | rounds | p99 ms main / branch (medians) | other CPU % (max) |')
print('| --- | --- | --- | --- | ---: | --- | ---: |')
for k in [('keepalive',64),('keepalive',256),('many',10000)]:
    d=v.get(k,{}); rs=sorted({r for a,r in d if ('A',r) in d and ('C',r) in d})
    if not rs: continue
    a=[d[('A',r)]['cpu'] for r in rs]; c=[d[('C',r)]['cpu'] for r in rs]; rat=[x/y for x,y in zip(c,a)]
    pa=statistics.median([d[('A',r)]['p99'] for r in rs]); pc=statistics.median([d[('C',r)]['p99'] for r in rs])
    oth=max(max(d[('A',r)]['other'],d[('C',r)]['other']) for r in rs)
    name={'keepalive':'keep-alive, %d conns'%k[1],'many':'10 000 conns × 1 req/s'}[k[0]]
    print(f'| {name} | {fmt(a)} | {fmt(c)} | {statistics.median(rat):.3f} ({min(rat):.3f}-{max(rat):.3f}) | {len(rs)} | {pa:.2f} / {pc:.2f} | {oth:.1f} |')
