import { describeStoreConformance } from "../src/conformance";
import { d1Engine, durableObjectEngine } from "./sqlite-engines";

describeStoreConformance(durableObjectEngine);
describeStoreConformance(d1Engine);
