/*
 * A minimal TAP producer for Mado's C tests. tests/run.sh counts the
 * "ok"/"not ok" lines of every test program and prints the summary.
 */
#ifndef MADO_TESTS_TAP_H
#define MADO_TESTS_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#include <stdarg.h>
static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __VA_ARGS__)) \
		printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

#define diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* A scratch directory /tmp/mado-NAME-XXXXXX in dir (64 bytes) and the
 * database path dir/t.db in path (256 bytes); false if it cannot be made. */
static inline int tap_scratch_db(const char *name, char dir[64], char path[256])
{
	snprintf(dir, 64, "/tmp/mado-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return 0;
	snprintf(path, 256, "%s/t.db", dir);
	return 1;
}

/* Remove a scratch directory and what is in it. */
static inline void tap_rm_rf(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("cleanup of %s failed", dir);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
