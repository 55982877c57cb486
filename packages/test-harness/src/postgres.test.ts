import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { PG_URL_ENV } from "./setup.js";

const url = inject("orreryPgUrl");

describe("postgres wiring", () => {
  if (url === undefined) throw new Error("globalSetup did not provide orreryPgUrl");
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  afterAll(() => sql.end({ timeout: 5 }));

  it("publishes the URL through the environment and inject()", () => {
    expect(process.env[PG_URL_ENV]).toBe(url);
    expect(url).toMatch(/^postgres:\/\/orrery:orrery-test@127\.0\.0\.1:\d+\/orrery_test$/);
  });

  it("runs select version() against PostgreSQL 15", async () => {
    const [row] = await sql<{ version: string }[]>`select version()`;
    expect(row?.version).toMatch(/^PostgreSQL 15\./);
  });

  it("is connected as orrery to orrery_test over TCP", async () => {
    const [row] = await sql<
      { user: string; db: string; addr: string | null }[]
    >`select current_user as user, current_database() as db, inet_server_addr()::text as addr`;
    expect(row).toEqual({ user: "orrery", db: "orrery_test", addr: "127.0.0.1/32" });
  });

  it("round-trips create / insert / select", async () => {
    await sql`create table wiring_pg (id serial primary key, name text not null, qty bigint not null)`;
    await sql`insert into wiring_pg ${sql([
      { name: "alpha", qty: 1 },
      { name: "beta", qty: 2 },
    ])}`;
    const rows = await sql<{ name: string; qty: string }[]>`select name, qty from wiring_pg order by id`;
    expect(rows.map((r) => ({ name: r.name, qty: Number(r.qty) }))).toEqual([
      { name: "alpha", qty: 1 },
      { name: "beta", qty: 2 },
    ]);
    await sql`drop table wiring_pg`;
  });

  it("enforces password authentication", async () => {
    const bad = postgres(url.replace("orrery-test@", "wrong-password@"), { max: 1, onnotice: () => {} });
    await expect(bad`select 1`).rejects.toThrow(/password authentication failed/);
    await bad.end({ timeout: 1 });
  });
});
