// @vitest-environment happy-dom
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrreryClient } from "../orrery-client";
import { FakeServer } from "../testing/fake-server";
import { OrreryProvider, useAuth } from "./index";

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

function WhoIsSignedIn() {
  const auth = useAuth();
  if (auth.status === "authenticated") return <p>signed in as {auth.subject}</p>;
  return <p>{auth.status === "authenticating" ? "signing in…" : "signed out"}</p>;
}

describe("useAuth", () => {
  it("follows the server's verdict: signing in, signed in as the subject, signed out", async () => {
    const server = new FakeServer();
    server.onMessage = (message, connection) => {
      if (message.type === "authenticate")
        connection.send({ type: "auth", subject: message.token === null ? null : "alice" });
    };
    const client = new OrreryClient("http://orrery.test", { namespace: "n", WebSocket: server.WebSocket });
    const container = document.createElement("div");
    document.body.append(container);
    const root = createRoot(container);
    flushSync(() =>
      root.render(
        <OrreryProvider client={client}>
          <WhoIsSignedIn />
        </OrreryProvider>,
      ),
    );
    cleanup.push(() => {
      root.unmount();
      container.remove();
      client.close();
    });
    expect(container.textContent).toBe("signed out");
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    // An opaque token: sent in an `authenticate` message, answered by the fake server above.
    flushSync(() => client.setAuth(async () => "opaque token"));
    expect(container.textContent).toBe("signing in…");
    await vi.waitFor(() => expect(container.textContent).toBe("signed in as alice"));
    flushSync(() => client.clearAuth());
    expect(container.textContent).toBe("signed out");
  });
});
