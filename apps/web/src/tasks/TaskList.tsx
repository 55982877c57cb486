import { useQuery } from "@orrery/client/react";
import { api } from "../api";
import { TaskItem } from "./TaskItem";
import type { useTaskMutations } from "./use-task-mutations";

type Mutations = ReturnType<typeof useTaskMutations>;

/** The live tasks of one list. */
export function TaskList({ list, toggle, remove }: { list: string } & Pick<Mutations, "toggle" | "remove">) {
  const tasks = useQuery(api.tasks.list, { list });
  if (tasks === undefined) return <p className="muted">Loading…</p>;
  if (tasks.length === 0) return <p className="muted">No tasks in “{list}” yet.</p>;
  const left = tasks.filter((task) => !task.done).length;
  return (
    <>
      <ul className="tasks" aria-label={`Tasks in ${list}`}>
        {tasks.map((task) => (
          <TaskItem key={task._id} task={task} toggle={toggle} remove={remove} />
        ))}
      </ul>
      <p className="muted">
        {left} of {tasks.length} left
      </p>
    </>
  );
}
