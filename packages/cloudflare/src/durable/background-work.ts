import type { SchemaDefinition } from "@orrery/schema";
import {
  createDurableSqliteExec,
  DEFAULT_OUTBOX_RETENTION_MS,
  JOBS_TABLE,
  type JobLoop,
  type MutationOutcome,
  type OutboxSender,
  OutboxTable,
  relayOutbox,
  type Store,
} from "@orrery/store";

/** How long one alarm works before it hands over to the next (the rest continues at once). */
const ALARM_BUDGET_MS = 20_000;
/** Set when an alarm starts: if that run dies (eviction, a crash), this one picks its work up. */
const WATCHDOG_MS = 60_000;
const MAX_FAILURE_BACKOFF_MS = 60_000;

export interface BackgroundWorkOptions<S extends SchemaDefinition> {
  readonly storage: DurableObjectStorage;
  readonly store: Store<S>;
  readonly jobs: JobLoop<S>;
  /** The home outbox's sender; null when the Worker has no Queue binding. */
  readonly send: () => OutboxSender | null;
  readonly outboxRetentionMs?: number;
}

/**
 * What a namespace's object does in the background, all from its one alarm: run due jobs, relay
 * the home outbox to its Queue(s), delete finished jobs and sent messages past their retention.
 * The alarm is set to the earliest thing to do: a commit that plans a job or publishes a message
 * moves it earlier (in the commit listener, so in the store's lane), and each alarm sets the
 * next. Alarms are durable, so this survives hibernation, eviction and restarts.
 */
export class BackgroundWork<S extends SchemaDefinition> {
  /** The alarm as set (undefined: not read from storage yet; null: none). */
  private armedAt: number | null | undefined;
  private failures = 0;
  private readonly outbox: OutboxTable;
  private readonly outboxRetentionMs: number;

  constructor(private readonly options: BackgroundWorkOptions<S>) {
    this.outbox = new OutboxTable(createDurableSqliteExec(options.storage), "home");
    this.outboxRetentionMs = options.outboxRetentionMs ?? DEFAULT_OUTBOX_RETENTION_MS;
  }

  /** The commit listener's part: brings the alarm forward to what this commit planned. */
  async committed(outcome: MutationOutcome<unknown>): Promise<void> {
    let at = outcome.homeMessages ? this.now() : Number.POSITIVE_INFINITY;
    for (const write of outcome.writes) {
      if (write.table !== JOBS_TABLE) continue;
      const key = write.keys.find((change) => change.index === "by_status")?.after;
      if (key?.[0] === "pending") at = Math.min(at, Number(key[1]));
    }
    if (at !== Number.POSITIVE_INFINITY) await this.arm(at);
  }

  /** The alarm: one pass over every duty, then the alarm for the next thing to do. */
  async alarm(): Promise<void> {
    const { storage, jobs, store } = this.options;
    const started = this.now();
    const deadline = started + ALARM_BUDGET_MS;
    this.armedAt = started + WATCHDOG_MS;
    await storage.setAlarm(this.armedAt);
    let soonest = Number.POSITIVE_INFINITY;
    let jobsDeferred = false;
    let failed = false;
    try {
      const ran = await jobs.tick(deadline);
      if (ran.deferredUntil !== undefined) {
        jobsDeferred = true;
        soonest = ran.deferredUntil;
      } else if (ran.more) soonest = this.now();
      if ((await jobs.prune(deadline)).more) soonest = this.now();
    } catch (error) {
      console.error(`orrery: the scheduler of namespace "${store.namespace}" failed`, error);
      failed = true;
    }
    try {
      if ((await this.relay(deadline)).more) soonest = this.now();
      await this.outbox.prune(this.now() - this.outboxRetentionMs, store.namespace);
    } catch (error) {
      console.error(`orrery: the outbox relay of namespace "${store.namespace}" failed`, error);
      failed = true;
    }
    if (failed) soonest = Math.min(soonest, this.now() + this.backoff());
    else this.failures = 0;
    // In the lane, so no commit arms an alarm between this reading and this setting.
    await store.exclusive(async () => {
      const times = [soonest];
      if (!jobsDeferred && !failed) times.push((await jobs.nextWakeAt()) ?? Number.POSITIVE_INFINITY);
      if (!failed) times.push(await this.outboxWakeAt());
      const next = Math.min(...times);
      this.armedAt = next === Number.POSITIVE_INFINITY ? null : next;
      if (this.armedAt === null) await storage.deleteAlarm();
      else await storage.setAlarm(this.armedAt);
    });
  }

  private async relay(deadline: number): Promise<{ more: boolean }> {
    const { store } = this.options;
    if (!(await this.outbox.state(store.namespace)).unsent) return { more: false };
    const send = this.options.send();
    if (!send)
      throw new Error("messages wait in the outbox but the Worker has no Queue binding to send them to");
    return relayOutbox({ table: this.outbox, send, namespace: store.namespace, now: this.now, deadline });
  }

  private async outboxWakeAt(): Promise<number> {
    const { unsent, oldestSentAt } = await this.outbox.state(this.options.store.namespace);
    if (unsent) return this.now();
    return oldestSentAt === null ? Number.POSITIVE_INFINITY : oldestSentAt + this.outboxRetentionMs;
  }

  private async arm(at: number): Promise<void> {
    const { storage } = this.options;
    if (this.armedAt === undefined) this.armedAt = await storage.getAlarm();
    if (this.armedAt !== null && this.armedAt <= at) return;
    this.armedAt = at;
    await storage.setAlarm(at);
  }

  private backoff(): number {
    this.failures++;
    return Math.min(MAX_FAILURE_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
  }

  private readonly now = () => this.options.store.time();
}
