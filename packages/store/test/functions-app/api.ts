import type { AppApi } from "../../src/functions/app";
import type { app } from "./app";

/** Type-only, as a client would have it: no server code is imported at run time. */
export type Api = AppApi<typeof app>;
