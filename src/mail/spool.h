/*
 * The intake spool: a maildir-like directory where `mado ingest` puts each
 * message durably (tmp/ → fsync → rename into new/ → fsync new/) before it
 * reports success to the MTA. The writer drains new/ into the database and
 * then removes each file; a crash between commit and removal is harmless
 * because processing is idempotent. Names are unique per delivery.
 */
#ifndef MADO_MAIL_SPOOL_H
#define MADO_MAIL_SPOOL_H

#include <stddef.h>

#include "util/status.h"

/* Create dir/tmp, dir/new and dir/quarantine. */
mado_status spool_init(const char *dir, struct mado_err *err);

/* Store data durably; on success name (>= 64 bytes) holds the file name. */
mado_status spool_put(const char *dir, const void *data, size_t len, char *name, size_t namesz,
                      struct mado_err *err);

/* Names in dir/new, oldest first (names sort by time). The caller frees
 * the array and each name with spool_names_free(). */
mado_status spool_list(const char *dir, size_t max, char ***names, size_t *n, struct mado_err *err);
void spool_names_free(char **names, size_t n);

/* Full path of a spooled message into out. */
void spool_path(const char *dir, const char *name, char *out, size_t outsz);

/* Remove a processed message. */
mado_status spool_remove(const char *dir, const char *name, struct mado_err *err);

/* Move a message that can never be processed to dir/quarantine. */
mado_status spool_quarantine(const char *dir, const char *name, struct mado_err *err);

/* Remove files left in dir/tmp by crashed writers (older than max_age s). */
void spool_clean_tmp(const char *dir, long max_age);

#endif
