import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { WizardFileWatcher, type WizardFileChange } from './watcher.ts'

describe('WizardFileWatcher debounce (fake timers)', () => {
  let changes: WizardFileChange[]
  let watcher: WizardFileWatcher
  beforeEach(() => {
    vi.useFakeTimers()
    changes = []
    watcher = new WizardFileWatcher({ dirs: ['/app/wizards'], delay: 50, onChange: (change) => changes.push(change) })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  test('events within the delay collapse into one change per file', () => {
    for (let i = 0; i < 10; i++) {
      watcher.queue('/app/wizards/debug_wizard.ts', 'change')
      vi.advanceTimersByTime(20)
    }
    expect(changes).toEqual([])
    vi.advanceTimersByTime(50)
    expect(changes).toEqual([{ type: 'change', file: '/app/wizards/debug_wizard.ts', wizardId: 'debug', firstEventAt: expect.any(Number) }])
  })

  test('a wizardId rule that throws (any value) makes that change a helper (wizardId null) and reports an error naming the option — nothing escapes the timer', () => {
    const errors: unknown[] = []
    const guarded = new WizardFileWatcher({
      dirs: ['/app/wizards'],
      delay: 50,
      onChange: (change) => changes.push(change),
      onError: (error) => errors.push(error),
      wizardId: (file) => {
        if (file.includes('cursed')) throw 10n
        return file.includes('odd') ? (42 as unknown as string) : 'fine'
      },
    })
    guarded.queue('/app/wizards/cursed_wizard.ts', 'change')
    guarded.queue('/app/wizards/odd_wizard.ts', 'change')
    guarded.queue('/app/wizards/good_wizard.ts', 'change')
    expect(() => vi.advanceTimersByTime(50)).not.toThrow()
    expect(changes.map((change) => change.wizardId)).toEqual([null, null, 'fine'])
    expect(errors).toEqual([new Error('options.wizardId threw 10n for /app/wizards/cursed_wizard.ts')])
  })

  test('each file has its own timer', () => {
    watcher.queue('/app/wizards/a_wizard.ts', 'change')
    vi.advanceTimersByTime(30)
    watcher.queue('/app/wizards/b_wizard.ts', 'change')
    vi.advanceTimersByTime(20)
    expect(changes.map((c) => c.wizardId)).toEqual(['a'])
    vi.advanceTimersByTime(30)
    expect(changes.map((c) => c.wizardId)).toEqual(['a', 'b'])
  })

  test('the last event decides the type: change then delete is a delete, delete then re-create a change', () => {
    watcher.queue('/app/wizards/a_wizard.ts', 'change')
    watcher.queue('/app/wizards/a_wizard.ts', 'remove')
    watcher.queue('/app/wizards/b_wizard.ts', 'remove')
    watcher.queue('/app/wizards/b_wizard.ts', 'change')
    vi.advanceTimersByTime(50)
    expect(changes.map((c) => `${c.wizardId}:${c.type}`)).toEqual(['a:remove', 'b:change'])
  })

  test('helpers and other files (a wizard may import data.json or notes.md?raw) are reported with a null id', () => {
    watcher.queue('/app/wizards/_format.ts', 'change')
    watcher.queue('/app/wizards/notes.md', 'change')
    vi.advanceTimersByTime(50)
    expect(changes.map((c) => [c.file, c.wizardId])).toEqual([
      ['/app/wizards/_format.ts', null],
      ['/app/wizards/notes.md', null],
    ])
  })

  test('stop() drops changes still waiting', async () => {
    watcher.queue('/app/wizards/a_wizard.ts', 'change')
    expect(watcher.pendingCount).toBe(1)
    await watcher.stop()
    vi.advanceTimersByTime(100)
    expect(changes).toEqual([])
  })

  test('delay 0 still reports asynchronously (next tick, no timer), once per tick', () => {
    const immediate = new WizardFileWatcher({ dirs: ['/app/wizards'], delay: 0, onChange: (change) => changes.push(change) })
    immediate.queue('/app/wizards/a_wizard.ts', 'change')
    immediate.queue('/app/wizards/a_wizard.ts', 'change')
    expect(changes).toEqual([])
    vi.runOnlyPendingTimers()
    expect(changes).toHaveLength(1)
  })
})
