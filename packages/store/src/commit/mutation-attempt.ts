import type { SchemaDefinition } from "@orrery/schema";
import { type DatabaseWriter, systemWriter } from "../db/database";
import type { SystemSchema } from "../db/system-schema";
import { type OutboxMessage, outboxMessage } from "../outbox/outbox-message";

/**
 * What a mutation attempt may do besides its db writes, all of it part of the same commit (and
 * of nothing when the attempt fails or is re-run).
 */
export interface MutationAttempt {
  /** Publishes an outbox message in this commit; returns its id (what consumers deduplicate on). */
  publish(topic: string, payload: unknown): string;
  /** This attempt's writer of the store's own document tables (the scheduler's jobs). */
  readonly system: DatabaseWriter<SystemSchema>;
}

/** A mutation's body: the db, and the attempt's other effects. */
export type MutationHandler<S extends SchemaDefinition, T> = (
  db: DatabaseWriter<S>,
  attempt: MutationAttempt,
) => Promise<T>;

/** One attempt's effects over its db, and the messages it published (for its commit). */
export function startAttempt(
  db: DatabaseWriter<SchemaDefinition>,
  checkTopic?: (topic: string) => void,
): {
  readonly attempt: MutationAttempt;
  readonly messages: OutboxMessage[];
} {
  const messages: OutboxMessage[] = [];
  return {
    messages,
    attempt: {
      publish(topic, payload) {
        const message = outboxMessage(topic, payload);
        checkTopic?.(message.topic);
        messages.push(message);
        return message.id;
      },
      system: systemWriter(db),
    },
  };
}
