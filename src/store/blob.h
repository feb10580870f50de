/*
 * Content-addressed blob store: raw messages and attachments, named by
 * the SHA-256 of their bytes, so identical content is stored once.
 *
 * Blobs up to BLOB_ROW_MAX bytes are rows of the database (store_batch.h),
 * written in the caller's transaction: nothing to sync beyond the commit.
 * Larger ones are files ROOT/ab/abcdef…, written without fsync and
 * remembered in a struct blob_batch; the writer calls blob_batch_sync()
 * once per batch, before the database commit that refers to them: every
 * new file and every directory that got a new entry is fsynced then.
 * (syncfs would be one call, but it waits for every dirty page of the
 * filesystem, whoever wrote it.) Workspaces made before schema 11 hold
 * every blob as a file; blob_read() finds both.
 */
#ifndef MADO_STORE_BLOB_H
#define MADO_STORE_BLOB_H

#include <stddef.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/status.h"

/* Larger blobs are files (a big attachment would otherwise pass through
 * the WAL twice, and sit in one row). */
#define BLOB_ROW_MAX ((size_t)1 << 20)

struct blob_batch {
	char **files;   /* new blob files to fsync (owned) */
	size_t nfiles, capfiles;
	char **dirs;    /* directories that got new entries (owned) */
	size_t ndirs, capdirs;
};

void blob_batch_init(struct blob_batch *b);
void blob_batch_free(struct blob_batch *b);
/* fsync everything recorded, then forget it. */
mado_status blob_batch_sync(struct blob_batch *b, struct mado_err *err);

/* Hex SHA-256 (65 bytes with NUL) of data. */
void blob_sha256_hex(const void *data, size_t len, char hex[65]);

/* Path of a blob into out. */
void blob_path(const char *root, const char *sha_hex, char *out, size_t outsz);

/* Store data under its hash (given); no-op when the blob exists. */
mado_status blob_put(const char *root, const char *sha_hex, const void *data, size_t len,
                     struct blob_batch *batch, struct mado_err *err);

/* Store an existing durable file (a spool file) under its hash by hard
 * link — only the directory entry is new — falling back to a copy. */
mado_status blob_put_link(const char *root, const char *sha_hex, const char *src_path,
                          const void *data, size_t len, struct blob_batch *batch,
                          struct mado_err *err);

/*
 * Store data under its hash: a row of s (inside the caller's transaction)
 * up to BLOB_ROW_MAX bytes, else a file. src_path, when not NULL, is a
 * durable file with exactly these bytes (a spool file): a large blob is
 * hard-linked from it instead of copied.
 */
mado_status blob_save(struct store *s, const char *root, const char *sha_hex, const void *data,
                      size_t len, const char *src_path, struct blob_batch *batch,
                      struct mado_err *err);

/* Append the blob's bytes to out: from its row, else from its file.
 * MADO_ENOTFOUND when neither exists; over max bytes is MADO_ELIMIT.
 * The caller checks the hash if it needs to (a file can be damaged). */
mado_status blob_read(struct store *s, const char *root, const char *sha_hex, size_t max,
                      struct buf *out, struct mado_err *err);

#endif
