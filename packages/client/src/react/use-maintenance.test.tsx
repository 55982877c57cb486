// @vitest-environment happy-dom
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrreryClient } from "../orrery-client";
import { FakeServer } from "../testing/fake-server";
import { OrreryProvider, useMaintenance } from "./index";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

function Banner() {
  const maintenance = useMaintenance();
  return <p>{maintenance ? `maintenance: ${maintenance.message}` : "writable"}</p>;
}

describe("useMaintenance", () => {
  it("shows the server's message while maintenance is on, and re-renders when it ends", async () => {
    const server = new FakeServer();
    const client = new OrreryClient("http://orrery.test", { namespace: "n", WebSocket: server.WebSocket });
    const container = document.createElement("div");
    document.body.append(container);
    const root = createRoot(container);
    flushSync(() =>
      root.render(
        <OrreryProvider client={client}>
          <Banner />
        </OrreryProvider>,
      ),
    );
    cleanup.push(() => {
      root.unmount();
      container.remove();
      client.close();
    });
    expect(container.textContent).toBe("writable");
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));

    server.current.send({ type: "maintenance", on: true, message: "Back at 14:00" });
    await vi.waitFor(() => expect(container.textContent).toBe("maintenance: Back at 14:00"));
    server.current.send({ type: "maintenance", on: false });
    await vi.waitFor(() => expect(container.textContent).toBe("writable"));
  });
});
