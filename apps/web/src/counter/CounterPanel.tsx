import { useMutation, useQuery } from "@orrery/client/react";
import { useMemo } from "react";
import { api } from "../api";
import { InlineError } from "../ui/InlineError";
import { useFailure } from "../use-failure";

const name = "clicks";

/** One shared counter per namespace; every open page sees each increment. */
export function CounterPanel() {
  const value = useQuery(api.counters.get, { name });
  const increment = useMutation(api.counters.increment);
  const incrementNow = useMemo(
    () =>
      increment.withOptimisticUpdate((store, args) => {
        const current = store.getQuery(api.counters.get, { name: args.name });
        if (current !== undefined) store.setQuery(api.counters.get, { name: args.name }, current + 1n);
      }),
    [increment],
  );
  const { error, run, dismiss } = useFailure();
  return (
    <>
      <div className="row counter">
        <output aria-label="Counter value" aria-live="polite">
          {value === undefined ? "…" : value.toString()}
        </output>
        <button type="button" onClick={() => void run(incrementNow({ name }))} disabled={value === undefined}>
          Increment
        </button>
      </div>
      <p className="muted">“{name}”, shared by everyone on this namespace.</p>
      <InlineError message={error} onDismiss={dismiss} />
    </>
  );
}
