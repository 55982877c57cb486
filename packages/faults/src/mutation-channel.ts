import { randomUUID } from "node:crypto";
import type { Frame, ProtocolSocket } from "./protocol-socket";
import { sleep } from "./timing";

/** Answers that say nothing final about a mutation: it is sent again with the same request id. */
export const RETRYABLE = new Set(["UNAVAILABLE", "OUTCOME_UNKNOWN"]);

/**
 * Mutations over one protocol socket, as a careful client sends them: each with a request id
 * and the client's lasting `clientId` (so a resend, on this socket or another, runs once),
 * matched to their `mutationResult` by request id.
 */
export class MutationChannel {
  private readonly pending = new Map<
    string,
    { resolve: (frame: Frame) => void; reject: (error: Error) => void }
  >();

  constructor(
    readonly socket: ProtocolSocket,
    readonly clientId: string = randomUUID(),
  ) {
    const previous = socket.onFrame;
    socket.onFrame = (frame) => {
      previous?.(frame);
      if (frame.type !== "mutationResult") return;
      const requestId = String(frame.requestId);
      const waiter = this.pending.get(requestId);
      this.pending.delete(requestId);
      waiter?.resolve(frame);
    };
    socket.socket.on("close", (code: number) => {
      const waiters = [...this.pending.values()];
      this.pending.clear();
      for (const waiter of waiters) waiter.reject(new Error(`the socket closed (${code}) before the answer`));
    });
  }

  /** One attempt: the `mutationResult` for `requestId`; rejects when the socket closes first. */
  send(mutation: string, args: unknown, requestId: string = randomUUID(), ms = 60_000): Promise<Frame> {
    return new Promise<Frame>((resolve, reject) => {
      if (this.socket.closed) return reject(new Error(`${mutation}: the socket is closed`));
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`${mutation} ${requestId}: no mutationResult within ${ms} ms`));
      }, ms);
      this.pending.set(requestId, {
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send({ type: "mutate", requestId, mutation, args, clientId: this.clientId });
    });
  }

  /**
   * Sends until the answer is final (ok, or an error other than UNAVAILABLE/OUTCOME_UNKNOWN),
   * with the same request id each time; `onAnswer` hears every attempt's answer.
   */
  async untilFinal(
    mutation: string,
    args: unknown,
    onAnswer: (frame: Frame, sentAt: number) => void = () => undefined,
    { retryMs = 250, timeoutMs = 60_000 }: { retryMs?: number; timeoutMs?: number } = {},
  ): Promise<Frame> {
    const requestId = randomUUID();
    for (;;) {
      const sentAt = performance.now();
      const frame = await this.send(mutation, args, requestId, timeoutMs);
      onAnswer(frame, sentAt);
      const code = (frame.error as { code?: string } | undefined)?.code;
      if (frame.ok === true || code === undefined || !RETRYABLE.has(code)) return frame;
      await sleep(retryMs);
    }
  }
}
