/** How a failed job is retried: up to `maxAttempts` runs, waiting longer after each failure. */
export interface JobRetryPolicy {
  /** Runs in all, the first included (default 5). */
  readonly maxAttempts: number;
  /** The wait after the first failure (default 1 s); it doubles after each further one. */
  readonly initialDelayMs: number;
  /** The longest wait (default 5 minutes). */
  readonly maxDelayMs: number;
}

export const DEFAULT_JOB_RETRY: JobRetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
};

/** The wait before the next run, after `attempts` runs that failed. */
export function retryDelayOf(policy: JobRetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * A failure that is the function's own verdict on its arguments and data: a retry would get the
 * same answer (a scheduled mutation's is even recorded under its request id), so the job fails
 * at once. Any other failure (a thrown Error, a conflict, a database that is down) is retried.
 */
export const FINAL_JOB_ERROR_CODES: ReadonlySet<string> = new Set([
  "INVALID_ARGUMENT",
  "INVALID_REFERENCE",
  "NOT_FOUND",
  "FORBIDDEN",
]);
