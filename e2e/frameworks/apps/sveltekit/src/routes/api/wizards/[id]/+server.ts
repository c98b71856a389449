import { json } from '@sveltejs/kit'
import { runWizard } from '../../../../../server/registry.ts'

export function GET({ params }: { params: { id: string } }) {
  try {
    return json({ output: runWizard(params.id) })
  } catch (error) {
    return json({ error: String(error) }, { status: 500 })
  }
}
