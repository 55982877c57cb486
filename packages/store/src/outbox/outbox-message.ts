import { OrreryError, toWire, type WireValue } from "@orrery/protocol";
import { newDocumentId } from "@orrery/schema";

/** A message a mutation published, as its commit writes it: the payload is wire JSON text. */
export interface OutboxMessage {
  /** Unique and stable: what a consumer deduplicates on (a ULID). */
  readonly id: string;
  readonly topic: string;
  readonly payload: string;
}

/**
 * What the relay puts on the Queue: the message, where it came from, and its place in the
 * namespace's order (`commitVersion`, then `seq` within the commit). A consumer that sees the
 * same `id` twice has seen the same message twice (delivery is at least once).
 */
export interface OutboxEnvelope {
  readonly id: string;
  readonly topic: string;
  readonly namespace: string;
  /** The payload as published, in the wire form (int64 and bytes tagged): `fromWire` restores it. */
  readonly payload: WireValue;
  readonly commitVersion: number;
  readonly seq: number;
  /** When the publishing commit ran (ms since the epoch). */
  readonly publishedAt: number;
}

/** Letters, digits and `.` `_` `-` `:`, starting with a letter or digit; at most 128 characters. */
const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The largest payload accepted, as wire JSON: a Queue message may be 128 KB, and the envelope
 * needs a little of that.
 */
export const MAX_PAYLOAD_BYTES = 120 * 1024;

/** Checks a `publish` call now, so a message that could never be sent is refused by the mutation. */
export function outboxMessage(topic: unknown, payload: unknown): OutboxMessage {
  if (typeof topic !== "string" || !TOPIC.test(topic)) {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `ctx.outbox.publish: topic ${JSON.stringify(topic) ?? String(topic)} must be 1 to 128 letters, digits, ".", "_", "-" or ":", starting with a letter or digit`,
    );
  }
  if (payload === undefined) {
    throw new OrreryError("INVALID_ARGUMENT", `ctx.outbox.publish("${topic}"): the payload is missing`);
  }
  let text: string;
  try {
    text = JSON.stringify(toWire(payload));
  } catch (error) {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `ctx.outbox.publish("${topic}"): the payload is not a storable value (${(error as Error).message})`,
    );
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new OrreryError(
      "INVALID_ARGUMENT",
      `ctx.outbox.publish("${topic}"): the payload is ${bytes} bytes as JSON, over the ${MAX_PAYLOAD_BYTES} a Queue message can carry`,
    );
  }
  return { id: newDocumentId(), topic, payload: text };
}
