// Error codes, `OrreryError`, function references and pagination shapes live in
// @orrery/protocol (what a browser needs, without the engine); they are re-exported here.
export {
  type ActionReference,
  type AnyFunctionReference,
  type ApiFromModules,
  type AppApi,
  createApi,
  type ErrorCode,
  type FunctionArgs,
  type FunctionKind,
  type FunctionReference,
  type FunctionReturn,
  type FunctionShape,
  functionName,
  functionReference,
  type MutationReference,
  OrreryError,
  type PaginationOptions,
  type PaginationResult,
  type QueryReference,
} from "@orrery/protocol";
export { CommitLog, type CommitLogEntry } from "./commit/commit-log";
export type { MutationAttempt, MutationHandler } from "./commit/mutation-attempt";
export { requestScope } from "./commit/request-log";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./commit/retry-policy";
export type { DatabaseReader, DatabaseWriter } from "./db/database";
export type { Expression, FilterBuilder } from "./db/filter";
export { IndexRangeBuilder } from "./db/index-range";
export { paginationOptsValidator } from "./db/pagination-opts";
export type { OrderedQuery, Query, QueryInitializer } from "./db/query";
export type { Order } from "./db/scan-sql";
export { JOBS_TABLE, type ScheduledJob, type SystemSchema } from "./db/system-schema";
export { mysqlDialect } from "./dialects/mysql-dialect";
export { postgresDialect } from "./dialects/postgres-dialect";
export { sqliteDialect } from "./dialects/sqlite-dialect";
export { createD1Exec, type D1Like } from "./engines/d1-exec";
export { createDurableSqliteExec, type DurableSqliteStorage } from "./engines/durable-sqlite-exec";
export { ConflictError } from "./errors";
export {
  type AppDefinition,
  type AppModules,
  type Authenticate,
  defineApp,
  type OrreryApp,
} from "./functions/app";
export { type Auth, type Identity, requireUser, type VerifiedIdentity } from "./functions/auth";
export {
  type ActionBuilder,
  type ActionBuilderWithArgs,
  type EmptyArgs,
  type FunctionBuilders,
  functionBuilders,
  type Handler,
  type MutationBuilder,
  type MutationBuilderWithArgs,
  type QueryBuilder,
  type QueryBuilderWithArgs,
} from "./functions/builders";
export type { ActionCtx, MutationCtx, OptionalArgs, QueryCtx } from "./functions/contexts";
export type {
  ActionDefinition,
  AnyFunctionDefinition,
  DefinitionOfKind,
  FunctionDefinition,
  HandlerInput,
  MutationDefinition,
  QueryDefinition,
} from "./functions/definition";
export { parseFunctionName } from "./functions/function-name";
export {
  JobRunner,
  type JobRunnerOptions,
  type JobRunOutcome,
  SCHEDULER_SCOPE,
} from "./functions/job-runner";
export { FunctionRunner, type FunctionRunnerOptions } from "./functions/runner";
export type { Outbox, Scheduler } from "./functions/scheduler-context";
export type { SqlClient } from "./functions/sql-client";
export { outboxMessageArgs } from "./outbox/consumer-args";
export { MAX_PAYLOAD_BYTES, type OutboxEnvelope } from "./outbox/outbox-message";
export { OutboxTable } from "./outbox/outbox-table";
export {
  DEFAULT_OUTBOX_RETENTION_MS,
  type GlobalRelayOptions,
  type OutboxSender,
  type RelayResult,
  relayGlobalOutbox,
  relayOutbox,
} from "./outbox/relay-outbox";
export type { IndexKey, KeyBound, KeyRange } from "./reactivity/key-range";
export type {
  DocumentWrite,
  IndexKeyChange,
  ReadRange,
  ReadSet,
  WriteSet,
} from "./reactivity/read-write-sets";
export { SubscriptionIndex } from "./reactivity/subscription-index";
export { type CronJob, CronJobs, type CronOptions, cronJobs, type ResolvedCron } from "./scheduler/cron-jobs";
export type { CronSchedule, IntervalSchedule } from "./scheduler/cron-schedule";
export {
  DEFAULT_JOB_RETENTION_MS,
  type JobExecutor,
  JobLoop,
  type JobLoopOptions,
} from "./scheduler/job-loop";
export type { JobId } from "./scheduler/jobs";
export { DEFAULT_JOB_RETRY, type JobRetryPolicy } from "./scheduler/retry";
export { type Dialect, placeholders } from "./sql/dialect";
export {
  type BatchStatement,
  GuardFailedError,
  NotSentError,
  type SqlExec,
  type SqlResult,
  type SqlRow,
  type SqlStatement,
} from "./sql/sql-exec";
export {
  type MutateOptions,
  type MutationOutcome,
  type QueryOutcome,
  Store,
  type StoreOptions,
} from "./store";
