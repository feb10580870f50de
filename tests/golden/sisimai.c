/*
 * Golden test of the bounce/auto-reply/feedback classifier against the
 * sisimai corpus (tests/corpus/sisimai: go-sisimai's set-of-emails, with
 * expected.tsv read from go-sisimai's own test tables).
 *
 * For every file with expectations (maildir/bsd, and the CRLF/CR copies in
 * maildir/dos and maildir/mac, which take the bsd file's expectations) the
 * message is parsed with mail_parse() and classified with
 * hygiene_classify(); we assert
 *   - the kind (one TAP line per file),
 *   - the number of recipients reported (one per expected row),
 *   - and, as a percentage with an asserted floor, the enhanced status
 *     codes (matched as a multiset per file).
 *
 * How sisimai's labels map onto Mado's kinds:
 *   - kind "bounce" rows whose delivery_status is 2.x.x or reason
 *     "delivered" are success reports: Mado's kind "delivered" (no failure).
 *   - kind "bounce" rows with reason "feedback" (Amazon SES complaints) are
 *     Mado's "feedback-report".
 *   - kind "bounce" rows whose statuses are all 4.x.x: sisimai counts delay
 *     warnings as bounces; Mado calls them "delayed" when the report says
 *     delivery is still being tried (DSN "Action: delayed" without a
 *     failed one, or a delay Subject such as "(Delay)" / "Warning:" /
 *     "Delayed Mail"), and "bounce" otherwise (4.x.x with Action: failed
 *     means the MTA gave up). The oracle for that is computed here from
 *     the raw bytes, independently of the classifier.
 *   - sisimai's own pseudo status codes (x.0.9xx, made up from its reason
 *     guess when the bounce has no code) cannot be matched by reading the
 *     bounce; the status rate is reported both over all rows and over rows
 *     with a real RFC 3463 code, and the floor is asserted on the latter.
 *
 * Files whose kind or count we knowingly miss are listed in known_misses[]
 * with the reason; such a file is not a failure, and one that starts
 * passing is reported so that the list shrinks.
 *
 * Also: every file in maildir/not must not be a bounce and must be
 * answerable; maildir/err (mbox-0 split) and the dos/mac files without a
 * bsd twin must go through without crashing (the lhost-/rhost- ones must
 * be read as bounces).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/hygiene.h"
#include "mail/mail.h"
#include "tap.h"

#define MAXROWS 1024
#define STATUS_FLOOR 96.0 /* what the classifier reaches (97.0% when written) */

struct row {
	char file[160];
	char kind[32];
	char decoder[40];
	char status[16];
	char reason[32];
	bool has_index;
};

static struct row rows[MAXROWS];
static size_t nrows;

/* Known misses: file (basename), what is missed, and why. */
struct miss {
	const char *file;
	const char *what; /* "kind", "count" or "status" */
	const char *why;
};
static const struct miss known_misses[] = {
	{ "lhost-fml-02.eml", "kind", "mailing-list admin reply (\"You are not member\"): Mado reads a list notice, not a bounce" },
	{ "lhost-fml-02.eml", "count", "same: no recipients read from a list notice" },
	{ "lhost-fml-03.eml", "kind", "mailing-list loop alert from the list software, not a delivery failure" },
	{ "lhost-fml-03.eml", "count", "same" },
	{ "rfc3464-01.eml", "count", "sisimai lists the bare local part \"<nekochan>\" of the prose twice; the DSN names one recipient" },
	{ "rfc3464-28.eml", "count", "sisimai lists the one Final-Recipient twice" },
	{ "rhost-cox-01.eml", "count", "the file holds two concatenated copies of the bounce; Mado reads one message per file" },
	{ NULL, NULL, NULL },
};

static const struct miss *known(const char *file, const char *what)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	for (size_t i = 0; known_misses[i].file; i++)
		if (strcmp(known_misses[i].file, base) == 0 && strcmp(known_misses[i].what, what) == 0)
			return &known_misses[i];
	return NULL;
}

static char root[1024];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *p = malloc(cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			p = realloc(p, cap);
		}
		size_t got = fread(p + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return p;
}

