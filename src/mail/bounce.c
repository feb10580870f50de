/*
 * Bounce reading: is this message a delivery report, which recipients
 * failed (or were delayed, or delivered), with which enhanced status, and
 * which of our messages was it about?
 *
 * How. Standard reports are read first: a message/delivery-status part
 * (RFC 3464; one record per recipient block, Action decides failed /
 * delayed / delivered) or a message/feedback-report part (ARF). Amazon SES
 * JSON notifications are read from their JSON. Everything else is the
 * "text form" every MTA invents for itself, and there we do not keep one
 * decoder per vendor: we look for the things all of them share. The
 * verdict comes from signals that must agree (a system sender or null
 * Return-Path, a bounce-like Subject, bounce phrases in the body,
 * X-Failed-Recipients). The body is cut where the returned message begins
 * (separator lines such as "--- Below this line is a copy of the message."
 * or a run of header fields). In what remains, every address is given a
 * context: "strong" when it opens its line (qmail "<a@b>:", Exim "  a@b",
 * Sendmail "<a@b>... User unknown", Gmail, Exchange "a@b on <date>") or
 * follows a recipient cue word ("RCPT TO:", "Recipient:", "to"), negative
 * when it follows a sender cue ("from", "envelope-from", "Message-ID"...),
 * weak otherwise. The original sender (the bounce's To, the returned
 * message's From) is never a failed recipient. Failed recipients are the
 * strong addresses, else the weak ones, else (when the returned message is
 * itself a bounce, as gateways relay them) what that bounce says, else the
 * returned message's To. RFC 3464 fields pasted into the text are read as
 * a DSN. Each recipient's status is the first enhanced status code in the
 * lines that follow it up to the next recipient.
 *
 * Rejected alternative: one decoder per vendor, as sisimai has. It reads
 * its corpus exactly but not the next vendor's wording; Mado must not
 * mistake an unseen bounce for a customer (and answer it), so the shared
 * structure matters more than each vendor's phrasing.
 *
 * Bounds: the text examined is capped (MAX_SCAN bytes, MAX_LINES lines,
 * MAX_RCPTS recipients) so that hostile input costs linear time.
 */
#include "mail/bounce.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

#define MAX_SCAN   (256u * 1024)  /* bytes of body text examined */
#define MAX_LINES  4000u          /* lines of body text examined */
#define MAX_RCPTS  200u           /* recipients kept per report */
#define MAX_DIAG   480u           /* bytes of diagnostic kept per recipient */
#define BLOCK_SPAN 40u            /* lines after a recipient searched for its status */
#define MAX_PHRASE_SCAN (64u * 1024) /* bytes of notice searched for bounce wording */

/* ------------------------------------------------------------------ */
/* Small string helpers over length-carrying slices                    */

