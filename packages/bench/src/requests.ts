import { MeasuredSocket, textOf } from "./measured-socket";

/** A socket that answers each request with one frame, in order (case 5's clients). */
export interface RequestClient {
  send(index: number): void;
  readonly answeredAt: number[];
  /** Resolves at the next answer. */
  nextAnswer(): Promise<void>;
  failure(): string | null;
  close(): Promise<void>;
}

/**
 * Opens `url` and treats every frame `isAnswer` accepts as the answer to the oldest request
 * (a Durable Object handles one socket's frames in order, and Orrery's lane keeps it).
 */
export async function requestClient(
  url: string,
  frameFor: (index: number) => string,
  isAnswer: (frame: Record<string, unknown>) => boolean,
  errorOf: (frame: Record<string, unknown>) => string | null,
): Promise<RequestClient> {
  const answeredAt: number[] = [];
  let failure: string | null = null;
  let waiters: (() => void)[] = [];
  const socket = await MeasuredSocket.open(url, (data, arrivedAt) => {
    const frame = JSON.parse(textOf(data)) as Record<string, unknown>;
    if (!isAnswer(frame)) return;
    answeredAt.push(arrivedAt);
    failure ??= errorOf(frame);
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  });
  return {
    send: (index) => socket.send(frameFor(index)),
    answeredAt,
    nextAnswer: () => new Promise((resolve) => waiters.push(resolve)),
    failure: () => failure,
    close: () => socket.close(),
  };
}

export interface RequestRun {
  readonly requests: number;
  readonly elapsedMs: number;
  /** Send → answer, per request (ms). */
  readonly latencies: number[];
}

/**
 * Sends `total` requests keeping at most `window` unanswered (1: one round trip at a time),
 * and times them on the driver's clock. Fails on the first error answer, or when answers stop
 * coming for 20 s.
 */
export async function runRequests(client: RequestClient, total: number, window: number): Promise<RequestRun> {
  const first = client.answeredAt.length;
  const sentAt: number[] = [];
  const started = performance.now();
  while (client.answeredAt.length - first < total) {
    while (sentAt.length < total && sentAt.length - (client.answeredAt.length - first) < window) {
      sentAt.push(performance.now());
      client.send(first + sentAt.length - 1);
    }
    const answered = client.answeredAt.length - first;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      client.nextAnswer(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within 20 s (${answered} of ${total} answered)`)),
          20_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const failure = client.failure();
    if (failure) throw new Error(failure);
  }
  const answers = client.answeredAt.slice(first, first + total);
  return {
    requests: total,
    elapsedMs: (answers[answers.length - 1] ?? started) - started,
    latencies: answers.map((at, index) => at - (sentAt[index] ?? at)),
  };
}
