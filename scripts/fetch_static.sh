#!/usr/bin/env bash
# Fetch the pinned front-end libraries from the npm registry into
# static/vendor/<lib>-<version>/ (no CDN at run time, no Node at run time).
# The files are committed; this only fetches what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=static/vendor

# name version files-to-keep (paths inside the npm package)
LIBS=(
  "bootstrap 5.3.9 dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js LICENSE"
  "bootstrap-icons 1.13.2 font/bootstrap-icons.min.css font/fonts/bootstrap-icons.woff2 font/fonts/bootstrap-icons.woff LICENSE"
  "htmx.org 2.0.11 dist/htmx.min.js LICENSE"
  "echarts 5.6.0 dist/echarts.min.js LICENSE"
)

for entry in "${LIBS[@]}"; do
  read -r name version files <<<"$entry"
  dest="$VENDOR/$name-$version"
  missing=0
  for f in $files; do [ -f "$dest/$f" ] || missing=1; done
  [ $missing = 0 ] && continue
  echo "fetching $name@$version from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null && tar xzf ./*.tgz)
  for f in $files; do
    mkdir -p "$dest/$(dirname "$f")"
    cp "$tmp/package/$f" "$dest/$f"
  done
  license=$(node -e "console.log(require('$tmp/package/package.json').license || 'see LICENSE')")
  printf '# %s %s\n\nFetched from the npm registry by scripts/fetch_static.sh.\nLicence: %s (see LICENSE).\n' \
    "$name" "$version" "$license" >"$dest/README.md"
  rm -rf "$tmp"
done
