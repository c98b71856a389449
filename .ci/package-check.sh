#!/usr/bin/env bash
# Packs the package, installs the tarball into a fresh project (Vite from the registry) and checks
# what users get: the runtime of both entry points and the published types.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
tarball="$(npm pack --silent --pack-destination "$scratch" | tail -1)"
cd "$scratch"
cat > package.json <<'JSON'
{ "name": "package-consumer", "private": true, "type": "module" }
JSON
vite_range="$(node -p "require('$repo/package.json').devDependencies.vite")"
npm install --no-audit --no-fund --silent "./$tarball" "vite@$vite_range" "typescript@$(node -p "require('$repo/package.json').devDependencies.typescript")"
mkdir -p wizards src
echo 'export class DebugWizard { run() { return "v1" } }' > wizards/debug_wizard.ts
echo '<!doctype html><html><head><script type="module" src="/src/app.ts"></script></head><body></body></html>' > index.html
echo "import { onWizardReloaded } from 'vite-plugin-wizard-hot-reload/client'; onWizardReloaded(() => {})" > src/app.ts
cp "$repo/test/package-consumer/check.mjs" "$repo/test/package-consumer/consumer.ts" .
node check.mjs
npx tsc --noEmit --strict --skipLibCheck --target es2022 --module esnext --moduleResolution bundler --lib es2023,dom --types vite/client consumer.ts
echo "package check: types ok"
