import { runWizard } from '../../server/registry.ts'

export function loader({ params }: { params: { id?: string } }) {
  try {
    return Response.json({ output: runWizard(params.id ?? '') })
  } catch (error) {
    return Response.json({ error: String(error) }, { status: 500 })
  }
}
