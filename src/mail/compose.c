/*
 * Composition of outgoing mail. The header block is written token by token
 * through one folding writer (struct hdr): a value never reaches the
 * output except as checked tokens (addr-specs, msg-ids), quoted strings
 * with escapes, or RFC 2047 encoded words, and every piece of caller text
 * first goes through clean_text(), which turns control characters (CR, LF
 * included) into spaces and invalid UTF-8 into U+FFFD. That is why no name
 * or subject can end a header line early or smuggle in a recipient.
 *
 * Bodies are quoted-printable UTF-8, or 7bit ISO-2022-JP when asked for and
 * representable (RFC 1468), base64 for attachments. MIME boundaries are
 * derived from the Message-ID, so a resent message is byte-identical, and
 * contain "=_", which neither quoted-printable nor base64 output can hold.
 *
 * Rejected: building the message with GMime. parse.c is the only GMime
 * user by design, and GMime's encoders decide folding and charsets on
 * their own; writing the few MIME shapes we send by hand keeps every byte
 * of the header block under this module's checks.
 */
#include "mail/compose.h"

#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define FOLD_AT 76
#define MAX_NAME_BYTES 256
#define MAX_SUBJECT_BYTES 2000
#define MAX_TEXT_LINE 998

/* ---- UTF-8 cleaning ---- */

/* Length of the well-formed UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	if (p[0] < 0x80)
		return 1;
	size_t len = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if (len == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0)))
		return 0;
	if (len == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90)))
		return 0;
	return len;
}

/*
 * One line of header text: controls become spaces, runs of spaces collapse,
 * invalid UTF-8 becomes U+FFFD, cut at max bytes on a character boundary.
 */
static mado_status clean_text(const char *s, size_t max, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), start = out->len;
	mado_status st = MADO_OK;
	for (size_t i = 0; i < n && !st;) {
		size_t l = utf8_seq(p + i, n - i);
		if (out->len - start + (l ? l : 3) > max)
			break;
		if (!l) {
			st = buf_append(out, "\xEF\xBF\xBD", 3);
			i++;
		} else if (l == 1 && (p[i] < 0x20 || p[i] == 0x7F)) {
			if (out->len > start && out->p[out->len - 1] != ' ')
				st = buf_append_char(out, ' ');
			i++;
		} else {
			st = buf_append(out, p + i, l);
			i += l;
		}
	}
	return st;
}

static bool is_ascii_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return false;
	return true;
}

/* ---- charset conversion ---- */

/* UTF-8 → ISO-2022-JP, ending in ASCII state. False when a character has
 * no ISO-2022-JP form (the caller falls back to UTF-8). */
static bool to_iso2022jp(const char *s, size_t n, struct buf *out)
{
	iconv_t cd = iconv_open("ISO-2022-JP", "UTF-8");
	if (cd == (iconv_t)-1)
		return false;
	bool ok = true;
	char *in = (char *)s;
	size_t inleft = n;
	while (ok) {
		char tmp[1024], *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = inleft ? iconv(cd, &in, &inleft, &o, &oleft) : iconv(cd, NULL, NULL, &o, &oleft);
		if (buf_append(out, tmp, (size_t)(o - tmp)))
			ok = false;
		if (r == (size_t)-1 && errno != E2BIG)
			ok = false;
		else if (r != (size_t)-1 && !inleft && o == tmp)
			break;
	}
	iconv_close(cd);
	return ok;
}

/* ---- the folding header writer ---- */

struct hdr {
	struct buf *out;
	size_t col;
	bool first;   /* no word written yet on this header */
	mado_status st;
};

static void hdr_start(struct hdr *h, const char *name)
{
	h->first = true;
	h->col = strlen(name) + 1;
	if (!h->st)
		h->st = buf_printf(h->out, "%s:", name);
}

/* Write one token, preceded by a space or, when the line is full, a fold. */
static void hdr_word(struct hdr *h, const char *w, size_t n)
{
	if (h->st)
		return;
	if (!h->first && h->col + 1 + n > FOLD_AT) {
		h->st = buf_append(h->out, "\r\n ", 3);
		h->col = 1;
	} else {
		h->st = buf_append_char(h->out, ' ');
		h->col++;
	}
	if (!h->st)
		h->st = buf_append(h->out, w, n);
	h->col += n;
	h->first = false;
}

