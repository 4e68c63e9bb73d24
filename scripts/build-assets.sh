#!/usr/bin/env bash
# Build desist's front-end assets into src/desist/web/static/dist/ (gitignored):
#
#   desist.css                  GOV.UK Frontend + desist styles (assets/scss/desist.scss),
#                               system fonts only: no GDS Transport, no crown/crest images
#   govuk-frontend.min.js(.map) GOV.UK Frontend's ES module bundle
#   htmx.min.js                 HTMX
#   assets/images/              GOV.UK Frontend images that are NOT reserved for GOV.UK
#                               (currently none: every image it ships is a crown/crest)
#
# GOV.UK Frontend's fonts (GDS Transport) are never copied. axe-core is not copied into
# static: browser tests load node_modules/axe-core/axe.min.js directly.
#
# Usage: bash scripts/build-assets.sh    (called by `make assets`; FORCE=1 to rebuild)
# Idempotent and quick when nothing changed: `npm ci` runs only when node_modules is
# missing or package-lock.json changed; Sass recompiles only when an input is newer.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "build-assets: $*"; }
die() { echo "build-assets: ERROR: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive

# --- Node.js / npm ----------------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  log "node/npm not found; installing Debian's nodejs and npm packages"
  [[ $(id -u) -eq 0 ]] || die "node and npm are required (apt-get install -y nodejs npm)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if (( node_major < 18 )); then
  die "Node.js >= 18 is required (found $(node --version))"
fi

# --- npm ci, only when needed -----------------------------------------------------------
[[ -f package-lock.json ]] || die "package-lock.json is missing (run: npm install)"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.desist-lock.sha256
if [[ ! -d node_modules || ! -f $stamp || $(cat "$stamp") != "$lock_hash" ]]; then
  log "npm ci"
  # --ignore-scripts: nothing we use needs install scripts (sass's optional file watcher
  # ships prebuilt binaries), so do not run third-party code at install time.
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$lock_hash" >"$stamp"
fi

GOVUK=node_modules/govuk-frontend/dist/govuk
HTMX=node_modules/htmx.org/dist/htmx.min.js
SASS=node_modules/.bin/sass
for f in "$GOVUK/index.scss" "$GOVUK/govuk-frontend.min.js" "$HTMX" "$SASS" node_modules/axe-core/axe.min.js; do
  [[ -e $f ]] || die "$f is missing; delete node_modules and re-run"
done

OUT=src/desist/web/static/dist
mkdir -p "$OUT"

# --- Sass -------------------------------------------------------------------------------
css=$OUT/desist.css
if [[ ${FORCE:-0} != 1 && -s $css ]] &&
  [[ -z $(find assets/scss "$stamp" scripts/build-assets.sh -newer "$css" -print -quit) ]]; then
  log "desist.css is up to date"
else
  log "compiling assets/scss/desist.scss -> $css"
  tmp_css=$(mktemp "$OUT/.desist.css.XXXXXX")
  trap 'rm -f "$tmp_css"' EXIT
  if ! "$SASS" --load-path=node_modules --style=compressed --no-source-map --no-error-css \
    --quiet-deps assets/scss/desist.scss "$tmp_css"; then
    die "Sass compilation failed"
  fi
  [[ -s $tmp_css ]] || die "Sass produced an empty stylesheet"
  chmod 0644 "$tmp_css"
  mv -f "$tmp_css" "$css"
  trap - EXIT
fi

# GDS Transport and the crown/crest are reserved for GOV.UK: refuse to ship them.
if grep -qi 'GDS Transport' "$css"; then
  die "$css mentions \"GDS Transport\" (set \$govuk-font-family and \$govuk-include-default-font-face: false)"
fi
if grep -Eqi '@font-face[^}]*(GDS|Transport|/fonts/(bold|light)-)' "$css"; then
  die "$css declares an @font-face for GOV.UK's fonts"
fi
if grep -Eqi 'govuk-crest|govuk-icon|favicon|/assets/fonts/' "$css"; then
  die "$css references GOV.UK-reserved images or fonts"
fi

# --- JavaScript -------------------------------------------------------------------------
# The source map is copied too: Django's ManifestStaticFilesStorage (and WhiteNoise's)
# follows the sourceMappingURL comment during collectstatic and fails if it is missing.
install -m 0644 "$GOVUK/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"
if [[ -f $GOVUK/govuk-frontend.min.js.map ]]; then
  install -m 0644 "$GOVUK/govuk-frontend.min.js.map" "$OUT/govuk-frontend.min.js.map"
fi
install -m 0644 "$HTMX" "$OUT/htmx.min.js"
if grep -q 'sourceMappingURL=htmx' "$OUT/htmx.min.js" && [[ -f $HTMX.map ]]; then
  install -m 0644 "$HTMX.map" "$OUT/htmx.min.js.map"
fi

# --- Images (never fonts) ---------------------------------------------------------------
# Every image in GOV.UK Frontend is a GOV.UK brand asset (crown favicons and icons, the
# royal coat of arms): skip those, copy anything else. manifest.json only lists the
# crown icons, so it is not copied either; desist should ship its own icons.
rm -rf "$OUT/assets"
mkdir -p "$OUT/assets/images"
if [[ -d $GOVUK/assets/images ]]; then
  for img in "$GOVUK"/assets/images/*; do
    [[ -f $img ]] || continue
    name=$(basename "$img")
    case $name in
      govuk-* | favicon*) continue ;;
    esac
    install -m 0644 "$img" "$OUT/assets/images/$name"
  done
fi
if [[ -e $OUT/assets/fonts ]] || find "$OUT" -iname '*.woff*' -print -quit | grep -q .; then
  die "font files found under $OUT (GDS Transport must not be served)"
fi

log "done: $(du -sh "$OUT" | cut -f1) in $OUT (govuk-frontend $(node -p 'require("./node_modules/govuk-frontend/package.json").version'), htmx $(node -p 'require("./node_modules/htmx.org/package.json").version'), sass $(node -p 'require("./node_modules/sass/package.json").version'))"