static int lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static bool sp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static struct str s_trim(struct str s)
{
	while (s.len && sp((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && sp((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

static bool s_has(struct str hay, const char *needle)
{
	return str_ifind(hay, needle) != (size_t)-1;
}

static bool s_has_any(struct str hay, const char *const *needles)
{
	for (size_t i = 0; needles[i]; i++)
		if (s_has(hay, needles[i]))
			return true;
	return false;
}

static bool s_starts_any(struct str s, const char *const *prefixes)
{
	for (size_t i = 0; prefixes[i]; i++)
		if (str_istarts(s, prefixes[i]))
			return true;
	return false;
}

static char *a_lower(struct arena *a, const char *p, size_t n)
{
	char *r = arena_strndup(a, p, n);
	if (r)
		for (size_t i = 0; i < n; i++)
			r[i] = (char)lc((unsigned char)r[i]);
	return r;
}

/* Collapse runs of white space to one space, bounded to max bytes (cut on a
 * UTF-8 boundary). */
static char *a_squeeze(struct arena *a, const char *p, size_t n, size_t max)
{
	char *r = arena_alloc(a, (n < max ? n : max) + 1);
	if (!r)
		return NULL;
	size_t k = 0;
	bool space = false;
	for (size_t i = 0; i < n && k < max; i++) {
		unsigned char c = (unsigned char)p[i];
		if (sp(c) || c == 0) {
			space = k > 0;
			continue;
		}
		if (space && k + 1 < max)
			r[k++] = ' ';
		space = false;
		r[k++] = (char)c;
	}
	while (k && ((unsigned char)r[k - 1] & 0xC0) == 0x80 && k == max) {
		/* cut inside a multi-byte sequence: drop the partial character */
		while (k && ((unsigned char)r[k - 1] & 0xC0) == 0x80)
			k--;
		if (k)
			k--;
	}
	r[k] = '\0';
	return r;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

struct lines {
	struct str *v;
	size_t n;
};

/* Split p into lines (LF, CRLF, CR or CR CR LF), each without its line end;
 * leading quote marks ("> ") of forwarded text are removed. malloc'ed. */
static mado_status lines_split(const char *p, size_t len, struct lines *out)
{
	out->v = NULL;
	out->n = 0;
	if (len > MAX_SCAN)
		len = MAX_SCAN;
	size_t cap = 64;
	struct str *v = malloc(cap * sizeof *v);
	if (!v)
		return MADO_ENOMEM;
	size_t i = 0, n = 0;
	while (i < len && n < MAX_LINES) {
		size_t j = i;
		while (j < len && p[j] != '\n' && p[j] != '\r')
			j++;
		struct str l = str_make(p + i, j - i);
		/* line end: any run of CRs followed by an optional LF */
		size_t k = j;
		while (k < len && p[k] == '\r')
			k++;
		if (k < len && p[k] == '\n')
			k++;
		else if (k > j + 1) /* "\r\r" without LF: old Mac mail, one CR per line */
			k = j + 1;
		/* forwarded/quoted text: "> > text" */
		while (l.len && l.p[0] == '>' && !(l.len >= 3 && l.p[1] == '>' && l.p[2] == '>')) {
			l.p++;
			l.len--;
			if (l.len && l.p[0] == ' ') {
				l.p++;
				l.len--;
			}
		}
		if (n == cap) {
			cap *= 2;
			struct str *nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				free(v);
				return MADO_ENOMEM;
			}
			v = nv;
		}
		v[n++] = l;
		if (k == i) /* no progress: cannot happen, but never loop forever */
			k = i + 1;
		i = k;
	}
	out->v = v;
	out->n = n;
	return MADO_OK;
}

static bool blank(struct str l)
{
	return s_trim(l).len == 0;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

static bool local_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

static bool domain_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.';
}

/* Validate a domain: dotted labels, last label alphabetic (2+), or an
 * address literal "[192.0.2.1]". */
static bool domain_ok(const char *d, size_t n)
{
	if (n < 4 || n > 253)
		return false;
	if (d[0] == '[')
		return d[n - 1] == ']';
	size_t last = 0, labels = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (i == last)
				return false;
			labels++;
			last = i + 1;
		}
	}
	if (labels < 2)
		return false;
	/* top-level label */
	size_t t = n;
	while (t && d[t - 1] != '.')
		t--;
	if (n - t < 2)
		return false;
	for (size_t i = t; i < n; i++)
		if (!isalpha((unsigned char)d[i]))
			return false;
	return true;
}

/* Next addr-spec in s at or after *pos: [*as, *ae). */
static bool next_addr(struct str s, size_t *pos, size_t *as, size_t *ae)
{
	size_t i = *pos;
	while (i < s.len) {
		const char *at = memchr(s.p + i, '@', s.len - i);
		if (!at)
			break;
		size_t a = (size_t)(at - s.p);
		i = a + 1;
		size_t b = a;
		while (b > 0 && local_char((unsigned char)s.p[b - 1]) && a - (b - 1) <= 64)
			b--;
		/* "'a@b'", ".a@b", "=a@b" (parameter values): not part of the address */
		while (b < a && strchr(".'`{|=/", s.p[b]))
			b++;
		if (b == a)
			continue;
		size_t e = a + 1;
		if (e < s.len && s.p[e] == '[') {
			while (e < s.len && s.p[e] != ']' && e - a < 64 &&
			       (isdigit((unsigned char)s.p[e]) || s.p[e] == '.' || s.p[e] == '[' ||
			        s.p[e] == ':' || isalpha((unsigned char)s.p[e])))
				e++;
			if (e < s.len && s.p[e] == ']')
				e++;
		} else {
			while (e < s.len && domain_char((unsigned char)s.p[e]) && e - a < 255)
				e++;
			while (e > a + 1 && (s.p[e - 1] == '.' || s.p[e - 1] == '-'))
				e--;
		}
		if (!domain_ok(s.p + a + 1, e - a - 1))
			continue;
		/* an address inside a URL ("http://user@host/") is not one */
		size_t w = b;
		while (w > 0 && b - w < 256 && !sp((unsigned char)s.p[w - 1]) && s.p[w - 1] != '<' &&
		       s.p[w - 1] != '"')
			w--;
		if (b - w >= 3 && memmem(s.p + w, b - w, "://", 3))
			continue;
		*as = b;
		*ae = e;
		*pos = e;
		return true;
	}
	*pos = s.len;
	return false;
}

/* First address in s, lower case in the arena, or NULL. */
static const char *first_addr(struct arena *a, struct str s)
{
	size_t pos = 0, as, ae;
	if (!next_addr(s, &pos, &as, &ae))
		return NULL;
	return a_lower(a, s.p + as, ae - as);
}

static const char *const system_locals[] = {
	"mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon",
	"postmaster", "post_master", "post-master", "mmdf", "mail.delivery.system",
	"mail-delivery-system", "mail-delivery-subsystem", NULL,
};

bool bounce_is_system_address(const char *email)
{
	if (!email)
		return false;
	const char *at = strchr(email, '@');
	size_t n = at ? (size_t)(at - email) : strlen(email);
	for (size_t i = 0; system_locals[i]; i++)
		if (strlen(system_locals[i]) == n && strncasecmp(email, system_locals[i], n) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Status codes                                                        */

/* An enhanced status code starting at p[i]? End offset in *end. */
static bool status_at(const char *p, size_t len, size_t i, size_t *end)
{
	if (i >= len || (p[i] != '2' && p[i] != '4' && p[i] != '5'))
		return false;
	if (i > 0) {
		unsigned char b = (unsigned char)p[i - 1];
		if (isalnum(b) || b == '.' || b == '_' || b == '/' || b == '@')
			return false;
	}
	size_t j = i + 1;
	for (int part = 0; part < 2; part++) {
		if (j >= len || p[j] != '.')
			return false;
		j++;
		size_t d = 0;
		while (j < len && isdigit((unsigned char)p[j]) && d < 4) {
			j++;
			d++;
		}
		if (d == 0 || d > 3)
			return false;
	}
	if (j < len) {
		unsigned char c = (unsigned char)p[j];
		if (isalnum(c) || c == '_' || c == '@')
			return false;
		if ((c == '.' || c == '-') && j + 1 < len && isdigit((unsigned char)p[j + 1]))
			return false;
	}
	*end = j;
	return true;
}

bool bounce_find_status(const char *p, size_t len, char out[12])
{
	for (size_t i = 0; i < len; i++) {
		size_t e;
		if (status_at(p, len, i, &e)) {
			size_t n = e - i < 11 ? e - i : 11;
			memcpy(out, p + i, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

/* Like bounce_find_status, but a code that follows an SMTP reply code
 * ("550 5.7.1", "550-'5.7.1") is preferred: that is the remote server's own
 * word, where a code before it is often the relaying MTA's summary. */
static bool find_status_best2(const char *p, size_t len, char out[12], bool *anchored_out,
                              bool skip_success)
{
	bool have = false;
	if (anchored_out)
		*anchored_out = false;
	for (size_t i = 0; i < len; i++) {
		size_t e;
		if (!status_at(p, len, i, &e))
			continue;
		if (skip_success && p[i] == '2')
			continue;
		size_t k = i;
		while (k > 0 && (p[k - 1] == '\'' || p[k - 1] == '"' || p[k - 1] == ' ' || p[k - 1] == '-'))
			k--;
		bool anchored = k >= 3 && k < i && (p[k - 3] == '2' || p[k - 3] == '4' || p[k - 3] == '5') &&
		                isdigit((unsigned char)p[k - 2]) && isdigit((unsigned char)p[k - 1]) &&
		                (k == 3 || !isalnum((unsigned char)p[k - 4]));
		if (!have || anchored) {
			size_t n = e - i < 11 ? e - i : 11;
			memcpy(out, p + i, n);
			out[n] = '\0';
			have = true;
			if (anchored) {
				if (anchored_out)
					*anchored_out = true;
				return true;
			}
		}
	}
	return have;
}

static bool find_status_best(const char *p, size_t len, char out[12], bool *anchored_out)
{
	return find_status_best2(p, len, out, anchored_out, false);
}

/* An SMTP reply code (4xx/5xx/2xx) as a token: "550 ", "550-", "#550". */
static bool find_reply_code2(struct str s, char *cls, bool skip_success)
{
	for (size_t i = 0; i + 3 <= s.len; i++) {
		const char *p = s.p + i;
		if (skip_success && p[0] == '2')
			continue;
		if ((p[0] != '2' && p[0] != '4' && p[0] != '5') || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p[1] > '5')
			continue;
		if (i > 0) {
			unsigned char b = (unsigned char)s.p[i - 1];
			if (!(sp(b) || b == '#' || b == '(' || b == '<' || b == ':' ||
			      b == '[' || b == ';' || b == '"' || b == '='))
				continue;
		}
		if (i + 3 < s.len) {
			unsigned char c = (unsigned char)p[3];
			if (!(sp(c) || c == '-' || c == ')' || c == ']' || c == ','))
				continue;
		}
		*cls = p[0];
		return true;
	}
	return false;
}

static bool find_reply_code(struct str s, char *cls)
{
	return find_reply_code2(s, cls, false);
}

/* A status code's class ('2', '4', '5') or 0. */
static char status_class(const char *st)
{
	return st && *st ? st[0] : 0;
}

static bool status_generic(const char *st)
{
	return st && st[0] && strcmp(st + 1, ".0.0") == 0;
}

/* ------------------------------------------------------------------ */
/* Header blocks given as text (returned message headers)              */

/* Value of the first field `name` in a header block (continuation lines
 * included, raw). */
static struct str block_field(struct str block, const char *name)
{
	size_t nl = strlen(name);
	size_t i = 0;
	while (i < block.len) {
		size_t j = i;
		while (j < block.len && block.p[j] != '\n')
			j++;
		struct str l = str_make(block.p + i, j - i);
		if (l.len > nl && strncasecmp(l.p, name, nl) == 0) {
			size_t k = nl;
			while (k < l.len && (l.p[k] == ' ' || l.p[k] == '\t'))
				k++;
			if (k < l.len && l.p[k] == ':') {
				size_t vs = i + k + 1;
				size_t ve = j;
				/* continuation lines */
				while (ve + 1 < block.len && (block.p[ve + 1] == ' ' || block.p[ve + 1] == '\t')) {
					size_t z = ve + 1;
					while (z < block.len && block.p[z] != '\n')
						z++;
					ve = z;
				}
				return s_trim(str_make(block.p + vs, ve - vs));
			}
		}
		if (l.len == 0 || (l.len == 1 && l.p[0] == '\r'))
			break; /* end of the header block */
		i = j + 1;
	}
	return str_make("", 0);
}

/* "<id@host>" (or a bare id) from a Message-ID value, without <>. */
static const char *msgid_of(struct arena *a, struct str v)
{
	v = s_trim(v);
	if (!v.len)
		return NULL;
	const char *lt = memchr(v.p, '<', v.len);
	if (lt) {
		const char *gt = memchr(lt, '>', v.len - (size_t)(lt - v.p));
		if (!gt)
			return NULL;
		while (lt + 1 < gt && memchr(lt + 1, '<', (size_t)(gt - lt - 1)))
			lt = memchr(lt + 1, '<', (size_t)(gt - lt - 1)); /* "<<id>": the innermost */
		if (gt > lt + 1 && memchr(lt, '@', (size_t)(gt - lt)))
			return a_squeeze(a, lt + 1, (size_t)(gt - lt - 1), 998);
		return NULL;
	}
	size_t n = 0;
	while (n < v.len && !sp((unsigned char)v.p[n]) && v.p[n] != '>')
		n++;
	if (n && memchr(v.p, '@', n))
		return arena_strndup(a, v.p, n);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Recipient list under construction                                   */

struct rlist {
	struct arena *a;
	struct bounce_recipient *v;
	size_t n, cap;
};

static struct bounce_recipient *rlist_find(const struct rlist *r, const char *email)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].email, email) == 0)
			return &r->v[i];
	return NULL;
}

static mado_status rlist_add(struct rlist *r, const char *email, struct bounce_recipient **out)
{
	*out = NULL;
	if (r->n >= MAX_RCPTS)
		return MADO_OK;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct bounce_recipient *v = arena_alloc(r->a, cap * sizeof *v);
		if (!v)
			return MADO_ENOMEM;
		if (r->n)
			memcpy(v, r->v, r->n * sizeof *v);
		r->v = v;
		r->cap = cap;
	}
	struct bounce_recipient *x = &r->v[r->n++];
	x->email = email;
	x->status = "";
	x->action = "";
	x->diagnostic = "";
	*out = x;
	return MADO_OK;
}

/* ------------------------------------------------------------------ */
/* RFC 3464 message/delivery-status                                    */

struct dsn_field {
	struct str name, value;
	unsigned block;
};

static bool field_name_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* "rfc822; <a@b>" -> lower-case a@b (or the raw value when it has no @). */
static const char *dsn_address(struct arena *a, struct str v)
{
	const char *semi = memchr(v.p, ';', v.len);
	if (semi)
		v = str_make(semi + 1, v.len - (size_t)(semi + 1 - v.p));
	v = s_trim(v);
	const char *e = first_addr(a, v);
	if (e)
		return e;
	while (v.len && (v.p[0] == '<' || v.p[0] == '"')) {
		v.p++;
		v.len--;
	}
	while (v.len && (v.p[v.len - 1] == '>' || v.p[v.len - 1] == '"'))
		v.len--;
	v = s_trim(v);
	if (!v.len)
		return NULL;
	/* no domain ("rfc822; kijitora", "X-Unix; |/bin/prog"): keep it as read */
	size_t n = 0;
	while (n < v.len && !sp((unsigned char)v.p[n]))
		n++;
	return a_lower(a, v.p, n);
}

/* The value after "type;" (Diagnostic-Code: smtp; 550 ...). */
static struct str after_type(struct str v)
{
	const char *semi = memchr(v.p, ';', v.len);
	if (semi && (size_t)(semi - v.p) < 20) {
		bool word = true;
		for (const char *q = v.p; q < semi; q++)
			if (!(isalnum((unsigned char)*q) || *q == '-' || *q == ' '))
				word = false;
		if (word)
			return s_trim(str_make(semi + 1, v.len - (size_t)(semi + 1 - v.p)));
	}
	return s_trim(v);
}

/* Choose the status of one recipient from the Status field and the
 * diagnostic: the more specific code of the same class wins. */
static const char *pick_status(struct arena *a, struct str status, struct str diag)
{
	char st[12] = "", dg[12] = "";
	bool hs = bounce_find_status(status.p, status.len < 24 ? status.len : 24, st);
	bool anchored = false;
	bool hd = diag.len && find_status_best(diag.p, diag.len, dg, &anchored);
	if (hs && hd && status_generic(st) && !status_generic(dg) && st[0] == dg[0])
		return arena_strdup(a, dg);
	/* The remote server's own reply ("550 5.7.1 ...") is more precise than
	 * the reporting MTA's summary in Status (Sendmail writes 5.1.1 for any
	 * 550, 4.4.7 for any expiry). A success code never overrides a failure. */
	if (hs && hd && anchored && !status_generic(dg) && strcmp(st, dg) != 0 &&
	    !(dg[0] == '2' && st[0] != '2'))
		return arena_strdup(a, dg);
	if (hs)
		return arena_strdup(a, st);
	if (hd)
		return arena_strdup(a, dg);
	char cls;
	if (diag.len && find_reply_code(diag, &cls)) {
		char g[6] = { cls, '.', '0', '.', '0', 0 };
		return arena_strdup(a, g);
	}
	return "";
}

static const char *norm_action(struct arena *a, struct str v, const char *status, bool retry)
{
	v = s_trim(v);
	size_t n = 0;
	while (n < v.len && isalpha((unsigned char)v.p[n]))
		n++;
	if (n) {
		const char *x = a_lower(a, v.p, n);
		/* spellings seen in the wild */
		if (x && (strcmp(x, "fail") == 0 || strcmp(x, "failure") == 0 || strcmp(x, "error") == 0))
			return "failed";
		if (x && (strcmp(x, "delay") == 0 || strcmp(x, "deferred") == 0))
			return "delayed";
		if (x && strcmp(x, "deliverable") == 0) /* address verification report */
			return "delivered";
		return x ? x : "";
	}
	switch (status_class(status)) {
	case '2':
		return "delivered";
	case '4':
		return retry ? "delayed" : "failed";
	default:
		return "failed";
	}
}

mado_status bounce_parse_dsn(struct arena *a, const char *text, size_t len,
                             struct bounce_recipient **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	struct lines L;
	mado_status st = lines_split(text, len, &L);
	if (st)
		return st;
	struct dsn_field *f = malloc((L.n + 1) * sizeof *f);
	if (!f) {
		free(L.v);
		return MADO_ENOMEM;
	}
	size_t nf = 0;
	unsigned block = 0;
	bool prev_blank = true;
	for (size_t i = 0; i < L.n; i++) {
		struct str l = L.v[i];
		if (blank(l)) {
			if (!prev_blank)
				block++;
			prev_blank = true;
			continue;
		}
		prev_blank = false;
		if ((l.p[0] == ' ' || l.p[0] == '\t') && nf) {
			/* continuation: extend the previous value over this line */
			struct dsn_field *pf = &f[nf - 1];
			const char *end = l.p + l.len;
			if (end > pf->value.p)
				pf->value.len = (size_t)(end - pf->value.p);
			continue;
		}
		size_t k = 0;
		while (k < l.len && field_name_char((unsigned char)l.p[k]))
			k++;
		if (k == 0 || k >= l.len || l.p[k] != ':')
			continue;
		f[nf].name = str_make(l.p, k);
		f[nf].value = str_make(l.p + k + 1, l.len - k - 1);
		f[nf].block = block;
		nf++;
	}

	struct rlist R = { .a = a };
	/* Records: a new one starts at each Final-Recipient, and at an
	 * Original-Recipient not followed by a Final-Recipient in its block. */
	struct rec {
		struct str orig, final, actual, action, status, diag, retry;
	};
	struct rec cur;
	memset(&cur, 0, sizeof cur);
	bool open = false;
	unsigned cur_block = 0;
	for (size_t i = 0; i <= nf && st == MADO_OK; i++) {
		bool flush = i == nf;
		struct dsn_field *x = i < nf ? &f[i] : NULL;
		if (x && open && x->block != cur_block)
			flush = true;
		if (x && open && str_ieq_cstr(x->name, "Final-Recipient") && cur.final.p)
			flush = true;
		if (x && open && str_ieq_cstr(x->name, "Original-Recipient") && cur.orig.p)
			flush = true;
		if (flush && open && (cur.final.p || cur.orig.p || cur.actual.p)) {
			const char *email = NULL;
			if (cur.final.p)
				email = dsn_address(a, cur.final);
			if ((!email || !strchr(email, '@')) && cur.actual.p) {
				const char *e2 = dsn_address(a, cur.actual);
				if (e2 && strchr(e2, '@'))
					email = e2;
			}
			if ((!email || !strchr(email, '@')) && cur.orig.p) {
				const char *e2 = dsn_address(a, cur.orig);
				if (e2 && (strchr(e2, '@') || !email))
					email = e2;
			}
			if (email && *email) {
				struct str diag = cur.diag.p ? after_type(cur.diag) : str_make("", 0);
				const char *status = pick_status(a, cur.status.p ? cur.status : str_make("", 0), diag);
				const char *action = norm_action(a, cur.action.p ? cur.action : str_make("", 0),
				                                 status, cur.retry.p != NULL);
				struct bounce_recipient *r = rlist_find(&R, email);
				if (!r) {
					st = rlist_add(&R, email, &r);
					if (r) {
						r->status = status;
						r->action = action;
						r->diagnostic = diag.len ? a_squeeze(a, diag.p, diag.len, MAX_DIAG) : "";
						if (!r->diagnostic)
							st = MADO_ENOMEM;
					}
				}
			}
			memset(&cur, 0, sizeof cur);
			open = false;
		}
		if (!x)
			break;
		bool is_rcpt = str_ieq_cstr(x->name, "Final-Recipient") ||
		               str_ieq_cstr(x->name, "Original-Recipient") ||
		               str_ieq_cstr(x->name, "X-Actual-Recipient");
		if (!open && !is_rcpt) {
			/* per-message fields, or per-recipient fields written before
			 * the recipient: keep the latter for the record that follows
			 * in the same block */
			bool per_rcpt = str_ieq_cstr(x->name, "Action") || str_ieq_cstr(x->name, "Status") ||
			                str_ieq_cstr(x->name, "Diagnostic-Code") ||
			                str_ieq_cstr(x->name, "Will-Retry-Until");
			if (!per_rcpt)
				continue;
			open = true;
			cur_block = x->block;
		}
		if (!open) {
			open = true;
			cur_block = x->block;
		}
		if (str_ieq_cstr(x->name, "Final-Recipient"))
			cur.final = x->value;
		else if (str_ieq_cstr(x->name, "Original-Recipient"))
			cur.orig = x->value;
		else if (str_ieq_cstr(x->name, "X-Actual-Recipient"))
			cur.actual = x->value;
		else if (str_ieq_cstr(x->name, "Action"))
			cur.action = x->value;
		else if (str_ieq_cstr(x->name, "Status"))
			cur.status = s_trim(x->value);
		else if (str_ieq_cstr(x->name, "Diagnostic-Code"))
			cur.diag = x->value;
		else if (str_ieq_cstr(x->name, "Will-Retry-Until"))
			cur.retry = x->value;
	}
	free(f);
	free(L.v);
	if (st)
		return st;
	*out = R.v;
	*nout = R.n;
	return MADO_OK;
}

/* ------------------------------------------------------------------ */
/* Phrase tables                                                       */

/* Subjects of bounces (matched anywhere, case-insensitive). */
static const char *const subj_bounce[] = {
	"undelivered mail", "undeliverable", "undelivered message", "undeliverd",
	"delivery status notification", "delivery notification", "mail delivery failed",
	"mail delivery failure", "mail delivery system", "delivery failure", "delivery failed",
	"failed delivery", "failure delivery", "delivery has failed", "failure notice",
	"returned mail", "returned to sender", "returning message to sender", "mail failure",
	"mail system error", "could not be delivered", "couldn't be delivered",
	"not delivered", "non-delivery", "nondelivery", "non delivery", "nondeliverable",
	"delivery problem", "message frozen", "see transcript", "postmaster notify",
	"delayed mail", "delivery delayed", "has been delayed", "warning: could not send",
	"could not send message", "mail could not", "message not delivered", "bounced mail",
	"undeliverable mail", "permanent delivery", "delivery report", "mail failed",
	"delivery status", "returned message", "failed mail", "message delivery",
	"error sending your mail", "[bounce]",
	/* Exchange and friends, localised */
	"non remis", "non recapitabile", "unzustellbar", "nicht zustellbar", "onbestelbaar",
	"no se puede entregar", "no entregado", "non consegnato", "olevererbart",
	"não entregue", "nao entregue",
	/* Russian (mail.ru, yandex) */
	"не доставлено", "недоставленное", "не удалось доставить",
	/* Japanese */
	"配信不能", "配信エラー", "配信できません", "配信に失敗", "送信エラー", "メールエラー",
	"エラーメール", "不達", "未配達", "宛先不明", "送信できません", "届きませんでした",
	"配送エラー", "配送できません", "返送", NULL,
};

static bool subject_is_bounce(struct str s)
{
	return s_has_any(s, subj_bounce);
}

/* Subjects of delay warnings. */
static const char *const subj_delay[] = {
	"(delay)", "delayed", "delay notification", "warning: could not send",
	"still being retried", "warning: message", "delivery delay", "遅延", NULL,
};

/* Phrases that only bounce notices write. */
static const char *const body_bounce[] = {
	"this is the qmail-send program", "i'm afraid i wasn't able to deliver",
	"i'm sorry to have to inform you", "this is the mail system at host",
	"created automatically by mail delivery software", "a message that you sent could not be delivered",
	"a message that you sent has not yet been delivered",
	"could not be delivered to one or more", "the following address(es) failed",
	"the following address failed", "following addresses had permanent fatal errors",
	"following addresses had transient non-fatal errors", "transcript of session follows",
	"the original message was received at", "delivery to the following recipient",
	"did not reach the following recipient", "delivery has failed to these recipients",
	"your message did not reach some or all", "your message couldn't be delivered",
	"your message could not be delivered", "your message cannot be delivered",
	"your message was not delivered", "message could not be delivered",
	"could not be delivered to the following", "unable to deliver your message",
	"unable to deliver message", "we were unable to deliver", "was unable to deliver",
	"an error has occurred while attempting to deliver", "there was an error delivering",
	"this is the mailer-daemon", "this is a delivery status notification",
	"automatically generated delivery status notification", "delivery status notification",
	"undeliverable mail", "mail delivery failed", "permanent error", "permanent failure",
	"permanently failed", "failed permanently", "message delivery has failed",
	"delivery to the following recipients failed", "could not deliver", "cannot be delivered",
	"couldn't be delivered", "the following recipient(s) could not be reached",
	"message was undeliverable", "was undeliverable", "returned mail", "recipient address rejected",
	"failed recipient", "the message was not delivered", "following message to",
	"has been returned", "returned to the sender", "message you sent to", "mail you sent",
	"has not been delivered", "has been delayed", "delivery attempts will continue",
	"could not be delivered", "not be delivered", "failure reasons", "delivery failed",
	"trouble delivering", "error sending your mail", "failed addresses follow",
	"undeliverable", "delivery report", "mail system error", "can't be delivered",
	"non-delivery", "ndr", "no such user", "user unknown", "unknown user",
	"mailbox unavailable", "mailbox is full", "does not exist", "over quota",
	/* Japanese carriers and servers */
	"配信できませんでした", "送信できませんでした", "届きませんでした", "配信に失敗",
	"配送できません", "宛先不明", "存在しません", "届けることができません", "送信先",
	"配信不能", "エラー", "受信拒否",
	/* Russian */
	"не доставлено", "не может быть доставлено", "не удалось доставить", NULL,
};

/* The subset that is specific enough to mark a bounce on its own together
 * with a bounce Subject (no system sender needed). */
static const char *const body_bounce_strong[] = {
	"this is the qmail-send program", "i'm afraid i wasn't able to deliver",
	"this is the mail system at host", "created automatically by mail delivery software",
	"could not be delivered to one or more", "following addresses had permanent fatal errors",
	"transcript of session follows", "the original message was received at",
	"did not reach the following recipient", "delivery has failed to these recipients",
	"delivery to the following recipient", "this is a delivery status notification",
	"automatically generated delivery status notification", "there was an error delivering",
	"an error has occurred while attempting to deliver", "this is the mailer-daemon",
	"your message did not reach some or all", "could not be delivered to:", NULL,
};

/* Delay notices: delivery is still being attempted. */
static const char *const body_delay[] = {
	"has been delayed", "have been delayed", "delivery attempts will continue",
	"will continue to try", "will keep trying", "will retry", "will be retried",
	"still being retried", "no action is required on your part", "this is a warning message only",
	"is only a warning", "this is just a warning", "has not yet been delivered",
	"have not yet been delivered", "not yet been delivered", "transient non-fatal errors",
	"delivery is delayed", "delivery delayed", "still trying", "will try again",
	"could not be delivered yet", NULL,
};

/* ...and phrases that say delivery has stopped, which beat delay wording. */
static const char *const body_given_up[] = {
	"i've given up", "i'm not going to try again", "permanent error", "permanently",
	"giving up", "gave up", "has been returned", "will not be retried", "no further attempts",
	"retry timeout exceeded", "not try to redeliver", "will not try to redeliver",
	"cannot send message for", "could not be delivered for", "message expired",
	"message has expired", NULL,
};

/* Lines that start the returned (original) message inside the text. */
static const char *const returned_markers[] = {
	"below this line is a copy of the message", "this is a copy of the message",
	"this is a copy of the headers", "copy of the message's headers", "original message follows",
	"original message headers", "original message header", "----- original message",
	"-----original message", "original message -----", "unsent message follows",
	"returned message", "message headers follow", "message header follows",
	"header of the original message", "headers of the original message",
	"the original message was:", "original message:", "below is a copy of the original message",
	"included is a copy of the message header", "the original message is attached",
	"original message is included", "your message reads", "message follows",
	"headers follow", "copy of the original message", "the original message follows",
	"following is a copy of the message", "returned message follows", "message text follows",
	"original mail", "is a copy of the message", "enclosed is a copy", "copy of the message follows",
	"元のメッセージ", "元のメール", "原文", NULL,
};

/* Field names that make a run of lines look like a returned header block. */
static const char *const header_names[] = {
	"received", "return-path", "message-id", "mime-version", "dkim-signature", "x-received",
	"delivered-to", "authentication-results", "date", "from", "to", "subject", "cc",
	"content-type", "content-transfer-encoding", "reply-to", "references", "in-reply-to",
	"x-mailer", "user-agent", "sender", "x-originating-ip", "arc-seal", "thread-index",
	"x-original-to", NULL,
};

static const char *const header_names_anchor[] = {
	"received", "return-path", "message-id", "mime-version", "dkim-signature", "x-received",
	"delivered-to", "authentication-results", "arc-seal", NULL,
};

/* ------------------------------------------------------------------ */
/* The returned message                                                */

/* Field name of a header-looking line ("Name: value" at column 0). */
static struct str header_line_name(struct str l)
{
	size_t k = 0;
	while (k < l.len && field_name_char((unsigned char)l.p[k]))
		k++;
	if (k == 0 || k >= l.len || l.p[k] != ':')
		return str_make("", 0);
	return str_make(l.p, k);
}

static bool name_in(struct str name, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (str_ieq_cstr(name, set[i]))
			return true;
	return false;
}

static bool subject_is_bounce(struct str s);

/* A separator or intro line that announces the returned message: the
 * marker opens the line (after separator characters), or the line is
 * drawn with separators, or it is a short line ending in ':'. Prose that
 * merely mentions "the attached returned message" does not count. */
static bool marker_line(struct str l)
{
	if (l.len >= 120 || !s_has_any(l, returned_markers))
		return false;
	struct str b = l;
	size_t seps = 0;
	while (b.len && strchr("-=_*#~+| \t", b.p[0])) {
		if (b.p[0] != ' ' && b.p[0] != '\t')
			seps++;
		b.p++;
		b.len--;
	}
	if (seps >= 2)
		return true;
	if (s_starts_any(b, returned_markers))
		return true;
	return l.len < 80 && l.p[l.len - 1] == ':';
}

/* Lines [i, j) are a header block whose From is a mail system or whose
 * Subject is a bounce's. */
static bool run_is_bounce_header(const struct lines *L, size_t i, size_t j)
{
	for (size_t k = i; k < j; k++) {
		struct str l = L->v[k];
		struct str nm = header_line_name(l);
		if (!nm.len)
			continue;
		struct str v = str_make(l.p + nm.len + 1, l.len - nm.len - 1);
		if (str_ieq_cstr(nm, "From") &&
		    (s_has(v, "mailer-daemon") || s_has(v, "postmaster") || s_has(v, "mail delivery")))
			return true;
		if (str_ieq_cstr(nm, "Subject") && subject_is_bounce(v))
			return true;
	}
	return false;
}

/* Index of the line where the returned message (or its separator)
 * begins, or L->n. *hdr gets the first line of its header block. */
static size_t find_returned(const struct lines *L, size_t *hdr)
{
	*hdr = L->n;
	for (size_t i = 0; i < L->n; i++) {
		struct str l = s_trim(L->v[i]);
		if (!l.len)
			continue;
		if (marker_line(l)) {
			/* the header block is the first header-looking line after it */
			for (size_t j = i + 1; j < L->n && j < i + 12; j++) {
				if (header_line_name(L->v[j]).len) {
					*hdr = j;
					break;
				}
			}
			return i;
		}
		/* a run of header fields at column 0 */
		struct str nm = header_line_name(L->v[i]);
		if (!nm.len || !name_in(nm, header_names))
			continue;
		size_t known = 0, anchor = 0, j = i;
		for (; j < L->n && j < i + 60; j++) {
			struct str lj = L->v[j];
			if (lj.len && (lj.p[0] == ' ' || lj.p[0] == '\t'))
				continue;
			struct str nj = header_line_name(lj);
			if (!nj.len)
				break;
			if (name_in(nj, header_names))
				known++;
			if (name_in(nj, header_names_anchor))
				anchor++;
		}
		if (known >= 3 && (anchor >= 1 || known >= 4)) {
			/* the header of a forwarded bounce (From MAILER-DAEMON, a
			 * bounce Subject) is not the returned message: read on */
			if (run_is_bounce_header(L, i, j)) {
				i = j - 1;
				continue;
			}
			*hdr = i;
			return i;
		}
	}
	return L->n;
}

/* ------------------------------------------------------------------ */
/* Amazon SES notifications (JSON)                                     */

/* The string value of "key" at or after p (within [p, end)), or an empty
 * slice. Tolerates the escaped form an SNS envelope gives (\"key\":\"v\"). */
static struct str json_str(const char *p, const char *end, const char *key, const char **after)
{
	size_t kl = strlen(key);
	for (const char *q = p; q && q + kl + 2 < end; q++) {
		q = memchr(q, key[0], (size_t)(end - q));
		if (!q || q + kl + 2 >= end)
			break;
		if (memcmp(q, key, kl) != 0 || (q[kl] != '"' && q[kl] != '\\') || q == p || (q[-1] != '"'))
			continue;
		const char *v = q + kl;
		/* past the key's closing quote (escaped or not), the colon, spaces */
		while (v < end && (*v == '"' || *v == '\\'))
			v++;
		while (v < end && (*v == ' ' || *v == ':' || *v == '\t'))
			v++;
		bool quoted = false;
		if (v < end && *v == '\\' && v + 1 < end && v[1] == '"') {
			v += 2;
			quoted = true;
		} else if (v < end && *v == '"') {
			v++;
			quoted = true;
		}
		const char *e = v;
		if (quoted) /* a string: up to its closing quote (\" in the escaped form) */
			while (e < end && *e != '"' && !(*e == '\\' && e + 1 < end && e[1] == '"'))
				e++;
		else        /* a bare value: number, true, null */
			while (e < end && *e != ',' && *e != '}' && *e != ']' && !sp((unsigned char)*e))
				e++;
		if (after)
			*after = e;
		return str_make(v, (size_t)(e - v));
	}
	if (after)
		*after = end;
	return str_make("", 0);
}

static bool ses_read(struct arena *a, struct str t, struct rlist *R, enum bounce_verdict *verdict,
                     const char **msgid, const char **ftype)
{
	const char *p = t.p, *end = t.p + t.len;
	struct str type = json_str(p, end, "notificationType", NULL);
	if (!type.len)
		type = json_str(p, end, "eventType", NULL);
	if (!type.len)
		return false;
	const char *list_key, *addr_key = "emailAddress";
	if (str_ieq_cstr(type, "Bounce")) {
		*verdict = BOUNCE_FAILED;
		list_key = "bouncedRecipients";
		struct str bt = json_str(p, end, "bounceType", NULL);
		if (str_ieq_cstr(bt, "Transient"))
			*verdict = BOUNCE_FAILED; /* SES stopped retrying: still a failure */
	} else if (str_ieq_cstr(type, "Complaint")) {
		*verdict = BOUNCE_FEEDBACK;
		list_key = "complainedRecipients";
		struct str ft = json_str(p, end, "complaintFeedbackType", NULL);
		*ftype = ft.len ? a_lower(a, ft.p, ft.len) : "abuse";
	} else if (str_ieq_cstr(type, "Delivery")) {
		*verdict = BOUNCE_DELIVERED;
		list_key = "recipients";
		addr_key = NULL;
	} else {
		return false;
	}
	/* the recipient array */
	const char *q = NULL;
	size_t kl = strlen(list_key);
	for (const char *s = p; s + kl < end; s++) {
		s = memchr(s, list_key[0], (size_t)(end - s));
		if (!s || s + kl >= end)
			break;
		if (memcmp(s, list_key, kl) == 0 && (s[kl] == '"' || s[kl] == '\\')) {
			q = s + kl;
			break;
		}
	}
	if (q) {
		const char *lb = memchr(q, '[', (size_t)(end - q));
		const char *rb = lb ? memchr(lb, ']', (size_t)(end - lb)) : NULL;
		if (lb && rb) {
			const char *cur = lb;
			while (cur < rb) {
				const char *ob = addr_key ? memchr(cur, '{', (size_t)(rb - cur)) : cur;
				if (!ob)
					break;
				const char *cb = addr_key ? memchr(ob, '}', (size_t)(rb - ob)) : rb;
				if (!cb)
					cb = rb;
				struct str obj = str_make(ob, (size_t)(cb - ob));
				const char *email = NULL;
				if (addr_key) {
					struct str e = json_str(ob, cb, addr_key, NULL);
					email = e.len ? first_addr(a, e) : NULL;
				}
				struct bounce_recipient *r = NULL;
				if (addr_key && email && !rlist_find(R, email)) {
					if (rlist_add(R, email, &r))
						return false;
				}
				if (!addr_key) {
					/* "recipients":["a@b","c@d"] */
					size_t pos = 0, as, ae;
					struct str resp = json_str(p, end, "smtpResponse", NULL);
					char code[12];
					const char *rs = bounce_find_status(resp.p, resp.len, code) ? arena_strdup(a, code)
					                                                            : "2.0.0";
					const char *rd = a_squeeze(a, resp.p, resp.len, MAX_DIAG);
					while (next_addr(obj, &pos, &as, &ae)) {
						const char *e2 = a_lower(a, obj.p + as, ae - as);
						if (e2 && !rlist_find(R, e2) && rlist_add(R, e2, &r) == MADO_OK && r) {
							r->action = "delivered";
							r->status = rs ? rs : "";
							r->diagnostic = rd ? rd : "";
						}
					}
					break;
				}
				if (r) {
					struct str act = json_str(ob, cb, "action", NULL);
					struct str stv = json_str(ob, cb, "status", NULL);
					struct str dg = json_str(ob, cb, "diagnosticCode", NULL);
					char code[12];
					const char *act_l = act.len ? a_lower(a, act.p, act.len) : NULL;
					r->action = *verdict == BOUNCE_FEEDBACK ? "" : act_l ? act_l : "failed";
					if (stv.len && bounce_find_status(stv.p, stv.len, code))
						r->status = arena_strdup(a, code);
					else if (dg.len && bounce_find_status(dg.p, dg.len, code))
						r->status = arena_strdup(a, code);
					if (!r->status)
						r->status = "";
					dg = after_type(dg);
					const char *d = a_squeeze(a, dg.p, dg.len, MAX_DIAG);
					r->diagnostic = d ? d : "";
				}
				cur = cb + 1;
			}
		}
	}
	/* original Message-ID: a "Message-ID" header entry or commonHeaders */
	const char *after = NULL;
	for (const char *s = p; s < end;) {
		struct str nm = json_str(s, end, "name", &after);
		if (!nm.len)
			break;
		if (str_ieq_cstr(nm, "Message-ID")) {
			struct str v = json_str(after, end, "value", NULL);
			const char *id = msgid_of(a, v);
			if (id) {
				*msgid = id;
				break;
			}
		}
		s = after;
	}
	if (!*msgid || !**msgid) {
		/* commonHeaders.messageId is the original Message-ID when it has "@" */
		const char *cm = NULL;
		for (const char *s = p; s < end;) {
			struct str v = json_str(s, end, "messageId", &after);
			if (!v.len)
				break;
			if (memchr(v.p, '@', v.len))
				cm = msgid_of(a, v);
			s = after;
			if (cm)
				break;
		}
		if (cm)
			*msgid = cm;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Text-form bounces                                                   */

enum ctx { CTX_NEG = -1, CTX_WEAK = 1, CTX_STRONG = 2 };

struct occ {
	const char *email;
	size_t line;
	int ctx;
	long rid; /* index in the recipient list, -1 if not reported */
};

/* Cue words before an address: the nearest one decides. */
static const char *const cue_pos[] = {
	"to", "rcpt", "recipient", "recipients", "recipient(s)", "final-recipient",
	"original-recipient", "x-failed-recipients", "failed-recipient", "address", "addresses",
	"address(es)", "addressee", "mailbox", "user", "account", "destination", "destinataire",
	"empfänger", "宛先", "受信者", "送信先", "for", NULL,
};
static const char *const cue_neg[] = {
	"from", "sender", "envelope-from", "return-path", "reply-to", "errors-to", "message-id",
	"msgid", "id", "by", "smtp.mailfrom", "mailfrom", "header.from", "header.i", "helo", "ehlo",
	"contact", "references", "in-reply-to", "postmaster", "administrator", "x-sender",
	"x-original-sender", "x-apparently-from", "resent-from", "originator", "author",
	"x-env-sender", "env-from", "x-sid-pra", NULL,
};

/* Words of `before` from the right; returns +1 / -1 / 0 for the nearest cue
 * among the last few words. */
static int nearest_cue(struct str before, int maxwords)
{
	size_t end = before.len;
	for (int w = 0; w < maxwords && end > 0; w++) {
		while (end > 0 && (sp((unsigned char)before.p[end - 1]) || strchr("<\"'(:;,[=", before.p[end - 1])))
			end--;
		size_t start = end;
		while (start > 0 && end - start < 64 && !sp((unsigned char)before.p[start - 1]) &&
		       !strchr("<\"'(;,[=", before.p[start - 1]))
			start--;
		if (start == end || end - start >= 64)
			break;
		struct str word = str_make(before.p + start, end - start);
		/* trailing ':' of "To:" */
		while (word.len && strchr(":.", word.p[word.len - 1]))
			word.len--;
		for (size_t i = 0; cue_neg[i]; i++)
			if (str_ieq_cstr(word, cue_neg[i]))
				return -1;
		for (size_t i = 0; cue_pos[i]; i++)
			if (str_ieq_cstr(word, cue_pos[i]))
				return 1;
		/* "Final-Recipient:", "RCPT TO:<" */
		if (s_has(word, "recipient") || s_has(word, "rcpt"))
			return 1;
		if (s_has(word, "sender") || s_has(word, "from"))
			return -1;
		end = start;
	}
	return 0;
}

/* A line that announces the sender on the next line: "A message sent by",
 * "The sender is", "from:". */
static bool sender_intro(struct str l)
{
	l = s_trim(l);
	while (l.len && strchr(":.", l.p[l.len - 1]))
		l.len--;
	static const char *const ends[] = { " by", " from", "sender", "sender is", "sent by", "originator", NULL };
	for (size_t i = 0; ends[i]; i++) {
		size_t n = strlen(ends[i]);
		if (l.len >= n && strncasecmp(l.p + l.len - n, ends[i], n) == 0)
			return true;
	}
	return false;
}

/* Lines that introduce the list of failed recipients. */
static const char *const intro_phrases[] = {
	"following recipient", "following address", "following destination", "following user",
	"these recipients", "list of recipients", "address(es) failed", "addresses failed",
	"address failed", "recipients failed", "not reach the following", "could not be delivered to:",
	"以下の宛先", "下記の宛先", NULL,
};

/* Lines that carry header-ish sender data even inside the notice. */
static const char *const neg_line_prefix[] = {
	"from:", "sender:", "reply-to:", "return-path:", "errors-to:", "message-id:",
	"received:", "references:", "in-reply-to:", "x-", "dkim-signature:", "authentication-results:",
	"arc-", "list-", "resent-", "mail from:", "by ", "(envelope-from", "envelope-from",
	"reporting-mta:", "received-from-mta:", "for <", NULL,
};

static int addr_context(struct str line, size_t as, size_t ae, bool *opens)
{
	*opens = false;
	struct str lt = s_trim(line);
	if (s_starts_any(lt, neg_line_prefix))
		return CTX_NEG;
	struct str before = str_make(line.p, as);
	struct str after = str_make(line.p + ae, line.len - ae);
	/* what precedes on the line, without bullets and wrapping */
	struct str b = s_trim(before);
	while (b.len && strchr("<\"'*-•·>([", b.p[b.len - 1]))
		b.len--;
	if (b.len >= 7 && strncasecmp(b.p + b.len - 7, "mailto:", 7) == 0)
		b.len -= 7;
	b = s_trim(b);
	while (b.len && strchr("*-•·#>[(0123456789.)", b.p[0])) {
		b.p++;
		b.len--;
		b = s_trim(b);
	}
	int cue = nearest_cue(before, 5);
	if (cue < 0)
		return CTX_NEG;
	if (b.len == 0) {
		*opens = true;
		return CTX_STRONG; /* the address opens its line */
	}
	if (cue > 0)
		return CTX_STRONG;
	/* "<a@b>... User unknown" after some prefix (sendmail in transcripts) */
	struct str at = after;
	while (at.len && strchr(">\"'", at.p[0])) {
		at.p++;
		at.len--;
	}
	if (at.len >= 3 && memcmp(at.p, "...", 3) == 0)
		return CTX_STRONG;
	return CTX_WEAK;
}

struct textform {
	struct lines L;
	size_t cut;        /* first line of the returned message section */
	size_t hdr;        /* first line of its header block, or L.n */
	struct occ *occ;
	size_t nocc;
};

static void textform_free(struct textform *t)
{
	free(t->L.v);
	free(t->occ);
}

/* Addresses never reported as failed: whoever sent the original message. */
struct exclude {
	const char *v[32];
	size_t n;
};

static void exclude_add(struct exclude *x, const char *e)
{
	if (!e || !*e || x->n >= 32)
		return;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i], e) == 0)
			return;
	x->v[x->n++] = e;
}

static bool excluded(const struct exclude *x, const char *e)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->v[i], e) == 0)
			return true;
	return false;
}

static void exclude_addrs(struct arena *a, struct exclude *x, const struct mail_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].email && *l->v[i].email)
			exclude_add(x, a_lower(a, l->v[i].email, strlen(l->v[i].email)));
}

