/*
 * Golden test: the whole-message corpus of Stalwart's mail-parser
 * (tests/corpus/stalwart-mail-parser/eml/{rfc,malformed,legacy,thirdparty}),
 * each NNN.eml run through mail_parse() and compared with Stalwart's parse
 * beside it, wherever struct mail_msg reads the same thing. NNN.json is the
 * parse of the mail with CRLF turned into LF, NNN.crlf.json the parse of
 * that with every LF turned into CRLF: both variants are run. Per variant:
 *   subject      decoded Subject (first field)
 *   from/to/cc   every address, "name|email", groups flattened
 *   message_id   first Message-ID, without <>
 *   text         Stalwart's text_body "Text" parts joined as we join them
 *                (blank line between), line ends, NUL and trailing white
 *                space normalised; compared only where that text comes
 *                from text parts (where Stalwart's text body is HTML there
 *                is nothing to compare: we render HTML to text our way)
 *   attachments  content type and file name of each part Stalwart lists as
 *                attachment vs our MAIL_PART_ATTACHMENT parts, as a
 *                multiset; where Stalwart has no name, any non-empty name
 *                of ours is accepted (we always name a stored file)
 *   html         whether there is an HTML body
 *
 * Rule for skips: where we differ on purpose, the (file, variant, field)
 * is in SKIP with the reason; the comparison is then printed as a diag line,
 * counted under its reason, and must still differ: a listed case that
 * starts matching fails, so the table stays honest. Differences by mistake
 * are never listed: they stay failing assertions until parse.c is fixed.
 * Run from the repository root.
 */
#include <dirent.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/mail.h"
#include "tap.h"
#include "util/fsio.h"

#define ROOT "tests/corpus/stalwart-mail-parser/eml/"

struct skip {
	const char *file;     /* "suite/NNN" */
	const char *variant;  /* "LF", "CRLF", or NULL for both */
	const char *field;
	const char *reason;
};

#define LONE_ATOM "a lone word without '@' is read as a local address (\"postmaster\"), not as a display name"
#define RAW_8BIT "unlabelled 8-bit bytes are read in the charset detected (here Latin-1), not replaced with U+FFFD"
#define ALT_FIRST "in multipart/alternative the first text/plain is the text: alternatives are one content, not parts to join"
#define ALT_DIRS "file names lose their directories (no path in a stored name), and an unnamed non-text part of multipart/alternative is an alternative we did not choose, not a file"
#define MIME_TREE "the MIME tree is GMime's: a boundary counts only as a whole line at a line start, and an enclosing boundary closes the inner multipart; Stalwart matches boundaries by prefix and only the innermost"
#define UNTERMINATED "a part cut off before its closing boundary is still what its headers say; Stalwart demotes it to an attachment"
#define NO_BOUNDARY "a multipart whose boundary never occurs has no parts: its bytes are kept as the body text; Stalwart makes them one raw attachment"
#define BASE64_LENIENT "base64 is decoded as GMime does: nothing after the '=' padding, invalid characters skipped; Stalwart decodes past the padding and keeps an undecodable part as a raw-text attachment"
#define UTF16_ODD MIME_TREE "; and in UTF-16 an odd last byte becomes U+FFFD (as the WHATWG decoder does), where Stalwart drops it"

