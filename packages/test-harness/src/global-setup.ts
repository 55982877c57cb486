// vitest globalSetup for this package: one Postgres and one MariaDB server for the whole run.
// Other packages can copy this file (importing from "@orrery/test-harness").
import { createGlobalSetup } from "./setup.js";

export default createGlobalSetup({ postgres: true, mysql: true });
