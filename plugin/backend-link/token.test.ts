import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { makeTempDir } from '../../test/temp-project.ts'
import { TOKEN_ENV, TOKEN_FILE } from './protocol.ts'
import { ensureToken, findToken, sameToken } from './token.ts'

let dir: string | undefined
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }))

test('created once, private, and kept across restarts; garbage in its place is replaced', () => {
  dir = makeTempDir('token-')
  const cacheDir = path.join(dir, 'node_modules/.vite')
  const token = ensureToken(cacheDir)
  expect(token).toMatch(/^[0-9a-f]{64}$/)
  expect(ensureToken(cacheDir)).toBe(token)
  const file = path.join(cacheDir, TOKEN_FILE)
  expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  expect(fs.readdirSync(path.dirname(file))).toEqual(['backend-token']) // no drafts left behind
  fs.writeFileSync(file, 'garbage')
  const replaced = ensureToken(cacheDir)
  expect(replaced).not.toBe(token)
  expect(fs.readFileSync(file, 'utf8').trim()).toBe(replaced)
})

test('a backend finds it: the option, the environment variable, a token file, or upwards from its folder', () => {
  dir = makeTempDir('token-')
  const token = ensureToken(path.join(dir, 'node_modules/.vite'))
  fs.mkdirSync(path.join(dir, 'api/src'), { recursive: true })
  expect(findToken({ root: path.join(dir, 'api/src') }, {})).toEqual({ token, from: path.join(dir, 'node_modules/.vite', TOKEN_FILE) })
  expect(findToken({ token: 'given', root: dir }, {})).toEqual({ token: 'given', from: 'the token option' })
  expect(findToken({ root: dir }, { [TOKEN_ENV]: ' fromenv ' })).toEqual({ token: 'fromenv', from: TOKEN_ENV })
  expect(findToken({ tokenFile: path.join(dir, 'missing') }, {})).toEqual({ problem: expect.stringContaining('cannot read the token file') })
  expect(findToken({ root: path.parse(dir).root }, {})).toMatchObject({ problem: expect.stringContaining('no token: none of') })
})

test('compared in constant time, and only equal strings match', () => {
  expect(sameToken('a'.repeat(64), 'a'.repeat(64))).toBe(true)
  expect(sameToken('a'.repeat(64), 'b'.repeat(64))).toBe(false)
  expect(sameToken('a'.repeat(64), 'a')).toBe(false)
  expect(sameToken('a'.repeat(64), undefined)).toBe(false)
})
