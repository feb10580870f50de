/*
 * mail_parse(): raw RFC 5322 bytes to a struct mail_msg. The only module
 * that talks to GMime.
 *
 * GMime builds the MIME tree and undoes transfer encodings. Everything that
 * involves charsets we do ourselves (header.c, charset.c): Debian's GMime
 * 3.2.13 predates upstream fixes to RFC 2047 base64 decoding, and iconv's
 * ISO-2022-JP rejects the CP932 characters that Japanese mail carries.
 * For the same reason the top-level header block is split here from the
 * raw bytes, so that 8-bit and NUL-carrying values reach the decoders
 * unchanged.
 *
 * Body choice: inline text/plain parts make the text (concatenated in
 * order); within multipart/alternative the text/plain child is the text and
 * the text/html child the HTML. With no text part, the text is rendered
 * from the HTML. HTML is only ever kept after the allow-list sanitizer.
 */
#include "mail/mail.h"

#include <gmime/gmime.h>
#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "mail/charset.h"
#include "mail/gmime_init.h"
#include "mail/header.h"
#include "mail/sanitize.h"

void mail_limits_default(struct mail_limits *lim)
{
	lim->max_message_bytes = 50u << 20;
	lim->max_header_bytes = 256u << 10;
	lim->max_headers = 1000;
	lim->max_mime_depth = 32;
	lim->max_parts = 500;
	lim->max_part_bytes = 50u << 20;
	lim->max_text_bytes = 2u << 20;
	lim->max_html_bytes = 4u << 20;
	lim->max_attachment_bytes = 25u << 20;
}

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
/*
 * glibc unloads a gconv module when its last descriptor closes, and GMime
 * opens and closes one for each encoded word it decodes while building
 * its header objects: for Japanese mail, reloading ISO-2022-JP.so and
 * libJIS.so dominated parsing. One descriptor per charset family kept open
 * for the life of the process keeps the modules loaded.
 */
static iconv_t pinned_cd[9]; /* never closed, by design; reachable, so not a leak */

static void pin_gconv_modules(void)
{
	static const char *const pinned[] = { "ISO-2022-JP", "ISO-2022-JP-2", "SHIFT_JIS", "CP932",
		                                  "EUC-JP", "EUC-KR", "GB18030", "BIG5", "ISO-8859-1" };
	for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++)
		pinned_cd[i] = iconv_open("UTF-8", pinned[i]);
}

/* Pinning costs ~2 ms, wasted in a process that parses one mail (the MTA
 * path): do it when a second message shows this process parses many. */
static pthread_once_t pin_once = PTHREAD_ONCE_INIT;
static atomic_uint parses;

/* Parser state for one message. */
struct pctx {
	struct mail_msg *m;
	const struct mail_limits *lim;
	struct buf text;
	struct buf notes;
	const char *html_raw;  /* UTF-8, arena */
	size_t html_len;
	struct mail_part *parts;
	size_t nparts, capparts;
	unsigned seen_parts;
	bool in_report;
};

static void note(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (c->notes.len)
		buf_append_char(&c->notes, '\n');
	buf_vprintf(&c->notes, fmt, ap);
	va_end(ap);
}

/* ---- top-level header block ---- */

static char *header_value_dup(struct arena *a, const char *p, size_t len);

static size_t line_end(const char *p, size_t len, size_t i, size_t *next)
{
	size_t j = i;
	while (j < len && p[j] != '\n' && p[j] != '\r')
		j++;
	size_t n = j;
	if (n < len && p[n] == '\r')
		n++;
	if (n < len && p[n] == '\n' && (n == j || p[n - 1] == '\r'))
		n++;
	else if (j < len && p[j] == '\n')
		n = j + 1;
	*next = n;
	return j;
}

