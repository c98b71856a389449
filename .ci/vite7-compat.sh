#!/usr/bin/env bash
# The peer range is vite ^7 || ^8: run the unit + integration suite once more against Vite 7,
# in a scratch copy so the checkout's node_modules and lockfile stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
git ls-files -z | xargs -0 -I{} cp --parents {} "$scratch"
cd "$scratch"
npm ci --no-audit --no-fund --silent
npm install --no-save --no-audit --no-fund --silent vite@^7
echo "== vite $(npx vite --version)"
npm run build --silent
npx vitest run
