/*
 * The store's interface for SLA and automations (src/store/sqlite/sla.c,
 * migration 008): calendars and their holidays, SLA policies, a ticket's
 * SLA state, the scheduler's timers, automations and what has fired.
 * Same rules as store.h: bound parameters only; strings passed in are
 * borrowed for the call; strings returned are owned by the given arena;
 * writes happen between store_begin() and store_commit().
 */
#ifndef MADO_STORE_STORE_SLA_H
#define MADO_STORE_STORE_SLA_H

#include "store/store.h"

/* ---- calendars ---- */

struct store_calendar {
	int64_t id;
	const char *name, *time_zone, *hours;
	bool jp_holidays;
	const char *holidays_json;   /* [{"date":"2026-12-29","name":"..."}] by date */
};
/* MADO_EEXIST when the name is taken. */
mado_status store_calendar_add(struct store *s, const struct store_calendar *c, time_t now, int64_t *id,
                               struct mado_err *err);
/* MADO_ENOTFOUND / MADO_EEXIST. */
mado_status store_calendar_update(struct store *s, const struct store_calendar *c, struct mado_err *err);
/* Refused (MADO_EEXIST) while a policy or automation uses it. */
mado_status store_calendar_delete(struct store *s, int64_t id, struct mado_err *err);
mado_status store_calendar_get(struct store *s, struct arena *a, int64_t id, struct store_calendar *out,
                               struct mado_err *err);
typedef mado_status (*store_calendar_cb)(void *ctx, const struct store_calendar *c);
mado_status store_calendar_list(struct store *s, struct arena *a, store_calendar_cb cb, void *ctx,
                                struct mado_err *err);
/* The id of the calendar called name; 0 when there is none. */
mado_status store_calendar_by_name(struct store *s, const char *name, int64_t *id, struct mado_err *err);
/* The calendar of the ticket's SLA policy: its id, 0 when the policy has
 * none (around the clock), -1 when no policy holds the ticket. */
mado_status store_ticket_sla_calendar(struct store *s, int64_t ticket, int64_t *calendar_id, struct mado_err *err);
/* Replace a calendar's custom holidays by holidays_json's entries. */
mado_status store_calendar_holidays_set(struct store *s, int64_t id, const char *holidays_json,
                                        struct mado_err *err);

/* ---- SLA policies ---- */

struct store_sla_policy {
	int64_t id;
	const char *name;
	int64_t position;
	bool enabled;
	const char *match_priority, *match_tier, *match_type;  /* NULL = any */
	int64_t match_group_id;                                 /* 0 = any */
	int64_t calendar_id;                                    /* 0 = around the clock, UTC */
	int64_t first_response, next_response, resolution;      /* seconds of business time; 0 = no target */
	int64_t warn;                                           /* seconds before a due time */
};
mado_status store_sla_policy_add(struct store *s, const struct store_sla_policy *p, time_t now, int64_t *id,
                                 struct mado_err *err);
mado_status store_sla_policy_update(struct store *s, const struct store_sla_policy *p, struct mado_err *err);
mado_status store_sla_policy_delete(struct store *s, int64_t id, struct mado_err *err);
mado_status store_sla_policy_get(struct store *s, struct arena *a, int64_t id, struct store_sla_policy *out,
                                 struct mado_err *err);
typedef mado_status (*store_sla_policy_cb)(void *ctx, const struct store_sla_policy *p);
/* In matching order (position, id). */
mado_status store_sla_policy_list(struct store *s, struct arena *a, store_sla_policy_cb cb, void *ctx,
                                  struct mado_err *err);

/* ---- a ticket's SLA state (0 = NULL for times and ids) ---- */

struct store_sla_ticket {
	int64_t id;
	const char *status, *priority, *type, *tier;  /* tier: the customer's, else the organisation's */
	int64_t group_id, created_at;
	int64_t policy_id;
	int64_t first_response_due, first_responded_at, next_response_due, resolution_due;
	int64_t paused_at, paused_seconds;
	const char *breached;                          /* "first_response,resolution" or "" */
};
mado_status store_sla_ticket_get(struct store *s, struct arena *a, int64_t id, struct store_sla_ticket *out,
                                 struct mado_err *err);
/* Write policy, due times, pause state and sla_next_due (the earliest of
 * next_due_min, 0 = none). */
mado_status store_sla_ticket_save(struct store *s, const struct store_sla_ticket *t, int64_t next_due_min,
                                  struct mado_err *err);