/* Split the header block into fields; returns the offset of the body. */
static size_t split_headers(struct pctx *c, const char *p, size_t len)
{
	struct mail_msg *m = c->m;
	size_t cap = 32, n = 0, i = 0;
	struct mail_header *h = arena_alloc(m->arena, cap * sizeof *h);
	struct buf name, val;
	buf_init(&name, 0);
	buf_init(&val, 0);
	bool have = false, cut = false;
	size_t header_bytes = 0;

	while (i < len) {
		size_t next, e = line_end(p, len, i, &next);
		if (e == i) { /* empty line: end of headers */
			i = next;
			break;
		}
		header_bytes += next - i;
		bool cont = p[i] == ' ' || p[i] == '\t';
		if (cont && have) {
			if (!cut)
				buf_append(&val, p + i, e - i);
		} else {
			if (have && !cut) {
				if (n == cap) {
					struct mail_header *nh = arena_alloc(m->arena, 2 * cap * sizeof *nh);
					if (nh) memcpy(nh, h, n * sizeof *h);
					h = nh;
					cap *= 2;
				}
				if (h) {
					h[n].name = arena_strndup(m->arena, name.p, name.len);
					h[n].raw = header_value_dup(m->arena, val.p, val.len);
					n++;
				}
			}
			have = false;
			const char *colon = memchr(p + i, ':', e - i);
			if (!colon) {
				/* Not a header: mbox "From " line or garbage; a line with
				 * no colon before any header means the body starts here
				 * only if nothing looks like a header at all. */
				if (n == 0 && e - i >= 5 && memcmp(p + i, "From ", 5) == 0) {
					i = next;
					continue;
				}
				if (n == 0 && !have) {
					note(c, "message starts without a header block");
					break;
				}
				i = next;
				continue;
			}
			size_t nl = (size_t)(colon - (p + i));
			while (nl && (p[i + nl - 1] == ' ' || p[i + nl - 1] == '\t'))
				nl--;
			buf_reset(&name);
			buf_reset(&val);
			buf_append(&name, p + i, nl);
			const char *v = colon + 1;
			while (v < p + e && (*v == ' ' || *v == '\t'))
				v++;
			buf_append(&val, v, (size_t)(p + e - v));
			have = nl > 0;
			if (header_bytes > c->lim->max_header_bytes || n >= c->lim->max_headers) {
				if (!cut)
					note(c, "header block over the limit (%zu bytes, %zu fields): rest ignored",
					     c->lim->max_header_bytes, c->lim->max_headers);
				cut = true;
				c->m->truncated = true;
			}
		}
		i = next;
	}
	if (have && !cut && h) {
		if (n == cap) {
			struct mail_header *nh = arena_alloc(m->arena, (cap + 1) * sizeof *nh);
			if (nh) memcpy(nh, h, n * sizeof *h);
			h = nh;
		}
		if (h) {
			h[n].name = arena_strndup(m->arena, name.p, name.len);
			h[n].raw = header_value_dup(m->arena, val.p, val.len);
			n++;
		}
	}
	buf_free(&name);
	buf_free(&val);
	m->headers = h;
	m->nheaders = h ? n : 0;
	return i;
}

/* Header values with NUL bytes removed: NUL is never meaningful in a
 * header and would cut the C string short. */
static char *header_value_dup(struct arena *a, const char *p, size_t len)
{
	char *r = arena_strndup(a, p ? p : "", p ? len : 0);
	if (!r)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (r[i])
			r[k++] = r[i];
	r[k] = '\0';
	return r;
}

static const char *decode_text(struct arena *a, const char *raw)
{
	struct buf b;
	buf_init(&b, 0);
	header_decode_text(raw, strlen(raw), &b);
	const char *s = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_free(&b);
	return s;
}

static const char *raw_of(const struct mail_msg *m, const char *name)
{
	const struct mail_header *h = mail_header_find(m, name);
	return h ? h->raw : NULL;
}

static void addr_header(struct mail_msg *m, const char *name, struct mail_addr_list *out)
{
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < m->nheaders; i++) {
		if (strcasecmp(m->headers[i].name, name) != 0)
			continue;
		struct mail_addr_list l = { 0 };
		header_parse_addresses(m->arena, m->headers[i].raw, strlen(m->headers[i].raw), &l);
		if (!l.n)
			continue;
		struct mail_addr *v = arena_alloc(m->arena, (out->n + l.n) * sizeof *v);
		if (!v)
			return;
		if (out->n)
			memcpy(v, out->v, out->n * sizeof *v);
		memcpy(v + out->n, l.v, l.n * sizeof *v);
		out->v = v;
		out->n += l.n;
	}
}

