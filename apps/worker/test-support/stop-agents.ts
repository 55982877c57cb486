import { stopRegisteredAgents } from "./database-agent";

// globalSetup of the Hyperdrive pool configs: nothing to start (the config did), stop at the end.
export default function setup(): () => Promise<void> {
  return stopRegisteredAgents;
}
