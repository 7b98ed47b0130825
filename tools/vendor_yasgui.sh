#!/bin/sh
# Vendor YASGUI, the SPARQL editor of the /sparql page, into the package's static files.
#
# The page loads it from this server only (never a CDN): the built bundle of npm's
# @zazuko/yasgui (MIT), at the version and npm integrity pinned here, is copied to
# src/ofsted_kg/web/static/vendor/yasgui/. Run from the repository root after changing VERSION
# and INTEGRITY (`npm view @zazuko/yasgui@VERSION dist.integrity`), then commit the result.
#
# The npm tarball carries no licence file: LICENSE in the target folder is the MIT licence of the
# YASGUI repository (github.com/rdfjs/Yasgui, tag @zazuko/yasgui@VERSION); THIRD-PARTY.md lists
# the libraries the bundle includes, with their licences as npm declares them.
set -eu

VERSION=4.6.2
INTEGRITY=sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==
DEST=src/ofsted_kg/web/static/vendor/yasgui

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$VERSION" >/dev/null)
tarball="$work/zazuko-yasgui-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "vendor_yasgui.sh: $tarball: integrity $actual, expected $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
mkdir -p "$DEST"
# The source maps (7 MB) are not vendored, so their references go too: a browser's developer
# tools would ask this server for them.
sed '/^\/\/# sourceMappingURL=/d' "$work/package/build/yasgui.min.js" >"$DEST/yasgui.min.js"
cp "$work/package/build/yasgui.min.css" "$DEST/yasgui.min.css"
echo "@zazuko/yasgui $VERSION $INTEGRITY" >"$DEST/VERSION"
echo "vendored @zazuko/yasgui $VERSION into $DEST"
