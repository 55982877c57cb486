import { useConnectionState } from "@orrery/client/react";

const labels = {
  connecting: "Connecting…",
  open: "Live",
  closed: "Offline, reconnecting…",
} as const;

/** The socket's state and how many changes are waiting for the server. */
export function ConnectionIndicator() {
  const { state, pendingMutations } = useConnectionState();
  return (
    <p className="connection" role="status" aria-label="Connection" data-state={state}>
      <span className="dot" aria-hidden="true" />
      {labels[state]}
      {pendingMutations > 0 && (
        <span className="pending" data-testid="pending-mutations">
          {" "}
          · {pendingMutations} {pendingMutations === 1 ? "change" : "changes"} waiting
        </span>
      )}
    </p>
  );
}
