import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./src/app/drizzle-schema.ts",
  out: "./drizzle",
});
