#!/usr/bin/env bash
# Lists the library's public API: the public types (and public nested types) of the packages that
# hourglass-core's module-info exports to everyone, by package, with the counts. docs/design.md ("The public
# API") records the same list and why each type is public; PublicApiTest fails when they differ.
#
#   scripts/public-api.sh [CLASSES_DIR]      default hourglass-core/target/classes (build it first: ./mvnw -q compile)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/find-jdk.sh"
cd "$root"
exec "$JAVA_HOME/bin/java" "$root/scripts/PublicApi.java" "${1:-hourglass-core/target/classes}"
