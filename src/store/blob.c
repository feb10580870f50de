/*
 * Blob store. A blob that exists is never rewritten: same name, same bytes.
 * Writes go through a unique temporary name and rename, so a crash never
 * leaves a partial blob under a real name.
 */
#include "store/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsio.h"

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

static mado_status ensure_dir(const char *root, const char *sha_hex, struct mado_err *err)
{
	char d[4096];
	snprintf(d, sizeof d, "%s/%.2s", root, sha_hex);
	if (mkdir(d, 0750) == 0 || errno == EEXIST)
		return MADO_OK;
	return fsio_mkdir_p(d, 0750, err);
}

mado_status blob_put(const char *root, const char *sha_hex, const void *data, size_t len,
                     struct mado_err *err)
{
	char fin[4096], tmp[4200];
	blob_path(root, sha_hex, fin, sizeof fin);
	if (access(fin, F_OK) == 0)
		return MADO_OK;
	mado_status st = ensure_dir(root, sha_hex, err);
	if (st)
		return st;
	snprintf(tmp, sizeof tmp, "%s.tmp.%d.%08x", fin, (int)getpid(), randombytes_random());
	return fsio_write_atomic(tmp, fin, data, len, false, err);
}

mado_status blob_put_link(const char *root, const char *sha_hex, const char *src_path,
                          const void *data, size_t len, struct mado_err *err)
{
	char fin[4096];
	blob_path(root, sha_hex, fin, sizeof fin);
	if (access(fin, F_OK) == 0)
		return MADO_OK;
	mado_status st = ensure_dir(root, sha_hex, err);
	if (st)
		return st;
	if (link(src_path, fin) == 0 || errno == EEXIST)
		return MADO_OK;
	return blob_put(root, sha_hex, data, len, err);
}

mado_status blob_sync(const char *root, struct mado_err *err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, fsio_status(errno), "open %s: %s", root, strerror(errno));
	int rc = syncfs(fd);
	int e = errno;
	close(fd);
	if (rc != 0)
		return mado_fail(err, MADO_ETEMP, "syncfs %s: %s", root, strerror(e));
	return MADO_OK;
}
