#!/usr/bin/env bash
# Installs the Debian packages etcdguard's launcher, demo, tests and benchmark need.
# Run as root (or through sudo). Idempotent: packages already present are left alone.
#   etcd-server  real etcd members for the demo and the integration tests (/usr/bin/etcd)
#   procps       /bin/ps, for the benchmark's side-by-side kube-bench method
#   time         GNU /usr/bin/time, for the benchmark's peak-RSS measurement
#   openssl      cross-checks certificates the tests issue
# JDK 25 (Temurin) is expected under /usr/lib/jvm; the script only checks for it.
set -euo pipefail
packages=(etcd-server procps time openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
fi
if ! ls -d /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/java-2[5-9]* >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  echo "warning: no JDK 25 found under /usr/lib/jvm; set JAVA_HOME to a JDK 25 or newer" >&2
fi