static const char *first_msgid(struct mail_msg *m, const char *raw, const char ***all, size_t *n)
{
	const char **ids = NULL;
	size_t k = 0;
	if (raw)
		header_parse_msgids(m->arena, raw, strlen(raw), &ids, &k);
	if (all) {
		*all = ids;
		*n = k;
	}
	return k ? ids[0] : "";
}

static void read_envelope(struct mail_msg *m)
{
	for (size_t i = 0; i < m->nheaders; i++)
		m->headers[i].value = decode_text(m->arena, m->headers[i].raw);
	const char *s = raw_of(m, "Subject");
	m->subject = s ? mail_header_find(m, "Subject")->value : "";
	addr_header(m, "From", &m->from);
	addr_header(m, "To", &m->to);
	addr_header(m, "Cc", &m->cc);
	addr_header(m, "Reply-To", &m->reply_to);
	addr_header(m, "Sender", &m->sender);
	m->message_id = first_msgid(m, raw_of(m, "Message-ID"), NULL, NULL);
	const char **irt = NULL;
	size_t nirt = 0;
	first_msgid(m, raw_of(m, "In-Reply-To"), &irt, &nirt);
	m->in_reply_to = nirt ? irt[nirt - 1] : "";
	first_msgid(m, raw_of(m, "References"), &m->references, &m->nreferences);
	const char *d = raw_of(m, "Date");
	m->date = 0;
	if (d) {
		GDateTime *dt = g_mime_utils_header_decode_date(d);
		if (dt) {
			m->date = (time_t)g_date_time_to_unix(dt);
			g_date_time_unref(dt);
		}
	}
}

/* ---- MIME tree ---- */

static const char *part_raw_header(GMimeObject *o, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	if (!hl)
		return NULL;
	/* The last field of that name: GMime applies each Content-Type in
	 * turn, so the last one is what built the tree. */
	const char *v = NULL;
	int n = g_mime_header_list_get_count(hl);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			v = g_mime_header_get_raw_value(h);
	}
	return v;
}

/* A name safe to store and offer for download: no directories, no control
 * characters, no leading dots, bounded length on a UTF-8 boundary. */
static const char *safe_filename(struct arena *a, const char *name)
{
	if (!name || !*name)
		return "";
	const char *base = name;
	for (const char *q = name; *q; q++)
		if (*q == '/' || *q == '\\')
			base = q + 1;
	struct buf b;
	buf_init(&b, 0);
	for (const unsigned char *q = (const unsigned char *)base; *q; q++) {
		if (*q < 0x20 || *q == 0x7f || *q == '"' || *q == ':' || *q == '*' ||
		    *q == '?' || *q == '<' || *q == '>' || *q == '|')
			buf_append_char(&b, '_');
		else if (b.len == 0 && (*q == '.' || *q == ' '))
			continue;
		else
			buf_append_char(&b, (char)*q);
	}
	size_t n = b.len;
	if (n > 200) {
		n = 200;
		while (n && ((unsigned char)b.p[n] & 0xC0) == 0x80)
			n--;
	}
	const char *r = arena_strndup(a, b.p ? b.p : "", n);
	buf_free(&b);
	return r;
}

static mado_status part_bytes(struct pctx *c, GMimePart *part, const unsigned char **data,
                              size_t *len, bool *truncated)
{
	*data = (const unsigned char *)"";
	*len = 0;
	*truncated = false;
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	if (!w)
		return MADO_OK;
	GMimeStream *s = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, s);
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	size_t n = ba->len;
	if (n > c->lim->max_part_bytes) {
		n = c->lim->max_part_bytes;
		*truncated = true;
	}
	unsigned char *copy = arena_memdup(c->m->arena, ba->data, n);
	g_object_unref(s);
	if (!copy)
		return MADO_ENOMEM;
	*data = copy;
	*len = n;
	return MADO_OK;
}

static struct mail_part *new_part(struct pctx *c)
{
	if (c->nparts == c->capparts) {
		size_t cap = c->capparts ? 2 * c->capparts : 8;
		struct mail_part *v = arena_alloc(c->m->arena, cap * sizeof *v);
		if (!v)
			return NULL;
		if (c->nparts)
			memcpy(v, c->parts, c->nparts * sizeof *v);
		c->parts = v;
		c->capparts = cap;
	}
	return &c->parts[c->nparts++];
}

