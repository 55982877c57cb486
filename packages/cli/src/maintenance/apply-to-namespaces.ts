import { type CommandIo, UsageError } from "../command";
import type { MaintenanceState } from "./maintenance-route";

export type Action = "on" | "off" | "status";

function describe(namespace: string, state: MaintenanceState): string {
  return state.on
    ? `"${namespace}": on since ${new Date(state.since).toISOString()}: ${state.message}`
    : `"${namespace}": off`;
}

/** One namespace after another; a failure stops there, saying which were already done. */
export async function applyToNamespaces(
  action: Action,
  namespaces: readonly string[],
  call: (namespace: string) => Promise<MaintenanceState>,
  io: CommandIo,
): Promise<number> {
  const done: string[] = [];
  for (const namespace of namespaces) {
    let state: MaintenanceState;
    try {
      state = await call(namespace);
    } catch (error) {
      if (!(error instanceof UsageError) || action === "status" || done.length === 0) throw error;
      throw new UsageError(
        `"${namespace}": ${error.message}; already ${action}: ${done.map((n) => `"${n}"`).join(", ")}`,
        error.exitCode,
      );
    }
    done.push(namespace);
    io.out(
      action === "status"
        ? describe(namespace, state)
        : `${describe(namespace, state)}${state.on ? " (mutations and actions answer 503 MAINTENANCE)" : " (writes accepted again)"}`,
    );
  }
  return 0;
}
