#!/usr/bin/env bash
# Usage: need_command.sh COMMAND DEBIAN_PACKAGE
# The setup's system packages: does nothing when COMMAND (a name on PATH, or an
# absolute path) is there; otherwise installs Debian's DEBIAN_PACKAGE when running
# as root with apt-get, or says what to install and fails.
set -euo pipefail
command_name=$1
package=$2

present() {
  if [[ $command_name == /* ]]; then
    [[ -x $command_name ]]
  else
    command -v "$command_name" >/dev/null 2>&1
  fi
}

present && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: $command_name is missing; install it (Debian: sudo apt-get install $package)" >&2
  exit 1
fi

echo "setup: $command_name is missing; installing Debian's $package" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing (a fresh image) or stale: refresh them once
# when the first attempt cannot find or fetch the package.
if ! apt-get install -y --no-install-recommends "$package"; then
  apt-get update
  apt-get install -y --no-install-recommends "$package"
fi
if ! present; then
  echo "setup: Debian's $package is installed but $command_name is still missing" >&2
  exit 1
fi