static const char *to_utf8(struct pctx *c, const char *charset, const unsigned char *p, size_t len,
                           size_t max, size_t *outlen)
{
	struct buf b;
	buf_init(&b, 0);
	bool lossy = false;
	charset_to_utf8(charset, (const char *)p, len, &b, &lossy);
	size_t n = b.len;
	if (max && n > max) {
		n = max;
		while (n && ((unsigned char)b.p[n] & 0xC0) == 0x80)
			n--;
		note(c, "text cut at %zu bytes", max);
		c->m->truncated = true;
	}
	/* Line ends become LF: CRLF and lone CR (old Mac mail) alike. */
	char *r = arena_strndup(c->m->arena, b.p ? b.p : "", n);
	size_t k = 0;
	for (size_t i = 0; r && i < n; i++) {
		if (r[i] == '\r') {
			r[k++] = '\n';
			if (i + 1 < n && r[i + 1] == '\n')
				i++;
		} else {
			r[k++] = r[i];
		}
	}
	if (r)
		r[k] = '\0';
	buf_free(&b);
	if (outlen)
		*outlen = r ? k : 0;
	return r;
}

/* The header block of an embedded message, as text. */
static const char *embedded_headers(struct pctx *c, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	if (!hl)
		return "";
	char *s = g_mime_header_list_to_string(hl, NULL);
	const char *r = arena_strdup(c->m->arena, s ? s : "");
	g_free(s);
	return r;
}

static void walk(struct pctx *c, GMimeObject *o, unsigned depth, bool alternative_child,
                 bool *took_text, bool *took_html);

static void walk_multipart(struct pctx *c, GMimeMultipart *mp, unsigned depth, const char *subtype)
{
	int n = g_mime_multipart_get_count(mp);
	bool alt = strcasecmp(subtype, "alternative") == 0;
	bool report = strcasecmp(subtype, "report") == 0;
	bool saved = c->in_report;
	if (report) {
		GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
		const char *rt = ct ? g_mime_content_type_get_parameter(ct, "report-type") : NULL;
		c->m->report.report_type = rt ? arena_strdup(c->m->arena, rt) : "";
		for (char *q = (char *)c->m->report.report_type; *q; q++)
			*q = (char)g_ascii_tolower(*q);
		c->in_report = true;
	}
	bool took_text = false, took_html = false;
	for (int i = 0; i < n; i++) {
		GMimeObject *child = g_mime_multipart_get_part(mp, i);
		if (alt) {
			walk(c, child, depth + 1, true, &took_text, &took_html);
		} else {
			bool t = false, h = false;
			walk(c, child, depth + 1, false, &t, &h);
		}
	}
	c->in_report = saved;
}

static bool is_body_disposition(const char *disp, const char *filename)
{
	if (disp && strcasecmp(disp, "attachment") == 0)
		return false;
	return !filename || !*filename;
}

