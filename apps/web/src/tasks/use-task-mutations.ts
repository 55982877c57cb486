import { useAuth, useMutation } from "@orrery/client/react";
import { useMemo } from "react";
import { api } from "../api";
import { addTaskLocally, removeTaskLocally, toggleTaskLocally } from "./optimistic";

/** tasks:add/toggle/remove, each showing its effect before the server confirms it. */
export function useTaskMutations() {
  const auth = useAuth();
  const owner = auth.status === "authenticated" ? auth.subject : "";
  const add = useMutation(api.tasks.add);
  const toggle = useMutation(api.tasks.toggle);
  const remove = useMutation(api.tasks.remove);
  return useMemo(
    () => ({
      add: add.withOptimisticUpdate((store, args) => addTaskLocally(store, args, owner)),
      toggle: toggle.withOptimisticUpdate(toggleTaskLocally),
      remove: remove.withOptimisticUpdate(removeTaskLocally),
    }),
    [add, toggle, remove, owner],
  );
}
