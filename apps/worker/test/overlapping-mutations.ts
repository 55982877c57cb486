import { exports } from "cloudflare:workers";
import { assert } from "vitest";
import { SocketClient } from "./socket-client";

/**
 * The scenario behind "transitions follow commits, even when mutations overlap", shared by the
 * D1 run (test/) and the Hyperdrive runs (test-hyperdrive/): several sockets on a fresh
 * namespace, each subscribed to an `orders:byCustomer` list (a `.global()` table, so every
 * insert waits on real I/O) and/or a `counters:get` counter (the Durable Object's SQLite); then
 * every socket fires dozens of `orders:upsert` and `counters:increment` frames without waiting
 * for any result, while HTTP callers send more of the same.
 *
 * Why HTTP as well: on D1 (in the local workerd), a socket's `mutate` frame reached the object
 * only when nothing else was running there (every socket mutation found the mutation lane
 * empty), so socket mutations alone never overlapped; HTTP calls do reach it while others are
 * in flight, and queue up in the lane among the socket mutations. On Postgres and MySQL through
 * Hyperdrive, socket mutations overlap among themselves too.
 *
 * Every frame each socket receives is recorded in arrival order, and the sequences are checked
 * against an oracle built from every caller's result (each commit's version is known, so the
 * state at any version is too).
 */
export interface OverlapOptions {
  /** Sockets; the last two watch only the orders list and only the counter, the rest both. */
  readonly clients: number;
  /** Mutations each socket sends. */
  readonly mutationsPerClient: number;
  /** Every `ordersEvery`-th mutation is an `orders:upsert`, the others `counters:increment`. */
  readonly ordersEvery: number;
  /** HTTP callers running alongside the sockets, each sending its mutations one after another. */
  readonly httpWriters: number;
  /** Mutations each HTTP caller sends. */
  readonly mutationsPerHttpWriter: number;
  /**
   * The sockets send their frames in rounds of this many per socket, all at once, with a
   * `pauseMs` pause between rounds (so HTTP calls get into the object between them); all
   * frames at once when unset.
   */
  readonly framesPerRound?: number;
  readonly pauseMs?: number;
  /** How long to wait, in all, for every result and the final state. */
  readonly timeoutMs?: number;
}

/** The run both test files make: 144 socket mutations and 48 over HTTP, half of them orders. */
export const OVERLAPPING: OverlapOptions = {
  clients: 6,
  mutationsPerClient: 24,
  ordersEvery: 2,
  httpWriters: 4,
  mutationsPerHttpWriter: 12,
  framesPerRound: 4,
  pauseMs: 0,
};

type Frame = Record<string, unknown> & { type: string };
type Kind = "order" | "increment";

interface Sent {
  readonly requestId: string;
  readonly kind: Kind;
}

interface Watcher {
  readonly index: number;
  readonly client: SocketClient;
  /** Every frame received, in arrival order (independent of SocketClient's queue, which `next` drains). */
  readonly frames: Frame[];
  readonly watchesOrders: boolean;
  readonly watchesCounter: boolean;
  readonly sent: Sent[];
  wake: () => void;
}

const ORDERS = "orders";
const COUNTER = "counter";

/** An `int64` on the wire (`{"$int64":"N"}`), or a plain number. */
function int(value: unknown): number {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && typeof (value as { $int64?: unknown }).$int64 === "string")
    return Number((value as { $int64: string }).$int64);
  throw new Error(`not an int64 wire value: ${JSON.stringify(value)}`);
}

function watch(client: SocketClient, index: number, orders: boolean, counter: boolean): Watcher {
  const watcher: Watcher = {
    index,
    client,
    frames: [],
    watchesOrders: orders,
    watchesCounter: counter,
    sent: [],
    wake: () => undefined,
  };
  client.socket.addEventListener("message", (event) => {
    watcher.frames.push(JSON.parse(String(event.data)) as Frame);
    watcher.wake();
  });
  return watcher;
}