static void walk_leaf(struct pctx *c, GMimePart *part, unsigned depth, bool alternative_child,
                      bool *took_text, bool *took_html)
{
	struct arena *a = c->m->arena;
	GMimeObject *o = GMIME_OBJECT(part);
	const char *ct_raw = part_raw_header(o, "Content-Type");
	const char *cd_raw = part_raw_header(o, "Content-Disposition");
	const char *ctype = ct_raw ? header_value_token(a, ct_raw, strlen(ct_raw)) : "text/plain";
	if (!*ctype || !strchr(ctype, '/'))
		ctype = "text/plain";
	const char *charset = ct_raw ? header_param_get(a, ct_raw, strlen(ct_raw), "charset") : NULL;
	const char *disp = cd_raw ? header_value_token(a, cd_raw, strlen(cd_raw)) : "";
	const char *fname = cd_raw ? header_param_get(a, cd_raw, strlen(cd_raw), "filename") : NULL;
	if ((!fname || !*fname) && ct_raw)
		fname = header_param_get(a, ct_raw, strlen(ct_raw), "name");
	const char *cid_raw = part_raw_header(o, "Content-ID");
	const char *cid = "";
	if (cid_raw) {
		const char **ids = NULL;
		size_t k = 0;
		header_parse_msgids(a, cid_raw, strlen(cid_raw), &ids, &k);
		if (k)
			cid = ids[0];
	}

	struct mail_part *p = new_part(c);
	if (!p)
		return;
	p->content_type = ctype;
	p->charset = charset ? charset : "";
	p->filename = safe_filename(a, fname);
	p->content_id = cid;
	p->disposition = disp;
	p->depth = depth;
	p->role = MAIL_PART_OTHER;
	part_bytes(c, part, &p->data, &p->len, &p->truncated);
	if (p->truncated) {
		note(c, "part %s cut at %zu bytes", ctype, c->lim->max_part_bytes);
		c->m->truncated = true;
	}

	bool body = is_body_disposition(disp, fname);
	if (c->in_report && (strcmp(ctype, "message/delivery-status") == 0 ||
	                     strcmp(ctype, "message/global-delivery-status") == 0)) {
		c->m->report.delivery_status = to_utf8(c, "utf-8", p->data, p->len, 0, NULL);
		return;
	}
	if (c->in_report && strcmp(ctype, "message/feedback-report") == 0) {
		c->m->report.feedback_report = to_utf8(c, "utf-8", p->data, p->len, 0, NULL);
		return;
	}
	if (strcmp(ctype, "text/rfc822-headers") == 0 ||
	    strcmp(ctype, "message/global-headers") == 0) {
		if (!*c->m->report.original_headers)
			c->m->report.original_headers = to_utf8(c, charset, p->data, p->len, 0, NULL);
		if (c->in_report)
			return;
	}
	if (body && strcmp(ctype, "text/plain") == 0 && !(alternative_child && *took_text)) {
		size_t n = 0;
		const char *t = to_utf8(c, charset, p->data, p->len, 0, &n);
		if (c->text.len && n)
			buf_append_str(&c->text, "\n\n");
		if (buf_append(&c->text, t, n) == MADO_ELIMIT && !c->m->truncated) {
			note(c, "body text cut at %zu bytes", c->lim->max_text_bytes);
			c->m->truncated = true;
		}
		p->role = MAIL_PART_TEXT;
		*took_text = true;
		return;
	}
	if (body && strcmp(ctype, "text/html") == 0 && !c->html_raw && !(alternative_child && *took_html)) {
		c->html_raw = to_utf8(c, charset, p->data, p->len, 0, &c->html_len);
		p->role = MAIL_PART_HTML;
		*took_html = true;
		return;
	}
	if (body && alternative_child)
		return; /* an alternative body we did not choose (text/enriched…) */
	p->role = MAIL_PART_ATTACHMENT;
	if (!*p->filename) {
		const char *slash = strchr(ctype, '/');
		p->filename = arena_strdup(a, *cid ? "inline" : "attachment");
		if (slash && strlen(slash + 1) < 16) {
			size_t bl = strlen(p->filename) + strlen(slash + 1) + 2;
			char *f = arena_alloc(a, bl);
			if (f) {
				snprintf(f, bl, "%s.%s", *cid ? "inline" : "attachment", slash + 1);
				p->filename = f;
			}
		}
	}
}

static void walk_message(struct pctx *c, GMimeMessagePart *mp, unsigned depth)
{
	struct arena *a = c->m->arena;
	GMimeMessage *msg = g_mime_message_part_get_message(mp);
	if (c->in_report && msg && !*c->m->report.original_headers)
		c->m->report.original_headers = embedded_headers(c, msg);
	struct mail_part *p = new_part(c);
	if (!p)
		return;
	GMimeObject *o = GMIME_OBJECT(mp);
	const char *cd_raw = part_raw_header(o, "Content-Disposition");
	const char *fname = cd_raw ? header_param_get(a, cd_raw, strlen(cd_raw), "filename") : NULL;
	p->content_type = "message/rfc822";
	p->charset = "";
	p->content_id = "";
	p->disposition = cd_raw ? header_value_token(a, cd_raw, strlen(cd_raw)) : "";
	p->depth = depth;
	p->role = MAIL_PART_ATTACHMENT;
	const char *subj = msg ? g_mime_message_get_subject(msg) : NULL;
	if (fname && *fname)
		p->filename = safe_filename(a, fname);
	else {
		struct buf b;
		buf_init(&b, 0);
		buf_printf(&b, "%s.eml", subj && *subj ? subj : "message");
		p->filename = safe_filename(a, b.p);
		buf_free(&b);
	}
	if (msg) {
		GMimeStream *s = g_mime_stream_mem_new();
		g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, s);
		GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
		size_t n = ba->len > c->lim->max_part_bytes ? c->lim->max_part_bytes : ba->len;
		p->truncated = n < ba->len;
		p->data = arena_memdup(a, ba->data, n);
		p->len = p->data ? n : 0;
		g_object_unref(s);
	} else {
		p->data = (const unsigned char *)"";
	}
}

