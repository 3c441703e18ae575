import sys, statistics as st
# record.txt: "rN warm<TAB>conc<TAB>client<TAB>n<TAB>warmup<TAB>runs<TAB>failed<TAB>req/s<TAB>cpu us/call..." lines
d = {}
for l in open(sys.argv[1] if len(sys.argv) > 1 else 'record.txt'):
    parts = l.rstrip('\n').split(' ', 1)
    if len(parts) < 2 or not parts[1].startswith('warm\t'):
        continue
    c = parts[1].split('\t')
    d[(parts[0], int(c[1]), c[2])] = (float(c[8]), float(c[7]), float(c[10]), float(c[13]))
for conc in sorted({k[1] for k in d}):
    for cl in sorted({k[2] for k in d}):
        v = [a for k, a in d.items() if k[1] == conc and k[2] == cl]
        print("conc=%d %-14s rounds=%d cpu us/call med %.2f (%.2f-%.2f) whole %.2f calls/s med %.0f other%% %s" % (
            conc, cl, len(v), st.median(a[0] for a in v), min(a[0] for a in v), max(a[0] for a in v),
            st.median(a[2] for a in v), st.median(a[1] for a in v), ",".join("%.0f" % a[3] for a in v)))
    r = [d[(k[0], conc, 'hourglass-lib')][0] / d[(k[0], conc, 'go')][0] for k in d
         if k[1] == conc and k[2] == 'go' and (k[0], conc, 'hourglass-lib') in d]
    if r:
        print("conc=%d hourglass-lib/go same round: med %.3f (%.3f-%.3f) over %d" % (conc, st.median(r), min(r), max(r), len(r)))
