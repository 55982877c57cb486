import { DurableObject } from "cloudflare:workers";

/** Hosts conformance cases: each case runs inside a fresh instance through `runInDurableObject`. */
export class ConformanceObject extends DurableObject {}

export default {
  fetch: () => new Response("orrery store test worker"),
};