static const struct skip SKIP[] = {
	{ "rfc/001", NULL, "from", LONE_ATOM },
	{ "rfc/001", NULL, "to", LONE_ATOM },
	{ "rfc/001", NULL, "attachments", ALT_DIRS },
	{ "rfc/004", NULL, "from", LONE_ATOM },
	{ "rfc/004", NULL, "to", LONE_ATOM },
	{ "malformed/001", NULL, "text", MIME_TREE },
	{ "malformed/001", NULL, "attachments", MIME_TREE },
	{ "malformed/002", NULL, "attachments", NO_BOUNDARY },
	{ "malformed/004", NULL, "attachments", MIME_TREE },
	{ "malformed/006", NULL, "attachments", UNTERMINATED },
	{ "malformed/008", NULL, "attachments", UNTERMINATED },
	{ "malformed/008", NULL, "html", UNTERMINATED },
	{ "malformed/009", NULL, "text", MIME_TREE },
	{ "malformed/009", NULL, "attachments", MIME_TREE },
	{ "malformed/012", NULL, "attachments", MIME_TREE },
	{ "malformed/016", NULL, "text", MIME_TREE },
	{ "malformed/016", NULL, "attachments", MIME_TREE },
	{ "legacy/010", NULL, "subject", RAW_8BIT },
	{ "legacy/010", NULL, "to", RAW_8BIT },
	{ "legacy/016", NULL, "attachments", RAW_8BIT },
	{ "legacy/017", NULL, "to", RAW_8BIT },
	{ "legacy/020", NULL, "subject", RAW_8BIT },
	{ "legacy/020", NULL, "to", RAW_8BIT },
	{ "legacy/022", NULL, "subject", RAW_8BIT },
	{ "legacy/022", NULL, "to", RAW_8BIT },
	{ "legacy/026", NULL, "attachments", RAW_8BIT },
	{ "legacy/052", NULL, "subject", RAW_8BIT },
	{ "legacy/052", NULL, "to", RAW_8BIT },
	{ "legacy/052", NULL, "text", RAW_8BIT },
	{ "thirdparty/000", NULL, "text", ALT_FIRST },
	{ "thirdparty/001", NULL, "text", ALT_FIRST },
	{ "thirdparty/002", NULL, "text", BASE64_LENIENT },
	{ "thirdparty/002", NULL, "attachments", BASE64_LENIENT },
	{ "thirdparty/005", "LF", "text", MIME_TREE },
	{ "thirdparty/005", "CRLF", "text", UTF16_ODD },
};

static const char *skip_reason(const char *file, const char *variant, const char *field)
{
	for (size_t k = 0; k < sizeof SKIP / sizeof SKIP[0]; k++)
		if (strcmp(SKIP[k].file, file) == 0 && strcmp(SKIP[k].field, field) == 0 &&
		    (!SKIP[k].variant || strcmp(SKIP[k].variant, variant) == 0))
			return SKIP[k].reason;
	return NULL;
}

/* Skip counts per reason, for the summary. */
static struct {
	const char *reason;
	int n;
} skipped[64];
static int nmsg, ncmp, nmatch, nskip, nfail, nnotext;

static void count_skip(const char *reason)
{
	for (size_t k = 0; k < sizeof skipped / sizeof skipped[0]; k++) {
		if (!skipped[k].reason || strcmp(skipped[k].reason, reason) == 0) {
			skipped[k].reason = reason;
			skipped[k].n++;
			return;
		}
	}
}

/* Print s on one diag line: line ends and other control characters
 * escaped, so that multi-line bodies stay inside the TAP comment. */
static void diag_value(const char *label, const char *s)
{
	printf("# %s", label);
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if (*q == '\n')
			printf("\\n");
		else if (*q == '\\')
			printf("\\\\");
		else if (*q < 0x20 || *q == 0x7f)
			printf("\\x%02x", *q);
		else
			putchar(*q);
	}
	printf("\n");
}

/* Record one comparison: matched, skipped for a listed reason, or failed. */
static void report(const char *file, const char *variant, const char *field, bool match,
                   const char *got, const char *want)
{
	const char *reason = skip_reason(file, variant, field);
	ncmp++;
	if (reason) {
		if (!ok(!match, "%s (%s) %s differs as listed in SKIP", file, variant, field)) {
			diag("it now matches: remove it from SKIP");
			nfail++;
			return;
		}
		nskip++;
		count_skip(reason);
		diag("skip %s (%s) %s: %s", file, variant, field, reason);
		diag_value("  ours:     ", got);
		diag_value("  Stalwart: ", want);
		return;
	}
	if (match)
		nmatch++;
	else
		nfail++;
	if (!ok(match, "%s (%s) %s", file, variant, field)) {
		diag_value("got:  ", got);
		diag_value("want: ", want);
	}
}

/* ---- reading Stalwart's JSON ---- */

/* The value of the first header of the part named `name` (Stalwart's
 * snake_case names: "subject", "message_id"…), or NULL. */
static json_t *hdr_first(json_t *part, const char *name)
{
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(part, "headers"), i, h) {
		const char *n = json_string_value(json_object_get(h, "name"));
		if (n && strcmp(n, name) == 0)
			return json_object_get(h, "value");
	}
	return NULL;
}

/* A header value as text: {"Text": s} is s; "Empty" or absent is "". */
static const char *value_text(json_t *v)
{
	const char *s = json_string_value(json_object_get(v, "Text"));
	return s ? s : "";
}

