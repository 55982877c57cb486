/**
 * Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`, naming
 * `what` it waited for. Nothing here needs Node: Workers-pool tests import it as
 * `@orrery/test-harness/eventually`.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
