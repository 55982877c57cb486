import { useCallback, useState } from "react";
import { describeError } from "./errors";

/**
 * For buttons and forms that call a mutation or action: `run(promise)` records its failure as
 * a readable message (shown inline next to the control, not thrown to an error boundary,
 * since the rest of the panel still works), and clears the previous one.
 */
export function useFailure(): {
  error: string | null;
  run: <T>(work: Promise<T>) => Promise<T | undefined>;
  dismiss: () => void;
} {
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(work: Promise<T>) => {
    setError(null);
    try {
      return await work;
    } catch (failure) {
      setError(describeError(failure));
      return undefined;
    }
  }, []);
  const dismiss = useCallback(() => setError(null), []);
  return { error, run, dismiss };
}
