import { describe, it } from "vitest";
import { OVERLAPPING, overlappingMutations } from "../test/overlapping-mutations";
import { engine } from "./database";

// `orders` is `.global()` on Postgres or MySQL through Hyperdrive here, so each orders:upsert
// commit waits on the network while other mutations queue up behind it in the mutation lane.
describe(`live queries while mutations overlap (orders on ${engine()} through Hyperdrive)`, () => {
  it("transitions follow commits when mutations overlap: every transition equals the state at its toVersion, and each caller hears its result first", async () => {
    await overlappingMutations(OVERLAPPING);
  });
});