static void walk(struct pctx *c, GMimeObject *o, unsigned depth, bool alternative_child,
                 bool *took_text, bool *took_html)
{
	if (depth > c->lim->max_mime_depth) {
		note(c, "MIME nesting deeper than %u: inner parts ignored", c->lim->max_mime_depth);
		c->m->truncated = true;
		return;
	}
	if (++c->seen_parts > c->lim->max_parts) {
		if (c->seen_parts == c->lim->max_parts + 1) {
			note(c, "more than %u MIME parts: the rest ignored", c->lim->max_parts);
			c->m->truncated = true;
		}
		return;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : "mixed";
		walk_multipart(c, GMIME_MULTIPART(o), depth, sub ? sub : "mixed");
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		walk_message(c, GMIME_MESSAGE_PART(o), depth);
	} else if (GMIME_IS_PART(o)) {
		walk_leaf(c, GMIME_PART(o), depth, alternative_child, took_text, took_html);
	}
}

/* Drop everything between < and >, and script/style bodies are not
 * special-cased: this is only the fallback when the real renderer refused
 * the input as too large. Linear, no allocation beyond out. */
static void strip_tags(const char *p, size_t len, struct buf *out)
{
	bool in_tag = false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '<')
			in_tag = true;
		else if (p[i] == '>' && in_tag)
			in_tag = false;
		else if (!in_tag && buf_append_char(out, p[i]) != MADO_OK)
			return;
	}
}

/* CR-only line endings (old Mac mail) are turned into LF, which GMime
 * understands; CRLF and LF are left alone. Returns NULL if nothing to do. */
static char *normalize_cr(const char *raw, size_t len)
{
	size_t probe = len < 8192 ? len : 8192;
	if (memchr(raw, '\n', probe) || !memchr(raw, '\r', probe))
		return NULL;
	char *copy = g_malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		copy[i] = raw[i] == '\r' ? '\n' : raw[i];
	return copy;
}

/* A multipart Content-Type with ";" missing before boundary= ("multipart/
 * mixed<fold>boundary=x") gives GMime no boundary and so no parts, while
 * header.c reads the parameter. Append a repaired field at the end of the
 * header block (GMime takes the last Content-Type). */
static bool repair_boundary(struct mail_msg *m, const char *src, size_t len, size_t body_off,
                            char **out, size_t *outlen)
{
	const char *ct = NULL;
	for (size_t k = 0; k < m->nheaders; k++)
		if (strcasecmp(m->headers[k].name, "Content-Type") == 0)
			ct = m->headers[k].raw;
	if (!ct || strchr(ct, ';') || body_off == 0 || body_off > len)
		return false;
	const char *tok = header_value_token(m->arena, ct, strlen(ct));
	const char *bnd = header_param_get(m->arena, ct, strlen(ct), "boundary");
	if (!tok || strncmp(tok, "multipart/", 10) != 0 || !bnd || !*bnd)
		return false;
	size_t at = body_off - 1;           /* the blank line's LF */
	bool crlf = at > 0 && src[at - 1] == '\r';
	if (crlf)
		at--;
	struct buf f;
	buf_init(&f, 0);
	buf_append(&f, src, at);
	buf_printf(&f, "Content-Type: %s; boundary=\"%s\"%s", tok, bnd, crlf ? "\r\n" : "\n");
	buf_append(&f, src + at, len - at);
	*out = g_malloc(f.len ? f.len : 1);
	memcpy(*out, f.p, f.len);
	*outlen = f.len;
	buf_free(&f);
	return true;
}

