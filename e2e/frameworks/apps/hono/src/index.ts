import { Hono } from 'hono'
import { runWizard } from '../server/registry.ts'

const app = new Hono()

app.get('/api/wizards/:id', (c) => {
  try {
    return c.json({ output: runWizard(c.req.param('id')) })
  } catch (error) {
    return c.json({ error: String(error) }, 500)
  }
})

app.get('/', (c) =>
  c.html(`<!doctype html>
<html>
  <head><meta charset="utf-8"><title>Hono wizards</title></head>
  <body>
    <h1>Hono wizards</h1>
    <p id="client">…</p>
    <script type="module" src="/src/client.ts"></script>
  </body>
</html>`),
)

export default app
