/*
 * `mado import --maildir DIR | --mbox FILE`: bulk intake through the same
 * pipeline as `mado ingest`, committing every import.batch messages.
 * Resumable: a killed import loses at most its open batch, and running it
 * again skips everything already stored (the (Message-ID, SHA-256) key),
 * so it never duplicates.
 *
 * Two threads: a reader walks the maildir or mbox, reads each message and
 * parses and classifies it (intake_prepare: no database), handing the
 * results in order through a small queue to the writer (this thread),
 * which stores them (intake_store) and commits the batches. Parsing was a
 * third of an import's CPU; now it overlaps with the database work.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
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
#include "util/clock.h"

/* One message from the reader to the writer, in source order. */
struct import_item {
	struct buf raw;                 /* the message's bytes */
	struct intake_prepared prep;    /* valid when st == MADO_OK and !skip */
	mado_status st;                 /* of intake_prepare */
	struct mado_err err;
	char *skip;                     /* not a message we could read: why (owned) */
	struct import_item *next;
};

/* Bounded FIFO between the two threads. */
#define IMPORT_QUEUE_MAX 64

struct import_queue {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct import_item *head, *tail;
	size_t count;
	bool closed;                    /* the reader is done */
	atomic_bool stop;               /* the writer gave up: the reader stops */
};

struct importer {
	struct intake_ctx ctx;
	struct store *store;
	size_t batch, in_batch;
	size_t done, total, imported, duplicates, failed;
	bool tty;
	double started, last_draw;
	const char *source;
	/* what the reader walks: maildir files, or an mbox mapping */
	char **files;
	size_t nfiles;
	const char *map;
	size_t maplen;
	struct import_queue q;
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

/* ---- the queue ---- */

static void item_free(struct import_item *it)
{
	if (!it)
		return;
	intake_prepared_free(&it->prep);
	buf_free(&it->raw);
	free(it->skip);
	free(it);
}

/* Reader side: false when the writer has stopped (it is then freed). */
static bool queue_push(struct import_queue *q, struct import_item *it)
{
	pthread_mutex_lock(&q->mu);
	while (q->count >= IMPORT_QUEUE_MAX && !atomic_load(&q->stop))
		pthread_cond_wait(&q->changed, &q->mu);
	bool take = !atomic_load(&q->stop);
	if (take) {
		if (q->tail)
			q->tail->next = it;
		else
			q->head = it;
		q->tail = it;
		q->count++;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->mu);
	if (!take)
		item_free(it);
	return take;
}

static void queue_close(struct import_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->mu);
}

/* Writer side: the next item, or NULL once the reader is done. */
static struct import_item *queue_pop(struct import_queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->closed)
		pthread_cond_wait(&q->changed, &q->mu);
	struct import_item *it = q->head;
	if (it) {
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		q->count--;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->mu);
	return it;
}

static void queue_stop(struct import_queue *q)
{
	pthread_mutex_lock(&q->mu);
	atomic_store(&q->stop, true);
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->mu);
}

/* ---- the reader thread ---- */

static struct import_item *item_new(void)
{
	struct import_item *it = calloc(1, sizeof *it);
	if (it)
		buf_init(&it->raw, 0);
	return it;
}

/* Parse and classify it (or note why it is skipped), then queue it. */
static bool hand_over(struct importer *im, struct import_item *it, const char *skip)
{
	if (skip)
		it->skip = strdup(skip);
	else
		it->st = intake_prepare(&im->ctx, it->raw.p ? it->raw.p : "", it->raw.len, &it->prep, &it->err);
	return queue_push(&im->q, it);
}

