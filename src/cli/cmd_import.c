/*
 * `mado import --maildir DIR | --mbox FILE`: bulk intake through the same
 * pipeline as `mado ingest`, committing every import.batch messages.
 * Resumable: a killed import loses at most its open batch, and running it
 * again skips everything already stored (the (Message-ID, SHA-256) key),
 * so it never duplicates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/intake.h"
#include "store/blob.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/fsio.h"

struct importer {
	struct intake_ctx ctx;
	struct store *store;
	size_t batch, in_batch;
	size_t done, total, imported, duplicates, failed;
	bool tty;
	double started, last_draw;
	const char *source;
};

static void progress(struct importer *im, bool final)
{
	if (!im->tty)
		return;
	double now = intake_monotonic();
	if (!final && now - im->last_draw < 0.1)
		return;
	im->last_draw = now;
	int width = 30;
	int fill = im->total ? (int)((double)im->done / (double)im->total * width) : width;
	double rate = im->done / (now - im->started + 1e-9);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.0f msg/s ", fill, "##############################",
	        width - fill, "", im->done, im->total, rate);
	if (final)
		fputc('\n', stderr);
}

static mado_status commit_batch(struct importer *im, struct mado_err *err)
{
	if (!im->in_batch)
		return MADO_OK;
	mado_status st = intake_batch_commit(&im->ctx, err);
	im->in_batch = 0;
	return st;
}

static mado_status import_one(struct importer *im, const char *raw, size_t len, struct mado_err *err)
{
	mado_status st;
	if (im->in_batch == 0 && (st = intake_batch_begin(&im->ctx, err)))
		return st;
	if ((st = store_savepoint(im->store, err)))
		return st;
	struct intake_result res;
	struct mado_err e2;
	st = intake_message(&im->ctx, raw, len, NULL, im->source, time(NULL), &res, &e2);
	if (st == MADO_OK) {
		if ((st = store_release(im->store, err)))
			return st;
		if (res.duplicate)
			im->duplicates++;
		else
			im->imported++;
	} else {
		store_rollback_to(im->store);
		if (st == MADO_ETEMP || st == MADO_EDB || st == MADO_ENOMEM || st == MADO_EIO)
			return mado_fail(err, st, "%s", e2.msg);
		im->failed++;
		if (im->tty)
			fputc('\n', stderr);
		fprintf(stderr, "mado import: message %zu skipped: %s\n", im->done + 1, e2.msg);
	}
	im->done++;
	im->in_batch++;
	progress(im, false);
	if (im->in_batch >= im->batch)
		return commit_batch(im, err);
	return MADO_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static mado_status import_maildir(struct importer *im, const char *dir, struct mado_err *err)
{
	static const char *const subs[] = { "cur", "new" };
	char **files = NULL;
	size_t n = 0, cap = 0;
	mado_status st = MADO_OK;
	bool any = false;
	for (size_t s = 0; s < 2; s++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, subs[s]);
		DIR *d = opendir(p);
		if (!d)
			continue;
		any = true;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				char **nf = realloc(files, cap * sizeof *nf);
				if (!nf) {
					closedir(d);
					st = mado_fail(err, MADO_ENOMEM, "out of memory");
					goto out;
				}
				files = nf;
			}
			size_t l = strlen(p) + strlen(e->d_name) + 2;
			files[n] = malloc(l);
			if (!files[n]) {
				closedir(d);
				st = mado_fail(err, MADO_ENOMEM, "out of memory");
				goto out;
			}
			snprintf(files[n], l, "%s/%s", p, e->d_name);
			n++;
		}
		closedir(d);
	}
	if (!any) {
		st = mado_fail(err, MADO_EINVAL, "%s is not a maildir (no cur/ or new/)", dir);
		goto out;
	}
	if (n)
		qsort(files, n, sizeof *files, cmp_str);
	im->total = n;
	struct buf raw;
	buf_init(&raw, 0);
	for (size_t i = 0; i < n && !st; i++) {
		buf_reset(&raw);
		struct mado_err e2;
		mado_status rs = fsio_read_file(files[i], im->ctx.limits.max_message_bytes, &raw, &e2);
		if (rs) {
			fprintf(stderr, "mado import: %s skipped: %s\n", files[i], e2.msg);
			im->failed++;
			im->done++;
			continue;
		}
		st = import_one(im, raw.p ? raw.p : "", raw.len, err);
	}
	buf_free(&raw);
out:
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return st;
}

/* Is the line at p (within [start,end)) an mbox separator "From "? */
static bool is_from_line(const char *start, const char *p, const char *end)
{
	return (p == start || p[-1] == '\n') && end - p >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Copy one mbox message undoing mboxrd quoting (">From " → "From "). */
static void unquote_mbox(const char *p, size_t len, struct buf *out)
{
	buf_reset(out);
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) + 1 : len;
		size_t j = i;
		while (j < e && p[j] == '>')
			j++;
		if (j > i && e - j >= 5 && memcmp(p + j, "From ", 5) == 0)
			i++;
		buf_append(out, p + i, e - i);
		i = e;
	}
}

