/*
 * A workspace is one directory holding everything of one Mado instance:
 *
 *   DIR/mado.conf     settings (see `mado config --defaults`)
 *   DIR/mado.db       SQLite database (WAL)
 *   DIR/secret.key    32 random bytes: HMAC key of signed reply addresses
 *   DIR/spool/        intake spool (tmp/, new/, quarantine/)
 *   DIR/blobs/        raw messages and attachments by SHA-256
 *   DIR/writer.lock   held by whoever drains the spool into the database
 *
 * struct workspace owns the paths, the loaded config and the key.
 */
#ifndef MADO_STORE_WORKSPACE_H
#define MADO_STORE_WORKSPACE_H

#include <stdbool.h>

#include "mail/thread.h"
#include "util/config.h"
#include "util/status.h"

#define WS_PATH 4096

struct workspace {
	char dir[WS_PATH];
	char conf_path[WS_PATH];
	char db_path[WS_PATH];
	char key_path[WS_PATH];
	char spool_dir[WS_PATH];
	char blob_dir[WS_PATH];
	char lock_path[WS_PATH];
	struct mado_config cfg;
	unsigned char key[THREAD_KEY_BYTES];
	int lock_fd;
};

/* The workspace directory to use: explicit, else $MADO_HOME, else ./var. */
const char *workspace_default_dir(const char *explicit_dir);

/* Create a workspace (idempotent: existing files are kept). *created is
 * true when the database did not exist before. */
mado_status workspace_create(const char *dir, bool *created, struct mado_err *err);

/* Open an existing workspace: paths, config and key. */
mado_status workspace_open(const char *dir, struct workspace *ws, struct mado_err *err);
void workspace_close(struct workspace *ws);

/* Take the writer lock, waiting at most timeout_ms (0 = try once).
 * *got says whether we hold it. */
mado_status workspace_lock_writer(struct workspace *ws, int timeout_ms, bool *got,
                                  struct mado_err *err);
void workspace_unlock_writer(struct workspace *ws);

#endif
