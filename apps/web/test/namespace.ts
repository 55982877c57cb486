/** A namespace no other test (or earlier run against the same local state) has used. */
export function freshNamespace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