static void read_maildir(struct importer *im)
{
	for (size_t i = 0; i < im->nfiles && !atomic_load(&im->q.stop); i++) {
		struct import_item *it = item_new();
		if (!it)
			return; /* the writer sees the queue end early and says so */
		struct mado_err e2;
		char why[4200];
		bool bad = fsio_read_file(im->files[i], im->ctx.limits.max_message_bytes, &it->raw, &e2) != MADO_OK;
		if (bad)
			snprintf(why, sizeof why, "%s skipped: %s", im->files[i], e2.msg);
		if (!hand_over(im, it, bad ? why : NULL))
			return;
	}
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

static void read_mbox(struct importer *im)
{
	const char *map = im->map, *end = map + im->maplen, *p = map;
	size_t n = 0;
	while (p < end && !atomic_load(&im->q.stop)) {
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
		p = q;
		struct import_item *it = item_new();
		if (!it)
			return;
		unquote_mbox(body, mlen, &it->raw);
		n++;
		if (!it->raw.len) {
			item_free(it);
			continue;
		}
		char why[128];
		bool big = it->raw.len > im->ctx.limits.max_message_bytes;
		if (big)
			snprintf(why, sizeof why, "message %zu skipped: over mail.max_message_bytes", n);
		if (!hand_over(im, it, big ? why : NULL))
			return;
	}
}

static void *reader_main(void *arg)
{
	struct importer *im = arg;
	if (im->map)
		read_mbox(im);
	else
		read_maildir(im);
	queue_close(&im->q);
	return NULL;
}

/* ---- the writer (this thread) ---- */

static mado_status commit_batch(struct importer *im, struct mado_err *err)
{
	if (!im->in_batch)
		return MADO_OK;
	mado_status st = intake_batch_commit(&im->ctx, err);
	im->in_batch = 0;
	return st;
}

static mado_status import_one(struct importer *im, struct import_item *it, struct mado_err *err)
{
	if (it->skip) {
		if (im->tty)
			fputc('\n', stderr);
		fprintf(stderr, "mado import: %s\n", it->skip);
		im->failed++;
		im->done++;
		return MADO_OK;
	}
	mado_status st;
	if (im->in_batch == 0 && (st = intake_batch_begin(&im->ctx, err)))
		return st;
	if ((st = store_savepoint(im->store, err)))
		return st;
	struct intake_result res;
	struct mado_err e2 = it->err;
	st = it->st;
	if (st == MADO_OK)
		st = intake_store(&im->ctx, &it->prep, it->raw.p ? it->raw.p : "", it->raw.len, NULL,
		                  im->source, mado_now(), &res, &e2);
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

/* Run the reader thread over what im describes and store what it hands
 * over; on a failure, stop the reader and free what it still queued. */
static mado_status run_import(struct importer *im, struct mado_err *err)
{
	pthread_mutex_init(&im->q.mu, NULL);
	pthread_cond_init(&im->q.changed, NULL);
	pthread_t reader;
	mado_status st = MADO_OK;
	if (pthread_create(&reader, NULL, reader_main, im) != 0) {
		st = mado_fail(err, MADO_ENOMEM, "cannot start the reader thread");
		goto out;
	}
	size_t seen = 0;
	struct import_item *it;
	while ((it = queue_pop(&im->q))) {
		if (!st && (st = import_one(im, it, err)))
			queue_stop(&im->q);
		seen++;
		item_free(it);
	}
	pthread_join(reader, NULL);
	/* the reader ran out of memory before the end of a maildir */
	if (!st && !im->map && seen < im->nfiles)
		st = mado_fail(err, MADO_ENOMEM, "out of memory reading the maildir");
out:
	pthread_cond_destroy(&im->q.changed);
	pthread_mutex_destroy(&im->q.mu);
	return st;
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
	im->files = files;
	im->nfiles = n;
	st = run_import(im, err);
out:
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return st;
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
	/* count messages first for the progress bar */
	size_t total = 0;
	for (const char *p = map; p < map + len; p++)
		if (is_from_line(map, p, map + len))
			total++;
	im->total = total ? total : 1;
	im->map = map;
	im->maplen = len;
	mado_status st = run_import(im, err);
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
