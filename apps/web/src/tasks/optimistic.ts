import type { OptimisticLocalStore } from "@orrery/client";
import type { FunctionReturn } from "@orrery/protocol";
import { api } from "../api";

export type Task = FunctionReturn<typeof api.tasks.list>[number];

/**
 * Optimistic tasks get an id no server id can equal (server ids are 26-character ULIDs), so
 * the list can show them as pending and keep their toggle/remove disabled until they exist.
 */
const PENDING_PREFIX = "pending:";
let nextPending = 0;

export function isPending(task: Task): boolean {
  return task._id.startsWith(PENDING_PREFIX);
}

/** tasks:add shows the new task at the end of its list (the signed-in `owner`'s) at once. */
export function addTaskLocally(
  store: OptimisticLocalStore,
  args: { list: string; text: string },
  owner: string,
): void {
  const tasks = store.getQuery(api.tasks.list, { list: args.list });
  const text = args.text.trim();
  if (tasks === undefined || text === "") return;
  nextPending += 1;
  const task: Task = {
    // The brand says "an id of tasks"; this one stands in for the id the server will assign.
    _id: `${PENDING_PREFIX}${nextPending}` as Task["_id"],
    _creationTime: Date.now(),
    _version: 0,
    owner,
    list: args.list,
    text,
    done: false,
  };
  store.setQuery(api.tasks.list, { list: args.list }, [...tasks, task]);
}

/** Applies `change` to every shown list (the page does not know which list holds the task). */
function editLists(store: OptimisticLocalStore, change: (tasks: Task[]) => Task[]): void {
  for (const { args, value } of store.getAllQueries(api.tasks.list)) {
    if (value !== undefined) store.setQuery(api.tasks.list, args, change(value));
  }
}

export function toggleTaskLocally(store: OptimisticLocalStore, args: { id: Task["_id"] }): void {
  editLists(store, (tasks) =>
    tasks.map((task) => (task._id === args.id ? { ...task, done: !task.done } : task)),
  );
}

export function removeTaskLocally(store: OptimisticLocalStore, args: { id: Task["_id"] }): void {
  editLists(store, (tasks) => tasks.filter((task) => task._id !== args.id));
}
