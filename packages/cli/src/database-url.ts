import type { ExternalEngine } from "@orrery/schema";
import { UsageError } from "./command";

/** A `DATABASE_URL` as `migrate` and `seed` read it. */
export interface DatabaseUrl {
  readonly engine: ExternalEngine;
  /** The URL as given (`mariadb://` spelled `mysql://`, the only scheme mysql2 reads), query kept. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Names the server in messages, never the password: `postgres app@db:5432/shop`. */
  readonly display: string;
}

/** Reads a `postgres://…`, `postgresql://…`, `mysql://…` or `mariadb://…` URL; anything else is a usage error (exit 2). */
export function parseDatabaseUrl(raw: string): DatabaseUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      "DATABASE_URL is not a URL (expected postgres://user:password@host:port/database or mysql://…)",
    );
  }
  const scheme = url.protocol.replace(/:$/, "");
  const engine: ExternalEngine | undefined =
    scheme === "postgres" || scheme === "postgresql"
      ? "postgres"
      : scheme === "mysql" || scheme === "mariadb"
        ? "mysql"
        : undefined;
  if (!engine)
    throw new UsageError(
      `DATABASE_URL must start with postgres://, postgresql://, mysql:// or mariadb://, got "${scheme}://"`,
    );
  if (!url.hostname) throw new UsageError("DATABASE_URL has no host");
  const port = Number(url.port) || (engine === "postgres" ? 5432 : 3306);
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.slice(1));
  return {
    engine,
    url: scheme === "mariadb" ? `mysql:${raw.slice(raw.indexOf("//"))}` : raw,
    host: url.hostname,
    port,
    user,
    database,
    display: `${engine} ${user ? `${user}@` : ""}${url.hostname}:${port}${database ? `/${database}` : ""}`,
  };
}