static void field(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void load_expected(void)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/tests/corpus/sisimai/expected.tsv", root);
	size_t len;
	char *t = slurp(path, &len);
	if (!t) {
		ok(0, "read %s", path);
		return;
	}
	char *p = t, *end = t + len;
	bool header = true;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (header) {
			header = false;
			p = le + 1;
			continue;
		}
		const char *col[9] = { 0 };
		size_t cl[9] = { 0 };
		int c = 0;
		char *q = p;
		while (c < 9) {
			char *tab = memchr(q, '\t', (size_t)(le - q));
			char *fe = tab ? tab : le;
			col[c] = q;
			cl[c] = (size_t)(fe - q);
			c++;
			if (!tab)
				break;
			q = tab + 1;
		}
		if (c >= 7 && nrows < MAXROWS) {
			struct row *r = &rows[nrows++];
			field(r->file, sizeof r->file, col[0], cl[0]);
			r->has_index = cl[1] > 0;
			field(r->kind, sizeof r->kind, col[2], cl[2]);
			field(r->decoder, sizeof r->decoder, col[3], cl[3]);
			field(r->status, sizeof r->status, col[4], cl[4]);
			field(r->reason, sizeof r->reason, col[6], cl[6]);
		}
		p = le + 1;
	}
	free(t);
}

/* sisimai's invented codes: x.0.9yy */
static bool pseudo_status(const char *s)
{
	return strlen(s) == 7 && s[1] == '.' && s[2] == '0' && s[3] == '.' && s[4] == '9';
}

/* Raw-bytes oracle: is this report a delay warning rather than a failure? */
static bool raw_says_delay(const char *raw, size_t len)
{
	struct str s = str_make(raw, len);
	bool dsn_delayed = str_ifind(s, "Action: delayed") != (size_t)-1;
	bool dsn_failed = str_ifind(s, "Action: failed") != (size_t)-1;
	if (dsn_delayed || dsn_failed)
		return dsn_delayed && !dsn_failed;
	/* no DSN: the Subject says so */
	size_t at = str_ifind(s, "\nSubject:");
	if (at == (size_t)-1)
		return false;
	size_t e = at + 1;
	while (e < len && raw[e] != '\n')
		e++;
	struct str subj = str_make(raw + at, e - at);
	return str_ifind(subj, "(Delay)") != (size_t)-1 || str_ifind(subj, "Warning:") != (size_t)-1 ||
	       str_ifind(subj, "Delayed Mail") != (size_t)-1;
}

struct tally {
	char decoder[40];
	unsigned files, kind_ok, count_ok, count_n, st_ok, st_n;
	char fails[600];
};
static struct tally tallies[128];
static size_t ntallies;

static struct tally *tally_for(const char *decoder)
{
	const char *d = *decoder ? decoder : "(none)";
	for (size_t i = 0; i < ntallies; i++)
		if (strcmp(tallies[i].decoder, d) == 0)
			return &tallies[i];
	if (ntallies == sizeof tallies / sizeof tallies[0])
		return &tallies[0];
	struct tally *t = &tallies[ntallies++];
	memset(t, 0, sizeof *t);
	snprintf(t->decoder, sizeof t->decoder, "%s", d);
	return t;
}

static void tally_fail(struct tally *t, const char *file, const char *what)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t n = strlen(t->fails);
	if (n + strlen(base) + strlen(what) + 4 < sizeof t->fails)
		snprintf(t->fails + n, sizeof t->fails - n, "%s%s(%s)", n ? " " : "", base, what);
}

static struct hygiene_config cfg;
static struct mail_limits lim;

static unsigned kind_total, kind_ok_n, kind_known;
static unsigned count_total, count_ok_n, count_known;
static unsigned st_all, st_all_ok, st_real, st_real_ok;
static unsigned delayed_accepted, delivered_seen;

static struct mail_msg *parse_file(const char *path, char **raw, size_t *len)
{
	*raw = slurp(path, len);
	if (!*raw)
		return NULL;
	struct mail_msg *m = NULL;
	struct mado_err err;
	if (mail_parse(*raw, *len, &lim, &m, &err) != MADO_OK)
		return NULL;
	return m;
}

