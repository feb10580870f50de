/*
 * Bounce and report reading for the hygiene classifier: delivery status
 * notifications (RFC 3464), the non-standard bounce forms real MTAs send
 * (qmail, Exim, Sendmail, Exchange, Notes, Gmail, Yahoo, Japanese
 * carriers...), Amazon SES JSON notifications, and feedback reports (ARF,
 * RFC 5965, plus a few vendor complaint forms).
 *
 * Pure: reads a parsed message; every string it returns is owned by the
 * message's arena (valid until mail_msg_free()). No I/O, no config.
 */
#ifndef MADO_MAIL_BOUNCE_H
#define MADO_MAIL_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/hygiene.h"
#include "mail/mail.h"

enum bounce_verdict {
	BOUNCE_NONE = 0,    /* not a delivery report of any kind */
	BOUNCE_FAILED,      /* at least one recipient failed for good */
	BOUNCE_DELAYED,     /* only delays: delivery is still being tried */
	BOUNCE_DELIVERED,   /* success DSN (delivered/relayed/expanded) only */
	BOUNCE_FEEDBACK,    /* feedback report (abuse complaint, opt-out...) */
};

struct bounce_report {
	enum bounce_verdict verdict;
	bool standard;                    /* read from a message/delivery-status or
	                                     message/feedback-report part */
	const char *form;                 /* what was recognised: "dsn", "arf",
	                                     "amazon-ses-json", "text"...; "" if none */
	const char *evidence;             /* "; "-separated reasons, "" if none */
	struct bounce_recipient *recipients; /* every recipient reported, any action */
	size_t nrecipients;
	const char *original_message_id;  /* without <>, or "" */
	const char *feedback_type;        /* ARF Feedback-Type, lower case, or "" */
};

/*
 * Read m as a delivery or feedback report. Never fails except on OOM
 * (MADO_ENOMEM); out is always filled (verdict BOUNCE_NONE when m is not a
 * report). Results live in m->arena.
 */
mado_status bounce_analyze(const struct mail_msg *m, struct bounce_report *out);

/*
 * Parse the text of a message/delivery-status part (RFC 3464): the
 * per-message block and every per-recipient block. Tolerant of missing
 * blank lines between blocks, folded fields and missing address types.
 * *out (arena array) gets one entry per recipient: lower-case address
 * (Final-Recipient, else Original-Recipient / X-Actual-Recipient), Status
 * (the Diagnostic-Code's code when Status is missing or only x.0.0), Action
 * (lower case; inferred from the status class when missing) and the
 * diagnostic text.
 */
mado_status bounce_parse_dsn(struct arena *a, const char *text, size_t len,
                             struct bounce_recipient **out, size_t *n);

/*
 * Find the first RFC 3463 enhanced status code ("5.1.1", class 2, 4 or 5)
 * in p[0..len) that is not part of a longer dotted number (version numbers,
 * IP addresses). Writes it NUL-terminated to out (at least 12 bytes) and
 * returns true, or returns false.
 */
bool bounce_find_status(const char *p, size_t len, char out[12]);

/* True if email (an addr-spec, any case) is a mail system's own address:
 * mailer-daemon, postmaster and their spellings, with or without domain. */
bool bounce_is_system_address(const char *email);

#endif
