import {
  encodeServerMessage,
  fromWire,
  HEARTBEAT_REQUEST,
  HEARTBEAT_RESPONSE,
  OrreryError,
  toWire,
  type WireValue,
} from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { Identity } from "@orrery/store";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import { verifierIn } from "../auth/token-verifier";
import type { OrreryConfig, WorkerEnv } from "../options";
import { applySeed } from "./apply-seed";
import { type CallResult, errorResult } from "./call-result";
import { type Attachment, ConnectionStateStore } from "./connection-state-store";
import { consumeMessage } from "./consume-message";
import { CRON_REGISTRY_NAME, CronRegistry, fanOutCrons } from "./cron-registry";
import { globalStoreFor } from "./global-store-stub";
import { IDENTITY_HEADER, readIdentityHeader } from "./identity-header";
import type { MaintenanceState } from "./maintenance-flag";
import { type HttpRequestKey, mutateOptionsOf } from "./request-key";
import { type Runtime, startRuntime } from "./runtime";

const sendFrame = WebSocket.prototype.send;

/** What the worker's routes call on a GlobalStore: its RPC surface. */
export interface GlobalStoreRpc {
  call(
    kind: "query" | "mutation" | "action",
    name: string,
    args: WireValue,
    identity: Identity | null,
    request?: HttpRequestKey,
  ): Promise<CallResult>;
  migrate(): Promise<{ migrations: number }>;
  /** Upserts seeded rows by their stable `_id` in one mutation (the admin seed route). */
  seed(body: WireValue): Promise<CallResult>;
  /** Reads the namespace's maintenance mode, or turns it on or off (the admin maintenance route). */
  maintenance(change?: { on: boolean; message?: string }): Promise<MaintenanceState>;
  /** Runs the consumer mutation `name` for an outbox message (the worker's queue handler). */
  consume(name: string, envelope: WireValue): Promise<CallResult>;
  /** Plans this deploy's crons in the namespace (the Cron Trigger's fan-out); returns their version. */
  syncCrons(): Promise<string>;
  /** The cron registry instance only: records that `namespace` runs crons of `version`. */
  registerCrons(namespace: string, version: string): Promise<void>;
  /** The cron registry instance only: syncs up to `limit` namespaces whose crons are not at `version`. */
  fanOutCrons(
    version: string,
    pinned: readonly string[],
    limit: number,
  ): Promise<{ synced: string[]; failed: string[] }>;
  fetch(request: Request): Promise<Response>;
}

/**
 * The GlobalStore Durable Object class for one app: one instance per namespace runs every
 * write of the namespace, in order, and hosts every live query on it. Hibernation-safe: each
 * connection's subscriptions live in its WebSocket attachment (or, past 12 KiB, in storage),
 * and the rest is rebuilt on first use after a wake-up.
 */
