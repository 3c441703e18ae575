import sys, collections
IO = ('NioSocketImpl','SocketInputStream','SocketOutputStream','Continuation','VirtualThread','ForkJoin','Poller','LockSupport','Unsafe.park','jdk/internal/vm','sun/nio/ch')
tot=0; a=collections.Counter(); leafc=collections.Counter()
for line in open(sys.argv[1]):
    st,n=line.rsplit(' ',1); n=int(n); tot+=n
    fr=st.split(';')
    idx=None
    for i in range(len(fr)-1,-1,-1):
        if 'io/hourglass' in fr[i]: idx=i; break
    if idx is None: continue
    below=fr[idx+1:]
    clock = any('clock_gettime' in x or 'vdso' in x for x in below)
    if not clock and (any(x.endswith('_[k]') for x in below) or any(any(s in x for s in IO) for x in below)): continue
    a[fr[idx]]+=n
    if below: leafc[fr[idx]+' -> '+below[-1]]+=n
for k,v in a.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 40): print(f'{100*v/tot:5.2f}%  {k}')
print('--- with callee leaf')
for k,v in leafc.most_common(30): print(f'{100*v/tot:5.2f}%  {k}')
