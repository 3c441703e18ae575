import re,sys,statistics
# usage: summ.py MAXBUSY file...
maxbusy=int(sys.argv[1])
pairs={}
for f in sys.argv[2:]:
    for line in open(f):
        m=re.match(r"pair (\d+) arm (\w) (\w+) (.*?) :: requests (\d+) cpu_us_per_req ([\d.]+) .*machine_busy_pct (\d+)",line)
        if not m: continue
        i,arm,pos,load,n,cpu,busy=m.groups()
        pairs.setdefault((f,int(i)),{})[arm]=(float(cpu),int(busy),pos,int(n))
A=[];B=[];R=[];skipped=[]
for k,v in sorted(pairs.items()):
    if 'A' not in v or 'B' not in v: continue
    if v['A'][1]>maxbusy or v['B'][1]>maxbusy: skipped.append((k,v)); continue
    A.append(v['A'][0]);B.append(v['B'][0]);R.append(v['B'][0]/v['A'][0])
    print(f"{k[0].split('/')[-1]} pair {k[1]}: A {v['A'][0]:.2f} ({v['A'][2]}) B {v['B'][0]:.2f} ({v['B'][2]}) B/A {R[-1]:.3f}")
for k,v in skipped: print("skipped (busy):",k[0].split('/')[-1],k[1],v)
if R:
    print(f"n={len(R)} median A {statistics.median(A):.2f} [{min(A):.2f}-{max(A):.2f}] B {statistics.median(B):.2f} [{min(B):.2f}-{max(B):.2f}] B/A median {statistics.median(R):.3f} [{min(R):.3f}-{max(R):.3f}]")
