/** One migration in `meta/_journal.json`. */
export interface JournalEntry {
  idx: number;
  /** The snapshot version ("6"). */
  version: string;
  /** Milliseconds; the durable-sqlite migrator applies entries whose `when` is past the last applied one. */
  when: number;
  /** The SQL file's name without `.sql`: `NNNN_label`. */
  tag: string;
  breakpoints: boolean;
}

/** drizzle-kit's `meta/_journal.json`. */
export interface Journal {
  version: string;
  dialect: string;
  entries: JournalEntry[];
}

export const JOURNAL_VERSION = "7";

/** The statement separator drizzle's migrators and `wrangler d1 migrations apply` accept. */
export const BREAKPOINT = "--> statement-breakpoint\n";

/** `0002` for idx 2: drizzle-kit's "index" prefix, used by the SQL file and its snapshot. */
export function migrationPrefix(idx: number): string {
  return String(idx).padStart(4, "0");
}

export function isJournalEntry(value: unknown): value is JournalEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    Number.isInteger(entry.idx) &&
    typeof entry.version === "string" &&
    typeof entry.when === "number" &&
    typeof entry.tag === "string" &&
    typeof entry.breakpoints === "boolean"
  );
}
