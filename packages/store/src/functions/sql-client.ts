/**
 * The action-only client for an external SQL database (Postgres or MySQL over Hyperdrive).
 * Defined here, not in `@orrery/hyperdrive`, so the store does not depend on drivers; the
 * clients that package builds are structurally identical. Placeholders are the driver's own
 * (`$1` for Postgres, `?` for MySQL): the text is never rewritten.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}
