# peers.py FILE...: rounds of server-compare --tsv with hourglass, Java peers and nginx; per connection count each
# server's CPU us/req per round and median, and the same-round ratios hourglass / best Java peer, / each, / nginx
import sys,statistics,collections
v=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sys.argv[1:]:
    for line in open(f):
        p=line.rstrip('\n').split('\t')
        if len(p)>12 and p[0]=='keepalive':
            v[p[1]][p[2]].append(float(p[9]))
for conns in sorted(v,key=int):
    s=v[conns]; n=len(s['hourglass'])
    print(f'{conns} conns: '+'  '.join(f'{k} {statistics.median(x):.2f} ({" ".join(f"{y:.2f}" for y in x)})' for k,x in s.items()))
    java=[k for k in s if k not in ('hourglass','nginx')]
    best=[s['hourglass'][r]/min(s[k][r] for k in java) for r in range(n)]
    print(f'   hourglass/best Java same round: median {statistics.median(best):.3f} ({" ".join(f"{q:.3f}" for q in best)})')
    for k in java+['nginx']:
        r=[s['hourglass'][i]/s[k][i] for i in range(n)]
        print(f'   hourglass/{k}: median {statistics.median(r):.3f} ({" ".join(f"{q:.3f}" for q in r)})')
