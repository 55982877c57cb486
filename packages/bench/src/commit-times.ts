/** The Durable Object's own timing of a namespace's commits since the last read (see bench-store.ts). */
export interface CommitTimes {
  readonly count: number;
  readonly totalMs: number;
}

/** Reads the bench hook's commit times of `room` and starts them afresh. */
export async function takeCommitTimes(base: string, room: string): Promise<CommitTimes> {
  const response = await fetch(`${base}/bench/commit-times/orrery/${room}`);
  if (!response.ok) throw new Error(`commit times of ${room}: ${response.status} ${await response.text()}`);
  return (await response.json()) as CommitTimes;
}
