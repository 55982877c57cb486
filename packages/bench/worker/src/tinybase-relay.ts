import { createMergeableStore } from "tinybase";
import { createDurableObjectSqlStoragePersister } from "tinybase/persisters/persister-durable-object-sql-storage";
import { WsServerDurableObject } from "tinybase/synchronizers/synchronizer-ws-server-durable-object";

/**
 * TinyBase's Durable Object synchronizer as its guide sets it up: a relay between the clients'
 * MergeableStores, with the server's own copy persisted to the object's SQLite (fragmented
 * mode: a row per cell, the closest to a per-row commit).
 */
export class TinyBaseRelay extends WsServerDurableObject {
  override createPersister() {
    return createDurableObjectSqlStoragePersister(createMergeableStore(), this.ctx.storage.sql, {
      mode: "fragmented",
    });
  }
}
