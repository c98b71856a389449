import { describe, expect, test } from 'vitest'
import { findWizardClass } from './find-wizard-class.ts'
import { defaultIsWizardClass } from '../files/wizard-files.ts'

class BaseWizard {}
class ReviewWizard extends BaseWizard {}
class ImportedWizard {}
class OtherWizard {}

describe('findWizardClass', () => {
  test('picks the one wizard class; base classes do not count', () => {
    const found = findWizardClass({ BaseWizard, ReviewWizard, helper: () => 1 }, defaultIsWizardClass)
    expect(found).toEqual({ ok: true, exportName: 'ReviewWizard', wizardClass: ReviewWizard })
  })

  test('a class re-exported from an imported module yields to the module’s own class', () => {
    const found = findWizardClass({ ImportedWizard, ReviewWizard }, defaultIsWizardClass, [{ ImportedWizard }])
    expect(found).toMatchObject({ ok: true, exportName: 'ReviewWizard' })
  })

  test('a module that only re-exports one wizard class still provides it', () => {
    const found = findWizardClass({ ImportedWizard }, defaultIsWizardClass, [{ ImportedWizard }])
    expect(found).toMatchObject({ ok: true, exportName: 'ImportedWizard' })
  })

  test('the default export counts, and is not counted twice when also named', () => {
    expect(findWizardClass({ default: ReviewWizard }, defaultIsWizardClass)).toMatchObject({ ok: true, exportName: 'default (ReviewWizard)' })
    expect(findWizardClass({ default: ReviewWizard, ReviewWizard }, defaultIsWizardClass)).toMatchObject({ ok: true, exportName: 'ReviewWizard' })
  })

  test('no candidate and several candidates are failures that name the exports', () => {
    expect(findWizardClass({ helper: 1 }, defaultIsWizardClass)).toMatchObject({
      ok: false,
      reason: 'none',
      message: expect.stringContaining('exports: helper'),
    })
    expect(findWizardClass({ ReviewWizard, OtherWizard }, defaultIsWizardClass)).toMatchObject({
      ok: false,
      reason: 'several',
      candidates: ['ReviewWizard', 'OtherWizard'],
      message: 'Several wizard classes exported: ReviewWizard, OtherWizard; export exactly one.',
    })
  })

  test('a custom isWizardClass decides', () => {
    class Tool {}
    expect(findWizardClass({ Tool, ReviewWizard }, (name) => name === 'Tool')).toMatchObject({ ok: true, exportName: 'Tool' })
  })

  test('an anonymous default-exported class is the wizard; a named one must follow the rule', () => {
    const anonymous = (() => class {})()
    Object.defineProperty(anonymous, 'name', { value: '__vite_ssr_export_default__' })
    expect(findWizardClass({ default: anonymous }, defaultIsWizardClass)).toMatchObject({ ok: true, exportName: 'default (anonymous class)' })
    class Summary {}
    expect(findWizardClass({ default: Summary }, defaultIsWizardClass)).toMatchObject({ ok: false, reason: 'none' })
  })

  test('exports that throw when read are not wizard classes, never a crash', () => {
    const trap = () => {
      throw new Error('trap')
    }
    const hostile = new Proxy(class HostileWizard {}, { get: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, ownKeys: trap, has: trap })
    const exports = { HostileWizard: hostile, ReviewWizard } as Record<string, unknown>
    Object.defineProperty(exports, 'BrokenWizard', { enumerable: true, get: trap })
    expect(findWizardClass(exports, defaultIsWizardClass)).toMatchObject({ ok: true, exportName: 'ReviewWizard' })
    const namedDefault = class NamedWizard {}
    Object.defineProperty(namedDefault, 'name', { get: trap })
    expect(() => findWizardClass({ default: namedDefault }, defaultIsWizardClass)).not.toThrow()
    expect(findWizardClass({ default: hostile }, defaultIsWizardClass)).toMatchObject({ ok: false, reason: 'none' })
  })

  test('a throwing isWizardClass fails with a message naming the option and the export', () => {
    const found = findWizardClass({ ReviewWizard }, () => {
      throw 10n
    })
    expect(found).toMatchObject({ ok: false, reason: 'callback', message: 'options.isWizardClass threw for the export "ReviewWizard": 10n' })
  })
})
