#!/usr/bin/env bash
# Builds a minimal Java runtime for etcdguard with jlink: exactly the JDK modules the jar needs (jdeps),
# no debug symbols, headers or man pages. Output: target/runtime (replaced), about 50 MB instead of the JDK's 300.
# The launcher runs on it:   ETCDGUARD_JAVA_HOME=target/runtime ./etcdguard scan --host
# and deploy/Dockerfile copies it into the image. Needs JDK 25 (jlink and jdeps are not in the runtime itself).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jdk=${JDK_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
jar="$here/target/etcdguard.jar"
out="$here/target/runtime"

[ -x "$jdk/bin/jlink" ] || { echo "build-runtime: no jlink in $jdk (set JDK_HOME to a JDK 25)" >&2; exit 2; }
if [ ! -f "$jar" ]; then
  echo "build-runtime: building $jar" >&2
  (cd "$here" && JAVA_HOME="$jdk" ./mvnw -q -B -DskipTests package >&2)
fi

# The modules the jar's classes reference (the shaded jar: ours and our dependencies').
# --ignore-missing-deps: optional classes of dependencies (e.g. BouncyCastle's LDAP support) whose own
# dependencies are not on the class path; they are never loaded by etcdguard.
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")
echo "build-runtime: modules $modules" >&2

rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$out"
# The launcher accepts a runtime by its release file (JAVA_VERSION="25..."); jlink writes one.
grep -q '^JAVA_VERSION="2[5-9]' "$out/release" || { echo "build-runtime: $out/release has no JAVA_VERSION 25+" >&2; exit 1; }
"$out/bin/java" -XX:-UsePerfData -jar "$jar" scan --help >/dev/null
echo "build-runtime: $out ($(du -sh "$out" | cut -f1)), modules: $modules" >&2
