import m0000 from "./0000_initial_schema.sql";
import m0001 from "./0001_commit_markers.sql";
import journal from "./meta/_journal.json";

export default {
  journal,
  migrations: {
    m0000,
    m0001,
  },
};
