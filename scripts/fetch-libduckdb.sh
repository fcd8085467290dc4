#!/usr/bin/env bash
# Puts the official prebuilt DuckDB library of the pinned release into DIR, verified.
#
#   scripts/fetch-libduckdb.sh DIR
#
# DuckDB publishes the shared library of every release (libduckdb.so, the same file its
# Node.js client loads) in the npm registry as @duckdb/node-bindings-linux-<arch>, with the
# DuckDB version as package version. `npm pack` fetches that tarball without installing
# anything. The tarball's sha512 must equal both the value pinned here and the registry's
# published `dist.integrity`; only libduckdb.so and its licence are kept.
#
# build.rs runs this when DUCKDB_LIB_DIR (set in .cargo/config.toml) holds no library yet, so
# `cargo build` needs nothing else. To move to another release, change VERSION and the
# INTEGRITY lines (`npm view @duckdb/node-bindings-linux-x64@VERSION dist.integrity`) together
# with the `duckdb` crate in Cargo.toml (crate 1.AABBCC.x = DuckDB A.B.C).
set -euo pipefail

VERSION=1.5.6-r.1
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64)
        PACKAGE=@duckdb/node-bindings-linux-x64
        INTEGRITY=sha512-IXcrZJE6kEqM0Z4wwdVnGBHX/frOS33VPNAwDXQ/Q+Fs84b058Qe94chrCCIcNJlG8Y3UHIUU4eBeCQxW5mN1Q== ;;
    Linux-aarch64)
        PACKAGE=@duckdb/node-bindings-linux-arm64
        INTEGRITY=sha512-3jnUaDil1BrF/6vAZwVaInJ1xoBaWGHB4PDiUnzJWKCo8a8TLx9j7/gPyPl/UGRBftrYIuTihRZSfF4mWMgtWA== ;;
    *)
        echo "fetch-libduckdb: no prebuilt DuckDB pinned for $(uname -s)-$(uname -m);" \
             "build with 'cargo build --release --features bundled' (compiles DuckDB's C++)." >&2
        exit 1 ;;
esac

die() { echo "fetch-libduckdb: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/fetch-libduckdb.sh DIR"
dir=$1
if [ -f "$dir/libduckdb.so" ] && [ "$(cat "$dir/INTEGRITY" 2>/dev/null)" = "$INTEGRITY" ]; then
    exit 0
fi
command -v npm >/dev/null ||
    die "npm is needed to fetch the prebuilt DuckDB (Debian: apt-get install npm); or build with --features bundled."

published=$(npm view "$PACKAGE@$VERSION" dist.integrity) ||
    die "the npm registry did not answer for $PACKAGE@$VERSION"
[ "$published" = "$INTEGRITY" ] ||
    die "the registry publishes $published for $PACKAGE@$VERSION, pinned here: $INTEGRITY"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-libduckdb: $PACKAGE@$VERSION -> $dir" >&2
(cd "$tmp" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null)
tgz=$(ls "$tmp"/*.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[ "$actual" = "$INTEGRITY" ] || die "the tarball's sha512 is $actual, expected $INTEGRITY"

tar -xzf "$tgz" -C "$tmp" package/libduckdb.so package/LICENSE
mkdir -p "$dir"
# The library is renamed into place and the integrity written last: an interrupted run
# leaves no file that looks complete.
cp "$tmp/package/LICENSE" "$dir/LICENSE"
mv "$tmp/package/libduckdb.so" "$dir/libduckdb.so.part"
mv "$dir/libduckdb.so.part" "$dir/libduckdb.so"
echo "$INTEGRITY" > "$dir/INTEGRITY"
