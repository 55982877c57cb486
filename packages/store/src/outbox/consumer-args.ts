import { type PropertyValidators, type Validator, v } from "@orrery/schema";

/**
 * The arguments of a mutation that consumes an outbox topic (`defineApp({ consumers })`): the
 * message as the relay sent it, its payload checked by `payload` (anything when left out).
 *
 * ```ts
 * export const record = mutation
 *   .input(outboxMessageArgs(v.object({ orderId: v.string() })))
 *   .mutation(async ({ ctx, args }) => { ... args.id is the message id ... });
 * ```
 */
export function outboxMessageArgs<P extends Validator<unknown, false>>(payload: P) {
  return {
    id: v.string(),
    topic: v.string(),
    namespace: v.string(),
    payload,
    commitVersion: v.number(),
    seq: v.number(),
    publishedAt: v.number(),
  } satisfies PropertyValidators;
}