/* Append to the last token without a space (the comma after an address). */
static void hdr_glue(struct hdr *h, const char *w)
{
	if (!h->st)
		h->st = buf_append_str(h->out, w);
	h->col += strlen(w);
}

static void hdr_end(struct hdr *h)
{
	if (!h->st)
		h->st = buf_append(h->out, "\r\n", 2);
}

/* Encoded words "=?CS?B?...?=" of at most 75 characters, never splitting a
 * character (RFC 2047 §5). ISO-2022-JP words each end in ASCII state. */
static void hdr_encoded(struct hdr *h, const char *s, size_t n, enum compose_charset cs)
{
	const char *label = cs == COMPOSE_ISO2022JP ? "ISO-2022-JP" : "UTF-8";
	size_t room = (75 - strlen(label) - 7) / 4 * 3;  /* raw bytes per word */
	struct buf raw, word;
	buf_init(&raw, 0);
	buf_init(&word, 0);
	for (size_t i = 0; i < n && !h->st;) {
		size_t end = i, best = i;
		buf_reset(&raw);
		/* grow the chunk one character at a time while it fits */
		while (end < n) {
			size_t l = utf8_seq((const unsigned char *)s + end, n - end);
			end += l ? l : 1;
			buf_reset(&raw);
			if (cs == COMPOSE_ISO2022JP)
				to_iso2022jp(s + i, end - i, &raw);
			else
				buf_append(&raw, s + i, end - i);
			if (raw.len > room && best > i)
				break;
			best = end;
		}
		buf_reset(&raw);
		if (cs == COMPOSE_ISO2022JP)
			to_iso2022jp(s + i, best - i, &raw);
		else
			buf_append(&raw, s + i, best - i);
		char b64[128];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)raw.p, raw.len < 90 ? raw.len : 90,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_reset(&word);
		h->st = buf_printf(&word, "=?%s?B?%s?=", label, b64);
		if (!h->st)
			hdr_word(h, word.p, word.len);
		i = best;
	}
	buf_free(&raw);
	buf_free(&word);
}

/* Would this text survive as plain header words? */
static bool needs_encoding(const char *s, size_t n)
{
	if (!is_ascii_printable(s, n) || memmem(s, n, "=?", 2))
		return true;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		run = s[i] == ' ' ? 0 : run + 1;
		if (run > 70)
			return true;  /* an unfoldable word: encoded words fold */
	}
	return false;
}

static enum compose_charset pick_charset(const char *s, size_t n, enum compose_charset want)
{
	if (want != COMPOSE_ISO2022JP)
		return COMPOSE_UTF8;
	struct buf tmp;
	buf_init(&tmp, 0);
	bool ok = to_iso2022jp(s, n, &tmp);
	buf_free(&tmp);
	return ok ? COMPOSE_ISO2022JP : COMPOSE_UTF8;
}

/* Unstructured text (Subject, extra headers): plain words or encoded words. */
static void hdr_text(struct hdr *h, const char *s, size_t max, enum compose_charset cs)
{
	struct buf c;
	buf_init(&c, 0);
	if (!h->st)
		h->st = clean_text(s, max, &c);
	const char *p = c.p ? c.p : "";
	if (!needs_encoding(p, c.len)) {
		for (size_t i = 0; i < c.len;) {
			while (i < c.len && p[i] == ' ')
				i++;
			size_t w = i;
			while (w < c.len && p[w] != ' ')
				w++;
			if (w > i)
				hdr_word(h, p + i, w - i);
			i = w;
		}
	} else {
		hdr_encoded(h, p, c.len, pick_charset(p, c.len, cs));
	}
	buf_free(&c);
}

mado_status compose_encode_text(const char *s, enum compose_charset cs, struct buf *out)
{
	struct hdr h = { .out = out, .col = 0, .first = true };
	hdr_text(&h, s, MAX_SUBJECT_BYTES, cs);
	return h.st;
}

/* ---- addresses and ids ---- */

