export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 200 };

/** Exponential backoff with full jitter, so competing writers spread out instead of colliding again. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * ceiling;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
