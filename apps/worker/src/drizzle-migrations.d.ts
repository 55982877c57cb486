// drizzle-kit writes drizzle/migrations.js (durable-sqlite driver); this types its default export.
declare module "*/drizzle/migrations.js" {
  const migrations: {
    journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
    migrations: Record<string, string>;
  };
  export default migrations;
}
