# final.py X/Y DIR... : per connection count, arm X against arm Y over the rounds of the given abn.sh dirs: each arm's
# CPU us/req median (range), the same-round ratio X/Y median (range), p99 ms medians, the most other CPU %
import sys,glob,re,statistics,collections
x,y=sys.argv[1].split('/')
rows=collections.defaultdict(list)
for d in sys.argv[2:]:
    v=collections.defaultdict(dict)
    for f in glob.glob(d+'/*.txt'):
        m=re.search(r'/([A-Z])-(\d+)\.txt$',f)
        if not m: continue
        for line in open(f):
            p=line.rstrip('\n').split('\t')
            if len(p)>12 and p[0]=='keepalive':
                v[p[1]][(m.group(1),int(m.group(2)))]=(float(p[9]),float(p[8]),float(p[12]))
    for conns,vals in v.items():
        for (a,k),val in vals.items():
            if a==x and (y,k) in vals:
                rows[conns].append((val,vals[(y,k)]))
def mr(l): return f'{statistics.median(l):.2f} ({min(l):.2f}-{max(l):.2f})'
for conns in sorted(rows,key=int):
    r=rows[conns]
    ratio=[a[0]/b[0] for a,b in r]
    print(f'{conns:>4} conns n={len(r)}: {y} {mr([b[0] for a,b in r])}  {x} {mr([a[0] for a,b in r])}  {x}/{y} '
          f'{statistics.median(ratio):.3f} ({min(ratio):.3f}-{max(ratio):.3f}), below 1: {sum(q<1 for q in ratio)}; '
          f'p99 ms {y}/{x} {statistics.median([b[1] for a,b in r]):.2f}/{statistics.median([a[1] for a,b in r]):.2f}; '
          f'other CPU max {max(max(a[2],b[2]) for a,b in r)}')
