/*
 * Content-addressed blob store: raw messages and attachments live in
 * ROOT/ab/abcdef… named by the SHA-256 of their bytes, so identical content
 * is stored once. Blobs are written without fsync; the writer calls
 * blob_sync() once per batch before the database commit that refers to
 * them (one syncfs instead of an fsync per file).
 */
#ifndef MADO_STORE_BLOB_H
#define MADO_STORE_BLOB_H

#include <stddef.h>

#include "util/status.h"

/* Hex SHA-256 (65 bytes with NUL) of data. */
void blob_sha256_hex(const void *data, size_t len, char hex[65]);

/* Path of a blob into out. */
void blob_path(const char *root, const char *sha_hex, char *out, size_t outsz);

/* Store data under its hash (given); no-op when the blob exists. */
mado_status blob_put(const char *root, const char *sha_hex, const void *data, size_t len,
                     struct mado_err *err);

/* Store an existing file (e.g. a spool file) under its hash by hard link,
 * falling back to a copy of data when linking is impossible. */
mado_status blob_put_link(const char *root, const char *sha_hex, const char *src_path,
                          const void *data, size_t len, struct mado_err *err);

/* Make every blob written so far durable (syncfs of the store's filesystem). */
mado_status blob_sync(const char *root, struct mado_err *err);

#endif
