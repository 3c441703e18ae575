#!/usr/bin/env bash
# Lists the deepest nesting of control blocks per Java file (STYLE.md: three levels or fewer) and exits 1 when a
# file goes past the limit: scripts/nesting.sh [--max N] [--top K] [DIR...] (default: every module's sources).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/find-jdk.sh"
cd "$root"
dirs=()
for a in "$@"; do
  case "$a" in --*|[0-9]*) ;; *) dirs+=("$a") ;; esac
done
if [ ${#dirs[@]} -eq 0 ]; then
  set -- "$@" hourglass-core/src/main/java hourglass-cli/src/main/java hourglass-micrometer/src/main/java \
    hourglass-testing/src/main/java
fi
exec "$JAVA_HOME/bin/java" "$root/scripts/Nesting.java" "$@"