static mado_status import_mbox(struct importer *im, const char *path, struct mado_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, MADO_EINVAL, "open %s: %s", path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || sb.st_size == 0) {
		close(fd);
		return sb.st_size == 0 ? MADO_OK : mado_fail(err, MADO_EIO, "stat %s", path);
	}
	size_t len = (size_t)sb.st_size;
	const char *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return mado_fail(err, MADO_EIO, "mmap %s: %s", path, strerror(errno));
	const char *end = map + len;
	/* count messages first for the progress bar */
	size_t total = 0;
	for (const char *p = map; p < end; p++)
		if (is_from_line(map, p, end))
			total++;
	im->total = total ? total : 1;
	mado_status st = MADO_OK;
	struct buf msg;
	buf_init(&msg, 0);
	const char *p = map;
	while (p < end && !st) {
		/* skip the separator line */
		const char *body = p;
		if (is_from_line(map, p, end)) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			body = nl ? nl + 1 : end;
		}
		const char *q = body;
		while (q < end) {
			const char *nl = memchr(q, '\n', (size_t)(end - q));
			if (!nl) {
				q = end;
				break;
			}
			q = nl + 1;
			if (is_from_line(map, q, end))
				break;
		}
		size_t mlen = (size_t)(q - body);
		/* the blank line before the next separator belongs to the mbox */
		if (q < end && mlen >= 1 && body[mlen - 1] == '\n')
			mlen--;
		if (mlen > 0 && body[mlen - 1] == '\r')
			mlen--;
		unquote_mbox(body, mlen, &msg);
		if (msg.len > im->ctx.limits.max_message_bytes) {
			fprintf(stderr, "mado import: message %zu skipped: over mail.max_message_bytes\n",
			        im->done + 1);
			im->failed++;
			im->done++;
		} else if (msg.len) {
			st = import_one(im, msg.p, msg.len, err);
		}
		p = q;
	}
	buf_free(&msg);
	munmap((void *)map, len);
	return st;
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	const char *maildir = NULL, *mbox = NULL;
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--maildir", &maildir) ||
		    cli_opt_value(argc, argv, &i, "--mbox", &mbox))
			continue;
		if (!strcmp(argv[i], "--help")) {
			printf("usage: mado import --maildir DIR | --mbox FILE\n\n"
			       "Imports every message through the intake pipeline, committing every\n"
			       "import.batch messages. Safe to interrupt and run again: messages already\n"
			       "stored are skipped, never duplicated. Shows a progress bar on a terminal.\n");
			return 0;
		}
		fprintf(stderr, "mado import: unknown argument %s\n", argv[i]);
		return EX_USAGE_;
	}
	if (!maildir == !mbox) {
		fprintf(stderr, "mado import: give exactly one of --maildir DIR or --mbox FILE\n");
		return EX_USAGE_;
	}
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado import: %s\n", err.msg);
		return EX_CONFIG_;
	}
	int rc = 0;
	bool got = false;
	if (workspace_lock_writer(&ws, 60000, &got, &err) || !got) {
		fprintf(stderr, "mado import: the workspace is busy (writer lock held)\n");
		workspace_close(&ws);
		return EX_TEMPFAIL_;
	}
	struct importer im = { .batch = ws.cfg.import_batch, .tty = isatty(2),
	                       .source = maildir ? "import:maildir" : "import:mbox" };
	im.started = im.last_draw = intake_monotonic();
	if (store_open(ws.db_path, 30000, &im.store, &err) ||
	    intake_ctx_init(&im.ctx, im.store, ws.blob_dir, &ws.cfg, ws.key, &err)) {
		fprintf(stderr, "mado import: %s\n", err.msg);
		store_close(im.store);
		workspace_close(&ws);
		return EX_TEMPFAIL_;
	}
	mado_status st = maildir ? import_maildir(&im, maildir, &err) : import_mbox(&im, mbox, &err);
	if (!st)
		st = commit_batch(&im, &err);
	else
		store_rollback(im.store);
	progress(&im, true);
	double secs = intake_monotonic() - im.started;
	if (st) {
		fprintf(stderr, "mado import: %s\n", err.msg);
		rc = st == MADO_EINVAL ? EX_USAGE_ : EX_TEMPFAIL_;
	}
	printf("imported %zu, already present %zu, failed %zu in %.2f s (%.0f messages/s)\n",
	       im.imported, im.duplicates, im.failed, secs, (double)im.done / (secs > 0 ? secs : 1e-9));
	intake_ctx_free(&im.ctx);
	store_close(im.store);
	workspace_close(&ws);
	return rc;
}
