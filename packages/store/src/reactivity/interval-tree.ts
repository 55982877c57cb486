import { compareKeyToPoint, comparePoints, type IndexKey, type KeyPoint } from "./key-range";

interface Node<T> {
  readonly low: KeyPoint;
  readonly high: KeyPoint;
  readonly seq: number;
  readonly value: T;
  readonly priority: number;
  maxHigh: KeyPoint;
  left: Node<T> | null;
  right: Node<T> | null;
}

/** Opaque handle returned by {@link IntervalTree.insert}, needed to delete that interval. */
export interface IntervalHandle {
  readonly low: KeyPoint;
  readonly seq: number;
}

const maxPoint = (a: KeyPoint, b: KeyPoint) => (comparePoints(a, b) >= 0 ? a : b);

/**
 * A treap ordered by each interval's low point and augmented with the highest high point of
 * its subtree, so a stabbing query visits only subtrees that can contain the key:
 * O(log n + matches) expected.
 */
export class IntervalTree<T> {
  private root: Node<T> | null = null;
  private nextSeq = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  insert(low: KeyPoint, high: KeyPoint, value: T): IntervalHandle {
    const node: Node<T> = {
      low,
      high,
      value,
      seq: this.nextSeq++,
      priority: Math.random(),
      maxHigh: high,
      left: null,
      right: null,
    };
    this.root = this.insertAt(this.root, node);
    this.count++;
    return { low, seq: node.seq };
  }

  delete(handle: IntervalHandle): void {
    const before = this.count;
    this.root = this.deleteAt(this.root, handle);
    if (this.count === before) throw new Error("interval handle not found in tree");
  }

  /** Every value whose interval contains `key`. */
  stab(key: IndexKey, into: (value: T) => void): void {
    this.stabAt(this.root, key, into);
  }

  private stabAt(node: Node<T> | null, key: IndexKey, into: (value: T) => void): void {
    if (!node || compareKeyToPoint(key, node.maxHigh) > 0) return;
    this.stabAt(node.left, key, into);
    const aboveLow = compareKeyToPoint(key, node.low) > 0;
    if (aboveLow && compareKeyToPoint(key, node.high) < 0) into(node.value);
    // Everything to the right starts at or after this low point.
    if (aboveLow) this.stabAt(node.right, key, into);
  }

  private compare(low: KeyPoint, seq: number, node: Node<T>): number {
    return comparePoints(low, node.low) || seq - node.seq;
  }

  private insertAt(node: Node<T> | null, inserted: Node<T>): Node<T> {
    if (!node) return inserted;
    if (this.compare(inserted.low, inserted.seq, node) < 0) {
      node.left = this.insertAt(node.left, inserted);
      if (node.left.priority > node.priority) return this.rotateRight(node);
    } else {
      node.right = this.insertAt(node.right, inserted);
      if (node.right.priority > node.priority) return this.rotateLeft(node);
    }
    return this.update(node);
  }

  private deleteAt(node: Node<T> | null, handle: IntervalHandle): Node<T> | null {
    if (!node) return null;
    const order = this.compare(handle.low, handle.seq, node);
    if (order < 0) node.left = this.deleteAt(node.left, handle);
    else if (order > 0) node.right = this.deleteAt(node.right, handle);
    else {
      this.count--;
      return this.merge(node.left, node.right);
    }
    return this.update(node);
  }

  private merge(left: Node<T> | null, right: Node<T> | null): Node<T> | null {
    if (!left) return right;
    if (!right) return left;
    if (left.priority > right.priority) {
      left.right = this.merge(left.right, right);
      return this.update(left);
    }
    right.left = this.merge(left, right.left);
    return this.update(right);
  }

  private rotateRight(node: Node<T>): Node<T> {
    const pivot = node.left as Node<T>;
    node.left = pivot.right;
    pivot.right = this.update(node);
    return this.update(pivot);
  }

  private rotateLeft(node: Node<T>): Node<T> {
    const pivot = node.right as Node<T>;
    node.right = pivot.left;
    pivot.left = this.update(node);
    return this.update(pivot);
  }

  private update(node: Node<T>): Node<T> {
    let high = node.high;
    if (node.left) high = maxPoint(high, node.left.maxHigh);
    if (node.right) high = maxPoint(high, node.right.maxHigh);
    node.maxHigh = high;
    return node;
  }
}
