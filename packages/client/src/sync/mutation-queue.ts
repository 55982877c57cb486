import { type ClientMessage, fromWire, type ServerMessage, type WireValue } from "@orrery/protocol";
import { OrreryClientError } from "../client-error";

type MutationResultMessage = Extract<ServerMessage, { type: "mutationResult" }>;

type Entry =
  /**
   * Not answered yet: sent, or waiting for a connection. Re-sent on every (re)connect.
   * `unknownOutcomes` counts the `OUTCOME_UNKNOWN` answers it had: it sets the next backoff.
   */
  | { state: "unanswered"; requestId: string; name: string; args: WireValue; unknownOutcomes: number }
  /**
   * Answered `OUTCOME_UNKNOWN`: the commit may or may not have landed, and the server settles it
   * when asked again. Still pending; re-sent with the same requestId at `resendAt` (see
   * `resendDue`), or on a (re)connect if that comes first.
   */
  | {
      state: "outcomeUnknown";
      requestId: string;
      name: string;
      args: WireValue;
      unknownOutcomes: number;
      resendAt: number;
    }
  /**
   * Refused with `MAINTENANCE`, or made while maintenance holds the queue: waits, in call order,
   * with its optimistic update applied, until maintenance ends (`release`). While the hold lasts
   * only the first held mutation is sent, now and then, as a probe (see `resendDue`).
   */
  | { state: "held"; requestId: string; name: string; args: WireValue; unknownOutcomes: number }
  /**
   * Committed at `commitVersion`, but the client's query results may not reflect it yet.
   * `barrier` is the number of the ping sent after the result: once its pong is back, the
   * server has pushed every transition the commit caused (it handles a connection's frames
   * in order), so the write is reflected even if none of the client's queries changed.
   */
  | { state: "committed"; requestId: string; commitVersion: number; value: unknown; barrier: number | null };

/** Backoff before re-sending a mutation answered `OUTCOME_UNKNOWN`: doubles from min to max. */
export interface ResendBackoff {
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Maintenance holding the queue: when the next probe is due (the delay doubles with each
 * `refusals` of a probe) and the probe in flight, if any.
 */
interface Hold {
  refusals: number;
  resendAt: number;
  probe: string | null;
}

/** What a `mutationResult` did to the queue. */
export interface ResultEffects {
  completed: MutationCompletion[];
  messages: ClientMessage[];
  /** A re-send (after `OUTCOME_UNKNOWN`) or a maintenance probe waits: call `resendDue` then. */
  resendAfterMs?: number;
  /** Refused with `MAINTENANCE`: the server's message, the queue now holds. */
  maintenance?: string;
  /** The probe passed the server's gate: maintenance is over and the held mutations are sent. */
  released?: boolean;
}

/** A mutation that is over, from the caller's point of view. */
export type MutationCompletion =
  | { requestId: string; ok: true; value: unknown; commitVersion: number }
  | { requestId: string; ok: false; error: OrreryClientError };

/**
 * Mutations from the moment they are called until their effect is visible. Pure: it returns
 * the messages to send; the caller sends them only when the socket is open, and calls
 * `messagesForReconnect` on every (re)connect.
 *
 * A mutation completes when it fails, or when its commit is reflected in the results the
 * client holds (a transition reaching `commitVersion`, or the ping barrier above). Holding
 * completion until then is what makes `await mutation(); read()` see the write. An
 * `OUTCOME_UNKNOWN` answer is not a failure: the mutation stays pending and is re-sent with the
 * same requestId after a backoff (the caller runs the timer, see `resendDue`), with no bound:
 * the server answers for real once it can reach its database.
 *
 * `MAINTENANCE` is no failure either, only "not yet": the mutation is held, the queue holds
 * every later one too (so they land in call order), and all are sent when maintenance ends:
 * `release` (the server said so, or a new connection's first frame did), or when a probe, the
 * first held mutation re-sent after a backoff, gets any other answer.
 */
export class MutationQueue {
  private readonly entries = new Map<string, Entry>();
  private hold: Hold | null = null;
  private pingsSent = 0;
  private pongsReceived = 0;
  private readonly now: () => number;
  private readonly minResendDelayMs: number;
  private readonly maxResendDelayMs: number;

  /**
   * `clientId`, when given, goes on every `mutate`: the server keeps request ids per client, so
   * a resend on a new connection is still recognized (and another client's ids never are).
   * `options.now` is the clock that times re-sends after `OUTCOME_UNKNOWN` (500 ms doubling to
   * 10 s unless `options.resend` says otherwise).
   */
  constructor(
    private readonly newRequestId: () => string = () => crypto.randomUUID(),
    private readonly clientId?: string,
    options: { now?: () => number; resend?: ResendBackoff } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.minResendDelayMs = options.resend?.minDelayMs ?? 500;
    this.maxResendDelayMs = options.resend?.maxDelayMs ?? 10_000;
  }

