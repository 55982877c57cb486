import m0000 from "./0000_initial_schema.sql";
import m0001 from "./0001_commit_markers.sql";
import m0002 from "./0002_scheduler_and_outbox.sql";
import m0003 from "./0003_per_user_tasks.sql";
import journal from "./meta/_journal.json";

export default {
  journal,
  migrations: {
    m0000,
    m0001,
    m0002,
    m0003,
  },
};