mado_status mail_parse(const char *raw, size_t len, const struct mail_limits *lim,
                       struct mail_msg **out, struct mado_err *err)
{
	*out = NULL;
	if (len > lim->max_message_bytes)
		return mado_fail(err, MADO_ELIMIT, "message is %zu bytes, over the limit of %zu",
		                 len, lim->max_message_bytes);
	pthread_once(&gmime_once, mail_gmime_init);
	if (atomic_fetch_add(&parses, 1) == 1)
		pthread_once(&pin_once, pin_gconv_modules);

	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct mail_msg *m = arena_alloc(a, sizeof *m);
	if (!m) {
		arena_free(a);
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	m->arena = a;
	m->subject = m->message_id = m->in_reply_to = m->text = m->html = m->notes = "";
	m->report.report_type = m->report.delivery_status = "";
	m->report.feedback_report = m->report.original_headers = "";

	struct pctx c = { .m = m, .lim = lim };
	buf_init(&c.text, lim->max_text_bytes);
	buf_init(&c.notes, 64 * 1024);

	char *norm = normalize_cr(raw, len);
	const char *src = norm ? norm : raw;
	size_t body_off = split_headers(&c, src, len);
	read_envelope(m);

	char *fixed = NULL;
	size_t glen = len;
	const char *gsrc = repair_boundary(m, src, len, body_off, &fixed, &glen) ? fixed : src;
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(gsrc, glen);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeParserOptions *po = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, po);
	g_mime_parser_options_free(po);
	g_object_unref(parser);
	g_object_unref(stream);

	if (msg) {
		GMimeObject *body = g_mime_message_get_mime_part(msg);
		bool t = false, h = false;
		if (body)
			walk(&c, body, 0, false, &t, &h);
		g_object_unref(msg);
	}
	if (!msg || (!c.text.len && !c.html_raw && !c.nparts && body_off < len)) {
		/* GMime found no structure (no header block, garbage): the bytes
		 * after the headers are the text, so nothing the sender wrote is lost. */
		if (!msg)
			note(&c, "MIME structure unreadable; body kept as plain text");
		size_t n = 0;
		const char *t = to_utf8(&c, NULL, (const unsigned char *)src + body_off, len - body_off, 0, &n);
		buf_append(&c.text, t, n);
	}
	g_free(norm);
	g_free(fixed);

	m->parts = c.parts;
	m->nparts = c.nparts;
	if (c.html_raw && c.html_len) {
		struct html_sanitize_opts so = { .max_input = lim->max_html_bytes, .max_nodes = 200000 };
		struct buf h;
		buf_init(&h, 0);
		mado_status st = html_sanitize(c.html_raw, c.html_len, &so, &h);
		if (st == MADO_OK) {
			m->html = arena_strndup(a, h.p ? h.p : "", h.len);
		} else {
			note(&c, "HTML part not kept: %s", mado_status_name(st));
			m->truncated = true;
		}
		if (!c.text.len) {
			buf_reset(&h);
			if (html_to_text(c.html_raw, c.html_len, &so, &h) == MADO_OK) {
				buf_append(&c.text, h.p ? h.p : "", h.len);
			} else {
				/* Past the renderer's caps: the words without the markup,
				 * so the agent still reads what the customer wrote. */
				note(&c, "HTML too large to render; text shown without layout");
				strip_tags(c.html_raw, c.html_len, &c.text);
			}
			m->text_from_html = true;
		}
		buf_free(&h);
	}
	m->text = arena_strndup(a, c.text.p ? c.text.p : "", c.text.len);
	m->notes = arena_strndup(a, c.notes.p ? c.notes.p : "", c.notes.len);
	buf_free(&c.text);
	buf_free(&c.notes);
	*out = m;
	return MADO_OK;
}

void mail_msg_free(struct mail_msg *m)
{
	if (m)
		arena_free(m->arena);
}

const struct mail_header *mail_header_find(const struct mail_msg *m, const char *name)
{
	for (size_t i = 0; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, name) == 0)
			return &m->headers[i];
	return NULL;
}

size_t mail_header_count(const struct mail_msg *m, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, name) == 0)
			n++;
	return n;
}
