import sys,re,statistics as st,collections
d=collections.defaultdict(list)
for f in sys.argv[1:]:
  for l in open(f):
    m=re.search(r'conc=(\d+) arm=(\S+) .*? ([\d.]+) req/s\s+in-process\s+([\d.]+) us/req\s+whole\s+([\d.]+) us/req.*other\s+([\d.]+)%',l)
    if m: d[(int(m.group(1)),m.group(2))].append((float(m.group(4)),float(m.group(5)),float(m.group(3)),float(m.group(6))))
for k in sorted(d):
  v=d[k]; ins=[x[0] for x in v]; wh=[x[1] for x in v]; rq=[x[2] for x in v]; ot=[x[3] for x in v]
  print("conc=%-3d arm=%-5s n=%d in-process med %.2f (%.2f-%.2f)  whole med %.1f (%.1f-%.1f)  req/s med %.0f  other%% %s"%(k[0],k[1],len(v),st.median(ins),min(ins),max(ins),st.median(wh),min(wh),max(wh),st.median(rq),ot))
