import { useState } from "react";
import { ErrorBoundary } from "../ui/ErrorBoundary";
import { AddTaskForm } from "./AddTaskForm";
import { ListPicker } from "./ListPicker";
import { TaskList } from "./TaskList";
import { useTaskMutations } from "./use-task-mutations";

export function TasksPanel() {
  const [list, setList] = useState("inbox");
  const { add, toggle, remove } = useTaskMutations();
  return (
    <>
      <ListPicker list={list} onPick={setList} />
      <AddTaskForm list={list} add={add} />
      {/* Keyed by list, so a failed list's error clears when another list is picked. */}
      <ErrorBoundary key={list} what={`the list “${list}”`}>
        <TaskList list={list} toggle={toggle} remove={remove} />
      </ErrorBoundary>
    </>
  );
}
