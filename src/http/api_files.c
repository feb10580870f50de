/*
 * Files: attachment downloads, the HTML of a mail for a sandboxed iframe,
 * and uploads for replies.
 *
 * Downloads go through an unguessable token (one per attachment, made by
 * a trigger of migration 5) and still check that the caller may see the
 * attachment's ticket: an unknown token, a token of a ticket the caller
 * may not see and an attachment that was not kept all answer the same
 * 404. The bytes are sent as a download only (Content-Disposition:
 * attachment, nosniff, CSP "default-src 'none'; sandbox"), and any type
 * a browser could render as active content (HTML, SVG, XML, scripts…) is
 * sent as application/octet-stream: only an allow-list of passive types
 * keeps its stored type.
 *
 * Mail HTML was sanitized at intake (src/mail/sanitize.c); here it is
 * wrapped, unchanged, into a document served from its own URL with its
 * own CSP (no scripts, inline styles only, images only from us or data:,
 * sandbox), for an <iframe sandbox> of the UI. It is not sanitized a
 * second time because that pass would drop data-mado-remote-src, which
 * the UI needs to offer "load remote images"; wrapping is not a change of
 * the sanitized fragment.
 *
 * Uploads are raw bodies (the server already enforces the route's 10 MB
 * limit), stored as blobs by SHA-256 and fsynced before the row that
 * names them is committed; the id handed back is random and usable only
 * by the uploader.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/api.h"
#include "http/server_internal.h"
#include "store/blob.h"
#include "store/store_people.h"
#include "store/workspace.h"
#include "util/fsio.h"
#include "util/clock.h"

#define FILENAME_MAX_BYTES 200
#define CONTENT_TYPE_MAX 100

static const char csp_download[] = "default-src 'none'; sandbox";
static const char csp_mail_html[] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";
/* ?images=remote: the agent chose to load this mail's remote images */
static const char csp_mail_html_images[] =
	"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https: http:; sandbox";

static struct store_viewer viewer_of(const struct http_req *req)
{
	struct store_viewer v = { 0 };
	v.all = req->who.role >= ROLE_SUPERVISOR;
	v.agent_id = req->who.agent_id;
	v.customer_id = req->who.customer_id;
	return v;
}

static bool may_see_ticket(struct http_req *req, int64_t ticket_id, struct mado_err *err, mado_status *st)
{
	struct store_viewer v = viewer_of(req);
	bool visible = false;
	*st = ticket_id ? store_ticket_visible(req->store, &v, ticket_id, &visible, err) : MADO_OK;
	return *st == MADO_OK && visible;
}

/* ---- names and types ---- */

/* Length of the UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (k == 0 || k > n || (k == 2 && c < 0xc2) || (k == 4 && c > 0xf4))
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (k == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
		return 0; /* overlong, surrogates */
	if (k == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
		return 0;
	if (k == 2 && c == 0xc2 && p[1] < 0xa0)
		return 0; /* C1 controls */
	return k;
}

/*
 * A file name safe to hand to a browser and to store: the last path
 * component, valid UTF-8 (bad bytes become "_"), no control characters,
 * no leading dots or spaces, at most FILENAME_MAX_BYTES, never empty.
 */
static const char *safe_filename(struct arena *a, const char *name)
{
	if (!name)
		name = "";
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	struct buf b;
	buf_init(&b, 0);
	const unsigned char *p = (const unsigned char *)base;
	size_t n = strlen(base);
	while (n && b.len < FILENAME_MAX_BYTES) {
		size_t k = utf8_len(p, n);
		if (k == 0 || (k == 1 && (p[0] < 0x20 || p[0] == 0x7f))) {
			if (k == 0 || b.len)
				buf_append_char(&b, '_');
			k = k ? k : 1;
		} else if (b.len == 0 && (p[0] == '.' || p[0] == ' ')) {
			/* no hidden files, no leading blanks */
		} else if (b.len + k <= FILENAME_MAX_BYTES) {
			buf_append(&b, p, k);
		} else {
			break;
		}
		p += k;
		n -= k;
	}
	while (b.len && (b.p[b.len - 1] == ' ' || b.p[b.len - 1] == '.'))
		b.len--;
	const char *out = b.len ? arena_strndup(a, b.p, b.len) : "attachment";
	buf_free(&b);
	return out ? out : "attachment";
}

