/*
 * Mail transports: hand one composed message to the relay over SMTP
 * (libcurl: STARTTLS, AUTH) or to a local sendmail binary, and say how it
 * went in SMTP terms: sent, temporary failure (4xx, connection trouble,
 * timeout, a dropped connection), or permanent failure (5xx).
 *
 * The only module that talks to libcurl and the only one that runs
 * sendmail. Settings come from the config passed in.
 */
#ifndef MADO_JOBS_TRANSPORT_H
#define MADO_JOBS_TRANSPORT_H

#include <stddef.h>

#include "util/config.h"

enum transport_result { TRANSPORT_SENT, TRANSPORT_TEMP, TRANSPORT_PERM };

#define TRANSPORT_MAX_RCPT 200

/* The relay's answer to one RCPT TO (SMTP transport only). */
struct transport_rcpt {
	int code;            /* 0 = not asked (sendmail, or the session ended before) */
	char text[160];      /* the reply line when refused */
};

struct transport_outcome {
	enum transport_result result;
	int code;            /* last SMTP reply code, 0 = none (connection trouble) */
	char text[400];      /* what went wrong, for the ticket and the log ("" when sent) */
	/* SMTP: the answer to each recipient, in the order given. A mail is
	 * SENT when the relay took it for at least one recipient; those it
	 * refused (4xx/5xx) are listed here for the caller to record or retry. */
	struct transport_rcpt rcpt[TRANSPORT_MAX_RCPT];
	size_t nrcpt;
};

/*
 * Deliver data (a whole message, CRLF line ends) from mail_from ("" = the
 * null sender <>) to the n (at most TRANSPORT_MAX_RCPT) recipients. Never fails as a function: the
 * outcome says what happened.
 */
void transport_send(const struct mado_config *cfg, const char *mail_from, const char *const *rcpt, size_t n,
                    const char *data, size_t len, struct transport_outcome *out);

#endif
