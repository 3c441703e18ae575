#!/bin/bash
# jitsum.sh ARM PROTO C: C2 figures of one LogCompilation run
f=/tmp/cp/jit-$1-$2-c$3
m=$(grep -o 'MARK measure [0-9]*' $f.json | awk '{print $3/1000}'); e=$(grep -o 'MARK end [0-9]*' $f.json | awk '{print $3/1000}')
cpu=$(grep -o '"cpu_s":[0-9.]*' $f.json | cut -d: -f2); n=$(grep -o '"n":[0-9]*' $f.json | cut -d: -f2)
echo "== $1 $2 c$3: measured $m-$e s, cpu_s $cpu, n $n"
python3 /tmp/cp/jittot.py $f.log | sed 's/^[^ ]* //'
python3 /tmp/cp/jitq.py $f.log $m $e 0 | head -1
python3 /tmp/cp/jitlog.py $f.log io.hourglass 0 | grep -E '^not entrant|^[0-9]+ first' | grep -v 'marked for deopt' 