/* Add target to the ticket's breached list (once). */
mado_status store_sla_mark_breached(struct store *s, int64_t id, const char *target, struct mado_err *err);

/* ---- timers ---- */

mado_status store_timer_set(struct store *s, int64_t ticket, const char *kind, int64_t due_at, struct mado_err *err);
/* Set only when the ticket has no timer of that kind. */
mado_status store_timer_set_if_absent(struct store *s, int64_t ticket, const char *kind, int64_t due_at,
                                      struct mado_err *err);
mado_status store_timer_delete(struct store *s, int64_t ticket, const char *kind, struct mado_err *err);
/* Delete the ticket's timers whose kind starts with prefix. */
mado_status store_timers_clear(struct store *s, int64_t ticket, const char *prefix, struct mado_err *err);
struct store_timer {
	int64_t ticket_id, due_at;
	const char *kind;
};
typedef mado_status (*store_timer_cb)(void *ctx, const struct store_timer *t);
/* Timers due at or before now, earliest first, at most limit (an index
 * range scan of timers_due). */
mado_status store_timers_due(struct store *s, struct arena *a, int64_t now, int64_t limit, store_timer_cb cb,
                             void *ctx, struct mado_err *err);
mado_status store_timers_of(struct store *s, struct arena *a, int64_t ticket, store_timer_cb cb, void *ctx,
                            struct mado_err *err);
/* Record that key fired for ticket; *fresh false when it had already. */
mado_status store_fired_add(struct store *s, int64_t ticket, const char *key, int64_t now, bool *fresh,
                            struct mado_err *err);

/* ---- recomputing due times after an edit (migration 014) ---- */

/* Queue the tickets of policy_id (when not 0), else of every policy using
 * calendar_id, for recomputation; a job already queued starts over. */
mado_status store_sla_recompute_request(struct store *s, int64_t policy_id, int64_t calendar_id, int64_t now,
                                        struct mado_err *err);
/* The oldest job: its policy and the last ticket done; policy 0 = none. */
mado_status store_sla_recompute_next(struct store *s, int64_t *policy_id, int64_t *after, struct mado_err *err);
/* The policy's tickets with id > after, in id order, at most limit. */
mado_status store_sla_recompute_tickets(struct store *s, int64_t policy_id, int64_t after, int64_t limit,
                                        mado_status (*cb)(void *ctx, int64_t ticket), void *ctx,
                                        struct mado_err *err);
/* Move the job past ticket `after`, or drop it when done. */
mado_status store_sla_recompute_advance(struct store *s, int64_t policy_id, int64_t after, bool done,
                                        struct mado_err *err);
/* When the customer last wrote on the ticket (0: never). */
mado_status store_sla_last_customer_message(struct store *s, int64_t ticket, int64_t *at, struct mado_err *err);
/* How many jobs wait. */
mado_status store_sla_recompute_pending(struct store *s, int64_t *jobs, struct mado_err *err);

/* ---- automations ---- */

struct store_automation {
	int64_t id;
	const char *name;
	int64_t position;
	bool enabled;
	const char *kind;            /* remind_pending, auto_close, escalate */
	int64_t after_seconds;
	int64_t calendar_id;         /* 0 = wall clock */
	const char *on_sla;          /* "", warning, breach */
	const char *set_priority;    /* NULL = unchanged */
	int64_t set_group_id;        /* 0 = unchanged */
	bool notify_supervisor;
	const char *message;
};
mado_status store_automation_add(struct store *s, const struct store_automation *au, time_t now, int64_t *id,
                                 struct mado_err *err);
mado_status store_automation_update(struct store *s, const struct store_automation *au, struct mado_err *err);
mado_status store_automation_delete(struct store *s, int64_t id, struct mado_err *err);
mado_status store_automation_get(struct store *s, struct arena *a, int64_t id, struct store_automation *out,
                                 struct mado_err *err);
typedef mado_status (*store_automation_cb)(void *ctx, const struct store_automation *au);
/* In order (position, id); enabled_only skips disabled ones. */
mado_status store_automation_list(struct store *s, struct arena *a, bool enabled_only, store_automation_cb cb,
                                  void *ctx, struct mado_err *err);

/* Supervisors to notify about a ticket: those in its group, else every
 * supervisor; as a comma-separated list of e-mail addresses. */
mado_status store_ticket_supervisors(struct store *s, struct arena *a, int64_t ticket, const char **emails,
                                     struct mado_err *err);

#endif
