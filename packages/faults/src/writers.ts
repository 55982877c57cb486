import { MutationChannel } from "./mutation-channel";
import { type Frame, ProtocolSocket } from "./protocol-socket";

/** One answer to one attempt of a mutation, timed (performance.now()). */
export interface Attempt {
  /** The mutation's request id: the same for each resend of it. */
  readonly requestId: string;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly ok: boolean;
  readonly code: string | null;
  readonly message: string;
}

/** What a pool of writers did: every attempt, and each mutation's final answer. */
export interface WriterTally {
  readonly attempts: Attempt[];
  /** Mutations answered ok (after any resends): each must have its effect exactly once. */
  acked: number;
  /** Mutations whose final answer was an error (nothing of them may have landed). */
  refused: number;
  /** Mutations whose socket or wait failed: their outcome is unknown to the writer. */
  lost: number;
}

export interface Writers {
  readonly tally: WriterTally;
  /** Lets each writer finish the mutation it is on (resending until final), then closes them. */
  stop(): Promise<void>;
}

/**
 * `count` sockets on `namespace`, each running `orders:addToTotal` (amount 1) on `orderId` one
 * after another, resending an UNAVAILABLE or OUTCOME_UNKNOWN answer with the same request id
 * (as the Orrery client does) until it is final, until stopped.
 */
export async function startWriters(
  url: string,
  namespace: string,
  orderId: string,
  count: number,
): Promise<Writers> {
  const tally: WriterTally = { attempts: [], acked: 0, refused: 0, lost: 0 };
  let running = true;
  const channels = await Promise.all(
    Array.from({ length: count }, async () => new MutationChannel(await ProtocolSocket.open(url, namespace))),
  );
  const record = (frame: Frame, sentAt: number) => {
    const error = frame.error as { code?: string; message?: string } | undefined;
    tally.attempts.push({
      requestId: String(frame.requestId),
      sentAt,
      answeredAt: performance.now(),
      ok: frame.ok === true,
      code: error?.code ?? null,
      message: error?.message ?? "",
    });
  };
  const loops = channels.map(async (channel) => {
    while (running) {
      try {
        const final = await channel.untilFinal("orders:addToTotal", { id: orderId, amount: 1 }, record);
        if (final.ok === true) tally.acked++;
        else tally.refused++;
      } catch {
        tally.lost++;
        return;
      }
    }
  });
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(channels.map((channel) => channel.socket.close()));
    },
  };
}
