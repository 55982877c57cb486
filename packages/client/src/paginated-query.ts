import type {
  FunctionArgs,
  FunctionReturn,
  PaginationOptions,
  PaginationResult,
  QueryReference,
} from "@orrery/protocol";
import { queryTokenOf } from "./canonical-json";
import { OrreryClientError } from "./client-error";
import type { OrreryClient } from "./orrery-client";

/** A query whose handler ends in `.paginate(args.paginationOpts)`. */
export type PaginatedQueryReference = QueryReference<
  { paginationOpts: PaginationOptions },
  PaginationResult<unknown>
>;

/** The arguments of a paginated query, less the `paginationOpts` the client fills in. */
export type PaginatedQueryArgs<Q extends PaginatedQueryReference> = Omit<FunctionArgs<Q>, "paginationOpts">;

export type PaginatedQueryItem<Q extends PaginatedQueryReference> = FunctionReturn<Q>["page"][number];

export type PaginationStatus = "LoadingFirstPage" | "CanLoadMore" | "LoadingMore" | "Exhausted";

export interface PaginatedQuerySnapshot<Item> {
  readonly results: Item[];
  readonly status: PaginationStatus;
  /** Asks for `numItems` more; returns false (and does nothing) unless status is CanLoadMore. */
  readonly loadMore: (numItems: number) => boolean;
  /** A page query failed: `usePaginatedQuery` throws this to the error boundary. */
  readonly error: OrreryClientError | undefined;
}

interface Page {
  readonly cursor: string | null;
  readonly numItems: number;
  /**
   * Set when the next page is added: this page then ends where the next one starts, so the
   * pages stay adjacent however the data changes, with no gap and no duplicate.
   */
  endCursor: string | undefined;
}

type PageResult = PaginationResult<unknown>;

/**
 * A live, growing list made of page queries. Each page is its own subscription with args
 * `{ ...args, paginationOpts: { cursor, numItems, endCursor? } }`. When a page gets pinned
 * (an `endCursor`), its args change, so it is subscribed anew; the unpinned subscription keeps
 * showing until the pinned one has a result, so the list never blinks.
 *
 * Framework-free: `subscribe` / `snapshot` are shaped for `useSyncExternalStore`. Page
 * subscriptions exist only while someone is subscribed, so making one is free of effects.
 */
export class PaginatedQuery<Q extends PaginatedQueryReference> {
  private readonly pages: Page[];
  private readonly watches = new Map<string, () => void>();
  private readonly listeners = new Set<() => void>();
  private current: PaginatedQuerySnapshot<PaginatedQueryItem<Q>>;

  constructor(
    private readonly client: OrreryClient,
    private readonly query: Q,
    private readonly args: PaginatedQueryArgs<Q>,
    initialNumItems: number,
  ) {
    this.pages = [{ cursor: null, numItems: initialNumItems, endCursor: undefined }];
    this.current = this.build();
  }

  subscribe(listener: () => void): () => void {
    const own = () => listener();
    this.listeners.add(own);
    this.sync();
    return () => {
      this.listeners.delete(own);
      if (this.listeners.size === 0) this.sync();
    };
  }

  snapshot(): PaginatedQuerySnapshot<PaginatedQueryItem<Q>> {
    return this.current;
  }

  loadMore(numItems: number): boolean {
    if (this.current.status !== "CanLoadMore" || this.current.error) return false;
    const last = this.pages[this.pages.length - 1]!;
    const result = this.pageResult(last);
    if (!result || result.isDone) return false;
    last.endCursor = result.continueCursor;
    this.pages.push({ cursor: result.continueCursor, numItems, endCursor: undefined });
    this.sync();
    this.changed();
    return true;
  }

  private pageArgs(page: Page, pinned: boolean): FunctionArgs<Q> {
    const paginationOpts: PaginationOptions =
      pinned && page.endCursor !== undefined
        ? { cursor: page.cursor, numItems: page.numItems, endCursor: page.endCursor }
        : { cursor: page.cursor, numItems: page.numItems };
    // `args` is FunctionArgs<Q> without paginationOpts; adding it back gives FunctionArgs<Q>.
    return { ...this.args, paginationOpts } as FunctionArgs<Q>;
  }

  private resultFor(args: FunctionArgs<Q>): PageResult | undefined {
    const result = this.client.queryResult(this.query, args);
    if (result?.status === "error") throw result.error;
    return result?.value;
  }

  /** The pinned page's result once it has one; until then the unpinned page's. */
  private pageResult(page: Page): PageResult | undefined {
    return this.resultFor(this.pageArgs(page, true)) ?? this.resultFor(this.pageArgs(page, false));
  }

  /** Subscribes what is needed now and unsubscribes what is not. */
  private sync(): void {
    const wanted = new Map<string, FunctionArgs<Q>>();
    if (this.listeners.size > 0) {
      for (const page of this.pages) {
        const pinned = this.pageArgs(page, true);
        wanted.set(queryTokenOf(this.query.name, pinned), pinned);
        if (page.endCursor !== undefined && this.client.queryResult(this.query, pinned) === undefined) {
          const unpinned = this.pageArgs(page, false);
          wanted.set(queryTokenOf(this.query.name, unpinned), unpinned);
        }
      }
    }
    for (const [token, unwatch] of this.watches) {
      if (!wanted.has(token)) {
        this.watches.delete(token);
        unwatch();
      }
    }
    for (const [token, args] of wanted) {
      if (!this.watches.has(token))
        this.watches.set(token, this.client.watchQuery(this.query, args, this.onPage));
    }
  }

  private readonly onPage = () => {
    this.sync();
    this.changed();
  };

  private changed(): void {
    this.current = this.build();
    for (const listener of [...this.listeners]) listener();
  }

  private build(): PaginatedQuerySnapshot<PaginatedQueryItem<Q>> {
    const results: PaginatedQueryItem<Q>[] = [];
    let status: PaginationStatus = "CanLoadMore";
    let error: OrreryClientError | undefined;
    try {
      for (const [index, page] of this.pages.entries()) {
        const result = this.pageResult(page);
        if (!result) {
          status = index === 0 ? "LoadingFirstPage" : "LoadingMore";
          break;
        }
        // Each page's items are the query's items: the reference types them.
        results.push(...(result.page as PaginatedQueryItem<Q>[]));
        if (index === this.pages.length - 1 && result.isDone) status = "Exhausted";
      }
    } catch (thrown) {
      if (!(thrown instanceof OrreryClientError)) throw thrown;
      error = thrown;
    }
    const loadMore = (numItems: number) => this.loadMore(numItems);
    return { results, status, loadMore, error };
  }
}
