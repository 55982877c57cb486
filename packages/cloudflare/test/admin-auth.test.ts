import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BASE, hs256 } from "./auth/tokens";

const ns = () => `admin-${crypto.randomUUID()}`;

function maintenance(namespace: string, authorization?: string): Promise<Response> {
  return exports.default.fetch(`${BASE}/${namespace}/admin/maintenance`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

/** The admin lines the worker logged while `work` ran. */
async function adminLog(work: () => Promise<unknown>): Promise<string[]> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await work();
    return log.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith("orrery admin:"));
  } finally {
    log.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("admin routes", () => {
  it("take the admin token, and log the call as the token's", async () => {
    const namespace = ns();
    let response: Response | undefined;
    const lines = await adminLog(async () => {
      response = await maintenance(namespace, "Bearer notes-admin-token");
    });
    expect(response?.status).toBe(200);
    expect(await response?.json()).toEqual({ namespace, on: false });
    expect(lines).toEqual([`orrery admin: admin token GET /v1/${namespace}/admin/maintenance → 200`]);
  });

  it("take a verified token with the admin claim, and log its subject", async () => {
    const namespace = ns();
    const token = await hs256({ sub: "root", notes_admin: true });
    let response: Response | undefined;
    const lines = await adminLog(async () => {
      response = await exports.default.fetch(`${BASE}/${namespace}/admin/maintenance`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ on: true, message: "moving" }),
      });
    });
    expect(await response?.json()).toMatchObject({ namespace, on: true, message: "moving" });
    expect(lines).toEqual([`orrery admin: user root POST /v1/${namespace}/admin/maintenance → 200`]);
  });

  it("refuse a wrong or missing admin token, a user without the claim, and a bad token, each logged", async () => {
    const namespace = ns();
    const cases: [string | undefined, number, string, RegExp][] = [
      [undefined, 401, "UNAUTHORIZED", /no Authorization header/],
      ["Bearer notes-admin-tokeN", 401, "UNAUTHORIZED", /not the admin token/],
      ["Bearer notes-admin-token-and-more", 401, "UNAUTHORIZED", /not the admin token/],
      ["Basic bm90ZXM6YWRtaW4=", 401, "UNAUTHORIZED", /must be `Bearer <token>`/],
      [
        `Bearer ${await hs256({ sub: "bob" })}`,
        403,
        "FORBIDDEN",
        /user bob is not an admin: the token has no "notes_admin": true claim/,
      ],
      [`Bearer ${await hs256({ sub: "bob", notes_admin: "true" })}`, 403, "FORBIDDEN", /not an admin/],
      [
        `Bearer ${await hs256({ sub: "root", notes_admin: true }, undefined, Math.floor(Date.now() / 1000) - 5)}`,
        401,
        "UNAUTHORIZED",
        /the token was refused: the token expired/,
      ],
      [
        `Bearer ${await hs256({ sub: "root", notes_admin: true }, "forged")}`,
        401,
        "UNAUTHORIZED",
        /signature does not verify/,
      ],
    ];
    for (const [authorization, status, code, why] of cases) {
      let response: Response | undefined;
      const lines = await adminLog(async () => {
        response = await maintenance(namespace, authorization);
      });
      expect(response?.status, authorization).toBe(status);
      expect(await response?.json(), authorization).toEqual({
        error: { code, message: expect.stringMatching(why) },
      });
      expect(lines, authorization).toEqual([
        expect.stringMatching(
          new RegExp(`^orrery admin: refused GET /v1/${namespace}/admin/maintenance \\(${status}\\): `),
        ),
      ]);
    }
  });
});
