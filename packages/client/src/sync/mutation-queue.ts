import { type ClientMessage, fromWire, type ServerMessage, type WireValue } from "@orrery/store/protocol";
import { OrreryClientError } from "../client-error";

type MutationResultMessage = Extract<ServerMessage, { type: "mutationResult" }>;

type Entry =
  /** Not answered yet: sent, or waiting for a connection. Re-sent on every (re)connect. */
  | { state: "unanswered"; requestId: string; name: string; args: WireValue }
  /**
   * Committed at `commitVersion`, but the client's query results may not reflect it yet.
   * `barrier` is the number of the ping sent after the result: once its pong is back, the
   * server has pushed every transition the commit caused (it handles a connection's frames
   * in order), so the write is reflected even if none of the client's queries changed.
   */
  | { state: "committed"; requestId: string; commitVersion: number; value: unknown; barrier: number | null };

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
 * completion until then is what makes `await mutation(); read()` see the write.
 */
export class MutationQueue {
  private readonly entries = new Map<string, Entry>();
  private pingsSent = 0;
  private pongsReceived = 0;

  constructor(private readonly newRequestId: () => string = () => crypto.randomUUID()) {}

  /** Records a mutation and returns the message that sends it (send it only if connected). */
  enqueue(name: string, args: WireValue): { requestId: string; message: ClientMessage } {
    const requestId = this.newRequestId();
    this.entries.set(requestId, { state: "unanswered", requestId, name, args });
    return { requestId, message: { type: "mutate", requestId, mutation: name, args } };
  }

  /**
   * Everything a new connection must be told: every unanswered mutation, in call order, with
   * the requestId it first had. If an earlier attempt did run, the server answers with that
   * first result instead of running it again.
   */
  messagesForReconnect(): ClientMessage[] {
    // Pongs of the old connection will never come; count afresh.
    this.pingsSent = 0;
    this.pongsReceived = 0;
    const messages: ClientMessage[] = [];
    let needsBarrier = false;
    for (const entry of this.entries.values()) {
      switch (entry.state) {
        case "unanswered":
          messages.push({
            type: "mutate",
            requestId: entry.requestId,
            mutation: entry.name,
            args: entry.args,
          });
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
   * if it already reaches the commit, the mutation completes at once.
   */
  onResult(
    message: MutationResultMessage,
    appliedVersion: number,
  ): { completed: MutationCompletion[]; messages: ClientMessage[] } {
    const entry = this.entries.get(message.requestId);
    // An answer to a request already answered (a resend racing the first reply): ignore it.
    if (entry?.state !== "unanswered") return { completed: [], messages: [] };
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
    return failed;
  }

  has(requestId: string): boolean {
    return this.entries.has(requestId);
  }

  /** Mutations not yet complete, whether sent or waiting for a connection. */
  get pendingCount(): number {
    return this.entries.size;
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
