import type { ClientMessage, WireValue } from "@orrery/protocol";
import { functionReference, type PaginationOptions, type PaginationResult } from "@orrery/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrreryClient } from "./orrery-client";
import { PaginatedQuery } from "./paginated-query";
import { type FakeConnection, FakeServer, paginationOptsOf } from "./testing/fake-server";

const listItems = functionReference<
  "query",
  { list: string; paginationOpts: PaginationOptions },
  PaginationResult<string>
>("items:list");

/**
 * A server holding sorted strings, paginating like the store does: a cursor is the last
 * key of a page; with `endCursor` a page holds everything up to it and is never done.
 */
class PagingServer {
  readonly server = new FakeServer();
  private version = 1;
  private readonly subscriptions = new Map<string, PaginationOptions>();

  constructor(private items: string[]) {
    this.server.onMessage = (message, connection) => this.handle(message, connection);
  }

  insert(item: string): void {
    this.items = [...this.items, item].sort();
    this.version++;
    const updates = [...this.subscriptions].map(([id, opts]) => ({ id, value: this.page(opts) }));
    this.server.current.send({
      type: "transition",
      fromVersion: this.version - 1,
      toVersion: this.version,
      updates,
    });
  }

  subscribed(): PaginationOptions[] {
    return [...this.subscriptions.values()];
  }

  private handle(message: ClientMessage, connection: FakeConnection): void {
    switch (message.type) {
      case "subscribe": {
        const opts = paginationOptsOf(message.args);
        this.subscriptions.set(message.id, opts);
        connection.send({
          type: "transition",
          fromVersion: this.version,
          toVersion: this.version,
          updates: [{ id: message.id, value: this.page(opts) }],
        });
        break;
      }
      case "unsubscribe":
        this.subscriptions.delete(message.id);
        break;
      case "mutate":
      case "ping":
      case "heartbeat":
      case "authenticate":
        break;
      default:
        message satisfies never;
    }
  }

  private page({ cursor, numItems, endCursor }: PaginationOptions): WireValue {
    const after = this.items.filter((item) => cursor === null || item > cursor);
    if (endCursor) {
      const page = after.filter((item) => item <= endCursor);
      return { page, isDone: false, continueCursor: page[page.length - 1] ?? cursor ?? "" };
    }
    const page = after.slice(0, numItems);
    return {
      page,
      isDone: page.length === after.length,
      continueCursor: page[page.length - 1] ?? cursor ?? "",
    };
  }
}

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function setup(items: string[], initialNumItems: number) {
  const paging = new PagingServer(items);
  const client = new OrreryClient("http://orrery.test", {
    namespace: "n",
    WebSocket: paging.server.WebSocket,
  });
  clients.push(client);
  const paginated = new PaginatedQuery(client, listItems, { list: "l" }, initialNumItems);
  const onChange = vi.fn();
  const stop = paginated.subscribe(onChange);
  return { paging, paginated, stop, onChange };
}

describe("PaginatedQuery", () => {
  it("loads pages, pins each page to where the next starts, and stays live with no gap or duplicate", async () => {
    const { paging, paginated } = setup(["a", "c", "e", "g", "i"], 2);
    expect(paginated.snapshot()).toMatchObject({ results: [], status: "LoadingFirstPage" });
    await vi.waitFor(() => expect(paginated.snapshot().status).toBe("CanLoadMore"));
    expect(paginated.snapshot().results).toEqual(["a", "c"]);

    expect(paginated.loadMore(2)).toBe(true);
    // The first page shows on while its pinned subscription loads.
    expect(paginated.snapshot()).toMatchObject({ results: ["a", "c"], status: "LoadingMore" });
    expect(paginated.loadMore(2)).toBe(false);
    await vi.waitFor(() => expect(paginated.snapshot().status).toBe("CanLoadMore"));
    expect(paginated.snapshot().results).toEqual(["a", "c", "e", "g"]);
    // Page one re-subscribed with endCursor = its continueCursor; page two starts there.
    expect(paging.subscribed()).toEqual([
      { cursor: null, numItems: 2, endCursor: "c" },
      { cursor: "c", numItems: 2 },
    ]);

    // An insert inside page one grows it; page two does not lose or repeat an item.
    paging.insert("b");
    expect(paginated.snapshot().results).toEqual(["a", "b", "c", "e", "g"]);
    paging.insert("f");
    expect(paginated.snapshot().results).toEqual(["a", "b", "c", "e", "f"]);

    expect(paginated.loadMore(10)).toBe(true);
    await vi.waitFor(() => expect(paginated.snapshot().status).toBe("Exhausted"));
    expect(paginated.snapshot().results).toEqual(["a", "b", "c", "e", "f", "g", "i"]);
    expect(paging.subscribed()).toEqual([
      { cursor: null, numItems: 2, endCursor: "c" },
      { cursor: "c", numItems: 2, endCursor: "f" },
      { cursor: "f", numItems: 10 },
    ]);
  });

  it("is exhausted at once when the first page holds everything", async () => {
    const { paginated } = setup(["a"], 5);
    await vi.waitFor(() => expect(paginated.snapshot().status).toBe("Exhausted"));
    expect(paginated.snapshot().results).toEqual(["a"]);
    expect(paginated.loadMore(5)).toBe(false);
  });

  it("unsubscribes every page when the last listener leaves", async () => {
    const { paging, paginated, stop } = setup(["a", "b", "c"], 1);
    await vi.waitFor(() => expect(paginated.snapshot().status).toBe("CanLoadMore"));
    paginated.loadMore(1);
    await vi.waitFor(() => expect(paginated.snapshot().results).toEqual(["a", "b"]));
    stop();
    await vi.waitFor(() => expect(paging.subscribed()).toEqual([]));
  });

  it("carries a page's error in the snapshot", async () => {
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type === "subscribe")
        connection.send({
          type: "transition",
          fromVersion: 0,
          toVersion: 0,
          updates: [{ id: message.id, error: { code: "INVALID_ARGUMENT", message: "bad cursor" } }],
        });
    };
    const client = new OrreryClient("http://orrery.test", { namespace: "n", WebSocket: server.WebSocket });
    clients.push(client);
    const paginated = new PaginatedQuery(client, listItems, { list: "l" }, 3);
    paginated.subscribe(() => {});
    await vi.waitFor(() => expect(paginated.snapshot().error).toMatchObject({ code: "INVALID_ARGUMENT" }));
    expect(paginated.loadMore(3)).toBe(false);
  });
});
