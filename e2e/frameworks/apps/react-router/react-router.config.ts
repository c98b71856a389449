import type { Config } from '@react-router/dev/config'

// The default config; RR_ENVIRONMENT_API=1 opts in to the Environment API (the `ssr` runner instead of ssrLoadModule).
export default { ssr: true, future: { v8_viteEnvironmentApi: process.env.RR_ENVIRONMENT_API === '1' } } satisfies Config
