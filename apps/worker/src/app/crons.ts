import { cronJobs } from "@orrery/store";
import { api } from "./api";

/**
 * The example's crons. "hours up" runs in every namespace (each namespace's object plans it
 * when it first starts); "heartbeat" only in the namespace "ops", once an hour for the whole
 * app. Both count in `counters`. See docs/scheduler-and-outbox.md for how they run and their
 * trade-offs.
 */
const crons = cronJobs();
crons.interval("hours up", { hours: 1 }, api.counters.increment, { name: "hours up" });
crons.cron("heartbeat", "0 * * * *", api.counters.increment, { name: "heartbeat" }, { namespace: "ops" });

export default crons;
