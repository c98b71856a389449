import { expect, panelOf, serverOf, test } from './extension-fixtures.ts'

test('pairing from the panel: the extension confirms with the user, keeps the pairing, and the badge follows the dev server', async ({ extension, playground }) => {
  const page = await extension.pairFromPanel(playground)
  await expect.poll(() => extension.pairings()).toEqual([expect.objectContaining({ server: serverOf(playground) })])
  await expect(panelOf(page)).toBeVisible()
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: '#1e8e3e' })
})
