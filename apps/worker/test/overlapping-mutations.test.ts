import { describe, it } from "vitest";
import { OVERLAPPING, overlappingMutations } from "./overlapping-mutations";

// `orders` is `.global()` on D1 here, so each orders:upsert commit waits on I/O while other
// mutations queue up behind it in the mutation lane; `counters` is in the Durable Object's SQLite.
describe("live queries while mutations overlap (orders on D1)", () => {
  it("transitions follow commits when mutations overlap: every transition equals the state at its toVersion, and each caller hears its result first", async () => {
    await overlappingMutations(OVERLAPPING);
  });
});