static void addr_add(struct buf *b, json_t *a)
{
	const char *n = json_string_value(json_object_get(a, "name"));
	const char *e = json_string_value(json_object_get(a, "address"));
	buf_printf(b, "%s%s|%s", b->len ? "; " : "", n ? n : "", e ? e : "");
}

/* Every address of every header `name` of the part, groups flattened. */
static void want_addrs(json_t *part, const char *name, struct buf *out)
{
	size_t i, k, m;
	json_t *h, *a, *g;
	json_array_foreach(json_object_get(part, "headers"), i, h) {
		const char *n = json_string_value(json_object_get(h, "name"));
		if (!n || strcmp(n, name) != 0)
			continue;
		json_t *addr = json_object_get(json_object_get(h, "value"), "Address");
		json_array_foreach(json_object_get(addr, "List"), k, a)
			addr_add(out, a);
		json_array_foreach(json_object_get(addr, "Group"), k, g)
			json_array_foreach(json_object_get(g, "addresses"), m, a)
				addr_add(out, a);
	}
	buf_append(out, "", 0);
}

static void got_addrs(const struct mail_addr_list *l, struct buf *out)
{
	for (size_t k = 0; k < l->n; k++)
		buf_printf(out, "%s%s|%s", k ? "; " : "", l->v[k].name, l->v[k].email);
	buf_append(out, "", 0);
}

/* "Text", "Html", "Binary", "InlineBinary", "Message" or "Multipart". */
static const char *body_kind(json_t *part)
{
	json_t *b = json_object_get(part, "body");
	if (json_is_string(b))
		return json_string_value(b);
	const char *k = json_object_iter_key(json_object_iter(b));
	return k ? k : "";
}

static const char *attr_get(json_t *ct, const char *name)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(ct, "attributes"), i, a) {
		const char *n = json_string_value(json_object_get(a, "name"));
		if (n && strcasecmp(n, name) == 0)
			return json_string_value(json_object_get(a, "value"));
	}
	return NULL;
}

/* Lower-case "type/subtype" of a part; the RFC 2045 defaults when absent
 * (message/rfc822 for what Stalwart parsed as a message, as in a digest). */
static void want_ctype(json_t *part, struct buf *out)
{
	json_t *ct = json_object_get(hdr_first(part, "content_type"), "ContentType");
	const char *t = json_string_value(json_object_get(ct, "c_type"));
	const char *st = json_string_value(json_object_get(ct, "c_subtype"));
	size_t from = out->len;
	if (t)
		buf_printf(out, "%s/%s", t, st ? st : "");
	else
		buf_append_str(out, strcmp(body_kind(part), "Message") == 0 ? "message/rfc822" : "text/plain");
	for (size_t k = from; k < out->len; k++)
		if (out->p[k] >= 'A' && out->p[k] <= 'Z')
			out->p[k] = (char)(out->p[k] + 32);
}

static const char *want_filename(json_t *part)
{
	json_t *cd = json_object_get(hdr_first(part, "content_disposition"), "ContentType");
	json_t *ct = json_object_get(hdr_first(part, "content_type"), "ContentType");
	const char *f = attr_get(cd, "filename");
	if (!f || !*f)
		f = attr_get(ct, "name");
	return f && *f ? f : NULL;
}

/* ---- comparisons ---- */

/* Line ends to LF (lone CR too, as we do), NUL removed (our text is a C
 * string and charset_to_utf8 drops NUL), trailing white space of each
 * line and of the whole text removed. Returns a malloc'd string. */
static char *normalise(const char *p, size_t len)
{
	char *r = malloc(len + 1);
	size_t k = 0;
	if (!r)
		abort();
	for (size_t i = 0; i < len; i++) {
		char ch = p[i];
		if (ch == '\0')
			continue;
		if (ch == '\r') {
			if (i + 1 < len && p[i + 1] == '\n')
				i++;
			ch = '\n';
		}
		if (ch == '\n')
			while (k && (r[k - 1] == ' ' || r[k - 1] == '\t'))
				k--;
		r[k++] = ch;
	}
	while (k && (r[k - 1] == ' ' || r[k - 1] == '\t' || r[k - 1] == '\n'))
		k--;
	r[k] = '\0';
	return r;
}

