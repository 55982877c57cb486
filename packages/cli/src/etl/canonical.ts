import { createHash } from "node:crypto";
import { type Codec, encodeJson } from "@orrery/schema";

/**
 * The form both sides of a verify reduce a row to: a JSON array of `_id`, `_creationTime` and
 * the fields etl writes, in the schema's order, an absent field as `null`, an int64 as its
 * decimal string, bytes as base64, a JSON field as its `@orrery/schema` encoding (sorted keys,
 * tagged bigints and bytes). Each position has one type, so no two different rows share a
 * form. `_version` is left out: a re-run that updates a row raises it, and the row is still
 * the source's.
 */
export class CanonicalForm {
  /** The names of the positions: `_id`, `_creationTime`, then the fields. */
  readonly names: readonly string[];
  private readonly fields: readonly { readonly name: string; readonly codec: Codec }[];

  constructor(fields: readonly { readonly field: string; readonly codec: Codec }[]) {
    this.fields = fields.map((f) => ({ name: f.field, codec: f.codec }));
    this.names = ["_id", "_creationTime", ...this.fields.map((f) => f.name)];
  }

  line(doc: Readonly<Record<string, unknown>>): string {
    const values: unknown[] = [doc._id, doc._creationTime];
    for (const { name, codec } of this.fields) {
      const value = doc[name];
      if (value === undefined) values.push(null);
      else if (codec === "json") values.push(encodeJson(value));
      else if (codec === "int64") values.push(String(value));
      else if (codec === "bytes") values.push(Buffer.from(value as ArrayBuffer).toString("base64"));
      else values.push(value);
    }
    return JSON.stringify(values);
  }
}

const LANES = 8;

/**
 * A checksum of a set of rows that does not depend on their order: the SHA-256 of each
 * canonical row, added up lane by lane (eight 32-bit lanes, each modulo 2^32). The source is
 * read in its own order and the target in `_id` order, and each side is streamed once.
 */
export class RowsChecksum {
  private readonly lanes = new Uint32Array(LANES);
  count = 0;

  add(line: string): void {
    const digest = createHash("sha256").update(line).digest();
    for (let i = 0; i < LANES; i++) this.lanes[i] = (this.lanes[i]! + digest.readUInt32BE(i * 4)) >>> 0;
    this.count++;
  }

  /** 64 hex digits. */
  digest(): string {
    return Array.from(this.lanes, (lane) => lane.toString(16).padStart(8, "0")).join("");
  }
}
