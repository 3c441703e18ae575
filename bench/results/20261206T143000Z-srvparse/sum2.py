# sum2.py DIR X/Y ... : same-round ratios of arm X to arm Y (CPU us/req), median and range, per mode and conns
import sys,glob,re,statistics,collections
d=sys.argv[1]
vals=collections.defaultdict(dict)
for f in glob.glob(d+'/*.txt'):
    m=re.search(r'/([A-Z])-(\d+)\.txt$',f)
    if not m: continue
    for line in open(f):
        p=line.rstrip('\n').split('\t')
        if len(p)>12 and p[0]=='keepalive':
            vals[p[1]][(m.group(1),int(m.group(2)))]=float(p[9])
for conns in sorted(vals,key=int):
    v=vals[conns]
    for pair in sys.argv[2:]:
        x,y=pair.split('/')
        r=[v[(x,k)]/v[(y,k)] for (a,k) in v if a==x and (y,k) in v]
        if r: print(f'{conns:>4} conns {pair}: median {statistics.median(r):.3f} range {min(r):.3f}-{max(r):.3f} n={len(r)}  ' + ' '.join(f'{q:.3f}' for q in r))