/* RFC 8187 attr-char: sent as is in filename*; everything else is %XX. */
static bool attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$&+-.^_`|~", c) != NULL;
}

/* attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded */
static const char *content_disposition(struct arena *a, const char *safe)
{
	struct buf b;
	buf_init(&b, 0);
	buf_append_str(&b, "attachment; filename=\"");
	const unsigned char *p = (const unsigned char *)safe;
	while (*p) {
		size_t k = utf8_len(p, strlen((const char *)p));
		k = k ? k : 1;
		bool plain = k == 1 && p[0] >= 0x20 && p[0] < 0x7f && p[0] != '"' && p[0] != '\\' && p[0] != '%' &&
		             p[0] != ';';
		buf_append_char(&b, plain ? (char)p[0] : '_');
		p += k;
	}
	buf_append_str(&b, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)safe; *p; p++) {
		if (attr_char(*p))
			buf_append_char(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	const char *out = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_free(&b);
	return out ? out : "attachment";
}

static bool token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* "Type/Sub; params" -> "type/sub" lowercased, or NULL if not a media type. */
static const char *media_type(struct arena *a, const char *ct)
{
	if (!ct)
		return NULL;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	char t[CONTENT_TYPE_MAX + 1];
	size_t n = 0;
	int slashes = 0;
	for (; *ct && *ct != ';' && *ct != ' ' && *ct != '\t'; ct++) {
		if (n >= CONTENT_TYPE_MAX)
			return NULL;
		char c = (*ct >= 'A' && *ct <= 'Z') ? (char)(*ct - 'A' + 'a') : *ct;
		if (c == '/')
			slashes++;
		else if (!token_char(c))
			return NULL;
		t[n++] = c;
	}
	t[n] = '\0';
	const char *slash = strchr(t, '/');
	if (slashes != 1 || slash == t || !slash[1])
		return NULL;
	return arena_strdup(a, t);
}

/*
 * The Content-Type a download is sent with: the stored type only when it
 * is on the passive allow-list, else application/octet-stream. A deny
 * list would have to foresee every type some browser renders actively.
 */
static const char *download_type(struct arena *a, const char *stored)
{
	static const char *const passive_text[] = { "text/plain", "text/csv", "text/calendar", "text/vcard" };
	static const char *const active_words[] = { "xml", "html", "script", "svg", "shockwave", "x-java" };
	const char *t = media_type(a, stored);
	if (!t)
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof active_words / sizeof active_words[0]; i++)
		if (strstr(t, active_words[i]))
			return "application/octet-stream";
	for (size_t i = 0; i < sizeof passive_text / sizeof passive_text[0]; i++)
		if (strcmp(t, passive_text[i]) == 0)
			return t;
	if (strncmp(t, "image/", 6) == 0 || strncmp(t, "audio/", 6) == 0 || strncmp(t, "video/", 6) == 0 ||
	    strncmp(t, "application/", 12) == 0)
		return t;
	return "application/octet-stream";
}

/* ---- GET /api/v1/attachments/:token ---- */

static bool token_shape_ok(const char *t)
{
	size_t n = 0;
	for (; t && t[n]; n++)
		if (!((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
			return false;
	return n == 64;
}

void api_attachment_download(struct http_req *req, struct http_resp *resp)
{
	const char *token = req->params[0];
	struct people_attachment att;
	struct mado_err err;
	mado_status st = token_shape_ok(token) ? people_attachment_by_token(req->store, req->arena, token, &att, &err)
	                                       : MADO_ENOTFOUND;
	if (st == MADO_OK && !may_see_ticket(req, att.ticket_id, &err, &st) && st == MADO_OK)
		st = MADO_ENOTFOUND;
	if (st == MADO_OK && !att.stored)
		st = MADO_ENOTFOUND; /* over the size limit at intake: nothing kept */
	if (st == MADO_ENOTFOUND) {
		http_error(resp, 404, "not_found", "no such attachment");
		return;
	}
	if (st) {
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	char sha[65];
	buf_reset(&resp->body);
	size_t want = att.size > 0 ? (size_t)att.size : 0;
	if (blob_read(req->store, req->srv->ws->blob_dir, att.sha256, want, &resp->body, &err) != MADO_OK) {
		buf_reset(&resp->body);
		http_error(resp, 500, "blob_missing", "the attachment's content cannot be read");
		return;
	}
	blob_sha256_hex(resp->body.p ? resp->body.p : "", resp->body.len, sha);
	if (resp->body.len != want || strcmp(sha, att.sha256) != 0) {
		buf_reset(&resp->body);
		http_error(resp, 500, "blob_corrupt", "the attachment's content does not match its checksum");
		return;
	}
	resp->status = 200;
	resp->content_type = download_type(req->arena, att.content_type);
	http_header_add(resp, req, "Content-Disposition",
	                content_disposition(req->arena, safe_filename(req->arena, att.filename)));
	http_header_add(resp, req, "X-Content-Type-Options", "nosniff");
	http_header_add(resp, req, "Content-Security-Policy", csp_download);
	http_header_add(resp, req, "Cross-Origin-Resource-Policy", "same-origin");
	http_header_add(resp, req, "Cache-Control", "private, no-store");
}

/* ---- GET /api/v1/messages/:id/html ---- */

static void append_escaped(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': buf_append_str(b, "&amp;"); break;
		case '<': buf_append_str(b, "&lt;"); break;
		case '>': buf_append_str(b, "&gt;"); break;
		case '"': buf_append_str(b, "&quot;"); break;
		case '\'': buf_append_str(b, "&#39;"); break;
		default: buf_append_char(b, *s);
		}
	}
}

/* The sanitizer writes a remote image's URL as data-mado-remote-src="…"
 * (attribute values are escaped, so the marker cannot occur inside one);
 * turning it back into src="…" loads the image. */
static void append_with_remote_images(struct buf *b, const char *html)
{
	static const char mark[] = " data-mado-remote-src=\"";
	const char *p = html, *hit;
	while ((hit = strstr(p, mark))) {
		buf_append(b, p, (size_t)(hit - p));
		buf_append_str(b, " src=\"");
		p = hit + sizeof mark - 1;
	}
	buf_append_str(b, p);
}

void api_message_html(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct people_message_body m;
	struct mado_err err;
	mado_status st = id ? people_message_body(req->store, req->arena, id, &m, &err) : MADO_ENOTFOUND;
	if (st == MADO_OK && !may_see_ticket(req, m.ticket_id, &err, &st) && st == MADO_OK)
		st = MADO_ENOTFOUND;
	if (st == MADO_ENOTFOUND) {
		http_error(resp, 404, "not_found", "no such message");
		return;
	}
	if (st) {
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	struct buf *b = &resp->body;
	buf_reset(b);
	buf_append_str(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	                  "<meta name=\"referrer\" content=\"no-referrer\"><title>");
	append_escaped(b, m.subject);
	buf_append_str(b, "</title><style>body{margin:8px;font-family:sans-serif;overflow-wrap:anywhere}"
	                  "img{max-width:100%}pre{white-space:pre-wrap}</style></head><body>\n");
	const char *images = http_query_get(req, "images");
	bool remote_images = images && strcmp(images, "remote") == 0 && req->who.agent_id;
	if (m.body_html && *m.body_html && remote_images) {
		append_with_remote_images(b, m.body_html);
	} else if (m.body_html && *m.body_html) {
		buf_append_str(b, m.body_html); /* sanitized at intake; see the top of this file */
	} else {
		buf_append_str(b, "<pre>");
		append_escaped(b, m.body_text);
		buf_append_str(b, "</pre>");
	}
	buf_append_str(b, "\n</body></html>\n");
	resp->status = 200;
	resp->content_type = "text/html; charset=utf-8";
	http_header_add(resp, req, "Content-Security-Policy", remote_images ? csp_mail_html_images : csp_mail_html);
	/* the UI frames this document; other sites may not */
	http_header_add(resp, req, "X-Frame-Options", "SAMEORIGIN");
	http_header_add(resp, req, "X-Content-Type-Options", "nosniff");
	http_header_add(resp, req, "Cross-Origin-Resource-Policy", "same-origin");
}

/* ---- POST /api/v1/uploads ---- */

void api_upload(struct http_req *req, struct http_resp *resp)
{
	if (req->body_len == 0) {
		http_error(resp, 400, "empty", "the request body (the file's bytes) is empty");
		return;
	}
	if (!req->who.agent_id) {
		http_error(resp, 403, "forbidden", "only agents upload files");
		return;
	}
	const char *name = http_query_get(req, "filename");
	if (!name)
		name = http_header_get(req, "X-Filename");
	if (name && strlen(name) > 1024) {
		http_error(resp, 400, "bad_value", "filename is too long");
		return;
	}
	const char *ctype = media_type(req->arena, http_header_get(req, "Content-Type"));
	struct people_upload u = {
		.agent_id = req->who.agent_id,
		.filename = safe_filename(req->arena, name ? name : "upload"),
		.content_type = ctype ? ctype : "application/octet-stream",
		.size = (int64_t)req->body_len,
		.created_at = mado_now(),
	};
	char sha[65], id[33];
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
	blob_sha256_hex(req->body, req->body_len, sha);
	u.id = id;
	u.sha256 = sha;

	struct mado_err err;
	struct blob_batch batch;
	blob_batch_init(&batch);
	mado_status st = blob_put(req->srv->ws->blob_dir, sha, req->body, req->body_len, &batch, &err);
	if (st == MADO_OK)
		st = blob_batch_sync(&batch, &err);
	blob_batch_free(&batch);
	if (st == MADO_OK && (st = store_begin(req->store, &err)) == MADO_OK) {
		if ((st = people_upload_add(req->store, &u, &err)) == MADO_OK)
			st = store_commit(req->store, &err);
		else
			store_rollback(req->store);
	}
	if (st) {
		http_error(resp, st == MADO_ETEMP || st == MADO_EDB ? 503 : 500, "unavailable", err.msg);
		return;
	}
	http_json(resp, 201, json_pack("{s:{s:s, s:s, s:s, s:I, s:s}}", "upload", "id", u.id, "filename",
	                               u.filename, "content_type", u.content_type, "size", (json_int_t)u.size,
	                               "sha256", u.sha256));
}
