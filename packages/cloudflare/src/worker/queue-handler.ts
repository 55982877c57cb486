import type { WireValue } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { globalStoreFor } from "../durable/global-store-stub";
import type { OrreryConfig, WorkerEnv } from "../options";

/** Waits before a failed message is delivered again: 2 s, 4 s, … up to 5 minutes. */
const retryDelaySeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));

interface EnvelopeShape {
  readonly id: string;
  readonly topic: string;
  readonly namespace: string;
}

function isEnvelope(body: unknown): body is EnvelopeShape {
  const { id, topic, namespace } = (body ?? {}) as Partial<EnvelopeShape>;
  return typeof id === "string" && typeof topic === "string" && typeof namespace === "string";
}

/**
 * The worker's `queue` handler: delivers each outbox message to the mutation the app declared
 * for its topic (`defineApp({ consumers })`), in the namespace that published it, with the
 * message id as request id, then acks it. A message that fails, has no consumer, or is no outbox
 * message is retried with a growing delay (and goes to the dead-letter queue, when one is
 * configured, after the queue's `max_retries`): nothing is dropped silently.
 */
export function queueHandler<S extends SchemaDefinition>(config: OrreryConfig<S>) {
  return async (batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> => {
    for (const message of batch.messages) {
      const retry = (why: string) => {
        console.error(`orrery: queue "${batch.queue}" message ${message.id}: ${why}; retrying`);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      };
      const envelope = message.body;
      if (!isEnvelope(envelope)) {
        retry("not an Orrery outbox message (no id, topic and namespace)");
        continue;
      }
      const consumer = config.app.consumerOf(envelope.topic);
      if (!consumer) {
        retry(`the app declares no consumer for topic "${envelope.topic}" (defineApp({ consumers }))`);
        continue;
      }
      const result = await globalStoreFor(env, config.globalStoreBinding, envelope.namespace).consume(
        consumer,
        envelope as unknown as WireValue,
      );
      if (result.ok) message.ack();
      else retry(`${consumer} failed: ${result.error.code}: ${result.error.message}`);
    }
  };
}