static void exclude_field(struct arena *a, struct exclude *x, struct str block, const char *name)
{
	struct str v = block_field(block, name);
	size_t pos = 0, as, ae;
	while (v.len && next_addr(v, &pos, &as, &ae))
		exclude_add(x, a_lower(a, v.p + as, ae - as));
}

/* Collect address occurrences in the notice part of the text. */
static mado_status collect_occ(struct arena *a, struct textform *t)
{
	size_t cap = 16;
	t->occ = malloc(cap * sizeof *t->occ);
	if (!t->occ)
		return MADO_ENOMEM;
	size_t intro = t->L.n;
	size_t prev = t->L.n; /* last non-blank line before this one */
	for (size_t i = 0; i < t->cut; i++) {
		struct str l = t->L.v[i];
		if (intro == t->L.n && s_has_any(l, intro_phrases))
			intro = i;
		size_t pos = 0, as, ae;
		while (next_addr(l, &pos, &as, &ae)) {
			bool opens;
			int ctx = addr_context(l, as, ae, &opens);
			/* "A message sent by\n\n  <a@b>\n\ncould not be delivered" */
			if (opens && prev < t->L.n && sender_intro(t->L.v[prev]))
				ctx = CTX_NEG;
			if (ctx == CTX_NEG)
				continue;
			if (t->nocc == cap) {
				if (cap >= 4 * MAX_RCPTS)
					return MADO_OK;
				cap *= 2;
				struct occ *nv = realloc(t->occ, cap * sizeof *nv);
				if (!nv)
					return MADO_ENOMEM;
				t->occ = nv;
			}
			const char *e = a_lower(a, l.p + as, ae - as);
			if (!e)
				return MADO_ENOMEM;
			t->occ[t->nocc++] = (struct occ){ e, i, ctx, -1 };
		}
		if (!blank(l))
			prev = i;
	}
	/* Strong addresses after a "following recipients:" line make strong
	 * ones before it (the quoted "To:" of the original) mere mentions. */
	bool after = false;
	for (size_t k = 0; k < t->nocc; k++)
		if (t->occ[k].ctx == CTX_STRONG && t->occ[k].line > intro)
			after = true;
	if (after)
		for (size_t k = 0; k < t->nocc; k++)
			if (t->occ[k].ctx == CTX_STRONG && t->occ[k].line < intro)
				t->occ[k].ctx = CTX_WEAK;
	return MADO_OK;
}

