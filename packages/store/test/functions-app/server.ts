import { functionBuilders } from "../../src/functions/builders";
import type { Env, Schema } from "./schema";

export const { query, mutation, action } = functionBuilders<Schema, Env>();
