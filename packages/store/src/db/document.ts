/** A decoded document as the store handles it internally: fields plus `_id`, `_creationTime`, `_version`. */
export type Doc = Record<string, unknown> & {
  readonly _id: string;
  readonly _creationTime: number;
  readonly _version: number;
};
