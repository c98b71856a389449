import { index, route, type RouteConfig } from '@react-router/dev/routes'

export default [index('routes/home.tsx'), route('api/wizards/:id', 'routes/api.wizard.ts')] satisfies RouteConfig
