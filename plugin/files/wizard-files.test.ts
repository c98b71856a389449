import { describe, expect, test } from 'vitest'
import { defaultIsWizardClass, defaultWizardId, isSourceFile } from './wizard-files.ts'

describe('defaultWizardId', () => {
  test.each([
    ['/app/wizards/debug_wizard.ts', 'debug'],
    ['/app/wizards/DebugWizard.ts', 'debug'],
    ['/app/wizards/code-review.wizard.ts', 'code-review'],
    ['/app/wizards/security-wizard.mjs', 'security'],
    ['/app/wizards/nested/Clinical_Notes_wizard.tsx', 'clinical_notes'],
    ['/app/wizards/plain.js', 'plain'],
    ['/app/wizards/helper.cts', 'helper'],
    ['/app/wizards/x.jsx', 'x'],
  ])('%s → %s', (file, id) => {
    expect(defaultWizardId(file)).toBe(id)
  })

  test.each([
    '/app/wizards/types.d.ts',
    '/app/wizards/debug_wizard.test.ts',
    '/app/wizards/debug_wizard.spec.tsx',
    '/app/wizards/_shared.ts',
    '/app/wizards/.hidden_wizard.ts',
    '/app/wizards/node_modules/pkg/x_wizard.js',
    '/app/wizards/__tests__/debug_wizard.ts',
    '/app/wizards/readme.md',
    '/app/wizards/data.json',
    '/app/wizards/Wizard.ts',
  ])('%s is not a wizard file', (file) => {
    expect(defaultWizardId(file)).toBeNull()
  })

  test('source files include helpers; declarations are not modules', () => {
    expect(isSourceFile('/a/_shared.ts')).toBe(true)
    expect(isSourceFile('/a/types.d.mts')).toBe(false)
  })
})

describe('defaultIsWizardClass', () => {
  class DebugWizard {}
  class BaseWizard {}
  class AbstractReviewWizard {}
  class BaseballWizard {}
  class Abstraction {}
  function LegacyWizard() {}
  test.each([
    ['DebugWizard', DebugWizard, true],
    ['BaseballWizard', BaseballWizard, true],
    ['BaseWizard', BaseWizard, false],
    ['AbstractReviewWizard', AbstractReviewWizard, false],
    ['Abstraction', Abstraction, false],
    ['LegacyWizard', LegacyWizard, false],
    ['ConfigWizard', { notAClass: true }, false],
  ])('%s → %s', (name, value, expected) => {
    expect(defaultIsWizardClass(name, value)).toBe(expected)
  })
})