/** Waits until `done()` holds, re-checking on every frame any watcher receives. */
async function until(watchers: Watcher[], done: () => boolean, deadline: number, what: () => string) {
  while (!done()) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) assert.fail(`timed out waiting for ${what()}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(remaining, 250));
      for (const w of watchers)
        w.wake = () => {
          clearTimeout(timer);
          resolve();
        };
    });
  }
}

const results = (w: Watcher) => w.frames.filter((f) => f.type === "mutationResult");
const transitions = (w: Watcher) => w.frames.filter((f) => f.type === "transition");
const lastToVersion = (w: Watcher) => {
  const all = transitions(w);
  return all.length === 0 ? 0 : (all[all.length - 1]!.toVersion as number);
};

/** Runs the scenario and fails with every broken promise, grouped, when there is any. */
export async function overlappingMutations(options: OverlapOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  const tag = crypto.randomUUID();
  const namespace = `overlap-${tag}`;
  const customer = `customer-${tag.slice(0, 8)}`;
  const counterName = `counter-${tag.slice(0, 8)}`;

  const sockets = await Promise.all(
    Array.from({ length: options.clients }, () => SocketClient.open(namespace)),
  );
  const watchers = sockets.map((client, i) => {
    const ordersOnly = options.clients >= 3 && i === options.clients - 2;
    const counterOnly = options.clients >= 3 && i === options.clients - 1;
    return watch(client, i, !counterOnly, !ordersOnly);
  });
  try {
    // Subscribe first, and wait for each first result, so every view starts at the empty state.
    for (const w of watchers) {
      if (w.watchesOrders) await w.client.subscribe(ORDERS, "orders:byCustomer", { customer });
      if (w.watchesCounter) await w.client.subscribe(COUNTER, "counters:get", { name: counterName });
    }

    // The HTTP callers start first: each sends its next mutation as soon as the last is answered,
    // so their calls keep arriving while the sockets' frames are being worked through.
    const http = Array.from({ length: options.httpWriters }, async (_, writer) => {
      const answered: HttpResult[] = [];
      for (let m = 0; m < options.mutationsPerHttpWriter; m++) {
        const kind: Kind = (m + writer) % options.ordersEvery === 0 ? "order" : "increment";
        const args =
          kind === "order"
            ? { customer, total: 1000 + m + writer / 100, status: "open" }
            : { name: counterName };
        answered.push(await callHttp(namespace, `http${writer}-m${m}`, kind, args));
      }
      return answered;
    });

    // Fire the sockets' frames round-robin over the sockets, awaiting no result in between.
    const framesPerRound = options.framesPerRound ?? options.mutationsPerClient;
    for (let m = 0; m < options.mutationsPerClient; m++) {
      if (m > 0 && m % framesPerRound === 0) await new Promise((r) => setTimeout(r, options.pauseMs ?? 0));
      for (const w of watchers) {
        const kind: Kind = (m + w.index) % options.ordersEvery === 0 ? "order" : "increment";
        const requestId = `${tag}-c${w.index}-m${m}`;
        w.sent.push({ requestId, kind });
        w.client.send(
          kind === "order"
            ? {
                type: "mutate",
                requestId,
                mutation: "orders:upsert",
                args: { customer, total: m + w.index / 100, status: "open" },
              }
            : { type: "mutate", requestId, mutation: "counters:increment", args: { name: counterName } },
        );
      }
    }
    const httpResults = (await Promise.all(http)).flat();

    // Every caller hears every result.
    await until(
      watchers,
      () => watchers.every((w) => results(w).length >= w.sent.length),
      deadline,
      () =>
        `every mutationResult; have ${watchers.map((w) => `${results(w).length}/${w.sent.length}`).join(", ")}`,
    );

    // The oracle: each commit's version, from every caller's result.
    const kindOf = new Map<string, Kind>();
    for (const w of watchers) for (const s of w.sent) kindOf.set(s.requestId, s.kind);
    const problems = new Problems();
    const commits = new Map<number, { kind: Kind; requestId: string; value: unknown }>();
    for (const r of httpResults) {
      if (r.commitVersion === undefined) {
        problems.add("lost", `${r.label} (HTTP) failed: ${r.status} ${JSON.stringify(r.error)}`);
        continue;
      }
      const other = commits.get(r.commitVersion);
      if (other)
        problems.add(
          "lost",
          `${r.label} and ${other.requestId} both report commitVersion ${r.commitVersion}`,
        );
      commits.set(r.commitVersion, { kind: r.kind, requestId: r.label, value: r.value });
    }
    for (const w of watchers) {
      for (const r of results(w)) {
        const requestId = r.requestId as string;
        if (r.ok !== true) {
          problems.add("lost", `client ${w.index}: ${requestId} failed: ${JSON.stringify(r.error)}`);
          continue;
        }
        const version = r.commitVersion as number;
        const other = commits.get(version);
        if (other)
          problems.add("lost", `${requestId} and ${other.requestId} both report commitVersion ${version}`);
        commits.set(version, { kind: kindOf.get(requestId)!, requestId, value: r.value });
      }
    }
    const versions = [...commits.keys()].sort((a, b) => a - b);
    const maxVersion = versions[versions.length - 1] ?? 0;
    const ordersAt = (t: number) =>
      versions
        .filter((v) => v <= t && commits.get(v)!.kind === "order")
        .map((v) => commits.get(v)!.value as string)
        .sort();
    const counterAt = (t: number) =>
      versions.filter((v) => v <= t && commits.get(v)!.kind === "increment").length;
    const lastChange = (kind: Kind) =>
      versions.filter((v) => commits.get(v)!.kind === kind).reduce((a, v) => Math.max(a, v), 0);

    // Each caller reaches the last version that changed what it watches (and its own commits).
    const target = (w: Watcher) =>
      Math.max(
        w.watchesOrders ? lastChange("order") : 0,
        w.watchesCounter ? lastChange("increment") : 0,
        ...results(w).map((r) => (r.commitVersion as number | undefined) ?? 0),
      );
    await until(
      watchers,
      () => watchers.every((w) => lastToVersion(w) >= target(w)),
      deadline,
      () =>
        `transitions to the last commit (${maxVersion}); have ${watchers.map((w) => `${lastToVersion(w)}/${target(w)}`).join(", ")}`,
    );
    // A ping round trip: nothing the server sent before it is still on the way.
    await Promise.all(watchers.map((w) => w.client.settle()));

    // Increments return the counter's new value: it must match the oracle at their version.
    for (const [version, commit] of commits) {
      if (commit.kind === "increment" && int(commit.value) !== counterAt(version))
        problems.add(
          "lost",
          `${commit.requestId} committed v${version} returning ${int(commit.value)}, but ${counterAt(version)} increments committed by then`,
        );
    }

    const allOrderIds = ordersAt(Number.POSITIVE_INFINITY);
    const sentCounts = { order: 0, increment: 0 };
    for (const w of watchers) for (const s of w.sent) sentCounts[s.kind]++;
    for (const r of httpResults) sentCounts[r.kind]++;
    if (allOrderIds.length !== sentCounts.order)
      problems.add("lost", `${sentCounts.order} orders:upsert sent, ${allOrderIds.length} committed`);
    if (counterAt(Number.POSITIVE_INFINITY) !== sentCounts.increment)
      problems.add(
        "lost",
        `${sentCounts.increment} counters:increment sent, ${counterAt(Number.POSITIVE_INFINITY)} committed`,
      );

    for (const w of watchers) checkWatcher(w, { ordersAt, counterAt, allOrderIds, sentCounts }, problems);

    problems.assertNone(
      `${options.clients} sockets × ${options.mutationsPerClient} mutations + ${options.httpWriters} HTTP callers × ${options.mutationsPerHttpWriter} (${sentCounts.order} orders:upsert, ${sentCounts.increment} counters:increment), versions 1..${maxVersion}`,
    );
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}

interface HttpResult {
  readonly label: string;
  readonly kind: Kind;
  readonly status: number;
  readonly value?: unknown;
  readonly commitVersion?: number;
  readonly error?: unknown;
}

async function callHttp(namespace: string, label: string, kind: Kind, args: unknown): Promise<HttpResult> {
  const name = kind === "order" ? "orders:upsert" : "counters:increment";
  const response = await exports.default.fetch(`http://orrery.test/api/${namespace}/mutations/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(args),
  });
  const body = (await response.json()) as { value?: unknown; commitVersion?: number; error?: unknown };
  return { label, kind, status: response.status, ...body };
}

