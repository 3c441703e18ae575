import sys,collections,re
# cmp.py A B MODE [N]: per-key samples in A and B (non-compiler threads), sorted by B-A
def load(f,mode):
    c=collections.Counter(); tot=0
    for line in open(f):
        stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
        if 'Compiler' in fr[0]: continue
        fr=[re.sub(r'\$\$Lambda[.0-9a-fx/]*','$$Lambda',x) for x in fr]
        tot+=n
        if mode=='leaf': keys={fr[-1]}
        elif mode=='incl': keys=set(fr[1:])
        elif mode=='own':
            own=[x for x in fr if x.startswith('io/hourglass')]
            keys={own[-1] if own else '-'}
        for k in keys: c[k]+=n
    return c,tot
a,ta=load(sys.argv[1],sys.argv[3]); b,tb=load(sys.argv[2],sys.argv[3])
print('totals',ta,tb)
n=int(sys.argv[4]) if len(sys.argv)>4 else 40
keys=sorted(set(a)|set(b), key=lambda k: -(abs(b[k]-a[k])))
for k in keys[:n]: print('%7d %7d %+7d  %s'%(a[k],b[k],b[k]-a[k],k[:150]))
