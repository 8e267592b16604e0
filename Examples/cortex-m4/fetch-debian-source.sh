#!/bin/sh
# fetch-debian-source.sh -- one Debian source package of one suite, unpacked under build/.
#
# Usage: fetch-debian-source.sh PACKAGE SUITE DIR
#   e.g. fetch-debian-source.sh mbedtls trixie build/debian-src/trixie   (p256-m, Mbed TLS 3.6)
#        fetch-debian-source.sh bearssl bookworm build/debian-src/bookworm (the footprint peer)
# Prints the path of the unpacked tree (DIR/PACKAGE-VERSION) on its last line. Idempotent: a
# tree already unpacked is reused without touching the network.
#
# The host's apt configuration is left exactly as it is: the package index of SUITE (deb-src
# only) is kept in a private apt state under DIR/.apt, so no binary package of another suite
# can ever be installed from it, and the host's own `apt-get source` keeps its answers. Only
# deb.debian.org (Debian's registry) is contacted. Nothing fetched is ever committed.
set -eu

[ $# -eq 3 ] || { echo "usage: $0 PACKAGE SUITE DIR" >&2; exit 2; }
pkg=$1
suite=$2
mkdir -p "$3"
dir=$(cd "$3" && pwd)

find_tree() {
    # Unpacked completely once dpkg-source has added debian/ (it comes after the upstream
    # files); the newest version wins.
    found=""
    for d in $(ls -d "$dir/$pkg"-*/ 2> /dev/null | sort -V); do
        [ -d "$d/debian" ] && found=${d%/}
    done
    [ -n "$found" ] && echo "$found"
}

if tree=$(find_tree); then
    echo "$tree"
    exit 0
fi

if ! command -v dpkg-source > /dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dpkg-dev
fi
state="$dir/.apt"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$state/sources.list" <<LIST
deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite main
LIST
opts="-o Dir::Etc::SourceList=$state/sources.list -o Dir::Etc::SourceParts=/dev/null"
opts="$opts -o Dir::State::Lists=$state/lists -o Dir::Cache=$state/cache"
# shellcheck disable=SC2086 # $opts is a list of options
apt-get $opts update >&2
# As root apt warns that the _apt user cannot write here and downloads unsandboxed: fine.
# shellcheck disable=SC2086
(cd "$dir" && apt-get $opts source "$pkg/$suite" >&2)
tree=$(find_tree) || { echo "fetch-debian-source: no $pkg tree in $dir" >&2; exit 1; }
echo "$tree"
