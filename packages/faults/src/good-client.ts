import { isDeepStrictEqual } from "node:util";
import { OrreryClient } from "@orrery/client";
import { functionReference } from "@orrery/protocol";
import WebSocket from "ws";
import { query } from "./http";
import { waitFor } from "./timing";
import { wireNumber } from "./wire";

interface Order {
  readonly _id: string;
  readonly total: number;
}

const ordersOf = functionReference<"query", { customer: string }, Order[]>("orders:byCustomer");
const orderUpsert = functionReference<
  "mutation",
  { customer: string; total: number; status: string },
  string
>("orders:upsert");
const counterGet = functionReference<"query", { name: string }, bigint>("counters:get");
const counterIncrement = functionReference<"mutation", { name: string; by?: number }, bigint>(
  "counters:increment",
);

/** What a well-behaved client saw, checked against fresh queries. */
export interface GoodClientVerdict {
  /** Its shown results equal fresh HTTP queries. */
  readonly current: boolean;
  /** Every order it was told was added is in its list, exactly once. */
  readonly allVisible: boolean;
  /** Its counter equals the increments it was told landed. */
  readonly counted: boolean;
}

/**
 * A well-behaved client: `@orrery/client` over `ws`, watching its own orders (a `.global()`
 * table) and counter (the Durable Object's own), adding an order and incrementing the counter
 * in a loop (or on demand) and remembering every acknowledged one. `reconnects` counts the
 * times its socket closed after it first opened. (The example app's tasks need a signed-in
 * user; these functions serve anyone.)
 */
export class GoodClient {
  readonly client: OrreryClient;
  readonly orderIds: string[] = [];
  increments = 0;
  reconnects = 0;
  failures = 0;
  private opened = false;
  private closing = false;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    url: string,
    readonly namespace: string,
    readonly name: string,
    options: { heartbeat?: false | { intervalMs?: number; timeoutMs?: number } } = {},
  ) {
    this.client = new OrreryClient(url, {
      namespace,
      WebSocket: WebSocket as unknown as ConstructorParameters<typeof OrreryClient>[1]["WebSocket"],
      reconnect: { minDelayMs: 100, maxDelayMs: 1_000 },
      onServerError: () => undefined,
      ...options,
      onConnectionChange: ({ state }) => {
        if (state === "open") this.opened = true;
        else if (state === "closed" && this.opened && !this.closing) this.reconnects++;
      },
    });
    this.client.watchQuery(ordersOf, { customer: name }, () => undefined);
    this.client.watchQuery(counterGet, { name }, () => undefined);
  }

  /** Waits for the first results of both queries. */
  ready(ms = 30_000): Promise<boolean> {
    return waitFor(() => this.orders() !== undefined && this.counter() !== undefined, ms);
  }

  orders(): Order[] | undefined {
    const result = this.client.queryResult(ordersOf, { customer: this.name });
    return result?.status === "value" ? result.value : undefined;
  }

  counter(): bigint | undefined {
    const result = this.client.queryResult(counterGet, { name: this.name });
    return result?.status === "value" ? result.value : undefined;
  }

  /** One order and one increment; each remembered once the server acknowledged it. */
  async step(total: number): Promise<void> {
    const [id] = await Promise.all([
      this.client.mutation(orderUpsert, { customer: this.name, total, status: "open" }),
      this.client.mutation(counterIncrement, { name: this.name }),
    ]);
    this.orderIds.push(id);
    this.increments++;
  }

  /** Starts stepping in a loop until `stop`. */
  start(): void {
    this.running = true;
    this.loop = (async () => {
      for (let n = 0; this.running; n++) {
        try {
          await this.step(n);
        } catch {
          this.failures++;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Compares what it shows with fresh HTTP queries, once its results caught up (up to `ms`). */
  async verdict(url: string, ms = 10_000): Promise<GoodClientVerdict> {
    const freshOrders = (await query(url, this.namespace, "orders:byCustomer", {
      customer: this.name,
    })) as Order[];
    const freshCounter = BigInt(
      wireNumber(await query(url, this.namespace, "counters:get", { name: this.name })),
    );
    const current = await waitFor(
      () => isDeepStrictEqual(this.orders(), freshOrders) && this.counter() === freshCounter,
      ms,
    );
    const shown = this.orders() ?? [];
    const allVisible =
      shown.length === this.orderIds.length &&
      this.orderIds.every((id) => shown.filter((order) => order._id === id).length === 1);
    return { current, allVisible, counted: this.counter() === BigInt(this.increments) };
  }

  close(): void {
    this.closing = true;
    this.client.close();
  }
}
