import { afterEach, describe, expect, test } from 'vitest'
import { startTempProject, wizardSource, type TempProject } from '../test/temp-project.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

describe('edit → reload', () => {
  test('initial load registers every wizard, an edit registers the new class', async () => {
    project = await startTempProject({
      files: {
        'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
        'wizards/CodeReviewWizard.ts': wizardSource('CodeReviewWizard', 'review v1'),
      },
    })
    const { registry } = project
    expect(registry.run('debug')).toBe('v1')
    expect(registry.run('codereview')).toBe('review v1')

    project.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => registry.run('debug')).toBe('v2')
    expect(project.logs.some((line) => /debug reloaded in [\d.]+ ms/.test(line))).toBe(true)
    expect(project.session.state.get('debug')?.reloadCount).toBe(1)
  })
})
