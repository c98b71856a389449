import { isRunnableDevEnvironment, type DevEnvironment, type RunnableDevEnvironment, type ViteDevServer } from 'vite'

/**
 * The environment whose module runner loads wizards in the dev server's process
 * (`server.environments[name].runner`, the Environment API that replaces `ssrLoadModule`), and
 * `ssrLoadModule`'s own runner, which the app may use too. What leans on the runner itself (its
 * graph, HMR client, evaluator) is in runner-graph.ts, which backend processes use as well.
 */

/** The named environment, if it can run modules in this process; otherwise an error that says why. */
export function runnableEnvironment(server: ViteDevServer, name: string): RunnableDevEnvironment {
  const environment = server.environments[name] as DevEnvironment | undefined
  if (!environment) {
    throw new Error(`options.environment: this dev server has no environment "${name}" (it has ${Object.keys(server.environments).join(', ')}).`)
  }
  // `instanceof` fails when the plugin and the app resolve two copies of Vite: `runner` is only on runnable environments.
  if (isRunnableDevEnvironment(environment) || 'runner' in environment) return environment as RunnableDevEnvironment
  throw new Error(
    `options.environment: the "${name}" environment cannot run modules in the dev server's process (it is a ${environment.constructor.name}, e.g. workerd or a custom fetchable environment); ` +
      `wizards need a runnable one, such as the default "ssr".`,
  )
}

/**
 * The exports of `file` as `server.ssrLoadModule` evaluated them, if it did (and they are still
 * current): its own runner sets the graph node's `ssrModule`, the environment's runner does not.
 * Two runners mean two instances of the module — two registries, say.
 */
export function ssrLoadModuleExports(environment: DevEnvironment, file: string): Record<string, unknown> | undefined {
  for (const mod of environment.moduleGraph.getModulesByFile(file) ?? []) if (mod.ssrModule) return mod.ssrModule
  return undefined
}
