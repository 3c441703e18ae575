#!/usr/bin/env bash
# ab.sh A B PAIRS PROTO ARGS... : alternating A/B pairs of bench/profile/h2-cpu.sh, one flock -x per run.
# Prints "pair i arm X first|second cpu ..." lines plus the other CPU % (from /proc/stat during the run).
set -u
A=$1 B=$2 pairs=$3 proto=$4; shift 4
script=/work/wt/h2stream/bench/profile/h2-cpu.sh
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
  pos=first
  for arm in $order; do
    repo=$A; [ "$arm" = B ] && repo=$B
    line=$(flock -x /work/bench.lock bash -c "read -r _ u1 n1 s1 i1 w1 _ < /proc/stat; $script $repo 8 $proto $*; read -r _ u2 n2 s2 i2 w2 _ < /proc/stat; echo machine_busy_pct \$(( 100 * ((u2+n2+s2)-(u1+n1+s1)) / ((u2+n2+s2+i2+w2)-(u1+n1+s1+i1+w1)) ))" 2>&1 | tr '\n' ' ')
    echo "pair $i arm $arm $pos $proto $* :: $line"
    pos=second
  done
done
