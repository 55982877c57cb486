import { createDurableSqliteExec, FunctionRunner, type Identity, Store } from "@orrery/store";
import { fromWire, toWire, type WireValue } from "@orrery/store/protocol";
import { SyncServer } from "@orrery/store/sync";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import migrations from "../../drizzle/migrations.js";
import { app } from "../app";
import type { AppEnv } from "../app/env";
import type { AppSchema } from "../app/schema";
import { type CallResult, errorResult } from "./call-result";
import { type Attachment, ConnectionStateStore } from "./connection-state-store";
import { globalBackend } from "./global-backend";
import { IDENTITY_HEADER, readIdentityHeader } from "./identity-header";
import { type HttpRequestKey, mutateOptionsOf } from "./request-key";

interface Runtime {
  readonly store: Store<AppSchema>;
  readonly runner: FunctionRunner<AppSchema, AppEnv>;
  readonly sync: SyncServer;
}

/**
 * One instance per namespace: every write of the namespace runs here, in order, and every
 * live query on it is hosted here. Hibernation-safe: each connection's subscriptions live in
 * its WebSocket attachment (or, past 12 KiB, in storage), and the rest is rebuilt on first use
 * after a wake-up.
 */
export class GlobalStore extends Server<Env> {
  static override options = { hibernate: true };
  private runtime: Promise<Runtime> | null = null;
  private readonly connectionStates = new ConnectionStateStore(this.ctx.storage);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(() => this.migrate());
  }

  /** Applies pending drizzle migrations (the same folder D1 applies); returns how many exist. */
  async migrate(): Promise<{ migrations: number }> {
    await migrate(drizzle(this.ctx.storage), migrations);
    return { migrations: migrations.journal.entries.length };
  }

  override async onConnect(connection: Connection, context: ConnectionContext): Promise<void> {
    const { sync } = await this.getRuntime();
    sync.connect(connection.id, null, readIdentityHeader(context.request.headers.get(IDENTITY_HEADER)));
  }

  override async onMessage(connection: Connection, message: WSMessage): Promise<void> {
    const { sync } = await this.getRuntime();
    await sync.receive(connection.id, message);
  }

  override async onClose(connection: Connection): Promise<void> {
    const { sync } = await this.getRuntime();
    sync.disconnect(connection.id);
    this.connectionStates.forget(connection.id);
  }

  /**
   * An HTTP function call, forwarded by the worker. A mutation's `requestId` (the
   * `Idempotency-Key`) is scoped by the same rule as a socket's (`requestScope`).
   */
  async call(
    kind: "query" | "mutation" | "action",
    name: string,
    args: WireValue,
    identity: Identity | null,
    request: HttpRequestKey = {},
  ): Promise<CallResult> {
    try {
      const { runner } = await this.getRuntime();
      const decoded = fromWire(args);
      switch (kind) {
        case "query":
          return { ok: true, value: toWire((await runner.runQuery(name, decoded, identity)).value) };
        case "mutation": {
          const options = mutateOptionsOf(identity, request);
          const outcome = await runner.runMutation(name, decoded, identity, options);
          return { ok: true, value: toWire(outcome.value), commitVersion: outcome.commitVersion };
        }
        case "action":
          return { ok: true, value: toWire(await runner.runAction(name, decoded, identity)) };
        default:
          kind satisfies never;
          throw new Error(`unknown function kind "${String(kind)}"`);
      }
    } catch (error) {
      return errorResult(error);
    }
  }

  private getRuntime(): Promise<Runtime> {
    this.runtime ??= this.startRuntime().catch((error: unknown) => {
      // A failed start (e.g. an unreachable global backend) is retried on the next use.
      this.runtime = null;
      throw error;
    });
    return this.runtime;
  }

  private async startRuntime(): Promise<Runtime> {
    // Postgres/MySQL: nothing connects here. The driver is built on first use and kept with
    // this runtime (so after hibernation, a new instance builds a new one).
    const backend = globalBackend(this.env);
    const store = await Store.open({
      schema: app.schema,
      namespace: this.name,
      exec: createDurableSqliteExec(this.ctx.storage),
      globalExec: backend.exec,
    });
    const runner = new FunctionRunner<AppSchema, AppEnv>({
      app,
      store,
      env: this.env,
      ...(backend.sql ? { sql: backend.sql } : {}),
    });
    const sync = new SyncServer(
      {
        checkQuery: (name, args) => runner.checkArgs(name, "query", args),
        observeQuery: (name, args, identity) => runner.observeQuery(name, args, identity),
        runMutation: (name, args, identity, options) => runner.runMutation(name, args, identity, options),
        exclusive: (work) => store.exclusive(work),
        version: () => store.version,
      },
      {
        send: (connectionId, message) => this.getConnection(connectionId)?.send(JSON.stringify(message)),
        saveState: (connectionId, state) => {
          const connection = this.getConnection<Attachment>(connectionId);
          if (connection) this.connectionStates.save(connection, state);
        },
      },
    );
    // Every commit (socket, HTTP, action) re-runs live queries inside the store's lane.
    store.onCommitted((outcome) => sync.committed(outcome));
    // After a wake-up, connections that were already open carry their state in attachments.
    for (const connection of this.getConnections<Attachment>()) {
      const state = this.connectionStates.load(connection);
      if (state) sync.connect(connection.id, state);
    }
    return { store, runner, sync };
  }
}
