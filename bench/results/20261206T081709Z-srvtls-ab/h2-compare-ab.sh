#!/usr/bin/env bash
set -u
cd /work/wt/srvtls
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for i in 1 2 3 4; do
  for v in A B; do
    cp /tmp/srvtls/$v.jar hourglass-cli/target/hourglass-cli.jar
    echo "=== pair $i $v $(date -u +%T)"
    bench/h2-compare.sh --servers hourglass --protos h2 --loads "64x10 256x1" --rounds 1 --duration 5 --warmup 3 2>&1 | tail -8
    echo "dir: $(ls -td bench/out/*-h2 | head -1)"
  done
done
cp /tmp/srvtls/B.jar hourglass-cli/target/hourglass-cli.jar
