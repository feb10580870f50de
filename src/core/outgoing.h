/*
 * Automatic mail to customers, queued inside the caller's transaction:
 * the acknowledgement of a new ticket now, notices (status change,
 * resolution, reminder) through the same path. Decides whether a mail may
 * go (RFC 3834 and the reliability rules: never to machine mail, our own
 * addresses, bouncing addresses; one ack per address per
 * ack.recipient_hours; at most auto.per_ticket_max per ticket and
 * auto.global_max in all per auto.window_minutes), renders the template
 * in the customer's language, stores the mail as an outgoing message
 * (so the customer's answer threads by its Message-ID) and queues it in
 * the outbox with a null envelope sender and Auto-Submitted.
 *
 * No I/O beyond the store; config and key are passed in.
 */
#ifndef MADO_CORE_OUTGOING_H
#define MADO_CORE_OUTGOING_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/template.h"
#include "store/store.h"
#include "util/config.h"

struct outgoing_ack {
	struct store *store;
	const struct mado_config *cfg;
	const unsigned char *key;       /* THREAD_KEY_BYTES */
	int64_t ticket_id;
	const char *to_email, *to_name; /* the new ticket's requester */
	const char *subject;            /* the ticket's subject */
	const char *text;               /* the customer's text (language guess) */
	const char *in_reply_to;        /* the customer's Message-ID ("" if none) */
	const char *references_json;    /* its References, JSON array */
	bool may_auto_answer;           /* hygiene: no machine-mail flag */
	bool own_address;               /* the sender is one of our addresses */
	time_t now;
};

/*
 * Queue the acknowledgement of a new ticket, or record on the ticket why
 * none goes (an "ack" event "suppressed: <why>"). Fails only on database
 * trouble.
 */
mado_status outgoing_ack(const struct outgoing_ack *in, struct mado_err *err);

/*
 * A notice to the ticket's requester: the template template_name
 * ("status", "resolved", "reminder"...) rendered in the customer's
 * language (body_template, when not NULL or empty, replaces its body as
 * plain text: an automation's own message), threaded to the ticket's latest customer
 * message (In-Reply-To, References), stored as an outgoing message and
 * queued in the caller's transaction with kind (e.g. "notice"), a null
 * envelope sender and Auto-Submitted: auto_submitted. Nothing goes (a
 * "suppressed" event on the ticket instead) when the ticket has no
 * requester address, the address bounces, or a limit of automatic mail
 * is reached (auto.per_recipient_max, auto.per_ticket_max,
 * auto.global_max within auto.window_minutes: acks and notices count
 * together). Borrows every argument;
 * fails only on database trouble.
 */
mado_status outgoing_customer_notice(struct store *s, const struct mado_config *cfg, const unsigned char *key,
                                     int64_t ticket_id, const char *template_name, const char *body_template,
                                     const char *kind, const char *auto_submitted, time_t now, struct mado_err *err);

/*
 * The same with the caller's own subject and body, both templates (the
 * placeholders of docs/outgoing-mail.md, and {{number}}, {{subject}}):
 * a trigger's mail. what names it in events and as the message's source
 * ("notice:<what>"). The subject gets the ticket token when it has none.
 * Same threading, language, hygiene and rate limits as every notice.
 */
mado_status outgoing_customer_mail(struct store *s, const struct mado_config *cfg, const unsigned char *key,
                                   int64_t ticket_id, const char *what, const char *subject, const char *body,
                                   time_t now, struct mado_err *err);

/*
 * Agent notifications by mail: what is one of "new_in_group", "assigned",
 * "customer_replied", "mention" (each subject to the agent's settings) or
 * "delivery_failed" (always). Queued in the caller's transaction with a
 * null envelope sender and Auto-Submitted: auto-generated, in the agent's
 * language. Nothing goes to the actor (actor_agent_id) or a disabled agent.
 * detail (may be NULL) is one line of context (the note, the relay's reply).
 */
mado_status outgoing_notify_agent(struct store *s, const struct mado_config *cfg, int64_t agent_id,
                                  int64_t actor_agent_id, int64_t ticket_id, const char *what, const char *detail,
                                  time_t now, struct mado_err *err);
/* The same for every member of a group. */
mado_status outgoing_notify_group(struct store *s, const struct mado_config *cfg, int64_t group_id,
                                  int64_t actor_agent_id, int64_t ticket_id, const char *what, time_t now,
                                  struct mado_err *err);
/* A new ticket as routing left it: its assignee is told "assigned", or,
 * with nobody assigned, its group "new_in_group". */
mado_status outgoing_notify_routed(struct store *s, const struct mado_config *cfg, int64_t ticket_id, time_t now,
                                   struct mado_err *err);
/* The same for the ticket's assignee, if any. */
mado_status outgoing_notify_assignee(struct store *s, const struct mado_config *cfg, int64_t ticket_id,
                                     const char *what, const char *detail, time_t now, struct mado_err *err);

/*
 * An agent's reply as the customer gets it: body inside the "reply"
 * template (the wrapper: signature with the agent's name and ours) in
 * the customer's language. *text is owned by the arena. The reply's
 * subject is not the template's: it keeps the conversation's subject
 * (one "Re:", one ticket token) so that mail clients keep the thread.
 */
mado_status outgoing_reply_text(struct store *s, struct arena *a, const struct mado_config *cfg,
                                const unsigned char *key, int64_t ticket_id, int64_t agent_id, const char *body,
                                const char **text, struct mado_err *err);

/* The template variables of a ticket (core/template.h), and the language
 * its mail should be in. Strings are owned by the arena. key (may be NULL:
 * no survey link) signs {{survey.url}}. */
struct outgoing_vars {
	struct tpl_var vars[16];
	size_t n;
	const char *language;   /* "ja" or "en" */
};
mado_status outgoing_ticket_vars(struct store *s, struct arena *a, const struct mado_config *cfg,
                                 const unsigned char *key, int64_t ticket_id, const char *agent_name, const char *text,
                                 struct outgoing_vars *v, struct mado_err *err);

#endif
