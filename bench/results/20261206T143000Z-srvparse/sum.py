# sum.py DIR: per mode and connection count, each arm's CPU per request per round and its ratio to arm A of the
# same round (median and range); arms are the files' prefixes (A = main at the start), rounds their numbers
import sys,glob,re,statistics,collections
d=sys.argv[1]
vals=collections.defaultdict(dict)
for f in glob.glob(d+'/*.txt'):
    m=re.search(r'/([A-Z])-(\d+)\.txt$',f)
    if not m: continue
    arm,pair=m.group(1),int(m.group(2))
    for line in open(f):
        p=line.rstrip('\n').split('\t')
        if len(p)>12 and p[0] in ('keepalive','many','close'):
            vals[(p[0],p[1])][(arm,pair)]=(float(p[9]),float(p[6]),float(p[8]),float(p[12]))
for k in sorted(vals):
    v=vals[k]; arms=sorted({a for a,p in v}); pairs=sorted({p for a,p in v})
    for p in pairs:
        row=' '.join(f'{a} {v[(a,p)][0]:6.2f}' for a in arms if (a,p) in v)
        oth=' '.join(f'{v[(a,p)][3]}' for a in arms if (a,p) in v)
        print(f'{k[0]:9s} {k[1]:>5s} round {p}: {row} us/req (other CPU % {oth})')
    for a in arms:
        if a=='A': continue
        rat=[v[(a,p)][0]/v[('A',p)][0] for p in pairs if (a,p) in v and ('A',p) in v]
        if rat:
            print(f'  => {k[0]} {k[1]} {a}/A: median {statistics.median(rat):.3f} range {min(rat):.3f}-{max(rat):.3f} (n={len(rat)}); '
                  f'A median {statistics.median([v[("A",p)][0] for p in pairs if ("A",p) in v]):.2f}, {a} median {statistics.median([v[(a,p)][0] for p in pairs if (a,p) in v]):.2f} us/req')
