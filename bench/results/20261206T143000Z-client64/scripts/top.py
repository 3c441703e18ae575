import sys,collections
# top.py FILE MODE: MODE leaf = allocated types/leaf frames; own = deepest io.hourglass frame; thr = thread
f=sys.argv[1]; mode=sys.argv[2]; c=collections.Counter(); tot=0
for line in open(f):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if 'Compiler' in fr[0] or 'C2 Compiler' in stack[:40]: continue
    tot+=n
    if mode=='leaf': k=fr[-1]
    elif mode=='leaf2': k=';'.join(fr[-3:])
    elif mode=='own':
        own=[x for x in fr if 'io/hourglass' in x or 'io.hourglass' in x]
        k=own[-1] if own else '(none) '+fr[-1]
    elif mode=='ownself':
        k=None
        for x in fr:
            if 'io/hourglass' in x or 'io.hourglass' in x: k=x
        k=k or '-'
    elif mode=='thr': k=fr[0].split('[')[0] if fr[0].startswith('[') else fr[0]
    c[k]+=n
print('total',tot)
for k,v in c.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 40): print('%6.2f%% %8d %s'%(100*v/tot,v,k))
