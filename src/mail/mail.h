/*
 * A parsed mail message: what the rest of Mado reads of one RFC 5322
 * message. Produced by mail_parse() (src/mail/parse.c, the only module that
 * talks to GMime). Every string is UTF-8, NUL-terminated, and owned by the
 * message's arena: valid until mail_msg_free().
 */
#ifndef MADO_MAIL_MAIL_H
#define MADO_MAIL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

/* Parser limits; each is a config setting (see src/util/config.c). */
struct mail_limits {
	size_t max_message_bytes;  /* whole raw message; over = rejected (65) */
	size_t max_header_bytes;   /* one header block; over = truncated, noted */
	size_t max_headers;        /* header fields per block */
	unsigned max_mime_depth;   /* multipart nesting */
	unsigned max_parts;        /* MIME parts in total */
	size_t max_part_bytes;     /* one decoded part; over = truncated, noted */
	size_t max_text_bytes;     /* body text kept on the message */
	size_t max_html_bytes;     /* HTML given to the sanitizer */
	size_t max_attachment_bytes; /* one attachment; over = not stored, noted */
};
void mail_limits_default(struct mail_limits *lim);

struct mail_header {
	const char *name;   /* as written */
	const char *raw;    /* raw value, unfolded, bytes as received (may be 8-bit) */
	const char *value;  /* decoded to UTF-8 (RFC 2047, raw 8-bit charsets) */
};

struct mail_addr {
	const char *name;   /* display name, decoded; "" if none */
	const char *email;  /* addr-spec as written (local part case kept); "" if none */
};

struct mail_addr_list {
	struct mail_addr *v;
	size_t n;
};

enum mail_part_role {
	MAIL_PART_TEXT,        /* the body text part chosen */
	MAIL_PART_HTML,        /* the body HTML part chosen */
	MAIL_PART_ATTACHMENT,  /* a file: attachment or inline image */
	MAIL_PART_OTHER,       /* alternative bodies not chosen, reports, etc. */
};

struct mail_part {
	const char *content_type;  /* lower case "type/subtype" */
	const char *charset;       /* declared charset or "" */
	const char *filename;      /* decoded, sanitised for storage; "" if none */
	const char *content_id;    /* without <>; "" if none */
	const char *disposition;   /* "inline", "attachment" or "" */
	enum mail_part_role role;
	unsigned depth;
	const unsigned char *data; /* transfer-decoded bytes (arena) */
	size_t len;
	bool truncated;            /* data cut at max_part_bytes */
};

/* Pieces of a delivery report, for the bounce detector. */
struct mail_report {
	const char *report_type;       /* multipart/report's report-type, lower case, or "" */
	const char *delivery_status;   /* text of message/delivery-status (or message/feedback-report), "" if none */
	const char *feedback_report;   /* text of message/feedback-report, "" if none */
	const char *original_headers;  /* headers of the returned message (message/rfc822 or text/rfc822-headers), "" if none */
};

struct mail_msg {
	struct arena *arena;

	struct mail_header *headers;   /* top-level header fields in order */
	size_t nheaders;

	const char *subject;           /* decoded; "" if none */
	struct mail_addr_list from, to, cc, reply_to, sender;
	const char *message_id;        /* without <>; "" if none */
	const char *in_reply_to;       /* first msg-id, without <>; "" if none */
	const char **references;       /* msg-ids without <>, oldest first */
	size_t nreferences;
	time_t date;                   /* 0 if missing/unparseable */

	const char *text;              /* body text, UTF-8 (from text/plain, else from HTML) */
	const char *html;              /* sanitized HTML, UTF-8, or "" */
	bool text_from_html;

	struct mail_part *parts;       /* every leaf part */
	size_t nparts;

	struct mail_report report;

	/* What the parser had to cut or could not read, one note per line. */
	const char *notes;
	bool truncated;
};

/*
 * Parse raw bytes (not copied; may be freed after return). On success *out
 * is a new message the caller frees with mail_msg_free(). MADO_ELIMIT for a
 * message over max_message_bytes; malformed MIME is never an error: the
 * parser reads what it can and records notes.
 */
mado_status mail_parse(const char *raw, size_t len, const struct mail_limits *lim,
                       struct mail_msg **out, struct mado_err *err);
void mail_msg_free(struct mail_msg *m);

/* First top-level header with that name (case-insensitive), or NULL. */
const struct mail_header *mail_header_find(const struct mail_msg *m, const char *name);
/* Count of top-level headers with that name. */
size_t mail_header_count(const struct mail_msg *m, const char *name);

#endif
