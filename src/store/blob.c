/*
 * Blob store. A blob that exists is never rewritten: same name, same bytes.
 * Writes go through a unique temporary name and rename, so a crash never
 * leaves a partial blob under a real name; the batch's fsyncs make them
 * durable before the commit that refers to them.
 */
#include "store/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_batch.h"
#include "util/buf.h"
#include "util/fsio.h"

void blob_batch_init(struct blob_batch *b)
{
	memset(b, 0, sizeof *b);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

void blob_batch_free(struct blob_batch *b)
{
	free_list(b->files, b->nfiles);
	free_list(b->dirs, b->ndirs);
	free(b->files);
	free(b->dirs);
	blob_batch_init(b);
}

static mado_status remember(char ***v, size_t *n, size_t *cap, const char *path, bool unique)
{
	if (unique)
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*v)[i], path) == 0)
				return MADO_OK;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return MADO_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	if (!((*v)[*n] = strdup(path)))
		return MADO_ENOMEM;
	(*n)++;
	return MADO_OK;
}

static mado_status fsync_path(const char *path, int flags, struct mado_err *err)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, fsio_status(errno), "open %s: %s", path, strerror(errno));
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	if (rc != 0)
		return mado_fail(err, MADO_ETEMP, "fsync %s: %s", path, strerror(e));
	return MADO_OK;
}

/* Past this many new files one syncfs is cheaper than an fsync each (each
 * fsync is a journal commit; an import batch writes hundreds of blobs). */
#define BLOB_SYNCFS_FILES 16

mado_status blob_batch_sync(struct blob_batch *b, struct mado_err *err)
{
	mado_status st = MADO_OK;
	if (b->nfiles > BLOB_SYNCFS_FILES) {
		int fd = open(b->files[0], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			st = mado_fail(err, fsio_status(errno), "open %s: %s", b->files[0], strerror(errno));
		else if (syncfs(fd) != 0)
			st = mado_fail(err, MADO_ETEMP, "syncfs: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		for (size_t i = 0; i < b->nfiles && !st; i++)
			st = fsync_path(b->files[i], O_RDONLY, err);
		for (size_t i = 0; i < b->ndirs && !st; i++)
			st = fsync_path(b->dirs[i], O_RDONLY | O_DIRECTORY, err);
	}
	free_list(b->files, b->nfiles);
	free_list(b->dirs, b->ndirs);
	b->nfiles = b->ndirs = 0;
	return st;
}

void blob_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

void blob_path(const char *root, const char *sha_hex, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%.2s/%s", root, sha_hex, sha_hex);
}

/* Fan-out directories known to exist, per thread and store root, so that
 * a bulk import does not try mkdir() once per blob. */
static __thread char known_root[256];
static __thread unsigned char known_dirs[256 / 8];

static bool dir_known(const char *root, const char *sha_hex, unsigned *idx)
{
	unsigned v = 0;
	sscanf(sha_hex, "%2x", &v);
	*idx = v & 0xff;
	if (strcmp(known_root, root) != 0) {
		snprintf(known_root, sizeof known_root, "%s", root);
		memset(known_dirs, 0, sizeof known_dirs);
	}
	return known_dirs[*idx / 8] & (1u << (*idx % 8));
}

/* Make ROOT/ab; a new one is itself a new entry of ROOT. */
static mado_status ensure_dir(const char *root, const char *sha_hex, struct blob_batch *batch,
                              char *dir, size_t dirsz, struct mado_err *err)
{
	snprintf(dir, dirsz, "%s/%.2s", root, sha_hex);
	unsigned idx;
	if (dir_known(root, sha_hex, &idx))
		return MADO_OK;
	int rc = mkdir(dir, 0750);
	if (rc == 0 || errno == EEXIST) {
		known_dirs[idx / 8] |= (unsigned char)(1u << (idx % 8));
		return rc == 0 ? remember(&batch->dirs, &batch->ndirs, &batch->capdirs, root, true) : MADO_OK;
	}
	return mado_fail(err, fsio_status(errno), "mkdir %s: %s", dir, strerror(errno));
}

mado_status blob_put(const char *root, const char *sha_hex, const void *data, size_t len,
                     struct blob_batch *batch, struct mado_err *err)
{
	char fin[4096], tmp[4200], dir[4096];
	blob_path(root, sha_hex, fin, sizeof fin);
	if (access(fin, F_OK) == 0)
		return MADO_OK;
	mado_status st = ensure_dir(root, sha_hex, batch, dir, sizeof dir, err);
	if (st)
		return st;
	snprintf(tmp, sizeof tmp, "%s.tmp.%d.%08x", fin, (int)getpid(), randombytes_random());
	if ((st = fsio_write_atomic(tmp, fin, data, len, false, err)))
		return st;
	if ((st = remember(&batch->files, &batch->nfiles, &batch->capfiles, fin, false)) ||
	    (st = remember(&batch->dirs, &batch->ndirs, &batch->capdirs, dir, true)))
		return mado_fail(err, st, "out of memory");
	return MADO_OK;
}

mado_status blob_put_link(const char *root, const char *sha_hex, const char *src_path,
                          const void *data, size_t len, struct blob_batch *batch,
                          struct mado_err *err)
{
	char fin[4096], dir[4096];
	blob_path(root, sha_hex, fin, sizeof fin);
	if (access(fin, F_OK) == 0)
		return MADO_OK;
	mado_status st = ensure_dir(root, sha_hex, batch, dir, sizeof dir, err);
	if (st)
		return st;
	if (link(src_path, fin) == 0) {
		if ((st = remember(&batch->dirs, &batch->ndirs, &batch->capdirs, dir, true)))
			return mado_fail(err, st, "out of memory");
		return MADO_OK;
	}
	if (errno == EEXIST)
		return MADO_OK;
	return blob_put(root, sha_hex, data, len, batch, err);
}

mado_status blob_save(struct store *s, const char *root, const char *sha_hex, const void *data,
                      size_t len, const char *src_path, struct blob_batch *batch,
                      struct mado_err *err)
{
	if (len <= BLOB_ROW_MAX)
		return store_blob_put(s, sha_hex, data, len, err);
	if (src_path)
		return blob_put_link(root, sha_hex, src_path, data, len, batch, err);
	return blob_put(root, sha_hex, data, len, batch, err);
}

mado_status blob_read(struct store *s, const char *root, const char *sha_hex, size_t max,
                      struct buf *out, struct mado_err *err)
{
	bool found = false;
	mado_status st = store_blob_get(s, sha_hex, max, out, &found, err);
	if (st || found)
		return st;
	char path[4096];
	blob_path(root, sha_hex, path, sizeof path);
	return fsio_read_file(path, max, out, err);
}
