#!/bin/sh
# fetch-lwip.sh -- puts Debian's lwIP source under build/cortex-m4-net/src for the firmware.
#
# The networked firmware needs a TCP/IP stack compiled for the Cortex-M4. Debian's `lwip`
# source package (bookworm: 2.1.3) is fetched at build time, as Mbed TLS's is, and lives only
# in the gitignored build tree: nothing of lwIP is ever copied into the repo.
#
# Usage: fetch-lwip.sh SRC_DIR
# Prints the path of the unpacked source tree on its last line. Idempotent: a tree already
# unpacked is reused without touching apt. The deb-src entry apt needs is the one
# Examples/cortex-m4/fetch-mbedtls.sh adds; the Makefile runs that script first.
set -eu

src_dir=$1

find_tree() {
    # A tree counts only once dpkg-source has finished unpacking it (debian/ comes last).
    found=""
    for d in $(ls -d "$src_dir"/lwip-*/ 2> /dev/null | sort -V); do
        if [ -f "$d/src/include/lwip/init.h" ] && [ -d "$d/debian" ]; then
            found=${d%/}
        fi
    done
    [ -n "$found" ] && echo "$found"
}

if tree=$(find_tree); then
    echo "$tree"
    exit 0
fi
mkdir -p "$src_dir"
# A package index fetched before the deb-src entry existed knows no source packages.
(cd "$src_dir" && { apt-get source lwip || { apt-get update && apt-get source lwip; }; }) >&2
tree=$(find_tree) || { echo "fetch-lwip: no source tree in $src_dir" >&2; exit 1; }
echo "$tree"
