#!/usr/bin/env node
import { parseArgs } from 'node:util'
import type { HotReloadStatus, WizardActionDone, WizardHistoryEntry } from '../../client/protocol.ts'
import { askDevServer, CliError } from './control-client.ts'
import { builtExtensionDir } from './extension-dir.ts'

const USAGE = `wizard-hot-reload — act on the running Vite dev server of this project

  wizard-hot-reload status                     what is loaded: each wizard's version and state
  wizard-hot-reload history <wizard>           its last reload attempts
  wizard-hot-reload rollback <wizard> <version> register a kept version again (pins it until the next save)
  wizard-hot-reload undo <wizard>              back to the version registered before
  wizard-hot-reload retry <wizard>             reload its file now
  wizard-hot-reload extension                  where the browser extension is (load it unpacked)

Options: --json (print the dev server's answer as JSON), --server <url> (another dev server than
the one this project's node_modules/.vite records), --root <dir> (the project; default: here).
The dev server is found through its token and address under node_modules/.vite/wizard-hot-reload
(written when it starts); only a process that can read that token may talk to it.`

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage or no dev server). */
export async function main(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const [command, wizardId, version] = positionals
  if (values.help || !command) {
    out(USAGE)
    return values.help ? 0 : 2
  }
  if (command === 'extension') return printExtensionDir(out, err)
  const request = requestOf(command, wizardId, version)
  if (typeof request === 'string') {
    err(`${request}\n\n${USAGE}`)
    return 2
  }
  try {
    const reply = await askDevServer(request, { root: values.root, server: values.server })
    if (values.json) out(JSON.stringify(reply.ok ? reply.result : { error: reply.error }, null, 2))
    if (!reply.ok) {
      if (!values.json) err(`${command}: ${reply.error}`)
      return 1
    }
    if (values.json) return 0
    return describe(command, reply.result, out)
  } catch (error) {
    err(error instanceof CliError ? error.message : String(error))
    return 2
  }
}

/** The browser extension's folder, alone on its line (for `$(wizard-hot-reload extension)`); needs no dev server. */
function printExtensionDir(out: (line: string) => void, err: (line: string) => void): number {
  const found = builtExtensionDir()
  if ('error' in found) {
    err(found.error)
    return 2
  }
  out(found.dir)
  return 0
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, server: { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
}

function requestOf(command: string, wizardId: string | undefined, version: string | undefined): { id: string; type: string; [key: string]: unknown } | string {
  const id = 'cli'
  if (command === 'status') return { id, type: 'status' }
  if (!['history', 'rollback', 'undo', 'retry'].includes(command)) return `unknown command "${command}"`
  if (!wizardId) return `${command} needs a wizard id (wizard-hot-reload status lists them)`
  if (command !== 'rollback') return { id, type: command, wizardId }
  const to = Number(version)
  if (!Number.isInteger(to) || to < 1) return `rollback needs a version number (wizard-hot-reload history ${wizardId} lists the kept ones)`
  return { id, type: 'rollback', wizardId, version: to }
}

/** A human reading of the answer; the exit code says whether what was asked happened. */
function describe(command: string, result: unknown, out: (line: string) => void): number {
  switch (command) {
    case 'status': {
      const status = result as HotReloadStatus
      if (!status.enabled) {
        out('hot reload is off on this dev server (enabled: false or HOT_RELOAD_ENABLED=false)')
        return 0
      }
      const wizards = Object.entries(status.wizards)
      out(
        `${wizards.length} wizard${wizards.length === 1 ? '' : 's'}, ${status.reload_count} reload${status.reload_count === 1 ? '' : 's'}${status.last_error ? ` — last problem: ${status.last_error}` : ''}`,
      )
      const width = Math.max(0, ...wizards.map(([id]) => id.length))
      for (const [id, entry] of wizards) {
        const state = entry.last_error
          ? `failed (${entry.last_error_kind}): ${entry.last_error.split('\n')[0]}`
          : entry.pinned_version !== null
            ? `pinned at v${entry.pinned_version} (the file on disk is newer)`
            : 'ok'
        out(`  ${id.padEnd(width)}  ${entry.version === null ? '–' : `v${entry.version}`}  ${state}`)
      }
      for (const backend of status.backends) out(`  backend ${backend.name} (pid ${backend.pid}) connected since ${backend.connected_since}`)
      return 0
    }
    case 'history': {
      for (const entry of result as WizardHistoryEntry[]) {
        const what = entry.outcome === 'failed' ? `failed (${entry.kind})` : entry.outcome
        out(
          `  #${entry.attempt}  ${entry.version === null ? '  ' : `v${entry.version}`}  ${new Date(entry.timestamp).toISOString()}  ${what.padEnd(12)} ${entry.durationMs} ms${entry.kept ? '  (kept: rollback possible)' : ''}`,
        )
      }
      return 0
    }
    case 'retry': {
      const { wizardId, version } = result as WizardActionDone
      out(`${wizardId}: v${version} registered from the file on disk`)
      return 0
    }
    default: {
      const { wizardId, version, pinned } = result as WizardActionDone
      out(`${wizardId}: v${version} registered${pinned ? ' (pinned: the file on disk is newer; its next save reloads it)' : ' (what the file on disk holds)'}`)
      return 0
    }
  }
}

// Run when executed as the `wizard-hot-reload` command (not when imported by a test).
if (process.argv[1] && /[\\/]cli[\\/]main\.(?:js|ts)$|wizard-hot-reload$/.test(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code))
}
