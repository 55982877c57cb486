import { describe, expect, it } from "vitest";
import { describeChange, labelFromName } from "./migration-label";
import { EMPTY_SNAPSHOT, type Snapshot, type SnapshotTable } from "./snapshot";

function table(name: string, columns: string[], indexes: string[] = []): SnapshotTable {
  return {
    name,
    columns: Object.fromEntries(
      columns.map((column) => [column, { name: column, type: "text", notNull: true }]),
    ),
    indexes: Object.fromEntries(indexes.map((index) => [index, { columns: [] }])),
    foreignKeys: {},
    compositePrimaryKeys: {},
    uniqueConstraints: {},
  };
}

function snapshot(...tables: SnapshotTable[]): Snapshot {
  return { ...EMPTY_SNAPSHOT, tables: Object.fromEntries(tables.map((t) => [t.name, t])) };
}

describe("describeChange", () => {
  const tasks = table("tasks", ["_id", "text"], ["tasks__by_creation_time"]);

  it("names the first migration initial_schema", () => {
    expect(describeChange(EMPTY_SNAPSHOT, snapshot(tasks))).toBe("initial_schema");
  });

  it("names added columns in snake case, new tables and indexes without their table prefix", () => {
    expect(
      describeChange(
        snapshot(tasks),
        snapshot(table("tasks", ["_id", "text", "dueDate"], ["tasks__by_creation_time"])),
      ),
    ).toBe("add_due_date");
    expect(describeChange(snapshot(tasks), snapshot(tasks, table("_orrery_things", ["a"])))).toBe(
      "create_orrery_things",
    );
    expect(
      describeChange(
        snapshot(tasks),
        snapshot(table("tasks", ["_id", "text"], ["tasks__by_creation_time", "tasks__by_text"])),
      ),
    ).toBe("index_by_text");
  });

  it("joins two changes and counts the rest", () => {
    const after = snapshot(table("tasks", ["_id", "a", "b", "c"], ["tasks__by_creation_time"]));
    expect(describeChange(snapshot(tasks), after)).toBe("add_a_and_3_more");
    expect(
      describeChange(snapshot(tasks), snapshot(table("tasks", ["_id", "a"], ["tasks__by_creation_time"]))),
    ).toBe("add_a_and_drop_text");
  });
});

describe("labelFromName", () => {
  it("turns a free-form name into a file-name label and refuses an empty one", () => {
    expect(labelFromName(" add due-date! ")).toBe("add_due_date");
    expect(() => labelFromName("--")).toThrow(/no letters or digits/);
  });
});
