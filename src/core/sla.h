/*
 * SLA: which policy holds a ticket to which due times, and how those move.
 *
 * Every change that matters to the SLA calls sla_ticket_event() inside the
 * writer's transaction; it re-reads the ticket, matches the policy (the
 * first enabled one, in order, whose priority/tier/type/group conditions
 * hold), and writes the due times (absolute UTC), the pause state and the
 * scheduler's timers (warning and breach per running target) in the same
 * transaction. The clock pauses while the ticket is pending, on-hold,
 * resolved or closed; on resume every running due time moves by the
 * business time that was left at the pause.
 */
#ifndef MADO_CORE_SLA_H
#define MADO_CORE_SLA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "store/store_workflow.h"

enum sla_event {
	SLA_EV_CREATED,         /* a new ticket (intake, split) */
	SLA_EV_CHANGED,         /* status, priority, type or group changed */
	SLA_EV_AGENT_REPLY,     /* an agent's reply was queued: first response done, next response met */
	SLA_EV_CUSTOMER_REPLY,  /* the customer wrote again: the next-response clock starts */
	SLA_EV_RECOMPUTE,       /* its policy or calendar was edited: due times from the start again */
};

enum sla_target { SLA_FIRST_RESPONSE, SLA_NEXT_RESPONSE, SLA_RESOLUTION, SLA_NTARGETS };
extern const char *const sla_target_names[SLA_NTARGETS];

/* Update the ticket's SLA state after ev (see above). */
mado_status sla_ticket_event(struct store *s, int64_t ticket, enum sla_event ev, int64_t now, struct mado_err *err);

/* A timer "sla_warning:<target>" or "sla_breach:<target>" came due: if
 * the target still runs, record the warning or breach once (an event
 * kind "sla", field target, new value "warning" / "breached"; a breach
 * is also marked on the ticket) and run the escalations. *fired counts
 * warnings, breaches and escalation actions. */
mado_status sla_fire_timer(struct store *s, struct arena *a, int64_t ticket, const char *kind, int64_t now, int *fired,
                           struct mado_err *err);

/* One batch of the recomputation an admin's edit of a policy or calendar
 * queued (store_sla_recompute_request): up to `batch` tickets of the
 * oldest job get SLA_EV_RECOMPUTE (closed ones are skipped), inside the
 * caller's transaction. changed (may be NULL) hears of each ticket, to be
 * published after the commit; *done counts them; *more is true while jobs
 * remain. */
mado_status sla_recompute_step(struct store *s, size_t batch, int64_t now, int64_t *tickets, size_t *done, bool *more,
                               struct mado_err *err);

/* The business-hours condition of triggers: is `now` inside the open
 * hours of the calendar called `name`, or (name NULL) of the ticket's SLA
 * calendar? *decided is false when name is NULL and no SLA policy holds
 * the ticket (the caller falls back to its weekly hours). *which is the
 * calendar's name (owned by a; "around the clock" for a policy without a
 * calendar, which is always inside). A calendar that does not exist (any
 * more) or cannot be loaded is never inside. */
mado_status sla_business_hours(struct store *s, struct arena *a, int64_t ticket, const char *name, int64_t now,
                               bool *inside, bool *decided, const char **which, struct mado_err *err);

/* Load calendar id into c (0 = around the clock in UTC). */
mado_status sla_calendar_load(struct store *s, struct arena *a, int64_t id, struct calendar *c, struct mado_err *err);

/* The first enabled policy matching the ticket; *matched false if none. */
mado_status sla_policy_match(struct store *s, struct arena *a, const struct store_sla_ticket *t,
                             struct store_sla_policy *out, bool *matched, struct mado_err *err);

/* Dry run: which policy the ticket matches now, and the due times it
 * would get if it were created at `at`. A new JSON object, or NULL. */
mado_status sla_preview(struct store *s, struct arena *a, int64_t ticket, int64_t at, json_t **out,
                        struct mado_err *err);

/* The SLA state for the ticket's JSON: policy, paused, breached, and per
 * target the due time, seconds left at `now` and when it was met.
 * JSON null when no policy holds the ticket. */
mado_status sla_view(struct store *s, struct arena *a, int64_t ticket, int64_t now, json_t **out,
                     struct mado_err *err);

#endif
