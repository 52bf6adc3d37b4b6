#!/bin/sh
# Refresh the vendored front-end assets in static/vendor/ from the npm
# registry. POSIX sh; needs npm, tar and (for VERSIONS.txt checksums)
# sha256sum or shasum. Nothing is installed: each package is fetched with
# `npm pack` into a temporary directory that is removed afterwards.
#
# Usage: sh scripts/vendor_static.sh
# To upgrade, change a pinned version below, run, review the diff, commit.
set -eu

HTMX_VERSION=2.0.11        # npm htmx.org (0BSD)
PICO_VERSION=2.1.1         # npm @picocss/pico (MIT), latest 2.x

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
DEST="$ROOT/static/vendor"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT HUP INT TERM

fetch() { # fetch SPEC SUBDIR -> extracted into $TMP/SUBDIR/package
    mkdir -p "$TMP/$2"
    tgz=$(cd "$TMP/$2" && npm pack "$1" --silent | tail -n 1)
    tar -xzf "$TMP/$2/$tgz" -C "$TMP/$2"
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

fetch "htmx.org@$HTMX_VERSION" htmx
fetch "@picocss/pico@$PICO_VERSION" pico

mkdir -p "$DEST"
cp "$TMP/htmx/package/dist/htmx.min.js" "$DEST/htmx.min.js"
cp "$TMP/htmx/package/LICENSE"         "$DEST/LICENSE-htmx.txt"
cp "$TMP/pico/package/css/pico.min.css" "$DEST/pico.min.css"
cp "$TMP/pico/package/LICENSE.md"      "$DEST/LICENSE-pico.txt"

cat > "$DEST/VERSIONS.txt" <<VERSIONS
Vendored front-end assets (refresh with: sh scripts/vendor_static.sh)

file           package          version          from (in npm tarball)   licence
htmx.min.js    htmx.org         $HTMX_VERSION           dist/htmx.min.js        0BSD (LICENSE-htmx.txt)
pico.min.css   @picocss/pico    $PICO_VERSION            css/pico.min.css        MIT (LICENSE-pico.txt)

sha256
$(sha256 "$DEST/htmx.min.js")  htmx.min.js
$(sha256 "$DEST/pico.min.css")  pico.min.css
VERSIONS

echo "static/vendor: htmx.org $HTMX_VERSION, @picocss/pico $PICO_VERSION"
