/*
 * Message composition: an RFC 5322 / MIME message built from parts.
 *
 * Every header is written by this module from typed fields: addresses are
 * checked addr-specs with display names that are quoted or RFC 2047
 * encoded, subjects and other unstructured values are encoded and folded,
 * Message-IDs are checked. No caller text is ever pasted into the header
 * block, so CR/LF, commas, quotes or angle brackets in names and subjects
 * can never add a header or a recipient.
 *
 * Bodies: a text part, optionally an HTML alternative, optionally
 * attachments (multipart/mixed). UTF-8 (quoted-printable) by default;
 * ISO-2022-JP (7bit) on request, falling back to UTF-8 for any piece that
 * ISO-2022-JP cannot represent (emoji, CP932-only characters) so nothing
 * is lost.
 *
 * Pure: no I/O. Everything passed in is borrowed for the call; the output
 * buffer is the caller's.
 */
#ifndef MADO_MAIL_COMPOSE_H
#define MADO_MAIL_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/status.h"

struct compose_addr {
	const char *name;    /* display name, UTF-8; NULL or "" for none */
	const char *email;   /* plain addr-spec; checked by compose_address_ok() */
};

struct compose_attachment {
	const char *filename;      /* UTF-8; written with RFC 2231 when not ASCII */
	const char *content_type;  /* "type/subtype"; anything else becomes application/octet-stream */
	const unsigned char *data;
	size_t len;
};

/* An extra header (e.g. the loop header). The name must be printable
 * ASCII without ':' or spaces; the value is unstructured text. */
struct compose_header {
	const char *name, *value;
};

enum compose_charset { COMPOSE_UTF8, COMPOSE_ISO2022JP };

struct compose_msg {
	struct compose_addr from;
	const struct compose_addr *to;
	size_t nto;
	const struct compose_addr *cc;
	size_t ncc;
	struct compose_addr reply_to;       /* email NULL or "" = none */
	const char *subject;
	const char *message_id;             /* without <>; required */
	const char *in_reply_to;            /* without <>; NULL or "" = none */
	const char *const *references;      /* without <>, oldest first */
	size_t nreferences;
	time_t date;
	const char *auto_submitted;         /* "auto-replied", "auto-generated" or NULL */
	const struct compose_header *extra;
	size_t nextra;
	const char *text;                   /* required (may be "") */
	const char *html;                   /* NULL or "" = text only */
	const struct compose_attachment *attachments;
	size_t nattachments;
	enum compose_charset charset;
};

/* Compose limits: more recipients, references or extra headers than these
 * is MADO_ELIMIT. */
#define COMPOSE_MAX_RCPT 100
#define COMPOSE_MAX_REFERENCES 50
#define COMPOSE_MAX_EXTRA 20

/*
 * Append the whole message (CRLF line ends) to out. MADO_EINVAL with a
 * reason in err when an address, Message-ID or header name is unusable;
 * names and subjects never fail (line breaks in them become spaces).
 */
mado_status compose_message(const struct compose_msg *m, struct buf *out, struct mado_err *err);

/* A plain addr-spec we are willing to write: dot-atom local part, a
 * hostname domain, no spaces, quotes, commas, brackets or line breaks. */
bool compose_address_ok(const char *s);

/* A msg-id body "left@right" (no <>) that needs no quoting. */
bool compose_msgid_ok(const char *s);

/* Append a new Message-ID (without <>) of ours: "<random>.<tag>@domain". */
mado_status compose_new_message_id(const char *tag, const char *domain, struct buf *out);

/* Append s as RFC 2047 encoded words if it needs them (non-ASCII, "=?",
 * control characters), else as is; line breaks become spaces. Used for
 * header values and by tests. */
mado_status compose_encode_text(const char *s, enum compose_charset cs, struct buf *out);

#endif
