import type { NodePgLike } from "./driver-like";
import type { SqlClient } from "./sql-client";

/**
 * Wraps a node-postgres `Client` or `Pool` as a {@link SqlClient}: `.query(text, params)`, then
 * `.rows`. Placeholders are `$1, $2, …`.
 */
export function fromNodePg(clientOrPool: NodePgLike): SqlClient {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await clientOrPool.query(text, [...params]);
      return result.rows as T[];
    },
  };
}
