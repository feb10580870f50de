/*
 * ceiling: the machine's fsync-bound ceiling for `mado ingest`, with no
 * parsing. Per invocation (one process per mail, like the MTA pipe) it does
 * exactly the durable work ingest does for one message:
 *
 *   1. read the message from stdin;
 *   2. write it to DIR/spool/tmp/NAME, fsync, rename into DIR/spool/new/,
 *      fsync DIR/spool/new (the spool: durable before exit 0);
 *   3. open DIR/ceiling.db (journal_mode=WAL, synchronous=FULL),
 *      BEGIN IMMEDIATE, insert one row, COMMIT, close;
 *   4. unlink the spool file.
 *
 *   ceiling init DIR              create DIR/spool/{tmp,new} and the database
 *   ceiling [--no-ckpt-on-close] DIR < message
 *
 * By default the connection is closed as any SQLite program closes it; as
 * the last connection, sqlite3_close() then checkpoints the WAL into the
 * database and deletes the WAL (2 more fdatasyncs, and the next process
 * recreates the WAL: 2 more). `mado ingest` pays the same, so the default
 * is the like-for-like ceiling. --no-ckpt-on-close sets
 * SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE: the floor once that close-time
 * checkpoint is avoided.
 *
 * Linked only against libc and SQLite (the Makefile links with
 * --as-needed), so its process start-up is the minimum for a C program that
 * uses SQLite.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define EX_TEMPFAIL 75

static int die(const char *what, const char *detail)
{
	fprintf(stderr, "ceiling: %s: %s\n", what, detail);
	return EX_TEMPFAIL;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "ceiling: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
	}
	return rc;
}

static int open_db(const char *dir, int no_ckpt, sqlite3 **db)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/ceiling.db", dir);
	if (sqlite3_open_v2(p, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(*db, 10000);
	if (no_ckpt)
		sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	if (exec_sql(*db, "PRAGMA journal_mode=WAL") || exec_sql(*db, "PRAGMA synchronous=FULL"))
		return -1;
	return 0;
}

static int init(const char *dir)
{
	char p[4096];
	mkdir(dir, 0750);
	snprintf(p, sizeof p, "%s/spool", dir);
	mkdir(p, 0750);
	snprintf(p, sizeof p, "%s/spool/tmp", dir);
	if (mkdir(p, 0750) != 0 && errno != EEXIST)
		return die(p, strerror(errno));
	snprintf(p, sizeof p, "%s/spool/new", dir);
	if (mkdir(p, 0750) != 0 && errno != EEXIST)
		return die(p, strerror(errno));
	sqlite3 *db;
	if (open_db(dir, 0, &db))
		return die("open database", dir);
	int rc = exec_sql(db, "CREATE TABLE IF NOT EXISTS spooled(id INTEGER PRIMARY KEY, "
	                      "name TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, at INTEGER NOT NULL)");
	sqlite3_close(db);
	return rc ? EX_TEMPFAIL : 0;
}

int main(int argc, char **argv)
{
	int no_ckpt = 0, a = 1;
	if (a < argc && !strcmp(argv[a], "init"))
		return a + 1 < argc ? init(argv[a + 1]) : die("usage", "ceiling init DIR");
	if (a < argc && !strcmp(argv[a], "--no-ckpt-on-close")) {
		no_ckpt = 1;
		a++;
	}
	if (a + 1 != argc)
		return die("usage", "ceiling [--no-ckpt-on-close] DIR < message");
	const char *dir = argv[a];

	/* 1. read stdin */
	size_t cap = 65536, len = 0;
	char *msg = malloc(cap);
	if (!msg)
		return die("read", "out of memory");
	for (;;) {
		if (len == cap) {
			cap *= 2;
			char *nm = realloc(msg, cap);
			if (!nm)
				return die("read", "out of memory");
			msg = nm;
		}
		ssize_t r = read(0, msg + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return die("read", strerror(errno));
		if (r == 0)
			break;
		len += (size_t)r;
	}

	/* 2. spool: tmp + fsync + rename + fsync dir */
	struct timeval tv;
	gettimeofday(&tv, NULL);
	char name[128], tmp[4096], fin[4096], newdir[4096];
	snprintf(name, sizeof name, "%011lld.%06ld.%d", (long long)tv.tv_sec, (long)tv.tv_usec,
	         (int)getpid());
	snprintf(tmp, sizeof tmp, "%s/spool/tmp/%s", dir, name);
	snprintf(fin, sizeof fin, "%s/spool/new/%s", dir, name);
	snprintf(newdir, sizeof newdir, "%s/spool/new", dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return die(tmp, strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, msg + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return die(tmp, strerror(errno));
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		return die("fsync", strerror(errno));
	if (close(fd) != 0)
		return die("close", strerror(errno));
	if (rename(tmp, fin) != 0)
		return die("rename", strerror(errno));
	if (fsync_dir(newdir) != 0)
		return die("fsync dir", strerror(errno));

	/* 3. one row, one transaction */
	sqlite3 *db = NULL;
	if (open_db(dir, no_ckpt, &db))
		return die("open database", db ? sqlite3_errmsg(db) : dir);
	if (exec_sql(db, "BEGIN IMMEDIATE"))
		return EX_TEMPFAIL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO spooled(name, size, at) VALUES (?1, ?2, ?3)", -1, &st,
	                       NULL) != SQLITE_OK)
		return die("prepare", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)tv.tv_sec);
	if (sqlite3_step(st) != SQLITE_DONE)
		return die("insert", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (exec_sql(db, "COMMIT"))
		return EX_TEMPFAIL;
	if (sqlite3_close(db) != SQLITE_OK)
		return die("close database", "busy");

	/* 4. the message is in the database: drop the spool file */
	if (unlink(fin) != 0)
		return die("unlink", strerror(errno));
	free(msg);
	return 0;
}
