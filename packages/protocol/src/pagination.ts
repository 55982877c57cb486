/**
 * What a paginated query takes and returns (`ctx.db.query(...).paginate(args.paginationOpts)`):
 * a client builds the first and reads the second, so both live here, without the engine.
 */
export interface PaginationOptions {
  /** null for the first page; then the previous page's `continueCursor`. */
  readonly cursor: string | null;
  readonly numItems: number;
  /**
   * Where the page ends, for re-running a page that was already loaded: the page then holds
   * every document up to and including that cursor, however many there are now.
   */
  readonly endCursor?: string | null;
}

export interface PaginationResult<T> {
  readonly page: T[];
  readonly isDone: boolean;
  readonly continueCursor: string;
}
