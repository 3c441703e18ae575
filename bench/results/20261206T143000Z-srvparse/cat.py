import sys, collections
IO = ('NioSocketImpl','SocketInputStream','SocketOutputStream','Continuation','VirtualThread','ForkJoin','Poller','LockSupport','Unsafe.park','jdk/internal/vm','sun/nio/ch')
def area(f, leaf):
    if 'vdso' in leaf or 'clock_gettime' in leaf or 'javaTimeNanos' in leaf or 'javaTimeMillis' in leaf: return 'clock reads (System.nanoTime, currentTimeMillis)'
    if 'getAndClearInterrupt' in leaf: return 'interrupt status cleared'
    if 'observe/' in f: return 'metrics'
    if 'DeadlineTimer' in f or 'net/Conn.' in f: return 'deadlines (Conn arming, timer)'
    if 'OutBuffer' in f: return 'write buffer (pool, head bytes)'
    if 'H1Parser' in f or 'QuickRequest' in f or 'KnownNames' in f or 'TargetSyntax' in f or 'InBuffer' in f or 'RequestHead' in f: return 'head parsing'
    if 'HandlerGuard' in f or 'ReadAhead' in f: return 'handler guard (timeout, watch)'
    if 'RouteTable' in f or 'Router' in f or 'RoutePattern' in f: return 'routing'
    if 'H1Exchange' in f or 'Response' in f or 'HttpDate' in f: return 'response head and body'
    if 'Headers' in f or 'Request' in f or 'Deadline' in f or 'BodyIn' in f: return 'request objects, header lookups, deadline'
    return 'connection loop (ServerConn, H1Wire, other)'
tot=0; a=collections.Counter()
for line in open(sys.argv[1]):
    st,n=line.rsplit(' ',1); n=int(n); tot+=n
    fr=st.split(';')
    idx=None
    for i in range(len(fr)-1,-1,-1):
        if 'io/hourglass' in fr[i]: idx=i; break
    if idx is None: continue
    below=fr[idx+1:]
    leaf=below[-1] if below else ''
    clock = any('clock_gettime' in x or 'vdso' in x for x in below)
    if not clock and (any(x.endswith('_[k]') for x in below) or any(any(s in x for s in IO) for x in below)): continue
    a[area(fr[idx], 'vdso' if clock else leaf)]+=n
s=sum(a.values())
print(f'own total {100*s/tot:.1f}% of {tot} samples')
for k,v in a.most_common(): print(f'{100*v/tot:5.2f}%  {k}')
