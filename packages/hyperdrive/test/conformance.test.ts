import { describeStoreConformance } from "@orrery/store/conformance";
import { mysql2Engine } from "./mysql-engines";
import { nodePgEngine, postgresJsEngine } from "./pg-engines";

describeStoreConformance(postgresJsEngine);
describeStoreConformance(nodePgEngine);
describeStoreConformance(mysql2Engine);
