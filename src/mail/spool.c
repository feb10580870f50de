/*
 * Spool files are named "<seconds>.<microseconds>.<pid>.<random>" so that
 * a lexical sort is arrival order and two deliveries never collide.
 */
#include "mail/spool.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/fsio.h"

mado_status spool_init(const char *dir, struct mado_err *err)
{
	static const char *const subs[] = { "tmp", "new", "quarantine" };
	char p[4096];
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, subs[i]);
		mado_status st = fsio_mkdir_p(p, 0750, err);
		if (st)
			return st;
	}
	return MADO_OK;
}

mado_status spool_put(const char *dir, const void *data, size_t len, char *name, size_t namesz,
                      struct mado_err *err)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	snprintf(name, namesz, "%011lld.%06ld.%d.%08x", (long long)tv.tv_sec, (long)tv.tv_usec,
	         (int)getpid(), randombytes_random());
	char tmp[4096], fin[4096];
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, name);
	snprintf(fin, sizeof fin, "%s/new/%s", dir, name);
	fsio_crash_point("before-spool");
	return fsio_write_atomic(tmp, fin, data, len, true, err);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

mado_status spool_list(const char *dir, size_t max, char ***names, size_t *n, struct mado_err *err)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/new", dir);
	*names = NULL;
	*n = 0;
	DIR *d = opendir(p);
	if (!d)
		return mado_fail(err, fsio_status(errno), "open %s: %s", p, strerror(errno));
	size_t cap = 0, k = 0;
	char **v = NULL;
	struct dirent *e;
	mado_status st = MADO_OK;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				st = MADO_ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[k] = strdup(e->d_name))) {
			st = MADO_ENOMEM;
			break;
		}
		k++;
	}
	closedir(d);
	if (st) {
		spool_names_free(v, k);
		return mado_fail(err, st, "out of memory listing the spool");
	}
	if (k)
		qsort(v, k, sizeof *v, cmp_names);
	if (max && k > max) {
		for (size_t i = max; i < k; i++)
			free(v[i]);
		k = max;
	}
	*names = v;
	*n = k;
	return MADO_OK;
}

void spool_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void spool_path(const char *dir, const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/new/%s", dir, name);
}

mado_status spool_remove(const char *dir, const char *name, struct mado_err *err)
{
	char p[4096];
	spool_path(dir, name, p, sizeof p);
	if (unlink(p) != 0 && errno != ENOENT)
		return mado_fail(err, fsio_status(errno), "unlink %s: %s", p, strerror(errno));
	return MADO_OK;
}

mado_status spool_quarantine(const char *dir, const char *name, struct mado_err *err)
{
	char from[4096], to[4096];
	spool_path(dir, name, from, sizeof from);
	snprintf(to, sizeof to, "%s/quarantine/%s", dir, name);
	if (rename(from, to) != 0)
		return mado_fail(err, fsio_status(errno), "quarantine %s: %s", name, strerror(errno));
	snprintf(to, sizeof to, "%s/quarantine", dir);
	return fsio_fsync_dir(to, err);
}

void spool_clean_tmp(const char *dir, long max_age)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/tmp", dir);
	DIR *d = opendir(p);
	if (!d)
		return;
	time_t now = time(NULL);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char f[4096];
		struct stat sb;
		snprintf(f, sizeof f, "%s/%s", p, e->d_name);
		if (stat(f, &sb) == 0 && now - sb.st_mtime > max_age)
			unlink(f);
	}
	closedir(d);
}
