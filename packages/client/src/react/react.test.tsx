// @vitest-environment happy-dom
import { functionReference, type PaginationOptions, type PaginationResult } from "@orrery/protocol";
import { Component, type ReactNode } from "react";
import { flushSync } from "react-dom";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrreryClient } from "../orrery-client";
import { FakeServer, paginationOptsOf } from "../testing/fake-server";
import { OrreryProvider, useConnectionState, useMutation, usePaginatedQuery, useQuery } from "./index";

interface Task {
  _id: string;
  text: string;
}
const api = {
  tasks: {
    list: functionReference<"query", { list: string }, Task[]>("tasks:list"),
    add: functionReference<"mutation", { list: string; text: string }, string>("tasks:add"),
    page: functionReference<"query", { paginationOpts: PaginationOptions }, PaginationResult<string>>(
      "tasks:page",
    ),
  },
};

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

function mount(
  server: FakeServer,
  ui: ReactNode,
): { client: OrreryClient; container: HTMLElement; root: Root } {
  const client = new OrreryClient("http://orrery.test", { namespace: "n", WebSocket: server.WebSocket });
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  // Render now, so the first (loading) frame can be asserted before any message arrives.
  flushSync(() => root.render(<OrreryProvider client={client}>{ui}</OrreryProvider>));
  cleanup.push(() => {
    root.unmount();
    container.remove();
    client.close();
  });
  return { client, container, root };
}

function TaskList({ list }: { list: string }) {
  // A fresh args object on every render must not re-subscribe.
  const tasks = useQuery(api.tasks.list, { list });
  if (tasks === undefined) return <p>loading</p>;
  return (
    <ul>
      {tasks.map((task) => (
        <li key={task._id}>{task.text}</li>
      ))}
    </ul>
  );
}

class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p>failed: {this.state.error.message}</p> : this.props.children;
  }
}

function Maybe({ on }: { on: boolean }) {
  const tasks = useQuery(api.tasks.list, on ? { list: "inbox" } : "skip");
  return <p>{tasks === undefined ? "none" : tasks.length}</p>;
}

/** Hands the test a function that adds a task optimistically (appending, or replacing the list). */
function AddTask({
  expose,
  replace,
}: {
  expose: (add: (text: string) => Promise<string>) => void;
  replace?: boolean;
}) {
  const mutate = useMutation(api.tasks.add).withOptimisticUpdate((store, args) => {
    const tasks = replace ? [] : store.getQuery(api.tasks.list, { list: args.list });
    if (tasks)
      store.setQuery(api.tasks.list, { list: args.list }, [...tasks, { _id: "tmp", text: args.text }]);
  });
  expose((text) => mutate({ list: "inbox", text }));
  return null;
}

function Status() {
  const { state, pendingMutations } = useConnectionState();
  return (
    <p>
      {state}/{pendingMutations}
    </p>
  );
}

function Pages({ expose }: { expose: (loadMore: (n: number) => void) => void }) {
  const paged = usePaginatedQuery(api.tasks.page, {}, { initialNumItems: 2 });
  expose(paged.loadMore);
  return (
    <p>
      {paged.status}:{paged.results.join(",")}
    </p>
  );
}

