#!/usr/bin/env python3
# Shares of a collapsed async-profiler client profile (threads option) by role (callers, reader threads, carriers,
# GC, compiler, ...): python3 client-profile-shares.py FILE[.gz]. Used by docs/BENCHMARKS.md's client CPU sections.
import sys,collections,gzip
f=sys.argv[1]; c=collections.Counter(); tot=0
for line in (gzip.open(f,'rt') if f.endswith('.gz') else open(f)):
    stack,_,n=line.rstrip().rpartition(' '); n=int(n); fr=stack.split(';')
    if "Compiler" in fr[0]: continue
    tot+=n
    s=';'.join(fr)
    if 'MasterPoller' in fr[0]: k='JDK poller thread'
    elif 'ForkJoinPool' in fr[0]:
        if 'Continuation.enter' in s or 'VirtualThread.run' in s:
            if 'ReadAhead.run' in s: k='reader VT'
            elif 'Main.lambda' in s: k='caller VT'
            else: k='other VT'
        else: k='carrier outside VTs (scheduling)'
    else: k='other threads (GC, main, VM)'
    c[k]+=n
for k,v in c.most_common(): print('%5.1f%% %s'%(100*v/tot,k))
