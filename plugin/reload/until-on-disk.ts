/** Loads of one change, at most, when the file keeps changing while it loads. */
export const MAX_ATTEMPTS = 20

/**
 * "The final content on disk is what ends up registered": runs `attempt` until it answers — an
 * undefined answer means the file changed while it loaded (nothing was registered or reported),
 * so it loads again. The last attempt (`lastAttempt`) reports what it loaded, whatever happens to
 * the file meanwhile. Undefined when it was stopped first.
 */
export async function untilOnDisk<T>(attempt: (lastAttempt: boolean) => Promise<T | undefined>, stopped: () => boolean = () => false): Promise<T | undefined> {
  for (let n = 1; n <= MAX_ATTEMPTS && !stopped(); n++) {
    const answer = await attempt(n === MAX_ATTEMPTS)
    if (answer !== undefined) return answer
  }
  return undefined
}
