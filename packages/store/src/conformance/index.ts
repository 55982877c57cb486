import { afterAll, describe, it } from "vitest";
import { crossEngineCases } from "./cases/cross-engine";
import { crudCases } from "./cases/crud";
import { namespaceCases } from "./cases/namespaces";
import { occCases } from "./cases/occ";
import { paginationCases } from "./cases/pagination";
import { paginationPropertyCases } from "./cases/pagination-properties";
import { queryCases } from "./cases/queries";
import { reactivityCases } from "./cases/reactivity";
import { requestCases } from "./cases/requests";
import { validationCases } from "./cases/validation";
import { type ConformanceCase, caseContext, type StoreEngine } from "./harness";

export { FaultyExec } from "./faulty-exec";
export type { CaseContext, ConformanceCase, EngineFixture, StoreEngine } from "./harness";
export { type ConformanceSchema, conformanceSchema } from "./schema";

export const conformanceCases: readonly ConformanceCase[] = [
  ...crudCases,
  ...queryCases,
  ...validationCases,
  ...occCases,
  ...requestCases,
  ...paginationCases,
  ...paginationPropertyCases,
  ...reactivityCases,
  ...namespaceCases,
  ...crossEngineCases,
];

/**
 * Registers every conformance case for one engine. The same cases run unchanged on Durable
 * Object SQLite, D1, Postgres and MySQL; each case gets a fresh database space. Cases about
 * commits that span two engines run where `.global()` tables live apart from home.
 */
export function describeStoreConformance(
  engine: StoreEngine,
  options: { only?: readonly string[] } = {},
): void {
  // Cross-engine cases need `.global()` tables apart from home; elsewhere they have no meaning.
  const applicable = conformanceCases.filter((c) => !c.crossEngine || engine.crossEngine);
  const cases = options.only ? applicable.filter((c) => options.only?.includes(c.name)) : applicable;
  let passed = 0;
  describe(`store conformance on ${engine.name}`, () => {
    for (const testCase of cases) {
      it(testCase.name, async () => {
        await engine.withDatabase((fixture) => testCase.run(caseContext(fixture)));
        passed++;
      });
    }
    afterAll(() => {
      console.log(`store conformance: ${passed}/${cases.length} cases passed on ${engine.name}`);
    });
  });
}
