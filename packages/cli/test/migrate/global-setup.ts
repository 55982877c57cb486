import { createGlobalSetup } from "@orrery/test-harness";

export default createGlobalSetup({ postgres: true, mysql: true });