  /**
   * Records a mutation and returns the message that sends it (send it only if connected), or,
   * while maintenance holds the queue, none, and when the probe falls due (`resendAfterMs`).
   */
  enqueue(
    name: string,
    args: WireValue,
  ): { requestId: string; message: ClientMessage | null; resendAfterMs?: number } {
    const requestId = this.newRequestId();
    if (this.hold) {
      this.entries.set(requestId, { state: "held", requestId, name, args, unknownOutcomes: 0 });
      return { requestId, message: null, resendAfterMs: Math.max(0, this.hold.resendAt - this.now()) };
    }
    this.entries.set(requestId, { state: "unanswered", requestId, name, args, unknownOutcomes: 0 });
    return { requestId, message: this.mutateMessage(requestId, name, args) };
  }

  /** Whether maintenance holds the queue. */
  get isHeld(): boolean {
    return this.hold !== null;
  }

  /** The server says the namespace is in maintenance: hold mutations made from now on. */
  holdForMaintenance(): void {
    this.hold ??= { refusals: 0, resendAt: this.now() + this.minResendDelayMs, probe: null };
  }

  /** Maintenance is over: every held mutation is sent, in call order. */
  release(): ClientMessage[] {
    this.hold = null;
    const messages: ClientMessage[] = [];
    for (const entry of this.entries.values()) {
      if (entry.state === "held") messages.push(this.resend(entry));
    }
    return messages;
  }

  /**
   * Everything a new connection must be told: every unanswered mutation (those waiting out an
   * `OUTCOME_UNKNOWN` backoff too), in call order, with the requestId it first had. If an
   * earlier attempt did run, the server answers with that first result instead of running it
   * again.
   */
  messagesForReconnect(): ClientMessage[] {
    // Pongs of the old connection will never come; count afresh.
    this.pingsSent = 0;
    this.pongsReceived = 0;
    const messages: ClientMessage[] = [];
    // Under a hold nothing is sent: the new connection's first frame says whether maintenance
    // is still on (`release` if not), and the ping makes sure there is a first frame.
    let needsBarrier = this.hold !== null;
    if (this.hold) this.hold.probe = null;
    for (const entry of this.entries.values()) {
      switch (entry.state) {
        case "unanswered":
          if (this.hold) this.entries.set(entry.requestId, { ...entry, state: "held" });
          else messages.push(this.mutateMessage(entry.requestId, entry.name, entry.args));
          break;
        case "outcomeUnknown":
          if (this.hold) this.entries.set(entry.requestId, { ...toUnanswered(entry), state: "held" });
          else messages.push(this.resend(entry));
          break;
        case "held":
          break;
        case "committed":
          entry.barrier = this.pingsSent + 1;
          needsBarrier = true;
          break;
        default:
          entry satisfies never;
      }
    }
    if (needsBarrier) messages.push(this.ping());
    return messages;
  }

  /**
   * A `mutationResult`. `appliedVersion` is the highest transition version the client holds:
   * if it already reaches the commit, the mutation completes at once. `OUTCOME_UNKNOWN` leaves
   * it pending: `resendAfterMs` says when `resendDue` will have it to re-send. `MAINTENANCE`
   * holds it and the queue (`maintenance` carries the server's message); any other answer to a
   * probe releases the hold (`released`, with the held mutations' messages).
   */
  onResult(message: MutationResultMessage, appliedVersion: number): ResultEffects {
    const entry = this.entries.get(message.requestId);
    // An answer to a request already answered (a resend racing the first reply): ignore it.
    if (entry?.state !== "unanswered") return { completed: [], messages: [] };
    const probe = this.hold !== null && this.hold.probe === entry.requestId;
    if (!message.ok && message.error.code === "MAINTENANCE") {
      this.entries.set(entry.requestId, { ...entry, state: "held" });
      // Only a refused probe backs off: others were merely sent before the hold began.
      if (!this.hold) this.holdForMaintenance();
      else if (probe) {
        this.hold.refusals++;
        this.hold.resendAt =
          this.now() + Math.min(this.maxResendDelayMs, this.minResendDelayMs * 2 ** this.hold.refusals);
        this.hold.probe = null;
      }
      const resendAfterMs = Math.max(0, (this.hold as Hold).resendAt - this.now());
      return { completed: [], messages: [], resendAfterMs, maintenance: message.error.message };
    }
    const effects = this.settleResult(entry, message, appliedVersion);
    // Any other answer means the probe passed the server's gate.
    if (!probe) return effects;
    return { ...effects, messages: [...effects.messages, ...this.release()], released: true };
  }

