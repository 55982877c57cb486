/**
 * Runs tasks one after another. A single connection (not a pool) must not interleave a read
 * into another caller's open transaction, so every use of it goes through one lane.
 */
export type SerialLane = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerialLane(): SerialLane {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}