/* Check one file against rows[first..first+n). */
static void check_file(const char *relpath, size_t first, size_t n)
{
	char path[1400];
	snprintf(path, sizeof path, "%s/tests/corpus/sisimai/%s", root, relpath);
	char *raw;
	size_t len;
	struct mail_msg *m = parse_file(path, &raw, &len);
	const struct row *r0 = &rows[first];
	struct tally *t = tally_for(r0->decoder);
	t->files++;
	if (!m) {
		ok(0, "%s: parsed", relpath);
		free(raw);
		return;
	}
	struct hygiene_result res;
	mado_status st = hygiene_classify(m, &cfg, &res);
	if (st != MADO_OK) {
		ok(0, "%s: classified (%s)", relpath, mado_status_name(st));
		mail_msg_free(m);
		free(raw);
		return;
	}

	/* expected kind */
	const char *want = r0->kind;
	bool all2 = true, all4 = true, feedback = false;
	for (size_t i = first; i < first + n; i++) {
		if (!(rows[i].status[0] == '2' || strcmp(rows[i].reason, "delivered") == 0))
			all2 = false;
		/* a delay warning: 4.x.x, or one of sisimai's made-up codes */
		if (rows[i].status[0] != '4' && !pseudo_status(rows[i].status))
			all4 = false;
		if (strcmp(rows[i].reason, "feedback") == 0)
			feedback = true;
	}
	if (strcmp(want, "bounce") == 0) {
		if (feedback)
			want = "feedback-report";
		else if (all2 && r0->has_index)
			want = "delivered";
		else if (all4 && raw_says_delay(raw, len))
			want = "delayed";
	}
	bool kind_pass = strcmp(res.kind, want) == 0;
	if (strcmp(want, "delayed") == 0 && kind_pass)
		delayed_accepted++;
	if (strcmp(want, "delivered") == 0 && kind_pass)
		delivered_seen++;
	kind_total++;
	const struct miss *km = known(relpath, "kind");
	if (kind_pass) {
		kind_ok_n++;
		t->kind_ok++;
		if (km)
			diag("%s: known kind miss now passes: drop it from known_misses", relpath);
		ok(1, "%s: kind %s", relpath, want);
	} else if (km) {
		kind_known++;
		tally_fail(t, relpath, "kind");
		ok(1, "%s: kind %s, got %s (known miss: %s)", relpath, want, res.kind, km->why);
	} else {
		tally_fail(t, relpath, "kind");
		ok(0, "%s: kind %s, got %s [%s]", relpath, want, res.kind, res.reasons);
	}

	/* recipients: one per expected row (rows with an index only) */
	bool bouncy = strcmp(r0->kind, "bounce") == 0 && !feedback;
	if (bouncy && r0->has_index) {
		count_total++;
		t->count_n++;
		const struct miss *cm = known(relpath, "count");
		if (res.nrecipients == n) {
			count_ok_n++;
			t->count_ok++;
			if (cm)
				diag("%s: known count miss now passes: drop it from known_misses", relpath);
			ok(1, "%s: %zu recipient(s)", relpath, n);
		} else if (cm) {
			count_known++;
			tally_fail(t, relpath, "count");
			ok(1, "%s: %zu recipient(s), got %zu (known miss: %s)", relpath, n, res.nrecipients, cm->why);
		} else {
			tally_fail(t, relpath, "count");
			ok(0, "%s: %zu recipient(s), got %zu", relpath, n, res.nrecipients);
			for (size_t i = 0; i < res.nrecipients; i++)
				diag("   got %s %s %s", res.recipients[i].email, res.recipients[i].status,
				     res.recipients[i].action);
		}

		/* statuses as a multiset */
		bool used[256] = { false };
		for (size_t i = first; i < first + n; i++) {
			if (!rows[i].status[0])
				continue;
			bool hit = false;
			for (size_t k = 0; k < res.nrecipients && k < 256; k++) {
				if (!used[k] && strcmp(res.recipients[k].status, rows[i].status) == 0) {
					used[k] = hit = true;
					break;
				}
			}
			st_all++;
			st_all_ok += hit;
			t->st_n++;
			t->st_ok += hit;
			if (!pseudo_status(rows[i].status)) {
				st_real++;
				st_real_ok += hit;
				if (!hit) {
					tally_fail(t, relpath, "status");
					diag("status: %s want %s, got %s", relpath, rows[i].status,
					     res.nrecipients ? res.recipients[0].status : "(none)");
				}
			}
		}
	} else if (bouncy) {
		/* no per-recipient expectations: at least one recipient */
		ok(res.nrecipients >= 1, "%s: at least one recipient (got %zu)", relpath, res.nrecipients);
	}
	mail_msg_free(m);
	free(raw);
}

static void check_not_bounces(void)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/tests/corpus/sisimai/maildir/not", root);
	DIR *d = opendir(dir);
	if (!d) {
		ok(0, "open %s", dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[1500];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *raw;
		size_t len;
		struct mail_msg *m = parse_file(path, &raw, &len);
		if (!m) {
			ok(0, "not/%s parsed", e->d_name);
			free(raw);
			continue;
		}
		struct hygiene_result res;
		hygiene_classify(m, &cfg, &res);
		ok(!(res.flags & (HYG_BOUNCE | HYG_DELAYED)) && res.nrecipients == 0,
		   "not/%s is not a bounce (kind %s)", e->d_name, res.kind);
		ok(res.may_auto_answer, "not/%s may be answered [%s]", e->d_name, res.reasons);
		mail_msg_free(m);
		free(raw);
	}
	closedir(d);
}

