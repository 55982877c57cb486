import { afterEach, describe, expect, it, vi } from "vitest";
import { Heartbeat } from "./heartbeat";
import { OrreryClient, type OrreryClientOptions } from "./orrery-client";
import { FakeServer } from "./testing/fake-server";

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  vi.useRealTimers();
});

function connect(server: FakeServer, options: Partial<OrreryClientOptions> = {}) {
  const client = new OrreryClient("http://orrery.test", {
    namespace: "team-1",
    WebSocket: server.WebSocket,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

describe("heartbeats", () => {
  it("an idle socket sends heartbeats, answered as the runtime answers them, and stays", async () => {
    const server = new FakeServer();
    const client = connect(server, { heartbeat: { intervalMs: 10, timeoutMs: 40 } });
    await vi.waitFor(() => expect(server.heartbeats).toBeGreaterThanOrEqual(3));
    expect(server.connections).toHaveLength(1);
    expect(client.connectionState().state).toBe("open");
  });

  it("a socket whose heartbeat goes unanswered is replaced by a new connection", async () => {
    const server = new FakeServer();
    server.answerHeartbeats = false;
    const client = connect(server, { heartbeat: { intervalMs: 10, timeoutMs: 20 } });
    await vi.waitFor(() => expect(server.connections.length).toBeGreaterThanOrEqual(2));
    server.answerHeartbeats = true;
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    expect(server.connections.filter((c) => c.isOpen)).toHaveLength(1);
  });

  it("sends none with heartbeat: false", async () => {
    const server = new FakeServer();
    const client = connect(server, { heartbeat: false });
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.heartbeats).toBe(0);
  });

  it("sends none while frames keep coming, and one after a quiet interval", () => {
    vi.useFakeTimers();
    let sent = 0;
    let dead = 0;
    const heartbeat = new Heartbeat(
      { intervalMs: 100, timeoutMs: 50 },
      () => sent++,
      () => dead++,
    );
    heartbeat.start();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(60);
      heartbeat.heard();
    }
    expect(sent).toBe(0);
    vi.advanceTimersByTime(100);
    expect(sent).toBe(1);
    heartbeat.heard();
    vi.advanceTimersByTime(60);
    expect(dead).toBe(0);
    vi.advanceTimersByTime(100);
    expect(sent).toBe(2);
    vi.advanceTimersByTime(50);
    expect(dead).toBe(1);
    heartbeat.stop();
  });
});