/* Status and diagnostic of recipient r from the lines that follow each of
 * its occurrences, up to the next other recipient. */
static void text_status(struct arena *a, const struct textform *t, const struct rlist *R, size_t ri,
                        int tier)
{
	struct bounce_recipient *r = &R->v[ri];
	char code[12];
	size_t diag_from = t->L.n, diag_to = t->L.n;
	size_t scanned = 0; /* lines before this one were searched already */
	char cls = 0;
	/* in a failure report, the 2xx lines of a transcript are noise */
	bool fail = strcmp(r->action, "delivered") != 0;
	for (size_t k = 0; k < t->nocc; k++) {
		const struct occ *o = &t->occ[k];
		if (o->rid != (long)ri || o->ctx < tier)
			continue;
		/* block end: the next line naming another reported recipient */
		size_t end = o->line + BLOCK_SPAN;
		if (end > t->cut)
			end = t->cut;
		for (size_t q = k + 1; q < t->nocc && t->occ[q].line < end; q++)
			if (t->occ[q].rid >= 0 && t->occ[q].rid != (long)ri && t->occ[q].line > o->line) {
				end = t->occ[q].line;
				break;
			}
		size_t from = o->line > scanned ? o->line : scanned;
		for (size_t i = from; i < end; i++) {
			struct str l = t->L.v[i];
			if (!*r->status && find_status_best2(l.p, l.len, code, NULL, fail))
				r->status = arena_strdup(a, code);
			if (!cls)
				find_reply_code2(l, &cls, fail);
		}
		if (end > scanned)
			scanned = end;
		if (diag_from == t->L.n) {
			diag_from = o->line;
			diag_to = end > o->line ? end : o->line + 1;
		}
		if (r->status && *r->status)
			break;
	}
	if (!r->status)
		r->status = "";
	if (!*r->status && cls) {
		char g[6] = { cls, '.', '0', '.', '0', 0 };
		r->status = arena_strdup(a, g);
	}
	if (diag_from < diag_to && diag_to <= t->L.n) {
		/* the block, minus blank lines, squeezed */
		struct buf b;
		buf_init(&b, 0);
		for (size_t i = diag_from; i < diag_to && b.len < 2 * MAX_DIAG; i++) {
			struct str l = s_trim(t->L.v[i]);
			if (!l.len)
				continue;
			if (l.len > 2 * MAX_DIAG)
				l.len = 2 * MAX_DIAG;
			if ((b.len && buf_append_char(&b, ' ')) || buf_append(&b, l.p, l.len))
				break;
		}
		const char *d = a_squeeze(a, b.p ? b.p : "", b.len, MAX_DIAG);
		r->diagnostic = d ? d : "";
		buf_free(&b);
	}
}

