import { afterEach, describe, expect, it, vi } from "vitest";
import { createHyperdrive, type HyperdriveLike } from "../src";

const binding: HyperdriveLike = {
  connectionString: "postgres://user:secret@db.example:5432/app",
  host: "db.example",
  port: 5432,
  user: "user",
  password: "secret",
  database: "app",
};

describe("createHyperdrive", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("lifts the connection string and its parts off the binding", () => {
    expect(createHyperdrive(binding)).toEqual({
      connectionString: "postgres://user:secret@db.example:5432/app",
      host: "db.example",
      port: 5432,
      user: "user",
      password: "secret",
      database: "app",
    });
  });

  it("a missing binding throws, naming HYPERDRIVE and showing the wrangler.jsonc entry", () => {
    for (const missing of [undefined, null]) {
      expect(() => createHyperdrive(missing)).toThrow(
        '"hyperdrive": [{ "binding": "HYPERDRIVE", "id": "<id from wrangler hyperdrive create>", "localConnectionString": "postgres://user:password@localhost:5432/db" }]',
      );
    }
    expect(() => createHyperdrive(undefined)).toThrow(/binding "HYPERDRIVE" is missing/);
  });

  it("names the binding given in options", () => {
    expect(() => createHyperdrive(undefined, { bindingName: "HYPERDRIVE_PG" })).toThrow(
      /binding "HYPERDRIVE_PG" is missing[\s\S]*"binding": "HYPERDRIVE_PG"[\s\S]*CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE_PG/,
    );
  });

  it("warns when the binding exposes an empty id, and only then", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    createHyperdrive({ ...binding, id: "abc123" });
    createHyperdrive(binding);
    expect(warn).not.toHaveBeenCalled();
    const connection = createHyperdrive({ ...binding, id: "" }, { bindingName: "HYPERDRIVE_MYSQL" });
    expect(connection.host).toBe("db.example");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /"HYPERDRIVE_MYSQL" has an empty id.*cannot connect when deployed/,
    );
  });
});
