import { fromWire, toWire, type WireValue } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { OutboxEnvelope } from "@orrery/store";
import { type CallResult, errorResult } from "./call-result";
import type { Runtime } from "./runtime";

/**
 * Delivers one outbox message to the app's consumer mutation `name`, with the message id as
 * its request id (scoped to the topic): a message delivered again within a day is answered from
 * the request log without running, so the consumer's effect happens once. (A consumer should
 * still deduplicate on the id for redeliveries later than that.)
 */
export async function consumeMessage<S extends SchemaDefinition>(
  runtime: Runtime<S>,
  name: string,
  envelope: WireValue,
): Promise<CallResult> {
  try {
    const message = fromWire(envelope) as OutboxEnvelope;
    const outcome = await runtime.runner.runMutation(name, message, null, {
      requestId: message.id,
      scope: `outbox:${message.topic}`,
    });
    return { ok: true, value: toWire(outcome.value), commitVersion: outcome.commitVersion };
  } catch (error) {
    return errorResult(error);
  }
}