/* occ[k].rid = index of its address in R, or -1. */
static void mark_occ(struct textform *t, const struct rlist *R)
{
	for (size_t k = 0; k < t->nocc; k++) {
		t->occ[k].rid = -1;
		for (size_t i = 0; i < R->n; i++)
			if (strcmp(R->v[i].email, t->occ[k].email) == 0) {
				t->occ[k].rid = (long)i;
				break;
			}
	}
}

/* ------------------------------------------------------------------ */
/* Putting it together                                                 */

struct evid {
	struct buf b;
};

static void ev(struct evid *e, const char *what)
{
	if (e->b.len)
		buf_append_str(&e->b, "; ");
	buf_append_str(&e->b, what);
}

static const struct mail_part *find_part(const struct mail_msg *m, const char *ctype)
{
	for (size_t i = 0; i < m->nparts; i++)
		if (m->parts[i].content_type && strcmp(m->parts[i].content_type, ctype) == 0)
			return &m->parts[i];
	return NULL;
}

/* Header block of the returned message: the report's, an attached
 * message/rfc822's, or the one inside the text after the cut. */
static struct str returned_headers(const struct mail_msg *m, const struct textform *t)
{
	if (m->report.original_headers && *m->report.original_headers)
		return str_from_cstr(m->report.original_headers);
	const struct mail_part *p = find_part(m, "message/rfc822");
	if (!p)
		p = find_part(m, "text/rfc822-headers");
	if (p && p->len) {
		struct str s = str_make((const char *)p->data, p->len);
		/* up to the first empty line */
		for (size_t i = 0; i + 1 < s.len; i++) {
			if (s.p[i] == '\n' && (s.p[i + 1] == '\n' ||
			                       (s.p[i + 1] == '\r' && i + 2 < s.len && s.p[i + 2] == '\n'))) {
				s.len = i + 1;
				break;
			}
		}
		/* skip leading blank lines */
		while (s.len && (s.p[0] == '\n' || s.p[0] == '\r')) {
			s.p++;
			s.len--;
		}
		return s;
	}
	if (t && t->hdr < t->L.n) {
		const char *start = t->L.v[t->hdr].p;
		size_t last = t->hdr;
		while (last < t->L.n && t->L.v[last].len)
			last++;
		const char *end = last < t->L.n ? t->L.v[last].p : t->L.v[t->L.n - 1].p + t->L.v[t->L.n - 1].len;
		if (end >= start)
			return str_make(start, (size_t)(end - start));
	}
	return str_make("", 0);
}