export function globalStoreClass<S extends SchemaDefinition>(config: OrreryConfig<S>) {
  // Cloudflare.Env: partyserver's bound; the user's own Env, whatever bindings it has.
  return class GlobalStore extends Server<Cloudflare.Env> implements GlobalStoreRpc {
    static override options = { hibernate: true };
    private runtime: Promise<Runtime<S>> | null = null;
    private readonly connectionStates = new ConnectionStateStore(this.ctx.storage);
    /**
     * Open connections by id, so a fan-out finds each socket directly: partyserver's
     * `getConnection` looks the socket up by tag and deserializes its attachment every time.
     */
    private readonly openConnections = new Map<string, Connection<Attachment>>();

    constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
      super(ctx, env);
      // Heartbeats are answered by the runtime: an idle client keeps its socket (and proxies
      // between) alive without waking the object from hibernation (docs/protocol.md).
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_REQUEST, HEARTBEAT_RESPONSE));
      void ctx.blockConcurrencyWhile(() => this.migrate().then(() => undefined));
    }

    /** Applies pending drizzle migrations (the folder D1 applies too); returns how many exist. */
    async migrate(): Promise<{ migrations: number }> {
      await migrate(drizzle(this.ctx.storage), config.migrations as Parameters<typeof migrate>[1]);
      return { migrations: config.migrations.journal.entries.length };
    }

    override async onConnect(connection: Connection, context: ConnectionContext): Promise<void> {
      this.openConnections.set(connection.id, connection as Connection<Attachment>);
      const { sync, maintenance } = await this.getRuntime();
      const verified = readIdentityHeader(context.request.headers.get(IDENTITY_HEADER));
      sync.connect(connection.id, null, verified?.identity ?? null, verified?.expiresAt ?? null);
      // Before the upgrade is answered, so it is the connection's first frame: a client that
      // reconnects learns from any other first frame that maintenance ended while it was away.
      if (maintenance.state.on) connection.send(encodeServerMessage(maintenance.message()));
      // A token at the upgrade: the client hears whose connection this is before any result.
      if (verified)
        connection.send(encodeServerMessage({ type: "auth", subject: verified.identity.subject }));
    }

    override async onMessage(connection: Connection, message: WSMessage): Promise<void> {
      const { sync } = await this.getRuntime();
      await sync.receive(connection.id, message);
    }

    override async onClose(connection: Connection): Promise<void> {
      this.openConnections.delete(connection.id);
      const { sync } = await this.getRuntime();
      sync.disconnect(connection.id);
      this.connectionStates.forget(connection as Connection<Attachment>);
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

    async seed(body: WireValue): Promise<CallResult> {
      try {
        const { store } = await this.getRuntime();
        const outcome = await applySeed(store, body);
        return { ok: true, value: { tables: outcome.tables }, commitVersion: outcome.commitVersion };
      } catch (error) {
        return errorResult(error);
      }
    }

    private connectionById(connectionId: string): Connection<Attachment> | undefined {
      const known = this.openConnections.get(connectionId);
      if (known) return known;
      const found = this.getConnection<Attachment>(connectionId);
      if (found) this.openConnections.set(connectionId, found);
      return found;
    }

    /**
     * Turning it on refuses every mutation and action from the next call on, then waits until
     * those admitted before have committed (they are queued in the store's lane ahead of this
     * one), so once it answers, no write of the namespace is still to land. Every connection is
     * told when it turns or its message changes. Seeds and migrations do not ask the flag.
     */
    async maintenance(change?: { on: boolean; message?: string }): Promise<MaintenanceState> {
      const { maintenance, store } = await this.getRuntime();
      if (change) {
        const changed = maintenance.set(change.on, change.message);
        await store.exclusive(async () => undefined);
        if (changed) this.broadcast(encodeServerMessage(maintenance.message()));
      }
      return maintenance.state;
    }

    /** The alarm: due jobs, the home outbox's relay, pruning (`background-work.ts`). */
    override async onAlarm(): Promise<void> {
      const { background } = await this.getRuntime();
      await background.work.alarm();
    }

    async consume(name: string, envelope: WireValue): Promise<CallResult> {
      return consumeMessage(await this.getRuntime(), name, envelope);
    }

    async syncCrons(): Promise<string> {
      return (await this.getRuntime()).background.syncCrons();
    }

    async registerCrons(namespace: string, version: string): Promise<void> {
      await new CronRegistry(this.ctx.storage).record(namespace, version);
    }

    async fanOutCrons(version: string, pinned: readonly string[], limit: number) {
      const env = this.env as unknown as WorkerEnv;
      return fanOutCrons(
        new CronRegistry(this.ctx.storage),
        (namespace) => globalStoreFor(env, config.globalStoreBinding, namespace).syncCrons(),
        version,
        pinned,
        limit,
      );
    }

    private getRuntime(): Promise<Runtime<S>> {
      this.runtime ??= this.startRuntime().catch((error: unknown) => {
        // A failed start (e.g. a misconfigured backend) is retried on the next use.
        this.runtime = null;
        throw error;
      });
      return this.runtime;
    }

    private async startRuntime(): Promise<Runtime<S>> {
      if (this.name === CRON_REGISTRY_NAME)
        throw new OrreryError(
          "INVALID_ARGUMENT",
          `the namespace "${CRON_REGISTRY_NAME}" is reserved by Orrery`,
        );
      const runtime = await startRuntime({
        config,
        app: config.app,
        namespace: this.name,
        storage: this.ctx.storage,
        env: this.env as unknown as WorkerEnv,
        globalBackend: config.globalBackend,
        ...(config.auth ? { verifyToken: verifierIn(config.auth, this.env as unknown as WorkerEnv) } : {}),
        transport: {
          send: (connectionId, frame) => {
            const connection = this.connectionById(connectionId);
            // The runtime's own send: partyserver's connection is the socket with its
            // properties redefined, where looking `send` up costs more than the call.
            if (connection) sendFrame.call(connection, frame);
          },
          saveState: (connectionId, state) => {
            const connection = this.connectionById(connectionId);
            if (connection) this.connectionStates.save(connection, state);
          },
          saveProgress: (connectionId, state) => {
            const connection = this.connectionById(connectionId);
            if (connection) this.connectionStates.saveProgress(connection, state);
          },
        },
      });
      // After a wake-up, connections that were already open carry their state in attachments.
      const open = [...this.getConnections<Attachment>()];
      for (const connection of open) this.openConnections.set(connection.id, connection);
      for (const [connection, state] of this.connectionStates.restore(open))
        runtime.sync.connect(connection.id, state);
      return runtime;
    }
  };
}
