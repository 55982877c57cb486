import { InlineError } from "../ui/InlineError";
import { useFailure } from "../use-failure";
import { isPending, type Task } from "./optimistic";
import type { useTaskMutations } from "./use-task-mutations";

type Mutations = ReturnType<typeof useTaskMutations>;

export function TaskItem({ task, toggle, remove }: { task: Task } & Pick<Mutations, "toggle" | "remove">) {
  const { error, run, dismiss } = useFailure();
  // A task added optimistically has no server id yet: nothing to toggle or remove.
  const pending = isPending(task);
  return (
    <li className={`task${task.done ? " done" : ""}${pending ? " pending" : ""}`}>
      <label>
        <input
          type="checkbox"
          checked={task.done}
          disabled={pending}
          onChange={() => void run(toggle({ id: task._id }))}
        />
        <span>{task.text}</span>
      </label>
      {pending && <span className="badge">saving…</span>}
      <button
        type="button"
        className="icon"
        aria-label={`Remove ${task.text}`}
        disabled={pending}
        onClick={() => void run(remove({ id: task._id }))}
      >
        ×
      </button>
      <InlineError message={error} onDismiss={dismiss} />
    </li>
  );
}
