import { type FormEvent, useState } from "react";
import { InlineError } from "../ui/InlineError";
import { useFailure } from "../use-failure";
import type { useTaskMutations } from "./use-task-mutations";

type Add = ReturnType<typeof useTaskMutations>["add"];

export function AddTaskForm({ list, add }: { list: string; add: Add }) {
  const [text, setText] = useState("");
  const { error, run, dismiss } = useFailure();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Not awaited: the optimistic update shows the task at once, and the field is free for
    // the next one; a failure rolls the task back and shows why below.
    void run(add({ list, text }));
    setText("");
  };
  return (
    <form onSubmit={submit}>
      <div className="row">
        <label htmlFor="new-task">New task</label>
        <input
          id="new-task"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="What needs doing?"
          autoComplete="off"
        />
        <button type="submit">Add</button>
      </div>
      <InlineError message={error} onDismiss={dismiss} />
    </form>
  );
}
