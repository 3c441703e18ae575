import sys,collections
# cat.py FILE: samples by category of the deepest frame class: kernel, JDK I/O (sun/nio), VT scheduling (VirtualThread, Continuation, ForkJoin, Freeze/Thaw), locks (AQS, LockSupport), hourglass own (leaf in io/hourglass or a java/lang leaf under io/hourglass with no sun/nio below), other
f=sys.argv[1]; c=collections.Counter(); tot=0
for line in open(f):
    s,_,n=line.rstrip().rpartition(' '); n=int(n); fr=s.split(';')
    if 'Compiler' in fr[0]: continue
    tot+=n
    leaf=fr[-1]
    jfr=[x for x in fr if '/' in x and not x.endswith('_[k]')]
    jl=jfr[-1] if jfr else ''
    if any(x.startswith(('sun/nio/ch/SocketDispatcher','sun/nio/ch/NioSocketImpl','sun/nio/ch/IOUtil','sun/nio/ch/Net')) for x in fr) and ('_[k]' in leaf or 'write' in leaf or 'read' in leaf or 'GI_' in leaf or 'Java_' in leaf):
        k='socket syscalls (read/write, kernel)'
    elif '_[k]' in leaf: k='kernel other (futex, sched, epoll)'
    elif jl.startswith(('java/lang/VirtualThread','jdk/internal/vm/Continuation','java/util/concurrent/ForkJoin')) or 'Freeze' in leaf or 'Thaw' in leaf or 'freeze' in leaf or 'thaw' in leaf or 'cont_' in leaf: k='VT mount/unmount, FJ scheduling'
    elif jl.startswith(('java/util/concurrent/locks','jdk/internal/misc/Unsafe.park','jdk/internal/misc/Unsafe.unpark')): k='locks, park/unpark (Java)'
    elif jl.startswith('io/hourglass'): k='hourglass own code (leaf)'
    elif jl.startswith(('sun/nio','java/net','sun/net')): k='JDK NIO/net Java code'
    elif jl.startswith('java/') or jl.startswith('jdk/'): k='JDK other Java (collections, String, ThreadLocal, ...)'
    else: k='native/VM other'
    c[k]+=n
print(f, tot)
for k,v in c.most_common(): print('%6d %5.1f%%  %s'%(v,100*v/tot,k))
