import { MAX_ID_LENGTH } from "@orrery/protocol";

/** Where a browser keeps the generated client id, shared by every client of the origin. */
export const CLIENT_ID_STORAGE_KEY = "orrery:clientId";

/** The part of the Web Storage API the client uses. */
export interface ClientIdStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const isValid = (id: string | null | undefined): id is string =>
  typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH;

/**
 * The anonymous client's lasting id, which scopes its request ids on the server (see
 * docs/protocol.md): `explicit` if given, else the one kept in `storage` (localStorage in a
 * browser, so it survives reloads), else a new random UUID, kept there when possible. A
 * storage that is missing or throws (private modes, sandboxed frames) only costs persistence.
 */
export function resolveClientId(
  explicit: string | undefined,
  storage: ClientIdStorage | undefined = defaultStorage(),
): string {
  if (explicit !== undefined) {
    if (!isValid(explicit)) throw new TypeError(`clientId must be 1 to ${MAX_ID_LENGTH} characters long`);
    return explicit;
  }
  try {
    const kept = storage?.getItem(CLIENT_ID_STORAGE_KEY);
    if (isValid(kept)) return kept;
  } catch {
    // Unreadable storage: fall through to a fresh id.
  }
  const id = crypto.randomUUID();
  try {
    storage?.setItem(CLIENT_ID_STORAGE_KEY, id);
  } catch {
    // Full or forbidden storage: the id lasts as long as this client.
  }
  return id;
}

function defaultStorage(): ClientIdStorage | undefined {
  try {
    // Reading `localStorage` itself throws where storage is forbidden.
    return (globalThis as { localStorage?: ClientIdStorage }).localStorage;
  } catch {
    return undefined;
  }
}
