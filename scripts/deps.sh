#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what softiommu needs from Debian 12's archive.  As root it runs
# apt-get; otherwise it prints the exact apt-get line and stops.
set -euo pipefail

# gcc/libc6-dev: the compiler; libgcc-12-dev ships the ASan/UBSan/TSan
# runtimes; meson + ninja-build: the build; pkg-config: finds liburcu;
# liburcu-dev: RCU (memb flavour); python3: meson itself and the golden-test
# helper; git: CI clones.
PKGS=(gcc libc6-dev libgcc-12-dev meson ninja-build pkg-config liburcu-dev python3 git)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: everything is installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}"
	echo "deps: run as root:  apt-get update && apt-get install -y ${missing[*]}"
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
