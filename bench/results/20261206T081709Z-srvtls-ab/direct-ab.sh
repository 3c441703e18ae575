#!/usr/bin/env bash
# direct A/B: server CPU (utime+stime of the JVM) and socket reads (syscr) per request, three loads per server start
set -u
cd /work/wt/srvtls
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
tck=$(getconf CLK_TCK)
snap() { local p=$1; echo "$(awk '/^syscr/ {print $2}' /proc/$p/io) $(awk '{print $14+$15}' /proc/$p/stat)"; }
port=18500
for i in 1 2 3 4; do   # pairs 1-8 ran A,B; pairs 9-12 B,A
  for v in A B; do
    port=$((port+1))
    cp /tmp/srvtls/$v.jar hourglass-cli/target/hourglass-cli.jar
    ./hourglass serve --listen 127.0.0.9:$port --read-header-timeout 10s --write-timeout 30s --idle-timeout 60s \
      --tls-cert /tmp/srvtls/cert.pem --tls-key /tmp/srvtls/key.pem >/tmp/srvtls/s.out 2>&1 &
    p=$!
    for k in $(seq 50); do grep -q listening /tmp/srvtls/s.out && break; sleep 0.2; done
    url=https://127.0.0.9:$port/hello
    for load in "64 10 h2 400000" "256 1 h2 150000" "64 1 h1 150000"; do
      set -- $load
      extra=(); [ $3 = h1 ] && extra=(--h1)
      h2load ${extra[@]+"${extra[@]}"} -c$1 -m$2 -n$(($4/2)) $url >/dev/null 2>&1
      read r0 c0 < <(snap $p)
      out=$(h2load ${extra[@]+"${extra[@]}"} -c$1 -m$2 -n$4 $url 2>&1)
      read r1 c1 < <(snap $p)
      rps=$(echo "$out" | awk '/finished in/ {print $4}')
      ok=$(echo "$out" | awk '/^requests:/ {print $8}')
      awk -v v=$v -v i=$i -v l="$3 $1x$2" -v n=$4 -v r=$((r1-r0)) -v c=$((c1-c0)) -v t=$tck -v rps=$rps -v ok=$ok \
        'BEGIN { printf "%s pair%d %-9s cpu_us/req %.2f reads/req %.3f req/s %s succeeded %s\n", v, i, l, c/t*1e6/n, r/n, rps, ok }'
    done
    kill $p; wait $p 2>/dev/null
  done
done
cp /tmp/srvtls/B.jar hourglass-cli/target/hourglass-cli.jar
