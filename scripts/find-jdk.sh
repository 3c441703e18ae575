# Sourced by ./hourglass, .ci/run and the bench scripts: finds a JDK >= 21 and exports JAVA_HOME.
# shellcheck shell=bash
# Order: $JAVA_HOME if it is >= 21, then the newest JDK >= 21 under /usr/lib/jvm (Debian/Ubuntu layout).

hg_jdk_major() {   # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release" v
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  echo "$v"
}

hg_find_jdk() {
  local best="" best_v=0 d v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(hg_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      echo "$JAVA_HOME"; return 0
    fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] || continue
    [ -L "$d" ] && continue
    v=$(hg_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}

if ! HG_JDK=$(hg_find_jdk); then
  echo "hourglass: needs a JDK 21 or newer, and found none (JAVA_HOME=${JAVA_HOME:-unset}; nothing >= 21 under /usr/lib/jvm)." >&2
  echo "hourglass: install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin 21/25, or point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME="$HG_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
