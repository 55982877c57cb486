/**
 * A SQLite database file with its write-ahead log applied, in memory: what SQLite itself would
 * read. sql.js opens a database from bytes and cannot read a `-wal` file, and wrangler leaves a
 * local D1 database's recent writes there (workerd does not checkpoint on exit), so without this
 * `orrery etl .wrangler/state/v3/d1` would miss them. Neither file is written.
 *
 * The log's format (https://sqlite.org/fileformat2.html#the_write_ahead_log): a 32-byte header
 * (magic, version, page size, checkpoint sequence, two salts, a checksum), then frames of a
 * 24-byte header (page number, database size in pages after a commit or 0, the salts, a
 * cumulative checksum) and one page. A frame counts when its salts match the header's and its
 * checksum chain holds; only frames up to the last commit frame apply (the rest belong to a
 * transaction that never committed, or a torn write), each over the page it names.
 */

const HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE_ENDIAN = 0x377f0682;
const MAGIC_BIG_ENDIAN = 0x377f0683;

/** What was in the log. */
export interface WalReplay {
  readonly database: Uint8Array;
  /** Frames applied (those of committed transactions). */
  readonly frames: number;
}

/** SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `[s0, s1]`. */
function checksum(data: DataView, start: number, end: number, bigEndian: boolean, seed: [number, number]) {
  let [s0, s1] = seed;
  for (let at = start; at < end; at += 8) {
    s0 = (s0 + data.getUint32(at, !bigEndian) + s1) >>> 0;
    s1 = (s1 + data.getUint32(at + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1] as [number, number];
}

/**
 * The database as of the log's last commit. A log that is empty, or whose header is not valid
 * (a log SQLite reset or never wrote), leaves the database as it is, as SQLite would.
 */
export function replayWal(database: Uint8Array, wal: Uint8Array): WalReplay {
  const alone = { database: asRollbackJournal(database), frames: 0 };
  if (wal.byteLength < HEADER_BYTES) return alone;
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = view.getUint32(0);
  if (magic !== MAGIC_LITTLE_ENDIAN && magic !== MAGIC_BIG_ENDIAN) return alone;
  const bigEndian = magic === MAGIC_BIG_ENDIAN;
  const pageSize = view.getUint32(8) === 1 ? 65536 : view.getUint32(8);
  const salts = [view.getUint32(16), view.getUint32(20)];
  let sum = checksum(view, 0, 24, bigEndian, [0, 0]);
  if (sum[0] !== view.getUint32(24) || sum[1] !== view.getUint32(28)) return alone;

  // Walk the frames while they are valid; remember each page's latest image as of a commit.
  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  const pending = new Map<number, number>();
  const committed = new Map<number, number>();
  let pages = 0;
  let frames = 0;
  let seen = 0;
  for (let at = HEADER_BYTES; at + frameBytes <= wal.byteLength; at += frameBytes) {
    if (view.getUint32(at + 8) !== salts[0] || view.getUint32(at + 12) !== salts[1]) break;
    sum = checksum(view, at, at + 8, bigEndian, sum);
    sum = checksum(view, at + FRAME_HEADER_BYTES, at + frameBytes, bigEndian, sum);
    if (sum[0] !== view.getUint32(at + 16) || sum[1] !== view.getUint32(at + 20)) break;
    seen++;
    pending.set(view.getUint32(at), at + FRAME_HEADER_BYTES);
    const sizeAfterCommit = view.getUint32(at + 4);
    if (sizeAfterCommit !== 0) {
      for (const [page, offset] of pending) committed.set(page, offset);
      pending.clear();
      pages = sizeAfterCommit;
      frames = seen;
    }
  }
  if (frames === 0) return alone;

  const image = new Uint8Array(pages * pageSize);
  image.set(database.subarray(0, Math.min(database.byteLength, image.byteLength)));
  for (const [page, offset] of committed)
    if (page <= pages) image.set(wal.subarray(offset, offset + pageSize), (page - 1) * pageSize);
  // The image is ours to change: see asRollbackJournal.
  image[18] = 1;
  image[19] = 1;
  return { database: image, frames };
}

/**
 * Bytes 18 and 19 of a database in WAL mode say so (2): opened from memory, alone, it is a
 * rollback-journal database (1), or SQLite would look for a log beside it.
 */
function asRollbackJournal(database: Uint8Array): Uint8Array {
  if (database.byteLength < 20 || (database[18] !== 2 && database[19] !== 2)) return database;
  const copy = database.slice();
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}
