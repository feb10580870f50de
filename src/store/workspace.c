/*
 * Workspace layout, creation and the writer lock. The lock is an flock on
 * DIR/writer.lock: it is released by the kernel when its holder dies, so a
 * kill -9 never leaves the spool without a drainer.
 */
#include "store/workspace.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mail/spool.h"
#include "store/store.h"
#include "util/fsio.h"
#include "util/clock.h"

const char *workspace_default_dir(const char *explicit_dir)
{
	if (explicit_dir && *explicit_dir)
		return explicit_dir;
	const char *h = getenv("MADO_HOME");
	return h && *h ? h : "./var";
}

static void set_paths(struct workspace *ws, const char *dir)
{
	snprintf(ws->dir, sizeof ws->dir, "%s", dir);
	snprintf(ws->conf_path, WS_PATH, "%s/mado.conf", dir);
	snprintf(ws->db_path, WS_PATH, "%s/mado.db", dir);
	snprintf(ws->key_path, WS_PATH, "%s/secret.key", dir);
	snprintf(ws->spool_dir, WS_PATH, "%s/spool", dir);
	snprintf(ws->blob_dir, WS_PATH, "%s/blobs", dir);
	snprintf(ws->lock_path, WS_PATH, "%s/writer.lock", dir);
	ws->lock_fd = -1;
}

static const char conf_header[] =
	"# Mado workspace settings. Every setting, its default and meaning:\n"
	"#   mado config --defaults\n"
	"# Uncomment and change what you need, e.g.\n"
	"# mailbox.addresses = support@example.com\n";

mado_status workspace_create(const char *dir, bool *created, struct mado_err *err)
{
	struct workspace ws;
	set_paths(&ws, dir);
	*created = false;
	mado_status st;
	if ((st = fsio_mkdir_p(dir, 0750, err)) || (st = spool_init(ws.spool_dir, err)) ||
	    (st = fsio_mkdir_p(ws.blob_dir, 0750, err)))
		return st;
	if (sodium_init() < 0)
		return mado_fail(err, MADO_EINVAL, "libsodium failed to initialise");
	if (access(ws.key_path, F_OK) != 0) {
		unsigned char key[THREAD_KEY_BYTES];
		randombytes_buf(key, sizeof key);
		char tmp[WS_PATH + 8];
		snprintf(tmp, sizeof tmp, "%s.tmp", ws.key_path);
		unlink(tmp);
		int old = umask(077);
		st = fsio_write_atomic(tmp, ws.key_path, key, sizeof key, true, err);
		umask((mode_t)old);
		sodium_memzero(key, sizeof key);
		if (st)
			return st;
	}
	if (access(ws.conf_path, F_OK) != 0) {
		char tmp[WS_PATH + 8];
		snprintf(tmp, sizeof tmp, "%s.tmp", ws.conf_path);
		unlink(tmp);
		if ((st = fsio_write_atomic(tmp, ws.conf_path, conf_header, sizeof conf_header - 1, true, err)))
			return st;
	}
	bool had_db = access(ws.db_path, F_OK) == 0;
	struct store *s;
	if ((st = store_open(ws.db_path, 10000, &s, err)))
		return st;
	store_close(s);
	*created = !had_db;
	return MADO_OK;
}

mado_status workspace_open(const char *dir, struct workspace *ws, struct mado_err *err)
{
	set_paths(ws, dir);
	struct stat sb;
	if (stat(ws->db_path, &sb) != 0 || stat(ws->key_path, &sb) != 0)
		return mado_fail(err, MADO_ENOTFOUND,
		                 "no workspace in %s: run `mado init %s` first (or set MADO_HOME)", dir, dir);
	if (sodium_init() < 0)
		return mado_fail(err, MADO_EINVAL, "libsodium failed to initialise");
	config_defaults(&ws->cfg);
	mado_status st = config_load(&ws->cfg, ws->conf_path, err);
	if (!st && strcmp(ws->cfg.clock_override, "off"))
		st = clock_set_string(ws->cfg.clock_override, err);
	if (st)
		return st;
	int fd = open(ws->key_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, fsio_status(errno), "open %s: %s", ws->key_path, strerror(errno));
	ssize_t n = read(fd, ws->key, sizeof ws->key);
	close(fd);
	if (n != (ssize_t)sizeof ws->key)
		return mado_fail(err, MADO_EINVAL, "%s: expected %zu bytes", ws->key_path, sizeof ws->key);
	return MADO_OK;
}

void workspace_close(struct workspace *ws)
{
	workspace_unlock_writer(ws);
	sodium_memzero(ws->key, sizeof ws->key);
}

mado_status workspace_lock_writer(struct workspace *ws, int timeout_ms, bool *got,
                                  struct mado_err *err)
{
	*got = false;
	if (ws->lock_fd < 0) {
		ws->lock_fd = open(ws->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
		if (ws->lock_fd < 0)
			return mado_fail(err, fsio_status(errno), "open %s: %s", ws->lock_path, strerror(errno));
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(ws->lock_fd, LOCK_EX | LOCK_NB) == 0) {
			*got = true;
			return MADO_OK;
		}
		if (errno != EWOULDBLOCK && errno != EINTR)
			return mado_fail(err, fsio_status(errno), "lock %s: %s", ws->lock_path, strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= timeout_ms)
			return MADO_OK;
		struct timespec d = { 0, 5 * 1000 * 1000 };
		nanosleep(&d, NULL);
	}
}

void workspace_unlock_writer(struct workspace *ws)
{
	if (ws->lock_fd >= 0) {
		flock(ws->lock_fd, LOCK_UN);
		close(ws->lock_fd);
		ws->lock_fd = -1;
	}
}
