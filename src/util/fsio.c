/*
 * Durable writes in the Postfix/maildir manner, plus the fault-injection
 * switch the tests use to prove that every failure path reports a
 * temporary error and leaves nothing partial behind.
 */
#include "util/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

mado_status fsio_status(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
	case EIO:
	case EAGAIN:
	case EINTR:
	case EBUSY:
	case EMFILE:
	case ENFILE:
	case ENOMEM:
		return MADO_ETEMP;
	default:
		return MADO_EIO;
	}
}

/* MADO_FAULT=kind:N — the Nth call of that kind fails. */
static int fault_hit(const char *kind)
{
	static int counts[2];
	const char *f = getenv("MADO_FAULT");
	if (!f)
		return 0;
	size_t kl = strlen(kind);
	if (strncmp(f, kind, kl) != 0 || f[kl] != ':')
		return 0;
	int idx = kind[0] == 'f' ? 0 : 1;
	long n = strtol(f + kl + 1, NULL, 10);
	return ++counts[idx] == n;
}

void fsio_crash_point(const char *step)
{
	const char *f = getenv("MADO_FAULT");
	if (f && strncmp(f, "crash:", 6) == 0 && strcmp(f + 6, step) == 0)
		raise(SIGKILL);
}

static int do_fsync(int fd)
{
	if (fault_hit("fsync")) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static ssize_t do_write(int fd, const void *p, size_t n)
{
	if (fault_hit("write")) {
		errno = ENOSPC;
		return -1;
	}
	return write(fd, p, n);
}

mado_status fsio_mkdir_p(const char *path, int mode, struct mado_err *err)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n >= sizeof tmp)
		return mado_fail(err, MADO_EINVAL, "path too long: %s", path);
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char c = tmp[i];
			tmp[i] = '\0';
			if (mkdir(tmp, (mode_t)mode) != 0 && errno != EEXIST)
				return mado_fail(err, fsio_status(errno), "mkdir %s: %s", tmp, strerror(errno));
			tmp[i] = c;
		}
	}
	return MADO_OK;
}

mado_status fsio_fsync_dir(const char *dir, struct mado_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, fsio_status(errno), "open %s: %s", dir, strerror(errno));
	int rc = do_fsync(fd);
	int e = errno;
	close(fd);
	if (rc != 0)
		return mado_fail(err, MADO_ETEMP, "fsync %s: %s", dir, strerror(e));
	return MADO_OK;
}

static void dirname_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;
	if (!slash)
		path = ".";
	if (n == 0)
		n = 1;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, path, n);
	out[n] = '\0';
}

mado_status fsio_write_atomic(const char *tmp_path, const char *final_path,
                              const void *data, size_t len, bool sync,
                              struct mado_err *err)
{
	int fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return mado_fail(err, fsio_status(errno), "create %s: %s", tmp_path, strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = do_write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			unlink(tmp_path);
			return mado_fail(err, fsio_status(e), "write %s: %s", tmp_path, strerror(e));
		}
		p += w;
		left -= (size_t)w;
	}
	if (sync && do_fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp_path);
		/* A failed fsync fails this message; never retried into success. */
		return mado_fail(err, MADO_ETEMP, "fsync %s: %s", tmp_path, strerror(e));
	}
	if (close(fd) != 0) {
		int e = errno;
		unlink(tmp_path);
		return mado_fail(err, fsio_status(e), "close %s: %s", tmp_path, strerror(e));
	}
	if (rename(tmp_path, final_path) != 0) {
		int e = errno;
		unlink(tmp_path);
		return mado_fail(err, fsio_status(e), "rename %s: %s", final_path, strerror(e));
	}
	if (sync) {
		char dir[4096];
		dirname_of(final_path, dir, sizeof dir);
		mado_status st = fsio_fsync_dir(dir, err);
		if (st != MADO_OK) {
			unlink(final_path);
			return st;
		}
	}
	return MADO_OK;
}

mado_status fsio_read_fd(int fd, size_t max, struct buf *out, struct mado_err *err)
{
	char chunk[65536];
	bool over = false;
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return mado_fail(err, fsio_status(errno), "read: %s", strerror(errno));
		}
		if (r == 0)
			break;
		if (over)
			continue;
		if (out->len + (size_t)r > max) {
			over = true;
			continue;
		}
		mado_status st = buf_append(out, chunk, (size_t)r);
		if (st)
			return mado_fail(err, st, "read: %s", mado_status_name(st));
	}
	if (over)
		return mado_fail(err, MADO_ELIMIT, "input is over the limit of %zu bytes", max);
	return MADO_OK;
}

mado_status fsio_read_file(const char *path, size_t max, struct buf *out, struct mado_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, errno == ENOENT ? MADO_ENOTFOUND : fsio_status(errno), "open %s: %s",
		                 path, strerror(errno));
	mado_status st = fsio_read_fd(fd, max, out, err);
	close(fd);
	return st;
}
