import { type JournalEntry, migrationPrefix } from "./journal";

/**
 * `migrations.js`, which drizzle's durable-sqlite migrator imports (`{ journal, migrations: { m0000, … } }`).
 * drizzle-kit writes it unformatted; this is the same module as biome formats it (imports sorted
 * by path, so `./NNNN_*.sql` before `./meta/`; double quotes, 2-space indent, trailing commas).
 */
export function migrationsJs(entries: readonly JournalEntry[]): string {
  const names = entries.map((entry) => `m${migrationPrefix(entry.idx)}`);
  return [
    ...entries.map((entry, i) => `import ${names[i]} from "./${entry.tag}.sql";`),
    'import journal from "./meta/_journal.json";',
    "",
    "export default {",
    "  journal,",
    "  migrations: {",
    ...names.map((name) => `    ${name},`),
    "  },",
    "};",
    "",
  ].join("\n");
}
