/**
 * Orders tables so each comes after the tables it references (parents before children), keeping
 * the given order where references allow. A cycle (a table referencing itself counts) is returned
 * instead, as the path that closes it: ["a", "b", "a"].
 */
export function loadOrder(
  tables: readonly string[],
  parentsOf: (table: string) => readonly string[],
): { order: string[] } | { cycle: string[] } {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (table: string): string[] | undefined => {
    const seen = state.get(table);
    if (seen === "done") return undefined;
    if (seen === "visiting") return [...path.slice(path.indexOf(table)), table];
    state.set(table, "visiting");
    path.push(table);
    for (const parent of parentsOf(table)) {
      if (!tables.includes(parent)) continue;
      const cycle = visit(parent);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(table, "done");
    order.push(table);
    return undefined;
  };
  for (const table of tables) {
    const cycle = visit(table);
    if (cycle) return { cycle };
  }
  return { order };
}
