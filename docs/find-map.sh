#!/usr/bin/env bash
# Makes docs/find-map.png, the README's picture of `find --format html`: the meeting of
# people from Lyon, Vienne and Grenoble on the French tiers-lieux census (../shared/data),
# rendered by headless Chromium. Offline, as here, the map has no background tiles: the
# page then shows its markers on a plain background.
set -euo pipefail
cd "$(dirname "$0")/.."
census=../shared/data/tiers-lieux-2019.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nomadspot() { .venv/bin/nomadspot --catalogue "$work/catalogue.toml" "$@"; }

nomadspot import "$census" --map name=NOM_TL --map city=NOMCOM --map address=ADRESSE \
    --map lat=LAT --map lon=LONG --map website=WEB --map kind=TYPO --kind tiers_lieu
NOMADSPOT_NOW=2026-11-23T09:00+01:00 nomadspot find --near Lyon --near Vienne --near Grenoble \
    --wifi --people 3 --at "mardi 10h" --for 2h --format html > "$work/find.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" --virtual-time-budget=5000 \
    --window-size=1200,900 --screenshot="$PWD/docs/find-map.png" \
    "file://$work/find.html" 2>/dev/null
echo "docs/find-map.png written"
