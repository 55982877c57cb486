import { defineApp } from "../../src/functions/app";
import { schema } from "./schema";
import * as work from "./work";

export const app = defineApp({ schema, modules: { work }, crons: work.crons });
