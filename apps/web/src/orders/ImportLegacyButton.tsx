import { useAction } from "@orrery/client/react";
import { useState } from "react";
import { api } from "../api";
import { InlineError } from "../ui/InlineError";
import { useFailure } from "../use-failure";

/**
 * Runs orders:importLegacy, which copies the customer's rows from the legacy Postgres/MySQL
 * database into `orders` (they then show up in the table through its live query). On the
 * D1 backend there is no legacy database and the server's error is shown as it says it.
 */
export function ImportLegacyButton({ customer }: { customer: string }) {
  const importLegacy = useAction(api.orders.importLegacy);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { error, run, dismiss } = useFailure();
  const click = async () => {
    setBusy(true);
    setDone(null);
    const result = await run(importLegacy({ customer }));
    setBusy(false);
    if (result !== undefined) setDone(`Imported ${result} ${result === 1 ? "order" : "orders"}`);
  };
  return (
    <div>
      <div className="row">
        <button type="button" onClick={click} disabled={busy}>
          {busy ? "Importing…" : "Import legacy orders"}
        </button>
        {done && (
          <span className="muted" role="status">
            {done}
          </span>
        )}
      </div>
      <InlineError message={error} onDismiss={dismiss} />
    </div>
  );
}
