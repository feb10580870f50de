/*
 * ceiling: the machine's fsync-bound ceiling for `mado ingest`, with no
 * parsing. Per invocation (one process per mail, like the MTA pipe) it does
 * the durable work ingest does for one message, and nothing else:
 *
 *   1. read the message from stdin;
 *   2. write it to DIR/spool/tmp/NAME, fsync, rename into DIR/spool/new/,
 *      fsync DIR/spool/new (the spool: durable before exit 0);
 *   3. open DIR/ceiling.db (journal_mode=WAL, synchronous=FULL),
 *      BEGIN IMMEDIATE, insert one row, COMMIT, close;
 *   4. unlink the spool file.
 *
 *   ceiling init DIR                       create DIR/spool/{tmp,new} and the database
 *   ceiling [--close MODE] [--wal-limit PAGES] DIR < message
 *   ceiling --truncate-wal DB KB           if DB-wal is over KB kilobytes,
 *                                          wal_checkpoint(TRUNCATE) it
 *
 * --truncate-wal is a what-if helper for the benchmark: run after each
 * `mado ingest`, it shows what ingest would cost with a bounded WAL.
 *
 * How the SQLite connection is closed decides how many syncs a mail costs
 * beyond the spool's two and the commit's two (the WAL, and the database
 * directory, which SQLite syncs once per connection), so it is a mode:
 *
 *   bounded (default)  no checkpoint on close (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE)
 *                      and a persistent WAL (SQLITE_FCNTL_PERSIST_WAL), as
 *                      Mado's store_open sets them, and once the WAL holds
 *                      more than --wal-limit frames (default 256, 1 MB) a
 *                      wal_checkpoint(TRUNCATE) empties it. The cheapest
 *                      bounded way to commit one mail per process: the
 *                      ceiling proper.
 *   keep               no checkpoint on close, persistent WAL, SQLite's
 *                      default auto-checkpoint and nothing more (Mado's
 *                      store_open before it got a commit hook). With one
 *                      process per connection the WAL is never reset: each
 *                      new process finds a WAL it must index again (the
 *                      first connection rebuilds the -shm index by reading
 *                      the whole WAL) and that index starts with nothing
 *                      checkpointed, so the WAL and the per-process cost
 *                      grow with every mail.
 *   plain              sqlite3_close() as any program does it: the last
 *                      connection checkpoints the WAL into the database and
 *                      deletes it (2 more syncs), and the next process
 *                      recreates it (2 more: WAL header and directory).
 *
 * Linked only against libc and SQLite (the toolchain links with
 * --as-needed, so the Makefile's other libraries are dropped), so its
 * process start-up is the minimum for a C program that uses SQLite.
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

enum close_mode { CLOSE_BOUNDED, CLOSE_KEEP, CLOSE_PLAIN };

static int wal_frames;

static int on_wal(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)arg;
	(void)db;
	(void)name;
	wal_frames = frames;
	return SQLITE_OK;
}

static int open_db(const char *dir, enum close_mode mode, sqlite3 **db)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/ceiling.db", dir);
	if (sqlite3_open_v2(p, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(*db, 10000);
	if (mode != CLOSE_PLAIN) {
		int one = 1;
		sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
		sqlite3_file_control(*db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	}
	if (mode == CLOSE_BOUNDED)
		sqlite3_wal_hook(*db, on_wal, NULL); /* replaces the auto-checkpoint */
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
	if (open_db(dir, CLOSE_PLAIN, &db))
		return die("open database", dir);
	int rc = exec_sql(db, "CREATE TABLE IF NOT EXISTS spooled(id INTEGER PRIMARY KEY, "
	                      "name TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, at INTEGER NOT NULL)");
	sqlite3_close(db);
	return rc ? EX_TEMPFAIL : 0;
}

/* Checkpoint DB and truncate its WAL when the WAL is over kb kilobytes. */
static int truncate_wal(const char *db_path, long kb)
{
	char p[4096];
	struct stat sb;
	snprintf(p, sizeof p, "%s-wal", db_path);
	if (stat(p, &sb) != 0 || sb.st_size <= kb * 1024)
		return 0;
	sqlite3 *db;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return die("open", db_path);
	sqlite3_busy_timeout(db, 10000);
	int one = 1;
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	/* a checkpoint on a connection that has not read yet does nothing */
	int rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK)
		fprintf(stderr, "ceiling: checkpoint %s: %s\n", db_path, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : EX_TEMPFAIL;
}

int main(int argc, char **argv)
{
	enum close_mode mode = CLOSE_BOUNDED;
	int wal_limit = 256, a = 1;
	if (a < argc && !strcmp(argv[a], "init"))
		return a + 1 < argc ? init(argv[a + 1]) : die("usage", "ceiling init DIR");
	if (a < argc && !strcmp(argv[a], "--truncate-wal"))
		return a + 2 < argc ? truncate_wal(argv[a + 1], strtol(argv[a + 2], NULL, 10))
		                    : die("usage", "ceiling --truncate-wal DB KB");
	for (; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--close")) {
			if (!strcmp(argv[a + 1], "bounded"))
				mode = CLOSE_BOUNDED;
			else if (!strcmp(argv[a + 1], "keep"))
				mode = CLOSE_KEEP;
			else if (!strcmp(argv[a + 1], "plain"))
				mode = CLOSE_PLAIN;
			else
				return die("usage", "--close bounded|keep|plain");
		} else if (!strcmp(argv[a], "--wal-limit")) {
			wal_limit = (int)strtol(argv[a + 1], NULL, 10);
		} else {
			break;
		}
	}
	if (a + 1 != argc)
		return die("usage", "ceiling [--close bounded|keep|plain] [--wal-limit PAGES] DIR < message");
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
	if (open_db(dir, mode, &db))
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
	if (mode == CLOSE_BOUNDED && wal_frames > wal_limit &&
	    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		return die("checkpoint", sqlite3_errmsg(db));
	if (sqlite3_close(db) != SQLITE_OK)
		return die("close database", "busy");

	/* 4. the message is in the database: drop the spool file */
	if (unlink(fin) != 0)
		return die("unlink", strerror(errno));
	free(msg);
	return 0;
}
