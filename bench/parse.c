/*
 * parse: in-process parse-only throughput. Loads every message of a
 * maildir (new/ and cur/) into memory, then times mail_parse() +
 * hygiene_classify() + mail_msg_free() over all of them, with the default
 * limits and hygiene config (the support address support@localhost, as in
 * the generated corpus). No I/O, no database: the CPU cost of reading mail.
 *
 *   parse [--pin-gconv] MAILDIR [PASSES]
 *
 * --pin-gconv opens (and never closes) iconv descriptors from the Japanese
 * charsets before timing. glibc unloads a gconv module (dlclose, munmap)
 * when its last descriptor is closed, and GMime's parser opens and closes
 * one for every RFC 2047 word it decodes, so without a pinned descriptor
 * every ISO-2022-JP mail dlopens and dlcloses ISO-2022-JP.so and its three
 * libraries. The difference between the two runs is what keeping those
 * descriptors open (in Mado's GMime wrapper) would save.
 *
 * The first message is parsed once untimed (GMime initialisation). Prints
 *   parse n=… passes=… total_s=… rate=… us_per_mail=… failed=… maxrss_kb=…
 * where rate is mails/s of the fastest pass.
 */
#include <dirent.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mail/hygiene.h"
#include "mail/mail.h"
#include "util/buf.h"
#include "util/fsio.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	bool pin = argc > 1 && strcmp(argv[1], "--pin-gconv") == 0;
	if (pin) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: parse [--pin-gconv] MAILDIR [PASSES]\n");
		return 64;
	}
	if (pin) {
		static const char *const cs[] = { "ISO-2022-JP", "CP932", "SHIFT_JIS", "EUC-JP", "EUC-JP-MS" };
		for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
			(void)iconv_open("UTF-8", cs[i]); /* kept open: the module stays loaded */
	}
	int passes = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1;
	if (passes < 1)
		passes = 1;
	struct mail_limits lim;
	mail_limits_default(&lim);

	char **names = NULL;
	size_t n = 0, cap = 0;
	static const char *const subs[] = { "new", "cur" };
	for (size_t s = 0; s < 2; s++) {
		char d[4096];
		snprintf(d, sizeof d, "%s/%s", argv[1], subs[s]);
		DIR *dp = opendir(d);
		if (!dp)
			continue;
		struct dirent *e;
		while ((e = readdir(dp))) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				names = realloc(names, cap * sizeof *names);
				if (!names)
					return 2;
			}
			size_t l = strlen(d) + strlen(e->d_name) + 2;
			names[n] = malloc(l);
			if (!names[n])
				return 2;
			snprintf(names[n], l, "%s/%s", d, e->d_name);
			n++;
		}
		closedir(dp);
	}
	if (!n) {
		fprintf(stderr, "parse: no messages in %s\n", argv[1]);
		return 1;
	}
	qsort(names, n, sizeof *names, cmp_str);
	struct buf *raw = calloc(n, sizeof *raw);
	if (!raw)
		return 2;
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct mado_err err;
		buf_init(&raw[i], 0);
		if (fsio_read_file(names[i], lim.max_message_bytes, &raw[i], &err)) {
			fprintf(stderr, "parse: %s: %s\n", names[i], err.msg);
			return 1;
		}
		bytes += raw[i].len;
	}

	static const char *const own[] = { "support@localhost" };
	struct hygiene_config hc;
	hygiene_config_default(&hc);
	hc.own_addresses = own;
	hc.n_own_addresses = 1;

	/* warm-up: GMime initialisation is a once-per-process cost */
	{
		struct mail_msg *m = NULL;
		struct mado_err err;
		if (mail_parse(raw[0].p, raw[0].len, &lim, &m, &err) == MADO_OK)
			mail_msg_free(m);
	}

	double best = 0, total = 0;
	size_t failed = 0;
	for (int p = 0; p < passes; p++) {
		double t0 = now_s();
		for (size_t i = 0; i < n; i++) {
			struct mail_msg *m = NULL;
			struct mado_err err;
			if (mail_parse(raw[i].p, raw[i].len, &lim, &m, &err) != MADO_OK) {
				failed++;
				continue;
			}
			struct hygiene_result hy;
			if (hygiene_classify(m, &hc, &hy) != MADO_OK)
				failed++;
			mail_msg_free(m);
		}
		double t = now_s() - t0;
		total += t;
		if (p == 0 || t < best)
			best = t;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%s n=%zu bytes=%zu passes=%d total_s=%.3f rate=%.1f us_per_mail=%.1f failed=%zu "
	       "maxrss_kb=%ld\n",
	       pin ? "parse-pinned" : "parse", n, bytes, passes, total, (double)n / best, best / (double)n * 1e6, failed, ru.ru_maxrss);
	for (size_t i = 0; i < n; i++) {
		buf_free(&raw[i]);
		free(names[i]);
	}
	free(raw);
	free(names);
	return failed ? 1 : 0;
}
