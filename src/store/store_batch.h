/*
 * What makes intake's batches cheap (src/store/sqlite/batch.c, schema
 * version 11): blob rows, content stored in the database by its SHA-256
 * (hex), used by the blob store (src/store/blob.c, which decides what goes
 * here and what goes to files: other callers use blob_save/blob_read);
 * and full-text indexing deferred to the end of a batch.
 */
#ifndef MADO_STORE_STORE_BATCH_H
#define MADO_STORE_STORE_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Store data under sha_hex inside the caller's transaction; a no-op when
 * that hash is stored already (same hash, same bytes). */
mado_status store_blob_put(struct store *s, const char *sha_hex, const void *data, size_t len,
                           struct mado_err *err);

/* Append the blob's bytes to out (the caller owns out). *found says
 * whether the database has it; more than max bytes is MADO_ELIMIT. */
mado_status store_blob_get(struct store *s, const char *sha_hex, size_t max, struct buf *out,
                           bool *found, struct mado_err *err);

/*
 * Inside a transaction, right after store_begin(): messages and tickets
 * inserted from now on are not indexed one by one (FTS5 would make a
 * segment of each, at every savepoint) but all at once by
 * store_fts_defer_end(), which must run before the commit. Only inserts
 * may happen in between (no update of a subject or body, no delete).
 * A rollback undoes both.
 */
mado_status store_fts_defer_begin(struct store *s, struct mado_err *err);
mado_status store_fts_defer_end(struct store *s, struct mado_err *err);

#endif
