import { type IntervalHandle, IntervalTree } from "./interval-tree";
import { lowerPoint, upperPoint } from "./key-range";
import type { ReadSet, WriteSet } from "./read-write-sets";

const treeKey = (table: string, index: string) => `${table}\u0000${index}`;

/**
 * Maps commits to the subscriptions they touch. Each (table, index) has an interval tree of
 * the ranges subscriptions read; a commit stabs the trees with every key it wrote (before and
 * after), so the cost follows the commit's size and the matches, not the number of subscriptions.
 */
export class SubscriptionIndex<S> {
  private readonly trees = new Map<string, IntervalTree<S>>();
  private readonly entries = new Map<S, { tree: IntervalTree<S>; handle: IntervalHandle }[]>();

  get size(): number {
    return this.entries.size;
  }

  has(subscription: S): boolean {
    return this.entries.has(subscription);
  }

  /** Sets (or replaces) the read set a subscription depends on. */
  set(subscription: S, readSet: ReadSet): void {
    this.delete(subscription);
    const handles = readSet.map((read) => {
      const key = treeKey(read.table, read.index);
      let tree = this.trees.get(key);
      if (!tree) {
        tree = new IntervalTree<S>();
        this.trees.set(key, tree);
      }
      return {
        tree,
        handle: tree.insert(lowerPoint(read.range.lower), upperPoint(read.range.upper), subscription),
      };
    });
    this.entries.set(subscription, handles);
  }

  delete(subscription: S): void {
    for (const { tree, handle } of this.entries.get(subscription) ?? []) tree.delete(handle);
    this.entries.delete(subscription);
  }

  /** The subscriptions whose read sets contain a key the commit wrote. */
  affectedBy(writes: WriteSet): Set<S> {
    const touched = new Set<S>();
    const add = (subscription: S) => touched.add(subscription);
    for (const write of writes) {
      for (const change of write.keys) {
        const tree = this.trees.get(treeKey(write.table, change.index));
        if (!tree) continue;
        if (change.before) tree.stab(change.before, add);
        if (change.after) tree.stab(change.after, add);
      }
    }
    return touched;
  }
}
