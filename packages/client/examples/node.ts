/**
 * A Node client: watch a live query, add a task, print what the server pushes.
 *   ORRERY_URL=http://localhost:8787 node --experimental-strip-types examples/node.ts
 * Node 20 has no global WebSocket (22 does), so the `ws` package's class is passed in.
 */
import { createApi, type FunctionReference } from "@orrery/protocol";
import WebSocket from "ws";
import { OrreryClient } from "../src/index";

interface Task {
  _id: string;
  text: string;
}
// In an app this type comes from the worker's generated API (`ApiFromModules<…>`).
type Api = {
  tasks: {
    list: FunctionReference<"query", { list: string }, Task[]>;
    add: FunctionReference<"mutation", { list: string; text: string }, string>;
  };
};
const api = createApi<Api>();

const client = new OrreryClient(process.env.ORRERY_URL ?? "http://localhost:8787", {
  namespace: "demo",
  WebSocket,
  onConnectionChange: ({ state, pendingMutations }) =>
    console.log(`connection: ${state} (${pendingMutations} pending)`),
});

const stop = client.watchQuery(api.tasks.list, { list: "inbox" }, () => {
  const result = client.queryResult(api.tasks.list, { list: "inbox" });
  if (result?.status === "value")
    console.log(
      "tasks:",
      result.value.map((task) => task.text),
    );
  if (result?.status === "error") console.error("tasks failed:", result.error.code, result.error.message);
});

const id = await client.mutation(api.tasks.add, {
  list: "inbox",
  text: `from node at ${new Date().toISOString()}`,
});
console.log("added", id);
setTimeout(() => {
  stop();
  client.close();
}, 1000);
