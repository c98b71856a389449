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
# Every shipped source map carries its sources (the .ts files are not shipped): a stack trace's
# original file:line can be shown from the map itself.
node -e '
const fs = require("node:fs"), path = require("node:path")
const root = "node_modules/vite-plugin-wizard-hot-reload/dist"
const maps = fs.readdirSync(root, { recursive: true }).filter((f) => f.endsWith(".map"))
if (maps.length === 0) throw new Error("no source maps shipped")
for (const f of maps) {
  const map = JSON.parse(fs.readFileSync(path.join(root, f), "utf8"))
  if (!map.sourcesContent || map.sourcesContent.length !== map.sources.length || map.sourcesContent.some((s) => typeof s !== "string")) throw new Error(`${f}: its sources are not inlined`)
}
console.log(`package check: ${maps.length} source maps carry their sources`)
'
npx --no-install wizard-hot-reload --help | head -1 | grep -q 'act on the running Vite dev server'
echo "package check: the wizard-hot-reload command is installed"
# The browser extension ships built: `wizard-hot-reload extension` prints its folder inside the package,
# whose manifest names only files that are there (what chrome://extensions "Load unpacked" reads).
extension_dir="$(npx --no-install wizard-hot-reload extension)"
test "$extension_dir" = "$(pwd -P)/node_modules/vite-plugin-wizard-hot-reload/dist/extension"
node -e '
const fs = require("node:fs"), path = require("node:path")
const dir = process.argv[1]
const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"))
if (manifest.manifest_version !== 3) throw new Error("not a Manifest V3 extension")
const files = [manifest.background.service_worker, manifest.action.default_popup, ...Object.values(manifest.icons), ...manifest.content_scripts.flatMap((script) => script.js)]
for (const page of [manifest.action.default_popup, "pairing/pair.html"]) {
  const html = fs.readFileSync(path.join(dir, page), "utf8")
  for (const [, src] of html.matchAll(/(?:src|href)="([^"]+)"/g)) files.push(src.startsWith("/") ? src : path.join(path.dirname(page), src))
}
for (const file of files) if (!fs.existsSync(path.join(dir, file.replace(/^\//, "")))) throw new Error(`the extension lacks ${file}`)
const hosts = manifest.host_permissions.map((pattern) => new URL(pattern.replace("/*", "/")).hostname)
if (hosts.some((host) => host !== "localhost" && host !== "127.0.0.1")) throw new Error(`host permissions beyond loopback: ${manifest.host_permissions}`)
console.log(`package check: the browser extension ships in ${dir} (${files.length} files its manifest and pages name)`)
' "$extension_dir"

# A project made by `npm init -y` is CommonJS: Vite bundles vite.config.ts to CJS and require()s the
# plugin. The exports' "default" condition (no "import"-only) lets Node's require(esm) load it.
cjs="$scratch/commonjs-project"
mkdir -p "$cjs/wizards"
cd "$cjs"
npm init -y >/dev/null
node -e "const p=require('./package.json'); if (p.type && p.type !== 'commonjs') process.exit(1)"
npm install --no-audit --no-fund --silent "$scratch/$tarball" "vite@$vite_range"
echo 'export class DebugWizard { run() { return "v1" } }' > wizards/debug_wizard.ts
cat > vite.config.ts <<'TS'
import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'
export default defineConfig({ plugins: [wizardHotReload({ dirs: ['wizards'], register: () => true })] })
TS
cat > start.mjs <<'JS'
import { createServer } from 'vite'
const server = await createServer({ logLevel: 'error', server: { middlewareMode: true, hmr: false, ws: false } })
const status = server.config.plugins.find((plugin) => plugin.name === 'vite-plugin-wizard-hot-reload').api.getStatus()
await server.close()
if (status.wizards?.debug?.version !== 1) throw new Error(`the wizard was not loaded: ${JSON.stringify(status)}`)
JS
VITE_CONFIG_NATIVE_IGNORE_WARNING=true node start.mjs
echo "package check: a CommonJS project (npm init -y) loads the plugin from vite.config.ts"
