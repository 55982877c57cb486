import { conformanceCases, describeStoreConformance } from "@orrery/store/conformance";
import { conformanceEngine, splitConformanceEngine } from "./conformance-engines";

// The split layouts run only the cross-engine cases: the rest ran on the same drivers above.
const crossEngineCaseNames = conformanceCases.filter((c) => c.crossEngine).map((c) => c.name);

describeStoreConformance(conformanceEngine("Postgres 15 (postgres.js)", "postgres.js"));
describeStoreConformance(conformanceEngine("Postgres 15 (node-pg)", "node-pg"));
describeStoreConformance(conformanceEngine("MariaDB 10.11 (mysql2, disableEval as on Workers)", "mysql2"));
describeStoreConformance(
  splitConformanceEngine(
    "Postgres 15 as the .global() engine (postgres.js, home in another schema)",
    "postgres.js",
  ),
  { only: crossEngineCaseNames },
);
describeStoreConformance(
  splitConformanceEngine(
    "MariaDB 10.11 as the .global() engine (mysql2, home in another database)",
    "mysql2",
  ),
  { only: crossEngineCaseNames },
);
