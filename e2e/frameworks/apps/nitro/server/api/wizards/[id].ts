import { defineHandler } from 'nitro'
import { runWizard } from '../../registry.ts'

export default defineHandler((event) => {
  try {
    return { output: runWizard(event.context.params?.id ?? '') }
  } catch (error) {
    return new Response(JSON.stringify({ error: String(error) }), { status: 500, headers: { 'content-type': 'application/json' } })
  }
})
