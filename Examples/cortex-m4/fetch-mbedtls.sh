#!/bin/sh
# fetch-mbedtls.sh -- puts Debian's Mbed TLS source under build/firmware/src for the firmware.
#
# The firmware needs Mbed TLS compiled for the Cortex-M4, so the ARM build needs its source.
# Debian is the only registry CI can reach, and its source package is the same 2.28 that the
# host build links (libmbedtls-dev), so host and device run the same crypto code. The source
# lives only in the gitignored build tree: nothing of Mbed TLS is ever copied into the repo.
#
# Usage: fetch-mbedtls.sh [SRC_DIR]     (default: <repo>/build/firmware/src)
# Prints the path of the unpacked source tree on its last line. Idempotent: a tree already
# unpacked is reused without touching apt. Adding the deb-src entry needs root (CI is root).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src_dir=${1:-"$root/build/firmware/src"}
list=/etc/apt/sources.list.d/iotcert-debian-src.sources

find_tree() {
    # A tree counts only once dpkg-source has finished unpacking it (dpkg-source adds the
    # debian/ directory after the upstream files). After an update, the newest version wins.
    found=""
    for d in $(ls -d "$src_dir"/mbedtls-*/ 2> /dev/null | sort -V); do
        if [ -f "$d/include/mbedtls/version.h" ] && [ -d "$d/debian" ]; then
            found=${d%/}
        fi
    done
    [ -n "$found" ] && echo "$found"
}

apt_files() {
    ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true
}

has_deb_src() {
    # One-line format ("deb-src URI ...") or deb822 ("Types: deb deb-src").
    for f in $(apt_files); do
        if grep -Eq '^[[:space:]]*deb-src[[:space:]]|^Types:.*deb-src' "$f"; then
            return 0
        fi
    done
    return 1
}

debian_uri() {
    # The mirror apt already uses for Debian's main archive, so the source comes from the
    # same place; deb822 ("URIs: ...") or one-line ("deb [opts] URI suite ...") format.
    uri=$(awk '
        /^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }
        /^[ \t]*deb[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }
    ' $(apt_files) /dev/null)
    echo "${uri:-http://deb.debian.org/debian}"
}

add_deb_src() {
    uri=$(debian_uri)
    echo "fetch-mbedtls: adding deb-src for $uri in $list" >&2
    cat > "$list" <<EOF
# Added by iotcert Examples/cortex-m4/fetch-mbedtls.sh: source of Mbed TLS for the firmware.
Types: deb-src
URIs: $uri
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

if tree=$(find_tree); then
    echo "$tree"
    exit 0
fi

if ! has_deb_src; then
    add_deb_src
fi
# dpkg-source (package dpkg-dev) unpacks what apt-get source downloads.
if ! command -v dpkg-source > /dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dpkg-dev
fi
apt-get update
mkdir -p "$src_dir"
# The _apt user must be able to write the downloads; as root apt warns otherwise and
# falls back to an unsandboxed download, which is fine in CI.
(cd "$src_dir" && apt-get source mbedtls)
tree=$(find_tree) || { echo "fetch-mbedtls: no source tree in $src_dir" >&2; exit 1; }
echo "$tree"
