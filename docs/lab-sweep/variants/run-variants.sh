#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
JAR=/tmp/i15-scratch/hourglass-cli/target/hourglass-cli.jar
run() { v=$1; pol=$2; shift 2; echo "=== variant $v policy $pol: $* (load $(cut -d' ' -f1-3 /proc/loadavg))"; $J -Dhg.variant=$v -jar $JAR lab storm --policy $pol --out /tmp/lab-var "$@" 2>&1 | tr '\r' '\n' | grep -E "^(healthy|connections opened|drains|peak client TIME|calls that gave|timeouts|upstream peak)"; }
for round in ${ROUNDS:-1}; do
  run 1 close --rate 200 --duration 15s --slow-share 10
  for v in 0 1 2 3 4; do run $v drain --rate 200 --duration 15s --slow-share 10; done
  for v in 1 4; do run $v drain --rate 50 --duration 20s; done
done