/* Files without expectations: must not crash; named bounces must read as such. */
static void check_unlabelled(const char *sub, bool only_twinless)
{
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/tests/corpus/sisimai/maildir/%s", root, sub);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	unsigned n = 0, bounces = 0, named = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (only_twinless) {
			char twin[1500];
			snprintf(twin, sizeof twin, "%s/tests/corpus/sisimai/maildir/bsd/%s", root, e->d_name);
			FILE *f = fopen(twin, "rb");
			if (f) {
				fclose(f);
				continue;
			}
		}
		char path[1500];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *raw;
		size_t len;
		struct mail_msg *m = parse_file(path, &raw, &len);
		n++;
		if (m) {
			struct hygiene_result res;
			mado_status st = hygiene_classify(m, &cfg, &res);
			bool b = res.flags & (HYG_BOUNCE | HYG_DELAYED);
			bounces += b;
			if (strncmp(e->d_name, "lhost-", 6) == 0 || strncmp(e->d_name, "rhost-", 6) == 0) {
				named++;
				ok(st == MADO_OK && b, "%s/%s read as a bounce (kind %s, %zu rcpt, %s)", sub,
				   e->d_name, res.kind, res.nrecipients,
				   res.nrecipients ? res.recipients[0].status : "-");
			} else {
				diag("%s/%s: kind %s, %zu recipient(s)", sub, e->d_name, res.kind, res.nrecipients);
			}
			mail_msg_free(m);
		}
		free(raw);
	}
	closedir(d);
	diag("maildir/%s%s: %u files, %u read as bounces", sub, only_twinless ? " (no bsd twin)" : "",
	     n, bounces);
	ok(1, "maildir/%s unlabelled files went through", sub);
}

int main(void)
{
	const char *r = getenv("MADO_ROOT");
	snprintf(root, sizeof root, "%s", r && *r ? r : ".");
	hygiene_config_default(&cfg);
	mail_limits_default(&lim);
	load_expected();
	ok(nrows > 500, "expected.tsv loaded (%zu rows)", nrows);

	/* group rows by file (expected.tsv is sorted by file) */
	for (size_t i = 0; i < nrows;) {
		size_t j = i;
		while (j < nrows && strcmp(rows[j].file, rows[i].file) == 0)
			j++;
		if (strncmp(rows[i].file, "maildir/not/", 12) != 0) {
			check_file(rows[i].file, i, j - i);
			/* CRLF and CR copies take the bsd file's expectations */
			const char *base = strrchr(rows[i].file, '/') + 1;
			static const char *const copies[] = { "dos", "mac" };
			for (int c = 0; c < 2; c++) {
				char rel[300], path[1500];
				snprintf(rel, sizeof rel, "maildir/%s/%s", copies[c], base);
				snprintf(path, sizeof path, "%s/tests/corpus/sisimai/%s", root, rel);
				FILE *f = fopen(path, "rb");
				if (!f)
					continue;
				fclose(f);
				check_file(rel, i, j - i);
			}
		}
		i = j;
	}
	check_not_bounces();
	check_unlabelled("err", false);
	check_unlabelled("dos", true);
	check_unlabelled("mac", true);

	diag("per decoder: files, kind ok, count ok/checked, status ok/rows; misses");
	for (size_t i = 0; i < ntallies; i++) {
		const struct tally *t = &tallies[i];
		diag("  %-16s %3u files  kind %3u  count %3u/%-3u  status %3u/%-3u  %s", t->decoder, t->files,
		     t->kind_ok, t->count_ok, t->count_n, t->st_ok, t->st_n, t->fails);
	}
	diag("kind: %u/%u (%.1f%%), %u known misses", kind_ok_n, kind_total,
	     kind_total ? 100.0 * kind_ok_n / kind_total : 0, kind_known);
	diag("recipient count: %u/%u (%.1f%%), %u known misses", count_ok_n, count_total,
	     count_total ? 100.0 * count_ok_n / count_total : 0, count_known);
	diag("status, all rows: %u/%u (%.1f%%)", st_all_ok, st_all, st_all ? 100.0 * st_all_ok / st_all : 0);
	diag("status, rows with a real RFC 3463 code: %u/%u (%.1f%%)", st_real_ok, st_real,
	     st_real ? 100.0 * st_real_ok / st_real : 0);
	diag("delay warnings read as delayed: %u; success DSNs read as delivered: %u", delayed_accepted,
	     delivered_seen);
	double real_rate = st_real ? 100.0 * st_real_ok / st_real : 0;
	ok(real_rate >= STATUS_FLOOR, "status accuracy %.1f%% >= floor %.1f%%", real_rate, STATUS_FLOOR);
	return done_testing();
}
