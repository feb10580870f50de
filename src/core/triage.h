/*
 * Triage: the one entry point intake and the API call to run the workflow
 * rules on a ticket, inside the caller's transaction.
 *
 *   new ticket:        language → priority → category → group → agent →
 *                      triggers(created)
 *   customer replied:  triggers(customer_replied)
 *   agent updated it:  triggers(updated)
 *
 * And the dry run behind the admin API's "test": which rules would match
 * this ticket and why, writing nothing.
 */
#ifndef MADO_CORE_TRIAGE_H
#define MADO_CORE_TRIAGE_H

#include <jansson.h>

#include "core/category.h"
#include "core/rules.h"
#include "util/config.h"

struct triage_opts {
	struct hours_check hours;                     /* shifts, time of day, business hours */
	const char *business_hours;                   /* spec of the business_hours condition */
	const struct category_classifier *classifier; /* NULL: rules only */
	/* trigger mail: a customer notice (core/outgoing.h) */
	const struct mado_config *cfg;
	const unsigned char *key;                     /* THREAD_KEY_BYTES; NULL: no trigger mail */
};

/* Fill o from cfg (strings borrowed from cfg; key left NULL for the
 * caller to set where triggers may mail). */
void triage_opts_from_config(struct triage_opts *o, const struct mado_config *cfg);

/* After intake stored a message on ticket: the new-ticket pipeline when
 * new_ticket, else the customer_replied triggers. */
mado_status triage_after_intake(struct store *s, int64_t ticket, bool new_ticket, const struct triage_opts *o,
                                time_t now, struct mado_err *err);

/* The new-ticket pipeline alone (also for tickets made other ways). */
mado_status triage_ticket_created(struct store *s, int64_t ticket, const struct triage_opts *o, time_t now,
                                  struct mado_err *err);

/* After an agent's change was applied (same transaction). */
mado_status triage_ticket_updated(struct store *s, int64_t ticket, const struct triage_opts *o, time_t now,
                                  struct mado_err *err);

/*
 * Dry run on ticket: every rule of kind (-1 = all kinds; candidate, when
 * not NULL, is evaluated alone instead) with whether it matches and why,
 * and what priority and category would come out. *out is a new reference.
 * event selects the triggers considered (RULE_ON_*).
 */
mado_status triage_dry_run(struct store *s, int64_t ticket, int kind, const struct rule *candidate,
                           enum rule_event event, const struct triage_opts *o, time_t now, json_t **out,
                           struct mado_err *err);

#endif
