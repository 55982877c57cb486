import { describeStoreConformance } from "@orrery/store/conformance";
import { conformanceEngine } from "./conformance-engines";

describeStoreConformance(conformanceEngine("Postgres 15 (postgres.js)", "postgres.js"));
describeStoreConformance(conformanceEngine("Postgres 15 (node-pg)", "node-pg"));
describeStoreConformance(conformanceEngine("MariaDB 10.11 (mysql2, disableEval as on Workers)", "mysql2"));
