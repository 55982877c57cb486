import { functionBuilders } from "../../src/functions/builders";
import type { Schema } from "./schema";

export const { query, mutation, action } = functionBuilders<Schema>();
