import { OrreryError } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { OutboxEnvelope, OutboxSender } from "@orrery/store";
import type { OrreryConfig, WorkerEnv } from "../options";

// What one `sendBatch` may carry: 100 messages, 256 KB in all.
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 250 * 1024;

/** The part of a Queue producer binding the relay uses. */
export interface QueueLike {
  sendBatch(messages: Iterable<{ body: unknown; contentType?: "json" }>): Promise<unknown>;
}

type OutboxConfig = OrreryConfig<SchemaDefinition>["outbox"];

/** The producer binding a topic's messages go to. */
export function bindingOfTopic(outbox: OutboxConfig, topic: string): string {
  return outbox.topics[topic] ?? outbox.queue;
}

/** Refuses, when it is published, a topic whose Queue binding the Worker lacks. */
export function topicChecker(env: WorkerEnv, outbox: OutboxConfig): (topic: string) => void {
  return (topic) => {
    const binding = bindingOfTopic(outbox, topic);
    if (!isQueue(env[binding])) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `ctx.outbox.publish("${topic}"): the Worker has no Queue binding "${binding}"; add a queue producer named "${binding}" to wrangler.jsonc (queues.producers), or map the topic to one with createOrrery({ outbox: { topics } })`,
      );
    }
  };
}

/** Whether the Worker has a Queue for any topic (else there is nothing to relay). */
export function hasAnyQueue(env: WorkerEnv, outbox: OutboxConfig): boolean {
  return [outbox.queue, ...Object.values(outbox.topics)].some((binding) => isQueue(env[binding]));
}

/**
 * Sends messages to their topics' Queues in the order given: consecutive messages bound for the
 * same Queue go in one `sendBatch` (split at Queues' batch limits), so each topic's messages
 * leave in order. Each message's body is its envelope, as JSON.
 */
export function queueSender(env: WorkerEnv, outbox: OutboxConfig): OutboxSender {
  return async (messages: readonly OutboxEnvelope[]) => {
    let batch: OutboxEnvelope[] = [];
    let binding: string | null = null;
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0 || binding === null) return;
      const queue = env[binding];
      if (!isQueue(queue))
        throw new Error(
          `the outbox relay found no Queue binding "${binding}" in the Worker env (wrangler.jsonc, queues.producers)`,
        );
      await queue.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
      batch = [];
      bytes = 0;
    };
    for (const message of messages) {
      const target = bindingOfTopic(outbox, message.topic);
      const size = JSON.stringify(message).length;
      if (target !== binding || batch.length === MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES) {
        await flush();
        binding = target;
      }
      batch.push(message);
      bytes += size;
    }
    await flush();
  };
}

function isQueue(value: unknown): value is QueueLike {
  return typeof (value as QueueLike | undefined)?.sendBatch === "function";
}
