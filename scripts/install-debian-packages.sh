#!/usr/bin/env bash
# Installs the Debian packages etcdguard's launcher, demo, tests and benchmark need.
# Run it as root, or as a user with sudo (it then calls sudo for apt-get only). Idempotent: packages
# already present are left alone, and nothing is installed (nor sudo needed) when all are.
#   etcd-server  real etcd members for the demo and the integration tests (/usr/bin/etcd)
#   procps       /bin/ps, for the benchmark's side-by-side kube-bench method
#   time         GNU /usr/bin/time, for the benchmark's peak-RSS measurement
#   openssl      cross-checks certificates the tests issue
#   prometheus   promtool and a real Prometheus scraping the agent in the integration tests
# JDK 25 (Temurin) is expected under /usr/lib/jvm (or in JAVA_HOME); the script only checks for it.
set -euo pipefail
packages=(etcd-server procps time openssl prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: installing ${missing[*]} needs root, and sudo is not installed: run this script as root" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  ${as_root[@]+"${as_root[@]}"} apt-get update -qq
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
fi
# JDK 25 or newer, looked for as the launcher does: JAVA_HOME, then /usr/lib/jvm (version from its release file).
jdk=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/java-2[5-9]*; do
  [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -f "$c/release" ] || continue
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$c/release")
  if [ -n "$v" ] && [ "$v" -ge 25 ]; then jdk=$c; break; fi
done
if [ -n "$jdk" ]; then
  echo "JDK 25 or newer: $jdk"
else
  echo "warning: no JDK 25 or newer found (JAVA_HOME, /usr/lib/jvm/temurin-2[5-9]*, /usr/lib/jvm/java-2[5-9]*);" \
    "install Temurin 25 or set JAVA_HOME to a JDK 25 or newer" >&2
fi