interface Oracle {
  readonly ordersAt: (t: number) => string[];
  readonly counterAt: (t: number) => number;
  readonly allOrderIds: string[];
  readonly sentCounts: { order: number; increment: number };
}

function checkWatcher(w: Watcher, oracle: Oracle, problems: Problems): void {
  const who = `client ${w.index}`;
  // Where each of its own results arrived.
  const resultAt = new Map<string, { at: number; version: number }>();
  w.frames.forEach((f, at) => {
    if (f.type === "mutationResult" && f.ok === true)
      resultAt.set(f.requestId as string, { at, version: f.commitVersion as number });
  });

  // 1. Read your own writes: no transition to >= V before the result that reports V.
  for (const [requestId, { at, version }] of resultAt) {
    const early = w.frames.findIndex(
      (f, i) => i < at && f.type === "transition" && (f.toVersion as number) >= version,
    );
    if (early >= 0) {
      const t = w.frames[early]!;
      problems.add(
        "readYourWrites",
        `${who}: transition ${t.fromVersion}→${t.toVersion} (frame ${early}) arrived before its own mutationResult ${requestId} with commitVersion ${version} (frame ${at})`,
      );
    }
  }

  // 2 and 4: replay the transitions; after each, every view must be the state at toVersion.
  const view: { orders?: string[]; counter?: number } = {};
  let previousTo: number | null = null;
  w.frames.forEach((f, at) => {
    if (f.type !== "transition") return;
    const from = f.fromVersion as number;
    const to = f.toVersion as number;
    const label = `${who} frame ${at}: transition ${from}→${to}`;
    if (previousTo !== null && to < previousTo)
      problems.add("ordering", `${label}: toVersion went down from ${previousTo}`);
    if (previousTo !== null && from !== previousTo)
      problems.add("ordering", `${label}: fromVersion is not the previous toVersion ${previousTo}`);
    previousTo = to;
    const updated = new Set<string>();
    for (const u of f.updates as { id: string; value?: unknown; error?: unknown }[]) {
      updated.add(u.id);
      if (u.error !== undefined) {
        problems.add("stateAtVersion", `${label}: ${u.id} failed: ${JSON.stringify(u.error)}`);
        continue;
      }
      if (u.id === ORDERS) {
        const docs = u.value as { _id: string; customer: string }[];
        view.orders = docs.map((d) => d._id);
        const sorted = [...view.orders].sort();
        if (view.orders.join() !== sorted.join())
          problems.add("stateAtVersion", `${label}: orders not in _id order`);
      } else if (u.id === COUNTER) view.counter = int(u.value);
    }
    if (view.orders) {
      const expected = oracle.ordersAt(to);
      if ([...view.orders].sort().join() !== expected.join())
        problems.add(
          "stateAtVersion",
          `${label}: orders ${updated.has(ORDERS) ? "updated to" : "NOT updated, still"} ${view.orders.length} ids, state at v${to} has ${expected.length}`,
        );
    }
    if (view.counter !== undefined) {
      const expected = oracle.counterAt(to);
      if (view.counter !== expected)
        problems.add(
          "stateAtVersion",
          `${label}: counter ${updated.has(COUNTER) ? "updated to" : "NOT updated, still"} ${view.counter}, state at v${to} is ${expected}`,
        );
    }
  });

  // 3. Nothing lost: the final view holds every write.
  if (w.watchesOrders && [...(view.orders ?? [])].sort().join() !== oracle.allOrderIds.join())
    problems.add(
      "lost",
      `${who}: final orders list has ${view.orders?.length ?? "no"} ids, ${oracle.allOrderIds.length} committed`,
    );
  if (w.watchesCounter && view.counter !== oracle.sentCounts.increment)
    problems.add(
      "lost",
      `${who}: final counter ${view.counter}, ${oracle.sentCounts.increment} increments sent`,
    );
}

const PROMISES = {
  readYourWrites: "the caller hears its mutationResult (commitVersion V) before any transition to >= V",
  stateAtVersion: "every transition leaves each result equal to the state at its toVersion",
  lost: "every mutation commits once, and the final results hold every write",
  ordering: "toVersion never goes down; each transition starts from the previous toVersion",
} as const;

class Problems {
  private readonly found = new Map<keyof typeof PROMISES, string[]>();

  add(promise: keyof typeof PROMISES, message: string): void {
    const list = this.found.get(promise) ?? [];
    list.push(message);
    this.found.set(promise, list);
  }

  /** One failure listing each broken promise with its count and first few cases. */
  assertNone(context: string): void {
    if (this.found.size === 0) return;
    const sections = [...this.found].map(([promise, list]) =>
      [
        `✗ ${PROMISES[promise]}: ${list.length} violation(s), e.g.`,
        ...list.slice(0, 4).map((m) => `    ${m}`),
      ].join("\n"),
    );
    assert.fail(`${context}\n${sections.join("\n")}`);
  }
}
