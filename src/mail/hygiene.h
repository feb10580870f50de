/*
 * Mail hygiene: is this message an auto-reply, a bounce (DSN or one of the
 * non-standard forms), a feedback report, list/bulk mail, a loop, spam?
 * And the decision that follows: may Mado ever answer it automatically?
 *
 * Pure: reads a parsed message and a config struct; results are owned by
 * the message's arena (valid until mail_msg_free()).
 */
#ifndef MADO_MAIL_HYGIENE_H
#define MADO_MAIL_HYGIENE_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/mail.h"

enum hygiene_flag {
	HYG_AUTO_REPLY    = 1u << 0,  /* RFC 3834 / vendor auto-responder, out-of-office */
	HYG_BOUNCE        = 1u << 1,  /* non-delivery report (failed) */
	HYG_DELAYED       = 1u << 2,  /* DSN with Action: delayed only */
	HYG_FEEDBACK      = 1u << 3,  /* ARF feedback report (abuse complaint) */
	HYG_LIST          = 1u << 4,  /* mailing list (List-Id, List-Unsubscribe…) */
	HYG_BULK          = 1u << 5,  /* Precedence: bulk/junk, marketing */
	HYG_LOOP          = 1u << 6,  /* our loop marker or too many Received */
	HYG_SPAM          = 1u << 7,  /* trusted spam verdict or score over threshold */
	HYG_OWN           = 1u << 8,  /* sent by us (our Message-ID/From address) */
	HYG_SYSTEM_SENDER = 1u << 9,  /* mailer-daemon, postmaster, null Return-Path */
	HYG_DELIVERED     = 1u << 10, /* DSN reporting success only (delivered/relayed/expanded) */
};

struct hygiene_config {
	const char *const *own_addresses;  /* our support addresses, lower case */
	size_t n_own_addresses;
	const char *own_msgid_domain;      /* right side of our Message-IDs, or NULL */
	const char *loop_header;           /* e.g. "X-Mado-Loop" */
	unsigned max_received;             /* Received: count that means a loop (50) */
	bool trust_spam_headers;           /* read X-Spam-Flag / X-Spam-Status / rspamd;
	                                      only when our MTA strips them from incoming mail */
	double spam_threshold;             /* score at or over = spam (5.0) */
};
/* Defaults: no own addresses or domain, loop header "X-Mado-Loop",
 * max_received 50 (Postfix hopcount_max), spam headers not trusted,
 * threshold 5.0. */
void hygiene_config_default(struct hygiene_config *cfg);

struct bounce_recipient {
	const char *email;       /* failed recipient, lower case */
	const char *status;      /* enhanced status "5.1.1", or "" (a bare SMTP reply
	                            code 550 gives "5.0.0") */
	const char *action;      /* "failed", "delayed", "delivered"…, or "" (feedback) */
	const char *diagnostic;  /* diagnostic text, or "" */
};

struct hygiene_result {
	unsigned flags;             /* enum hygiene_flag bits */
	bool may_auto_answer;       /* false if any flag says a machine wrote it */
	const char *kind;           /* "normal", "auto-reply", "bounce", "delayed",
	                               "delivered", "feedback-report", "list", "bulk",
	                               "loop", "spam", "system" (the dominant flag, in
	                               that order of strength: loop, bounce, delayed,
	                               delivered, feedback-report, auto-reply, spam,
	                               list, bulk, system) */
	const char *reasons;        /* human-readable, "; "-separated */
	double spam_score;          /* parsed from trusted headers, else 0 */
	unsigned received_count;
	/* Bounces and feedback reports */
	struct bounce_recipient *recipients; /* every recipient the report names, with
	                                        its action: filter on action "failed" to
	                                        mark addresses */
	size_t nrecipients;
	const char *original_message_id; /* Message-ID of the mail that bounced, without <>, or "" */
	const char *report_form;    /* "dsn", "text", "arf", "amazon-ses-json"…, or "" */
	const char *feedback_type;  /* ARF Feedback-Type ("abuse", "opt-out"…), or "" */
};

/* Classify m. Never fails except on OOM. */
mado_status hygiene_classify(const struct mail_msg *m, const struct hygiene_config *cfg,
                             struct hygiene_result *out);

#endif
