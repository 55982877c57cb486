import { useConnectionState } from "@orrery/client/react";

const labels = {
  connecting: "Connecting…",
  open: "Live",
  closed: "Offline, reconnecting…",
} as const;

/** The socket's state and how many changes are waiting for the server. */
export function ConnectionIndicator() {
  const { state, pendingMutations } = useConnectionState();
  const waiting =
    pendingMutations === 0
      ? ""
      : ` · ${pendingMutations} ${pendingMutations === 1 ? "change" : "changes"} waiting`;
  return (
    <p className="connection" role="status" aria-label="Connection" data-state={state}>
      <span className="dot" aria-hidden="true" />
      <span>
        {labels[state]}
        {waiting}
      </span>
    </p>
  );
}