static void cmp_text(const char *file, const char *variant, json_t *j, const struct mail_msg *m)
{
	struct buf want;
	buf_init(&want, 0);
	size_t i, ntext = 0, nhtml = 0;
	json_t *idx;
	json_t *parts = json_object_get(j, "parts");
	json_array_foreach(json_object_get(j, "text_body"), i, idx) {
		json_t *part = json_array_get(parts, (size_t)json_integer_value(idx));
		const char *kind = body_kind(part);
		if (strcmp(kind, "Html") == 0) {
			nhtml++;
		} else if (strcmp(kind, "Text") == 0) {
			json_t *t = json_object_get(json_object_get(part, "body"), "Text");
			size_t n = json_string_length(t);
			if (want.len && n)
				buf_append_str(&want, "\n\n");
			buf_append(&want, json_string_value(t), n);
			ntext++;
		}
	}
	if (!ntext || nhtml) {
		/* No text part in Stalwart's text body: nothing comparable. */
		nnotext++;
		buf_free(&want);
		return;
	}
	char *w = normalise(want.p ? want.p : "", want.len);
	char *g = normalise(m->text, strlen(m->text));
	report(file, variant, "text", strcmp(g, w) == 0, g, w);
	free(w);
	free(g);
	buf_free(&want);
}

struct att {
	char *ctype;
	const char *name;   /* NULL: Stalwart gives none */
	bool used;
};

static void cmp_attachments(const char *file, const char *variant, json_t *j, const struct mail_msg *m)
{
	size_t i, nw = 0;
	json_t *idx;
	json_t *parts = json_object_get(j, "parts");
	json_t *list = json_object_get(j, "attachments");
	struct att *w = calloc(json_array_size(list) + 1, sizeof *w);
	if (!w)
		abort();
	struct buf ws, gs;
	buf_init(&ws, 0);
	buf_init(&gs, 0);
	json_array_foreach(list, i, idx) {
		json_t *part = json_array_get(parts, (size_t)json_integer_value(idx));
		struct buf ct;
		buf_init(&ct, 0);
		want_ctype(part, &ct);
		w[nw].ctype = buf_steal(&ct);
		w[nw].name = want_filename(part);
		buf_printf(&ws, "%s%s %s", nw ? ", " : "", w[nw].ctype, w[nw].name ? w[nw].name : "(no name)");
		nw++;
	}
	/* Match ours against theirs: exact names first, then unnamed ones. */
	bool match = true;
	size_t ng = 0;
	for (size_t k = 0; k < m->nparts; k++) {
		const struct mail_part *p = &m->parts[k];
		if (p->role != MAIL_PART_ATTACHMENT)
			continue;
		buf_printf(&gs, "%s%s %s", ng++ ? ", " : "", p->content_type, p->filename);
		size_t found = nw;
		for (size_t x = 0; x < nw && found == nw; x++)
			if (!w[x].used && w[x].name && strcmp(w[x].ctype, p->content_type) == 0 &&
			    strcmp(w[x].name, p->filename) == 0)
				found = x;
		for (size_t x = 0; x < nw && found == nw; x++)
			if (!w[x].used && !w[x].name && strcmp(w[x].ctype, p->content_type) == 0 && *p->filename)
				found = x;
		if (found == nw)
			match = false;
		else
			w[found].used = true;
	}
	for (size_t x = 0; x < nw; x++)
		if (!w[x].used)
			match = false;
	buf_append(&ws, "", 0);
	buf_append(&gs, "", 0);
	report(file, variant, "attachments", match, gs.p, ws.p);
	for (size_t x = 0; x < nw; x++)
		free(w[x].ctype);
	free(w);
	buf_free(&ws);
	buf_free(&gs);
}

static void cmp_html(const char *file, const char *variant, json_t *j, const struct mail_msg *m)
{
	size_t i;
	json_t *idx;
	bool want = false;
	json_t *parts = json_object_get(j, "parts");
	json_array_foreach(json_object_get(j, "html_body"), i, idx)
		if (strcmp(body_kind(json_array_get(parts, (size_t)json_integer_value(idx))), "Html") == 0)
			want = true;
	bool got = *m->html != '\0';
	report(file, variant, "html", got == want, got ? "HTML body" : "no HTML body",
	       want ? "HTML body" : "no HTML body");
}

