/** One table's progress while it loads. */
export interface TableProgress {
  /** `rows` more were written (one chunk). */
  advance(rows: number): void;
  /** The table is done; returns its rows per second. */
  done(): number;
}

export type StartProgress = (table: string, total: number) => TableProgress;

const BAR = 24;
const REDRAW_MS = 100;

const thousands = (n: number) => Math.round(n).toLocaleString("en-US");

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, "0")}s`;
}

/** What a table's progress says at one moment: rows, rows per second, ETA. */
export function progressFigures(done: number, total: number, elapsedMs: number) {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return { rate, eta, percent: total > 0 ? Math.floor((done * 100) / total) : 100 };
}

/** A line per chunk, for logs and pipes: `posts: 12000/300000 rows (4%), 25,310 rows/s, ETA 12s`. */
export function lineProgress(out: (line: string) => void, now: () => number = Date.now): StartProgress {
  return (table, total) => {
    const start = now();
    let done = 0;
    return {
      advance(rows) {
        done += rows;
        const { rate, eta, percent } = progressFigures(done, total, now() - start);
        out(`${table}: ${done}/${total} rows (${percent}%), ${thousands(rate)} rows/s, ETA ${duration(eta)}`);
      },
      done: () => progressFigures(done, total, now() - start).rate,
    };
  };
}

/** The bar a terminal shows, redrawn in place: `posts  [██████░░░░] 120,000/300,000  25,310 rows/s  ETA 7s`. */
export function renderBar(table: string, done: number, total: number, elapsedMs: number): string {
  const { rate, eta, percent } = progressFigures(done, total, elapsedMs);
  const filled = total > 0 ? Math.min(BAR, Math.floor((done * BAR) / total)) : BAR;
  const bar = "█".repeat(filled) + "░".repeat(BAR - filled);
  const tail = done >= total ? `done in ${duration(elapsedMs / 1000)}` : `ETA ${duration(eta)}`;
  return `${table}  [${bar}] ${percent}% ${thousands(done)}/${thousands(total)}  ${thousands(rate)} rows/s  ${tail}`;
}

/** A bar per table on a terminal (`write` takes raw text: no newline is added). */
export function barProgress(write: (text: string) => void, now: () => number = Date.now): StartProgress {
  return (table, total) => {
    const start = now();
    let done = 0;
    let drawn = 0;
    const draw = () => write(`\r\x1b[2K${renderBar(table, done, total, now() - start)}`);
    draw();
    return {
      advance(rows) {
        done += rows;
        if (now() - drawn >= REDRAW_MS) {
          drawn = now();
          draw();
        }
      },
      done() {
        draw();
        write("\n");
        return progressFigures(done, total, now() - start).rate;
      },
    };
  };
}