/* "Message-ID:" on a line of the text, after line `from`. */
static const char *text_msgid(struct arena *a, const struct lines *L, size_t from, const char *own)
{
	for (size_t i = from; i < L->n; i++) {
		struct str l = s_trim(L->v[i]);
		if (!str_istarts(l, "message-id") || l.len < 12)
			continue;
		const char *colon = memchr(l.p, ':', l.len);
		if (!colon || (size_t)(colon - l.p) > 12)
			continue;
		struct str v = str_make(colon + 1, l.len - (size_t)(colon + 1 - l.p));
		if (!s_trim(v).len && i + 1 < L->n)
			v = L->v[i + 1];
		const char *id = msgid_of(a, v);
		if (id && (!own || strcmp(id, own) != 0))
			return id;
	}
	return NULL;
}

static bool from_is_system(const struct mail_msg *m)
{
	if (m->from.n == 0) {
		/* "From: MAILER-DAEMON <>" has no address at all */
		const struct mail_header *h = mail_header_find(m, "From");
		if (!h)
			return false;
		struct str v = str_from_cstr(h->value ? h->value : h->raw);
		return s_has(v, "mailer-daemon") || s_has(v, "postmaster") || s_has(v, "<>") ||
		       s_has(v, "mail delivery");
	}
	for (size_t i = 0; i < m->from.n; i++) {
		const char *e = m->from.v[i].email;
		const char *nm = m->from.v[i].name;
		if (!e || !*e || bounce_is_system_address(e))
			return true;
		struct str n = str_from_cstr(nm);
		if (s_has(n, "mail delivery") || s_has(n, "mailer-daemon") || s_has(n, "mailer daemon") ||
		    s_has(n, "postmaster") || s_has(n, "delivery status") || s_has(n, "ndr administrator") ||
		    s_has(n, "delivery subsystem") || s_has(n, "mail administrator") ||
		    s_has(n, "delivery system"))
			return true;
	}
	return false;
}

/* From a no-reply address: a machine, though not a mail system. */
static bool from_is_noreply(const struct mail_msg *m)
{
	static const char *const locals[] = {
		"no-reply", "noreply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", NULL,
	};
	for (size_t i = 0; i < m->from.n; i++) {
		const char *e = m->from.v[i].email;
		if (!e)
			continue;
		const char *at = strchr(e, '@');
		size_t n = at ? (size_t)(at - e) : strlen(e);
		for (size_t k = 0; locals[k]; k++)
			if (strlen(locals[k]) == n && strncasecmp(e, locals[k], n) == 0)
				return true;
	}
	return false;
}

static bool null_return_path(const struct mail_msg *m)
{
	const struct mail_header *h = mail_header_find(m, "Return-Path");
	if (!h)
		return false;
	struct str v = s_trim(str_from_cstr(h->raw));
	return v.len == 0 || str_ieq_cstr(v, "<>") || str_ieq_cstr(v, "< >") ||
	       str_ieq_cstr(v, "<MAILER-DAEMON>") || str_ieq_cstr(v, "MAILER-DAEMON");
}