static const char atext[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";

bool compose_address_ok(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	const char *at = strrchr(s, '@');
	if (n < 3 || n > 254 || !at || at == s || !at[1] || at - s > 64)
		return false;
	size_t local = (size_t)(at - s);
	for (size_t i = 0; i < local; i++)
		if (!strchr(atext, s[i]) && s[i] != '.')
			return false;
	const char *d = at + 1;
	if (strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(d) ||
	    *d == '.' || *d == '-' || strstr(d, "..") || strstr(s, ".."))
		return false;
	return s[0] != '.' && at[-1] != '.';
}

bool compose_msgid_ok(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > 250 || !at || at == s || !at[1] || strchr(at + 1, '@'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '@' && s[i] != '.' && !strchr(atext, s[i]))
			return false;
	return true;
}

mado_status compose_new_message_id(const char *tag, const char *domain, struct buf *out)
{
	unsigned char r[16];
	randombytes_buf(r, sizeof r);
	char hex[33];
	sodium_bin2hex(hex, sizeof hex, r, sizeof r);
	bool dom_ok = domain && *domain && strlen(domain) < 200 &&
	              strspn(domain, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
	                  strlen(domain);
	bool tag_ok = tag && *tag && strlen(tag) < 40 && strspn(tag, atext) == strlen(tag);
	return buf_printf(out, "%s%s%s@%s", hex, tag_ok ? "." : "", tag_ok ? tag : "",
	                  dom_ok ? domain : "mado.localhost");
}

/* name-addr or addr-spec. Names: atoms as is, other ASCII as a quoted
 * string with \ escapes, anything else as encoded words. */
static void hdr_address(struct hdr *h, const struct compose_addr *a, enum compose_charset cs)
{
	struct buf c, q;
	buf_init(&c, 0);
	buf_init(&q, 0);
	if (!h->st)
		h->st = clean_text(a->name, MAX_NAME_BYTES, &c);
	struct str name = str_trim(str_make(c.p ? c.p : "", c.len));
	if (name.len) {
		bool atoms = true;
		for (size_t i = 0; i < name.len; i++)
			if (name.p[i] != ' ' && !strchr(atext, name.p[i]))
				atoms = false;
		if (needs_encoding(name.p, name.len)) {
			hdr_encoded(h, name.p, name.len, pick_charset(name.p, name.len, cs));
		} else if (atoms) {
			hdr_text(h, c.p, MAX_NAME_BYTES, cs);
		} else {
			buf_append_char(&q, '"');
			for (size_t i = 0; i < name.len; i++) {
				if (name.p[i] == '"' || name.p[i] == '\\')
					buf_append_char(&q, '\\');
				buf_append_char(&q, name.p[i]);
			}
			if (!h->st)
				h->st = buf_append_char(&q, '"');
			hdr_word(h, q.p, q.len);
		}
		buf_reset(&q);
		buf_printf(&q, "<%s>", a->email);
	} else {
		buf_printf(&q, "%s", a->email);
	}
	hdr_word(h, q.p, q.len);
	buf_free(&c);
	buf_free(&q);
}

static mado_status check_addrs(const struct compose_addr *v, size_t n, const char *what, struct mado_err *err)
{
	if (n > COMPOSE_MAX_RCPT)
		return mado_fail(err, MADO_ELIMIT, "%s: more than %d addresses", what, COMPOSE_MAX_RCPT);
	for (size_t i = 0; i < n; i++)
		if (!compose_address_ok(v[i].email))
			return mado_fail(err, MADO_EINVAL, "%s: '%.80s' is not a plain address", what,
			                 v[i].email ? v[i].email : "");
	return MADO_OK;
}

static void hdr_address_list(struct hdr *h, const char *name, const struct compose_addr *v, size_t n,
                             enum compose_charset cs)
{
	if (!n)
		return;
	hdr_start(h, name);
	for (size_t i = 0; i < n; i++) {
		hdr_address(h, &v[i], cs);
		if (i + 1 < n)
			hdr_glue(h, ",");
	}
	hdr_end(h);
}

/* ---- bodies ---- */

/* Quoted-printable (RFC 2045 §6.7) with CRLF line ends; a "." or "From "
 * starting a line is encoded so no transport can mangle it. */
static mado_status put_qp(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	mado_status st = MADO_OK;
	size_t col = 0;
	for (size_t i = 0; i < n && !st; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n') {
			if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			st = buf_append(out, "\r\n", 2);
			col = 0;
			continue;
		}
		bool eol = i + 1 == n || s[i + 1] == '\r' || s[i + 1] == '\n';
		bool lit = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !eol);
		if (col == 0 && (c == '.' || (c == 'F' && n - i >= 5 && !memcmp(s + i, "From ", 5))))
			lit = false;
		size_t w = lit ? 1 : 3;
		if (col + w > 75) {
			st = buf_append(out, "=\r\n", 3);
			col = 0;
		}
		if (lit) {
			st = st ? st : buf_append_char(out, (char)c);
		} else {
			char e[3] = { '=', hex[c >> 4], hex[c & 15] };
			st = st ? st : buf_append(out, e, 3);
		}
		col += w;
	}
	if (!st && (!out->len || out->p[out->len - 1] != '\n'))
		st = buf_append(out, "\r\n", 2);
	return st;
}

