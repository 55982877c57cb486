// `orrery generate` writes migrations/migrations.js (drizzle's durable-sqlite format); this types it.
declare module "*/migrations/migrations.js" {
  const migrations: {
    journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
    migrations: Record<string, string>;
  };
  export default migrations;
}
