#!/usr/bin/env bash
# Install the Debian packages Zhifa needs that are not installed yet.
#
#   scripts/apt-install.sh PACKAGE... [--optional PACKAGE...]
#
# Nothing is asked of apt when every package is there. Otherwise `apt-get update` runs once, the
# optional packages that this Debian release has no candidate for are dropped, and the rest are
# installed without recommends. A server package's post-install start is held back (policy-rc.d):
# the tests start their own throwaway PostgreSQL (scripts/with-postgres.sh).
# As a user other than root, sudo is used when it needs no password; otherwise the command to run
# is printed and the script goes on (the browser tests will then say what is missing).
set -euo pipefail

required=()
optional=()
target=required
for arg in "$@"; do
  case "$arg" in
    --optional) target=optional ;;
    *) if [[ $target == required ]]; then required+=("$arg"); else optional+=("$arg"); fi ;;
  esac
done

installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]; }

missing=()
for p in "${required[@]}" "${optional[@]}"; do
  installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "Debian packages present: ${required[*]} ${optional[*]}"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "WARNING: missing Debian packages: ${missing[*]}" >&2
  echo "WARNING: run as root: apt-get update && apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 0
fi

echo "Missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq

to_install=()
for p in "${missing[@]}"; do
  is_optional=false
  for o in "${optional[@]}"; do [[ $o == "$p" ]] && is_optional=true; done
  candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ -z $candidate || $candidate == "(none)" ]]; then
    if $is_optional; then
      echo "Optional package $p is not available here: skipped"
      continue
    fi
    echo "ERROR: Debian package $p is not available from the configured sources" >&2
    exit 1
  fi
  to_install+=("$p")
done
((${#to_install[@]})) || exit 0

# Hold back the start of services during the install (only if no policy is in place already).
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi

echo "Installing: ${to_install[*]}"
"${as_root[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${to_install[@]}"