static mado_status put_base64(struct buf *out, const unsigned char *p, size_t n)
{
	mado_status st = MADO_OK;
	char line[80];
	for (size_t i = 0; i < n && !st; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		sodium_bin2base64(line, sizeof line, p + i, k, sodium_base64_VARIANT_ORIGINAL);
		st = buf_printf(out, "%s\r\n", line);
	}
	return st;
}

/* CRLF line ends for 7bit text. */
static mado_status put_crlf(struct buf *out, const char *s, size_t n)
{
	mado_status st = MADO_OK;
	for (size_t i = 0; i < n && !st; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			st = buf_append(out, "\r\n", 2);
		} else {
			st = buf_append_char(out, s[i]);
		}
	}
	if (!st && (!out->len || out->p[out->len - 1] != '\n'))
		st = buf_append(out, "\r\n", 2);
	return st;
}

static bool lines_short(const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		run = (s[i] == '\n' || s[i] == '\r') ? 0 : run + 1;
		if (run > MAX_TEXT_LINE - 2)
			return false;
	}
	return true;
}

/* One text leaf: its headers and body. UTF-8 text that is not valid is
 * cleaned first (U+FFFD), line by line, keeping line breaks. */
static mado_status put_text_part(struct buf *out, const char *subtype, const char *text,
                                 enum compose_charset cs, const char *boundary)
{
	struct buf clean, jis;
	buf_init(&clean, 0);
	buf_init(&jis, 0);
	mado_status st = MADO_OK;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t n = strlen((const char *)p);
	for (size_t i = 0; i < n && !st;) {
		size_t l = utf8_seq(p + i, n - i);
		if (!l || (l == 1 && p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t'))
			st = l ? buf_append_char(&clean, ' ') : buf_append(&clean, "\xEF\xBF\xBD", 3);
		else
			st = buf_append(&clean, p + i, l);
		i += l ? l : 1;
	}
	const char *c = clean.p ? clean.p : "";
	bool use_jis = cs == COMPOSE_ISO2022JP && to_iso2022jp(c, clean.len, &jis) && lines_short(jis.p, jis.len) &&
	               !(boundary && memmem(jis.p, jis.len, boundary, strlen(boundary)));
	if (!st && use_jis)
		st = buf_printf(out, "Content-Type: text/%s; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n",
		                subtype);
	else if (!st)
		st = buf_printf(out,
		                "Content-Type: text/%s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
		                subtype);
	if (!st)
		st = use_jis ? put_crlf(out, jis.p, jis.len) : put_qp(out, c, clean.len);
	/* the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1) */
	if (!st && boundary)
		st = buf_append(out, "\r\n", 2);
	buf_free(&clean);
	buf_free(&jis);
	return st;
}

/* "type/subtype" with token characters only, lower-cased. */
static void content_type_clean(const char *ct, char out[128])
{
	static const char tok[] = "abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-";
	size_t n = ct ? strlen(ct) : 0;
	const char *slash = ct ? strchr(ct, '/') : NULL;
	bool ok = slash && n < 100 && slash != ct && slash[1];
	for (size_t i = 0; ok && i < n; i++) {
		char c = (char)(ct[i] >= 'A' && ct[i] <= 'Z' ? ct[i] + 32 : ct[i]);
		if (ct + i != slash && !strchr(tok, c))
			ok = false;
		out[i] = c;
	}
	if (ok)
		out[n] = '\0';
	else
		memcpy(out, "application/octet-stream", sizeof "application/octet-stream");
}

/* Content-Disposition with the filename: quoted ASCII, or RFC 2231
 * percent-encoded UTF-8 (filename*=UTF-8''...). */
static mado_status put_attachment(struct buf *out, const struct compose_attachment *a)
{
	char ct[128];
	content_type_clean(a->content_type, ct);
	struct buf name;
	buf_init(&name, 0);
	mado_status st = clean_text(a->filename && *a->filename ? a->filename : "attachment", 255, &name);
	if (!st)
		st = buf_printf(out, "Content-Type: %s\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n",
		                ct);
	bool plain = name.p && is_ascii_printable(name.p, name.len) && !strpbrk(name.p, "\"\\");
	if (!st && plain)
		st = buf_printf(out, " filename=\"%s\"\r\n\r\n", name.p);
	else if (!st) {
		st = buf_append_str(out, " filename*=UTF-8''");
		for (size_t i = 0; i < name.len && !st; i++) {
			unsigned char c = (unsigned char)name.p[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(".-_~", c))
				st = buf_append_char(out, (char)c);
			else
				st = buf_printf(out, "%%%02X", c);
		}
		if (!st)
			st = buf_append(out, "\r\n\r\n", 4);
	}
	if (!st)
		st = put_base64(out, a->data, a->len);
	buf_free(&name);
	return st;
}

/* The body tree: text, or alternative(text, html), inside mixed(…, files)
 * when there are attachments. */
static mado_status put_body(struct buf *out, const struct compose_msg *m, const char *bnd)
{
	bool html = m->html && *m->html, mixed = m->nattachments > 0;
	char alt[80], mix[80];
	snprintf(alt, sizeof alt, "%s_alt", bnd);
	snprintf(mix, sizeof mix, "%s_mix", bnd);
	mado_status st = MADO_OK;
	if (mixed)
		st = buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", mix, mix);
	if (!st && html)
		st = buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n--%s\r\n", alt, alt);
	if (!st)
		st = put_text_part(out, "plain", m->text, m->charset, html ? alt : mixed ? mix : NULL);
	if (!st && html) {
		st = buf_printf(out, "--%s\r\n", alt);
		if (!st)
			st = put_text_part(out, "html", m->html, m->charset, alt);
		if (!st)
			st = buf_printf(out, "--%s--\r\n", alt);
	}
	for (size_t i = 0; !st && i < m->nattachments; i++) {
		st = buf_printf(out, "--%s\r\n", mix);
		if (!st)
			st = put_attachment(out, &m->attachments[i]);
	}
	if (!st && mixed)
		st = buf_printf(out, "--%s--\r\n", mix);
	return st;
}

/* ---- the message ---- */

static bool header_name_ok(const char *n)
{
	size_t l = n ? strlen(n) : 0;
	if (!l || l > 64)
		return false;
	for (size_t i = 0; i < l; i++)
		if (n[i] <= 32 || n[i] >= 127 || n[i] == ':')
			return false;
	/* headers this module owns cannot be added as extras */
	static const char *const owned[] = { "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date",
	                                     "Message-ID", "In-Reply-To", "References", "MIME-Version",
	                                     "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted",
	                                     "Sender", "Return-Path" };
	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
		if (!strcasecmp(n, owned[i]))
			return false;
	return true;
}

static mado_status check_message(const struct compose_msg *m, struct mado_err *err)
{
	mado_status st;
	if (!compose_address_ok(m->from.email))
		return mado_fail(err, MADO_EINVAL, "From: '%.80s' is not a plain address",
		                 m->from.email ? m->from.email : "");
	if (m->reply_to.email && *m->reply_to.email && !compose_address_ok(m->reply_to.email))
		return mado_fail(err, MADO_EINVAL, "Reply-To: '%.80s' is not a plain address", m->reply_to.email);
	if (!m->nto && !m->ncc)
		return mado_fail(err, MADO_EINVAL, "no recipient");
	if ((st = check_addrs(m->to, m->nto, "To", err)) || (st = check_addrs(m->cc, m->ncc, "Cc", err)))
		return st;
	if (!compose_msgid_ok(m->message_id))
		return mado_fail(err, MADO_EINVAL, "Message-ID: '%.80s' is not left@right",
		                 m->message_id ? m->message_id : "");
	if (m->nreferences > COMPOSE_MAX_REFERENCES || m->nextra > COMPOSE_MAX_EXTRA)
		return mado_fail(err, MADO_ELIMIT, "too many references or extra headers");
	if (m->auto_submitted && *m->auto_submitted && strcmp(m->auto_submitted, "auto-replied") &&
	    strcmp(m->auto_submitted, "auto-generated"))
		return mado_fail(err, MADO_EINVAL, "Auto-Submitted: '%.40s' is neither auto-replied nor auto-generated",
		                 m->auto_submitted);
	for (size_t i = 0; i < m->nextra; i++)
		if (!header_name_ok(m->extra[i].name))
			return mado_fail(err, MADO_EINVAL, "header name '%.40s' is not allowed",
			                 m->extra[i].name ? m->extra[i].name : "");
	return MADO_OK;
}

static void hdr_msgid(struct hdr *h, const char *name, const char *id)
{
	char b[260];
	snprintf(b, sizeof b, "<%s>", id);
	hdr_start(h, name);
	hdr_word(h, b, strlen(b));
	hdr_end(h);
}

mado_status compose_message(const struct compose_msg *m, struct buf *out, struct mado_err *err)
{
	mado_status st = check_message(m, err);
	if (st)
		return st;
	struct hdr h = { .out = out };
	char date[64];
	struct tm tm;
	gmtime_r(&m->date, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	hdr_start(&h, "Date");
	hdr_word(&h, date, strlen(date));
	hdr_end(&h);
	hdr_address_list(&h, "From", &m->from, 1, m->charset);
	hdr_address_list(&h, "To", m->to, m->nto, m->charset);
	hdr_address_list(&h, "Cc", m->cc, m->ncc, m->charset);
	if (m->reply_to.email && *m->reply_to.email)
		hdr_address_list(&h, "Reply-To", &m->reply_to, 1, m->charset);
	hdr_start(&h, "Subject");
	hdr_text(&h, m->subject, MAX_SUBJECT_BYTES, m->charset);
	hdr_end(&h);
	hdr_msgid(&h, "Message-ID", m->message_id);
	/* ids from other mailers that are not plain left@right are left out
	 * rather than written in a form we did not check */
	if (m->in_reply_to && compose_msgid_ok(m->in_reply_to))
		hdr_msgid(&h, "In-Reply-To", m->in_reply_to);
	bool any = false;
	for (size_t i = 0; i < m->nreferences; i++) {
		if (!compose_msgid_ok(m->references[i]))
			continue;
		if (!any)
			hdr_start(&h, "References");
		any = true;
		char b[260];
		snprintf(b, sizeof b, "<%s>", m->references[i]);
		hdr_word(&h, b, strlen(b));
	}
	if (any)
		hdr_end(&h);
	if (m->auto_submitted && *m->auto_submitted) {
		hdr_start(&h, "Auto-Submitted");
		hdr_word(&h, m->auto_submitted, strlen(m->auto_submitted));
		hdr_end(&h);
	}
	for (size_t i = 0; i < m->nextra; i++) {
		hdr_start(&h, m->extra[i].name);
		hdr_text(&h, m->extra[i].value, 900, COMPOSE_UTF8);
		hdr_end(&h);
	}
	if ((st = h.st))
		return mado_fail(err, st, "compose: out of memory");
	/* boundary from the Message-ID: the same message composes to the same bytes */
	unsigned char hash[12];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)m->message_id, strlen(m->message_id), NULL, 0);
	char hex[25], bnd[48];
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(bnd, sizeof bnd, "=_mado_%s", hex);
	st = buf_append_str(out, "MIME-Version: 1.0\r\n");
	if (!st)
		st = put_body(out, m, bnd);
	if (st)
		return mado_fail(err, st, "compose: out of memory");
	return MADO_OK;
}