describe("React hooks", () => {
  it("useQuery: loading, then live results; two identical useQuery share one subscription", async () => {
    const server = new FakeServer();
    const { container } = mount(
      server,
      <>
        <TaskList list="inbox" />
        <TaskList list="inbox" />
      </>,
    );
    expect(container.textContent).toBe("loadingloading");
    await vi.waitFor(() => expect(server.current.ofType("subscribe")).toHaveLength(1));
    expect(server.current.ofType("subscribe")[0]).toMatchObject({ id: "q1", args: { list: "inbox" } });

    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 1,
      updates: [{ id: "q1", value: [{ _id: "t1", text: "milk" }] }],
    });
    await vi.waitFor(() => expect(container.textContent).toBe("milkmilk"));
    server.current.send({
      type: "transition",
      fromVersion: 1,
      toVersion: 2,
      updates: [
        {
          id: "q1",
          value: [
            { _id: "t1", text: "milk" },
            { _id: "t2", text: "eggs" },
          ],
        },
      ],
    });
    await vi.waitFor(() => expect(container.textContent).toBe("milkeggsmilkeggs"));
    expect(server.current.ofType("subscribe")).toHaveLength(1);
    expect(server.current.ofType("unsubscribe")).toHaveLength(0);
  });

  it("useQuery: unsubscribes on unmount and with 'skip'", async () => {
    const server = new FakeServer();
    const { root, client } = mount(server, <Maybe on={false} />);
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    root.render(
      <OrreryProvider client={client}>
        <Maybe on={true} />
      </OrreryProvider>,
    );
    await vi.waitFor(() => expect(server.current.ofType("subscribe")).toHaveLength(1));
    root.render(
      <OrreryProvider client={client}>
        <Maybe on={false} />
      </OrreryProvider>,
    );
    await vi.waitFor(() =>
      expect(server.current.ofType("unsubscribe")).toEqual([{ type: "unsubscribe", id: "q1" }]),
    );
  });

  it("useQuery: throws a query's error to the error boundary", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    cleanup.push(() => vi.restoreAllMocks());
    const server = new FakeServer();
    const { container } = mount(
      server,
      <Boundary>
        <TaskList list="secret" />
      </Boundary>,
    );
    await vi.waitFor(() => expect(server.current.ofType("subscribe")).toHaveLength(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 1,
      updates: [{ id: "q1", error: { code: "FORBIDDEN", message: "not your list" } }],
    });
    await vi.waitFor(() => expect(container.textContent).toBe("failed: not your list"));
  });

  it("useMutation: the optimistic update shows at once and gives way to the server's result", async () => {
    let add: ((text: string) => Promise<string>) | undefined;
    const server = new FakeServer();
    const { container } = mount(
      server,
      <>
        <TaskList list="inbox" />
        <AddTask
          expose={(fn) => {
            add = fn;
          }}
        />
      </>,
    );
    await vi.waitFor(() => expect(server.current.ofType("subscribe")).toHaveLength(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 1,
      updates: [{ id: "q1", value: [] }],
    });
    await vi.waitFor(() => expect(container.querySelector("ul")).not.toBeNull());

    const done = add!("milk");
    await vi.waitFor(() => expect(container.textContent).toBe("milk"));
    const [mutate] = server.current.ofType("mutate");
    expect(mutate).toMatchObject({ mutation: "tasks:add", args: { list: "inbox", text: "milk" } });

    server.current.send({
      type: "mutationResult",
      requestId: mutate!.requestId,
      ok: true,
      value: "t1",
      commitVersion: 2,
    });
    server.current.send({
      type: "transition",
      fromVersion: 1,
      toVersion: 2,
      updates: [{ id: "q1", value: [{ _id: "t1", text: "milk (saved)" }] }],
    });
    await expect(done).resolves.toBe("t1");
    await vi.waitFor(() => expect(container.textContent).toBe("milk (saved)"));
  });

  it("useMutation: a failed mutation rolls its optimistic update back", async () => {
    let add: ((text: string) => Promise<string>) | undefined;
    const server = new FakeServer();
    const { container } = mount(
      server,
      <>
        <TaskList list="inbox" />
        <AddTask
          replace
          expose={(fn) => {
            add = fn;
          }}
        />
      </>,
    );
    await vi.waitFor(() => expect(server.current.ofType("subscribe")).toHaveLength(1));
    server.current.send({
      type: "transition",
      fromVersion: 0,
      toVersion: 1,
      updates: [{ id: "q1", value: [] }],
    });
    const done = add!("milk");
    await vi.waitFor(() => expect(container.textContent).toBe("milk"));
    const [mutate] = server.current.ofType("mutate");
    server.current.send({
      type: "mutationResult",
      requestId: mutate!.requestId,
      ok: false,
      error: { code: "CONFLICT", message: "gave up" },
    });
    await expect(done).rejects.toMatchObject({ code: "CONFLICT" });
    await vi.waitFor(() => expect(container.textContent).toBe(""));
  });

  it("useConnectionState follows the socket", async () => {
    const server = new FakeServer();
    const { container } = mount(server, <Status />);
    expect(container.textContent).toBe("connecting/0");
    await vi.waitFor(() => expect(container.textContent).toBe("open/0"));
    server.current.drop();
    await vi.waitFor(() => expect(container.textContent).toBe("closed/0"));
  });

  it("usePaginatedQuery loads pages on demand", async () => {
    const items = ["a", "b", "c"];
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type !== "subscribe") return;
      const { cursor, numItems, endCursor } = paginationOptsOf(message.args);
      const after = items.filter((item) => cursor === null || item > cursor);
      const page = endCursor ? after.filter((item) => item <= endCursor) : after.slice(0, numItems);
      connection.send({
        type: "transition",
        fromVersion: 1,
        toVersion: 1,
        updates: [
          {
            id: message.id,
            value: {
              page,
              isDone: !endCursor && page.length === after.length,
              continueCursor: page.at(-1) ?? "",
            },
          },
        ],
      });
    };
    let loadMore: ((n: number) => void) | undefined;
    const { container } = mount(
      server,
      <Pages
        expose={(fn) => {
          loadMore = fn;
        }}
      />,
    );
    expect(container.textContent).toBe("LoadingFirstPage:");
    await vi.waitFor(() => expect(container.textContent).toBe("CanLoadMore:a,b"));
    loadMore!(2);
    await vi.waitFor(() => expect(container.textContent).toBe("Exhausted:a,b,c"));
  });
});