  private settleResult(
    entry: Extract<Entry, { state: "unanswered" }>,
    message: MutationResultMessage,
    appliedVersion: number,
  ): ResultEffects {
    if (!message.ok && message.error.code === "OUTCOME_UNKNOWN") {
      const delay = Math.min(this.maxResendDelayMs, this.minResendDelayMs * 2 ** entry.unknownOutcomes);
      this.entries.set(message.requestId, {
        state: "outcomeUnknown",
        requestId: entry.requestId,
        name: entry.name,
        args: entry.args,
        unknownOutcomes: entry.unknownOutcomes + 1,
        resendAt: this.now() + delay,
      });
      return { completed: [], messages: [], resendAfterMs: delay };
    }
    if (!message.ok) {
      this.entries.delete(message.requestId);
      return {
        completed: [
          { requestId: message.requestId, ok: false, error: OrreryClientError.fromWire(message.error) },
        ],
        messages: [],
      };
    }
    const value = fromWire(message.value);
    if (message.commitVersion <= appliedVersion) {
      this.entries.delete(message.requestId);
      return {
        completed: [{ requestId: message.requestId, ok: true, value, commitVersion: message.commitVersion }],
        messages: [],
      };
    }
    const ping = this.ping();
    this.entries.set(message.requestId, {
      state: "committed",
      requestId: message.requestId,
      commitVersion: message.commitVersion,
      value,
      barrier: this.pingsSent,
    });
    return { completed: [], messages: [ping] };
  }

  /**
   * The re-sends whose backoff is over, in call order (they are unanswered again), and when the
   * next falls due (`resendAfterMs`, absent when none waits). Call it when a timer fires.
   */
  resendDue(): { messages: ClientMessage[]; resendAfterMs?: number } {
    const now = this.now();
    const messages: ClientMessage[] = [];
    let next: number | undefined;
    // Under a hold, the first held mutation is the probe, once it is due and none is in flight.
    let probeDue = this.hold !== null && this.hold.probe === null;
    for (const entry of this.entries.values()) {
      switch (entry.state) {
        case "outcomeUnknown":
          if (entry.resendAt <= now) messages.push(this.resend(entry));
          else next = Math.min(next ?? entry.resendAt, entry.resendAt);
          break;
        case "held": {
          const hold = this.hold;
          if (!probeDue || !hold) break;
          probeDue = false;
          if (hold.resendAt <= now) {
            hold.probe = entry.requestId;
            messages.push(this.resend(entry));
          } else next = Math.min(next ?? hold.resendAt, hold.resendAt);
          break;
        }
        case "unanswered":
        case "committed":
          break;
        default:
          entry satisfies never;
      }
    }
    return next === undefined ? { messages } : { messages, resendAfterMs: next - now };
  }

  /** A transition reached `toVersion`: every commit at or below it is now reflected. */
  onTransition(toVersion: number): MutationCompletion[] {
    return this.completeWhere((entry) => entry.commitVersion <= toVersion);
  }

  onPong(): MutationCompletion[] {
    this.pongsReceived++;
    return this.completeWhere((entry) => entry.barrier !== null && entry.barrier <= this.pongsReceived);
  }

  /** A protocol error naming a requestId (the server could not read the mutate frame). */
  onError(requestId: string, error: OrreryClientError): MutationCompletion[] {
    const entry = this.entries.get(requestId);
    if (!entry) return [];
    this.entries.delete(requestId);
    return [{ requestId, ok: false, error }];
  }

  /** The client is closing for good: everything still pending fails. */
  failAll(error: OrreryClientError): MutationCompletion[] {
    const failed = [...this.entries.keys()].map(
      (requestId): MutationCompletion => ({ requestId, ok: false, error }),
    );
    this.entries.clear();
    this.hold = null;
    return failed;
  }

  has(requestId: string): boolean {
    return this.entries.has(requestId);
  }

  /** Mutations not yet complete, whether sent or waiting for a connection. */
  get pendingCount(): number {
    return this.entries.size;
  }

  private mutateMessage(requestId: string, name: string, args: WireValue): ClientMessage {
    const message: ClientMessage = { type: "mutate", requestId, mutation: name, args };
    if (this.clientId !== undefined) message.clientId = this.clientId;
    return message;
  }

  /** Back to unanswered, keeping its place in call order, and the frame that re-sends it. */
  private resend(entry: Extract<Entry, { state: "outcomeUnknown" | "held" }>): ClientMessage {
    const unanswered = toUnanswered(entry);
    this.entries.set(entry.requestId, unanswered);
    return this.mutateMessage(unanswered.requestId, unanswered.name, unanswered.args);
  }

  private ping(): ClientMessage {
    this.pingsSent++;
    return { type: "ping" };
  }

  private completeWhere(
    done: (entry: Extract<Entry, { state: "committed" }>) => boolean,
  ): MutationCompletion[] {
    const completed: MutationCompletion[] = [];
    for (const entry of this.entries.values()) {
      if (entry.state === "committed" && done(entry)) {
        this.entries.delete(entry.requestId);
        completed.push({
          requestId: entry.requestId,
          ok: true,
          value: entry.value,
          commitVersion: entry.commitVersion,
        });
      }
    }
    return completed;
  }
}

function toUnanswered(
  entry: Extract<Entry, { state: "outcomeUnknown" | "held" }>,
): Extract<Entry, { state: "unanswered" }> {
  const { requestId, name, args, unknownOutcomes } = entry;
  return { state: "unanswered", requestId, name, args, unknownOutcomes };
}