/* Subject without reply/forward prefixes; *fwd set if one was "Fwd". */
static struct str subject_core(const char *subject, bool *fwd, bool *reply)
{
	struct str s = s_trim(str_from_cstr(subject));
	*fwd = false;
	*reply = false;
	for (int k = 0; k < 4; k++) {
		if (str_istarts(s, "fwd:") || str_istarts(s, "fw:") || str_istarts(s, "転送:")) {
			*fwd = true;
		} else if (str_istarts(s, "re:") || str_istarts(s, "aw:") || str_istarts(s, "sv:")) {
			if (k == 0)
				*reply = true; /* the outermost prefix: someone answering */
		} else {
			break;
		}
		const char *c = memchr(s.p, ':', s.len);
		s = s_trim(str_make(c + 1, s.len - (size_t)(c + 1 - s.p)));
	}
	return s;
}

static mado_status feedback_read(const struct mail_msg *m, struct bounce_report *out,
                                 struct rlist *R, struct evid *e)
{
	struct arena *a = m->arena;
	struct str fr = str_from_cstr(m->report.feedback_report);
	if (!fr.len) {
		const struct mail_part *p = find_part(m, "message/feedback-report");
		if (p)
			fr = str_make((const char *)p->data, p->len);
	}
	out->verdict = BOUNCE_FEEDBACK;
	out->standard = fr.len > 0;
	out->form = "arf";
	ev(e, "feedback report (RFC 5965)");
	struct str ft = block_field(fr, "Feedback-Type");
	size_t n = 0;
	while (n < ft.len && !sp((unsigned char)ft.p[n]) && ft.p[n] != ';')
		n++;
	out->feedback_type = n ? a_lower(a, ft.p, n) : "";
	/* every Original-Rcpt-To names a recipient of the reported message */
	struct lines L;
	mado_status st = lines_split(fr.p, fr.len, &L);
	if (st)
		return st;
	for (size_t i = 0; i < L.n && st == MADO_OK; i++) {
		struct str l = L.v[i];
		if (!str_istarts(l, "original-rcpt-to:") && !str_istarts(l, "removal-recipient:"))
			continue;
		const char *addr = first_addr(a, l);
		if (addr && !rlist_find(R, addr)) {
			struct bounce_recipient *r;
			st = rlist_add(R, addr, &r);
		}
	}
	free(L.v);
	return st;
}

static mado_status analyze(const struct mail_msg *m, struct bounce_report *out, unsigned depth);

/* Microsoft's JMRP complaint: the complained-about message attached, with
 * X-HmXmrOriginalRecipient, or under the Subject "complaint about message
 * from <IP address>" (a customer's "Complaint about message from your
 * agent" is a person). */
static bool jmrp(const struct mail_msg *m, struct str subj, struct str rh)
{
	if (!find_part(m, "message/rfc822") || !rh.len)
		return false;
	if (block_field(rh, "X-HmXmrOriginalRecipient").len)
		return true;
	size_t at = str_ifind(subj, "complaint about message from ");
	if (at == (size_t)-1)
		return false;
	struct str ip = s_trim(str_make(subj.p + at + 29, subj.len - at - 29));
	if (ip.len < 3)
		return false;
	for (size_t i = 0; i < ip.len; i++)
		if (!isxdigit((unsigned char)ip.p[i]) && ip.p[i] != '.' && ip.p[i] != ':')
			return false;
	return true;
}

mado_status bounce_analyze(const struct mail_msg *m, struct bounce_report *out)
{
	return analyze(m, out, 0);
}

/* A bounce that wraps a bounce (gateways such as Trend Micro's relay the
 * DSN they received as an attachment of their own notice): when the
 * attached message is itself a report, read it and keep what it says,
 * copied into m's arena. *used is set when it gave recipients. */
static mado_status nested_report(const struct mail_msg *m, struct str rh, unsigned depth,
                                 struct rlist *R, struct bounce_report *out, const char **orig_id,
                                 bool *used)
{
	*used = false;
	if (depth >= 1 || !rh.len)
		return MADO_OK;
	struct str from = block_field(rh, "From");
	struct str ct = block_field(rh, "Content-Type");
	struct str subj = block_field(rh, "Subject");
	bool looks = s_has(ct, "delivery-status") || s_has(from, "mailer-daemon") ||
	             s_has(from, "postmaster") || s_has(from, "mail delivery") ||
	             (subj.len && s_has_any(subj, subj_bounce));
	const struct mail_part *p = find_part(m, "message/rfc822");
	if (!looks || !p || !p->len)
		return MADO_OK;
	struct mail_limits lim;
	mail_limits_default(&lim);
	struct mail_msg *sub = NULL;
	struct mado_err err;
	if (mail_parse((const char *)p->data, p->len, &lim, &sub, &err) != MADO_OK || !sub)
		return MADO_OK; /* unreadable: not an error of ours */
	struct bounce_report in;
	mado_status st = analyze(sub, &in, depth + 1);
	if (st == MADO_OK && in.nrecipients &&
	    (in.verdict == BOUNCE_FAILED || in.verdict == BOUNCE_DELAYED || in.verdict == BOUNCE_DELIVERED)) {
		struct arena *a = m->arena;
		for (size_t i = 0; i < in.nrecipients && st == MADO_OK; i++) {
			const struct bounce_recipient *x = &in.recipients[i];
			const char *email = arena_strdup(a, x->email);
			struct bounce_recipient *r = NULL;
			if (!email) {
				st = MADO_ENOMEM;
				break;
			}
			if (rlist_find(R, email))
				continue;
			st = rlist_add(R, email, &r);
			if (r) {
				r->status = arena_strdup(a, x->status);
				r->action = arena_strdup(a, x->action);
				r->diagnostic = arena_strdup(a, x->diagnostic);
				if (!r->status || !r->action || !r->diagnostic)
					st = MADO_ENOMEM;
			}
		}
		if (st == MADO_OK) {
			out->verdict = in.verdict;
			out->standard = in.standard;
			out->form = strcmp(in.form, "dsn") == 0 ? "nested-dsn" : "nested-text";
			if (*in.original_message_id)
				*orig_id = arena_strdup(a, in.original_message_id);
			*used = true;
		}
	}
	mail_msg_free(sub);
	return st;
}