static void cmp_message(const char *file, const char *variant, json_t *j, const struct mail_msg *m)
{
	json_t *top = json_array_get(json_object_get(j, "parts"), 0);
	const char *want = value_text(hdr_first(top, "subject"));
	report(file, variant, "subject", strcmp(m->subject, want) == 0, m->subject, want);

	static const struct {
		const char *field;
		size_t off;
	} lists[] = {
		{ "from", offsetof(struct mail_msg, from) },
		{ "to", offsetof(struct mail_msg, to) },
		{ "cc", offsetof(struct mail_msg, cc) },
	};
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
		struct buf w, g;
		buf_init(&w, 0);
		buf_init(&g, 0);
		want_addrs(top, lists[k].field, &w);
		got_addrs((const struct mail_addr_list *)((const char *)m + lists[k].off), &g);
		report(file, variant, lists[k].field, strcmp(g.p, w.p) == 0, g.p, w.p);
		buf_free(&w);
		buf_free(&g);
	}

	want = value_text(hdr_first(top, "message_id"));
	report(file, variant, "message_id", strcmp(m->message_id, want) == 0, m->message_id, want);

	cmp_text(file, variant, j, m);
	cmp_attachments(file, variant, j, m);
	cmp_html(file, variant, j, m);
}

/* ---- driver ---- */

/* raw with CRLF turned into LF (crlf false), or that with LF turned into
 * CRLF (crlf true): how Stalwart made NNN.json and NNN.crlf.json. */
static void variant_bytes(const struct buf *raw, bool crlf, struct buf *out)
{
	for (size_t i = 0; i < raw->len; i++) {
		if (raw->p[i] == '\r' && i + 1 < raw->len && raw->p[i + 1] == '\n')
			continue;
		if (raw->p[i] == '\n' && crlf)
			buf_append_char(out, '\r');
		buf_append_char(out, raw->p[i]);
	}
}

static void run_file(const struct mail_limits *lim, const char *suite, const char *num)
{
	char file[64], path[256];
	snprintf(file, sizeof file, "%s/%s", suite, num);
	snprintf(path, sizeof path, ROOT "%s.eml", file);
	struct buf raw;
	struct mado_err err;
	buf_init(&raw, 0);
	if (fsio_read_file(path, 1u << 26, &raw, &err) != MADO_OK) {
		ok(0, "%s: read: %s", path, err.msg);
		buf_free(&raw);
		return;
	}
	for (int crlf = 0; crlf <= 1; crlf++) {
		const char *variant = crlf ? "CRLF" : "LF";
		snprintf(path, sizeof path, ROOT "%s%s", file, crlf ? ".crlf.json" : ".json");
		json_error_t je;
		json_t *j = json_load_file(path, JSON_ALLOW_NUL, &je);
		if (!ok(j != NULL, "%s loads", path)) {
			diag("%s:%d: %s", path, je.line, je.text);
			continue;
		}
		struct buf bytes;
		buf_init(&bytes, 0);
		variant_bytes(&raw, crlf, &bytes);
		struct mail_msg *m = NULL;
		if (mail_parse(bytes.p ? bytes.p : "", bytes.len, lim, &m, &err) != MADO_OK) {
			ok(0, "%s (%s): parse: %s", file, variant, err.msg);
		} else {
			nmsg++;
			cmp_message(file, variant, j, m);
		}
		mail_msg_free(m);
		buf_free(&bytes);
		json_decref(j);
	}
	buf_free(&raw);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_suite(const struct mail_limits *lim, const char *suite)
{
	char dir[128];
	snprintf(dir, sizeof dir, ROOT "%s", suite);
	DIR *d = opendir(dir);
	if (!ok(d != NULL, "%s opens", dir))
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".eml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **v = realloc(names, cap * sizeof *v);
			if (!v)
				abort();
			names = v;
		}
		names[n++] = xstrndup(e->d_name, l - 4);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	ok(n > 0, "%s has mails", dir);
	for (size_t k = 0; k < n; k++) {
		run_file(lim, suite, names[k]);
		free(names[k]);
	}
	free(names);
}

int main(void)
{
	struct mail_limits lim;
	mail_limits_default(&lim);
	static const char *const suites[] = { "rfc", "malformed", "legacy", "thirdparty" };
	for (size_t k = 0; k < sizeof suites / sizeof suites[0]; k++)
		run_suite(&lim, suites[k]);
	diag("Stalwart eml corpus: %d parses (LF and CRLF), %d comparisons: %d matched, %d skipped, %d failed",
	     nmsg, ncmp, nmatch, nskip, nfail);
	diag("text not compared in %d parses (Stalwart's text body is rendered HTML or absent)", nnotext);
	for (size_t k = 0; k < sizeof skipped / sizeof skipped[0] && skipped[k].reason; k++)
		diag("skipped %d: %s", skipped[k].n, skipped[k].reason);
	return done_testing();
}
