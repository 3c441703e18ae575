# slow-fast-profiles.py RUN=REQ_PER_S ...: CPU samples per 1 000 requests of the slow runs (below 80 000 req/s) against the fast ones,
# by leaf frame and inclusive frame, from /tmp/threads-cpu-RUN.collapsed (bench/profile/threads-cpu.sh with AP set).
import sys, collections
def load(f):
    leaf=collections.Counter(); tot=0; fr=collections.Counter()
    for line in open(f):
        st, n = line.rsplit(' ',1); n=int(n); tot+=n
        frames=st.split(';')
        leaf[frames[-1]]+=n
        seen=set()
        for x in frames:
            if x not in seen: fr[x]+=n; seen.add(x)
    return leaf, fr, tot
runs={int(a.split('=')[0]):float(a.split('=')[1]) for a in sys.argv[1:]}  # run=rps
slow=[r for r in runs if runs[r]<80000]; fast=[r for r in runs if runs[r]>=80000]
def agg(rs, idx):
    c=collections.Counter(); reqs=0
    for r in rs:
        d=load(f'/tmp/threads-cpu-{r}.collapsed')
        for k,v in d[idx].items(): c[k]+=v
        reqs+=runs[r]*8
    return c, reqs
for idx,name in ((0,'LEAF'),(1,'INCLUSIVE')):
    cs, rs_ = agg(slow, idx); cf, rf = agg(fast, idx)
    # samples per 1000 requests
    diff=[(cs[k]/rs_*1000 - cf[k]/rf*1000, k) for k in set(cs)|set(cf)]
    diff.sort(reverse=True)
    print(name, 'total slow', sum(cs.values())/rs_*1000 if idx==0 else '', 'fast', sum(cf.values())/rf*1000 if idx==0 else '')
    for d,k in diff[:25]:
        print(f'  {d:+7.3f}  slow {cs[k]/rs_*1000:7.3f} fast {cf[k]/rf*1000:7.3f}  {k[:110]}')