static mado_status analyze(const struct mail_msg *m, struct bounce_report *out, unsigned depth)
{
	struct arena *a = m->arena;
	memset(out, 0, sizeof *out);
	out->form = "";
	out->evidence = "";
	out->original_message_id = "";
	out->feedback_type = "";

	struct rlist R = { .a = a };
	struct evid e;
	buf_init(&e.b, 4096);
	struct textform t;
	memset(&t, 0, sizeof t);
	mado_status st = MADO_OK;
	const char *text = m->text ? m->text : "";
	size_t tlen = strlen(text);
	const char *orig_id = NULL;

	st = lines_split(text, tlen, &t.L);
	if (st)
		goto out;
	t.cut = find_returned(&t.L, &t.hdr);

	/* 1. Feedback reports */
	const char *rt = m->report.report_type ? m->report.report_type : "";
	if (strcmp(rt, "feedback-report") == 0 ||
	    (m->report.feedback_report && *m->report.feedback_report) ||
	    find_part(m, "message/feedback-report")) {
		st = feedback_read(m, out, &R, &e);
		goto finish;
	}
	{
		const struct mail_header *h = mail_header_find(m, "X-Apple-Unsubscribe");
		if (h && str_ieq_cstr(s_trim(str_from_cstr(h->raw)), "true")) {
			out->verdict = BOUNCE_FEEDBACK;
			out->form = "apple-unsubscribe";
			out->feedback_type = "opt-out";
			ev(&e, "X-Apple-Unsubscribe: true (one-click unsubscribe request)");
			goto finish;
		}
	}

	/* 2. RFC 3464 delivery status */
	{
		struct str ds = str_from_cstr(m->report.delivery_status);
		if (!ds.len) {
			const struct mail_part *p = find_part(m, "message/delivery-status");
			if (!p)
				p = find_part(m, "message/global-delivery-status");
			if (p)
				ds = str_make((const char *)p->data, p->len);
		}
		if (ds.len) {
			struct bounce_recipient *v;
			size_t n;
			st = bounce_parse_dsn(a, ds.p, ds.len, &v, &n);
			if (st)
				goto out;
			if (n) {
				R.v = v;
				R.n = R.cap = n;
				out->standard = true;
				out->form = "dsn";
				ev(&e, "delivery status notification (RFC 3464)");
				/* a DSN without Status/Diagnostic: the text may carry the code */
				goto verdict_from_actions;
			}
			ev(&e, "delivery-status part without recipients");
		}
	}

	/* 3. Amazon SES JSON notifications */
	if (tlen && (memmem(text, tlen < MAX_SCAN ? tlen : MAX_SCAN, "notificationType", 16) ||
	             memmem(text, tlen < MAX_SCAN ? tlen : MAX_SCAN, "\"eventType\"", 11))) {
		enum bounce_verdict vd = BOUNCE_NONE;
		const char *mid = NULL, *ft = "";
		if (ses_read(a, str_make(text, tlen < MAX_SCAN ? tlen : MAX_SCAN), &R, &vd, &mid, &ft) &&
		    vd != BOUNCE_NONE) {
			out->verdict = vd;
			out->form = "amazon-ses-json";
			out->feedback_type = ft;
			if (mid)
				orig_id = mid;
			ev(&e, "Amazon SES notification (JSON)");
			goto finish;
		}
	}

	/* 4. Text forms */
	{
		bool fwd = false, reply = false;
		struct str subj = subject_core(m->subject, &fwd, &reply);
		bool sys = from_is_system(m);
		bool noreply = from_is_noreply(m);
		bool nullrp = null_return_path(m);
		/* "RE: Undeliverable: ..." from a person is someone asking about a
		 * bounce, not one */
		bool s_bounce = s_has_any(subj, subj_bounce) && !(reply && !sys && !nullrp);
		bool forwarded = fwd && !sys && !nullrp;
		const struct mail_header *xf = mail_header_find(m, "X-Failed-Recipients");
		struct str notice = t.cut < t.L.n ? str_make(text, (size_t)(t.L.v[t.cut].p - text))
		                                  : str_make(text, tlen < MAX_SCAN ? tlen : MAX_SCAN);
		if (notice.len > MAX_PHRASE_SCAN)
			notice.len = MAX_PHRASE_SCAN; /* bounce wording sits at the top */
		bool b_any = s_has_any(notice, body_bounce);
		bool b_strong = s_has_any(notice, body_bounce_strong);
		bool returned = t.cut < t.L.n || find_part(m, "message/rfc822") ||
		                find_part(m, "text/rfc822-headers") ||
		                (m->report.original_headers && *m->report.original_headers);
		bool dsn_type = strcmp(rt, "delivery-status") == 0;
		/* Microsoft's JMRP complaint: a forwarded message with X-HmXmrOriginalRecipient */
		struct str rh0 = returned_headers(m, &t);
		if (jmrp(m, subj, rh0)) {
			out->verdict = BOUNCE_FEEDBACK;
			out->form = "jmrp";
			out->feedback_type = "abuse";
			ev(&e, "complaint report (Microsoft JMRP form)");
			const char *r0 = rh0.len ? first_addr(a, block_field(rh0, "X-HmXmrOriginalRecipient")) : NULL;
			struct bounce_recipient *r;
			if (r0 && (st = rlist_add(&R, r0, &r)))
				goto out;
			goto finish;
		}
		/* RFC 3464 fields written into the text (no MIME structure, a
		 * broken one, or a forwarded report) */
		struct bounce_recipient *tv = NULL;
		size_t tn = 0;
		if (s_has(notice, "final-recipient:") || s_has(notice, "original-recipient:")) {
			st = bounce_parse_dsn(a, notice.p, notice.len, &tv, &tn);
			if (st)
				goto out;
		}

		bool is = false;
		if (xf && first_addr(a, str_from_cstr(xf->raw))) {
			is = true;
			ev(&e, "X-Failed-Recipients");
		}
		if (!is && dsn_type) {
			is = true;
			ev(&e, "multipart/report; report-type=delivery-status");
		}
		char cls0;
		bool smtp_code = find_reply_code2(notice, &cls0, true);
		if (!is && b_any && (sys || nullrp) && (s_bounce || b_strong || returned || tn || smtp_code)) {
			is = true;
			ev(&e, sys ? "bounce text from a mail system sender" : "bounce text with null Return-Path");
		}
		if (!is && s_bounce && (sys || nullrp)) {
			is = true;
			ev(&e, "bounce Subject from a mail system sender");
		}
		if (!is && s_bounce && (b_strong || (tn && b_any))) {
			is = true;
			ev(&e, fwd ? "forwarded bounce" : "bounce Subject and bounce text");
		}
		if (!is && s_bounce && b_any && noreply && smtp_code) {
			is = true;
			ev(&e, "bounce Subject and text from a no-reply sender");
		}
		if (!is)
			goto finish;

		if (tn) {
			R.v = tv;
			R.n = R.cap = tn;
			out->form = forwarded ? "forwarded-dsn" : "text-dsn";
			ev(&e, "delivery status fields in the text");
			goto verdict_from_actions;
		}

		/* recipients */
		st = collect_occ(a, &t);
		if (st)
			goto out;
		struct exclude x = { .n = 0 };
		exclude_addrs(a, &x, &m->to);
		exclude_addrs(a, &x, &m->cc);
		exclude_addrs(a, &x, &m->from);
		struct str rh = returned_headers(m, &t);
		exclude_field(a, &x, rh, "From");
		exclude_field(a, &x, rh, "Sender");
		exclude_field(a, &x, rh, "Return-Path");
		exclude_field(a, &x, rh, "Reply-To");
		exclude_field(a, &x, rh, "Errors-To");

		if (xf) {
			struct str v = str_from_cstr(xf->raw);
			size_t pos = 0, as, ae;
			while (next_addr(v, &pos, &as, &ae)) {
				const char *em = a_lower(a, v.p + as, ae - as);
				struct bounce_recipient *r;
				if (em && !rlist_find(&R, em) && (st = rlist_add(&R, em, &r)))
					goto out;
			}
		}
		int tier = 0;
		for (int pass = CTX_STRONG; pass >= CTX_WEAK && !tier && !R.n; pass--) {
			for (size_t k = 0; k < t.nocc; k++) {
				const struct occ *o = &t.occ[k];
				if (o->ctx != pass || rlist_find(&R, o->email))
					continue;
				if (excluded(&x, o->email))
					continue;
				if (pass == CTX_WEAK && bounce_is_system_address(o->email))
					continue;
				struct bounce_recipient *r;
				if ((st = rlist_add(&R, o->email, &r)))
					goto out;
			}
			if (R.n)
				tier = pass;
		}
		if (R.n == 0) {
			/* nothing named in the notice, and the returned message is a
			 * bounce itself: read that one */
			bool used = false;
			if ((st = nested_report(m, rh, depth, &R, out, &orig_id, &used)))
				goto out;
			if (used) {
				ev(&e, "the returned message is itself a bounce: read it");
				goto finish;
			}
		}
		if (R.n == 0 && rh.len) {
			/* nothing named in the notice: the returned message's To */
			struct str to = block_field(rh, "To");
			size_t pos = 0, as, ae;
			while (to.len && next_addr(to, &pos, &as, &ae)) {
				const char *em = a_lower(a, to.p + as, ae - as);
				struct bounce_recipient *r;
				if (em && !rlist_find(&R, em) && (st = rlist_add(&R, em, &r)))
					goto out;
			}
			if (R.n)
				ev(&e, "recipient taken from the returned message's To");
		}
		if (R.n == 0) {
			/* the only strong address is one we took for the sender (a
			 * message sent to oneself): better than nothing */
			for (size_t k = 0; k < t.nocc; k++) {
				const struct occ *o = &t.occ[k];
				if (o->ctx != CTX_STRONG || rlist_find(&R, o->email) ||
				    bounce_is_system_address(o->email))
					continue;
				struct bounce_recipient *r;
				if ((st = rlist_add(&R, o->email, &r)))
					goto out;
			}
			if (R.n) {
				tier = CTX_STRONG;
				ev(&e, "recipient is also the sender");
			}
		}
		if (!tier)
			tier = CTX_WEAK;

		/* delayed or failed */
		bool delay = s_has_any(subj, subj_delay) || s_has_any(notice, body_delay);
		bool gaveup = s_has_any(notice, body_given_up) || s_has(subj, "failure") ||
		              s_has(subj, "failed") || s_has(subj, "returned") || s_has(subj, "undeliver");
		if (s_has(subj, "(delay)") || s_has(subj, "delayed mail") || s_has(subj, "warning:"))
			gaveup = false;
		const char *action = delay && !gaveup ? "delayed" : "failed";

		/* statuses: each recipient's block, then a code common to the notice */
		char common[12] = "";
		bool have_common = false, several = false;
		for (size_t i = 0; i < t.cut; i++) {
			char c[12];
			if (find_status_best2(t.L.v[i].p, t.L.v[i].len, c, NULL, true)) {
				if (!have_common) {
					memcpy(common, c, sizeof c);
					have_common = true;
				} else if (strcmp(common, c) != 0) {
					several = true;
				}
			}
		}
		mark_occ(&t, &R);
		size_t own_codes = 0;
		for (size_t i = 0; i < R.n; i++) {
			struct bounce_recipient *r = &R.v[i];
			r->action = action;
			r->status = "";
			text_status(a, &t, &R, i, tier);
			if (*r->status && !status_generic(r->status))
				own_codes++;
		}
		/* A code stated once for the whole notice belongs to every
		 * recipient only when none has a code of its own (or there is one
		 * recipient): "a: Unrouteable address" must not borrow b's 5.3.4. */
		for (size_t i = 0; i < R.n && have_common && (R.n == 1 || (!several && !own_codes)); i++) {
			struct bounce_recipient *r = &R.v[i];
			if ((!*r->status || status_generic(r->status)) &&
			    (!*r->status || r->status[0] == common[0]))
				r->status = arena_strdup(a, common);
			if (!r->status)
				r->status = "";
		}
		out->verdict = strcmp(action, "delayed") == 0 ? BOUNCE_DELAYED : BOUNCE_FAILED;
		out->form = forwarded ? "forwarded-text" : "text";
		if (delay && !gaveup)
			ev(&e, "delay notice");
		goto finish;
	}

verdict_from_actions:
	{
		bool failed = false, delayed = false, delivered = false;
		/* statuses missing from the DSN: try the human-readable part */
		for (size_t i = 0; i < R.n; i++) {
			struct bounce_recipient *r = &R.v[i];
			if ((!*r->status || status_generic(r->status)) && t.cut) {
				/* no code, or only x.0.0: the human-readable part may say more */
				if (!t.occ) {
					if ((st = collect_occ(a, &t)))
						goto out;
					mark_occ(&t, &R);
				}
				const char *old_status = r->status, *old_diag = r->diagnostic;
				r->status = "";
				text_status(a, &t, &R, i, CTX_WEAK);
				if (!*r->status || status_generic(r->status) ||
				    (*old_status && old_status[0] != r->status[0]))
					r->status = old_status;
				if (*old_diag)
					r->diagnostic = old_diag;
			}
			if (strcmp(r->action, "failed") == 0)
				failed = true;
			else if (strcmp(r->action, "delayed") == 0)
				delayed = true;
			else if (strcmp(r->action, "delivered") == 0 || strcmp(r->action, "relayed") == 0 ||
			         strcmp(r->action, "expanded") == 0)
				delivered = true;
			else if (status_class(r->status) == '2')
				delivered = true; /* unknown action word: the status decides */
			else if (status_class(r->status) == '4')
				delayed = true;
			else
				failed = true;
		}
		out->verdict = failed ? BOUNCE_FAILED : delayed ? BOUNCE_DELAYED :
		               delivered ? BOUNCE_DELIVERED : BOUNCE_FAILED;
	}

finish:
	if (out->verdict != BOUNCE_NONE) {
		if (!orig_id) {
			struct str rh = returned_headers(m, &t);
			if (rh.len)
				orig_id = msgid_of(a, block_field(rh, "Message-ID"));
		}
		if (!orig_id)
			orig_id = text_msgid(a, &t.L, t.cut < t.L.n ? t.cut : 0, m->message_id);
		if (!orig_id && t.cut < t.L.n)
			orig_id = text_msgid(a, &t.L, 0, m->message_id);
		out->original_message_id = orig_id ? orig_id : "";
		out->recipients = R.v;
		out->nrecipients = R.n;
		out->evidence = arena_strndup(a, e.b.p ? e.b.p : "", e.b.len);
		if (!out->evidence)
			st = MADO_ENOMEM;
	}
out:
	textform_free(&t);
	buf_free(&e.b);
	return st;
}
