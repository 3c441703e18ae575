import sys,re,statistics as st,collections
# ratio of arm X to arm Y within the same pair (file, pair, conc)
x,y=sys.argv[1],sys.argv[2]; files=sys.argv[3:]
d={}
for f in files:
  for l in open(f):
    m=re.search(r'pair=(\d+) conc=(\d+) arm=(\S+) .*? ([\d.]+) req/s\s+in-process\s+([\d.]+) us/req\s+whole\s+([\d.]+) us/req.*other\s+([\d.]+)%',l)
    if m: d[(f,int(m.group(1)),int(m.group(2)),m.group(3))]=(float(m.group(5)),float(m.group(6)),float(m.group(7)))
for c in sorted({k[2] for k in d}):
  ri=[];rw=[]
  for k in d:
    if k[2]==c and k[3]==x and (k[0],k[1],c,y) in d:
      a=d[k]; b=d[(k[0],k[1],c,y)]; ri.append(a[0]/b[0]); rw.append(a[1]/b[1])
  if ri: print("conc=%d %s/%s pairs=%d in-process ratio med %.3f (%.3f-%.3f)  whole ratio med %.3f (%.3f-%.3f)"%(c,x,y,len(ri),st.median(ri),min(ri),max(ri),st.median(rw),min(rw),max(rw)))
