/*
 * SLA due times (see sla.h). The state lives in the ticket's columns; this
 * file is the one place that decides how they change:
 *
 *   created        due = calendar_add(now, target) for first response and
 *                  resolution;
 *   policy changed (priority, type, group or tier moved the ticket to
 *                  another policy) due = calendar_add(created_at,
 *                  target + business time already paused);
 *   agent reply    first response met (first_responded_at), next response
 *                  met (no due);
 *   customer reply next response due = calendar_add(now, target) once the
 *                  first response was given;
 *   recompute      (its policy or calendar was edited) as a policy change,
 *                  and a next response still awaited from the customer's
 *                  last message;
 *   pause/resume   see sla.h.
 *
 * After every change the ticket's timers are rewritten: a warning
 * (warn business seconds before due) and a breach (due) timer per running
 * target, none while paused. The scheduler fires them (src/jobs/scheduler.c).
 */
#include "core/sla.h"

#include <stdio.h>
#include <string.h>

#include "core/automation.h"
#include "core/view.h"

const char *const sla_target_names[SLA_NTARGETS] = { "first_response", "next_response", "resolution" };

mado_status sla_calendar_load(struct store *s, struct arena *a, int64_t id, struct calendar *c, struct mado_err *err)
{
	calendar_init(c);
	if (!id)
		return MADO_OK;
	struct store_calendar sc;
	mado_status st = store_calendar_get(s, a, id, &sc, err);
	if (st || (st = calendar_set_zone(c, sc.time_zone, err)) || (st = calendar_parse_hours(c, sc.hours, err)))
		return st;
	c->jp_holidays = sc.jp_holidays;
	json_t *hs = json_loads(sc.holidays_json ? sc.holidays_json : "[]", 0, NULL);
	for (size_t i = 0; !st && i < json_array_size(hs); i++) {
		const char *d = json_string_value(json_object_get(json_array_get(hs, i), "date"));
		st = calendar_add_holiday(c, d ? d : "", err);
	}
	json_decref(hs);
	return st;
}

static bool cond_ok(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

struct match_ctx {
	const struct store_sla_ticket *t;
	struct store_sla_policy *out;
	bool *matched;
};

static mado_status match_one(void *v, const struct store_sla_policy *p)
{
	struct match_ctx *m = v;
	if (*m->matched || !p->enabled)
		return MADO_OK;
	if (cond_ok(p->match_priority, m->t->priority) && cond_ok(p->match_tier, m->t->tier) &&
	    cond_ok(p->match_type, m->t->type) && (!p->match_group_id || p->match_group_id == m->t->group_id)) {
		*m->out = *p;
		*m->matched = true;
	}
	return MADO_OK;
}

mado_status sla_policy_match(struct store *s, struct arena *a, const struct store_sla_ticket *t,
                             struct store_sla_policy *out, bool *matched, struct mado_err *err)
{
	*matched = false;
	memset(out, 0, sizeof *out);
	return store_sla_policy_list(s, a, match_one, &(struct match_ctx){ t, out, matched }, err);
}

static bool paused_status(const char *status)
{
	return !strcmp(status, "pending") || !strcmp(status, "on-hold") || !strcmp(status, "resolved") ||
	       !strcmp(status, "closed");
}

/* The ticket's due time for target k, and whether its clock runs. */
static int64_t *due_of(struct store_sla_ticket *t, int k)
{
	return k == SLA_FIRST_RESPONSE ? &t->first_response_due
	       : k == SLA_NEXT_RESPONSE ? &t->next_response_due
	                                : &t->resolution_due;
}

static bool running(const struct store_sla_ticket *t, int k)
{
	if (k == SLA_FIRST_RESPONSE)
		return t->first_response_due && !t->first_responded_at;
	return *due_of((struct store_sla_ticket *)t, k) != 0;
}

static int64_t target_of(const struct store_sla_policy *p, int k)
{
	return k == SLA_FIRST_RESPONSE ? p->first_response : k == SLA_NEXT_RESPONSE ? p->next_response : p->resolution;
}

/* Due times from the creation, as a policy newly applied sees them. */
static mado_status rebase(struct store_sla_ticket *t, const struct store_sla_policy *p, const struct calendar *cal,
                          struct mado_err *err)
{
	mado_status st = MADO_OK;
	t->policy_id = p->id;
	if (!t->first_responded_at)
		t->first_response_due = 0;
	t->resolution_due = 0;
	if (!p->next_response)
		t->next_response_due = 0;
	if (p->first_response && !t->first_responded_at)
		st = calendar_add(cal, t->created_at, p->first_response + t->paused_seconds, &t->first_response_due, err);
	if (!st && p->resolution)
		st = calendar_add(cal, t->created_at, p->resolution + t->paused_seconds, &t->resolution_due, err);
	return st;
}

static mado_status pause_or_resume(struct store_sla_ticket *t, const struct calendar *cal, int64_t now,
                                   struct mado_err *err)
{
	bool should = paused_status(t->status);
	if (should && !t->paused_at) {
		t->paused_at = now;
		return MADO_OK;
	}
	if (should || !t->paused_at)
		return MADO_OK;
	for (int k = 0; k < SLA_NTARGETS; k++) {
		int64_t *due = due_of(t, k);
		if (!running(t, k) || *due <= t->paused_at)
			continue;   /* met, or breached before the pause: stays where it was */
		mado_status st = calendar_add(cal, now, calendar_between(cal, t->paused_at, *due), due, err);
		if (st)
			return st;
	}
	t->paused_seconds += calendar_between(cal, t->paused_at, now);
	t->paused_at = 0;
	return MADO_OK;
}

/* The warning comes `warn` seconds of business time before the due time
 * (calendar_sub: the latest such instant, so one business hour before a
 * 10:00 due time is 09:00 that morning, not 09:00 minus the night). */
static mado_status write_timers(struct store *s, const struct store_sla_ticket *t, const struct store_sla_policy *p,
                                const struct calendar *cal, int64_t *next_min, struct mado_err *err)
{
	mado_status st = store_timers_clear(s, t->id, "sla_", err);
	*next_min = 0;
	for (int k = 0; !st && k < SLA_NTARGETS && !t->paused_at; k++) {
		if (!running(t, k))
			continue;
		int64_t due = *due_of((struct store_sla_ticket *)t, k);
		char kind[64];
		if (!*next_min || due < *next_min)
			*next_min = due;
		snprintf(kind, sizeof kind, "sla_breach:%s", sla_target_names[k]);
		st = store_timer_set(s, t->id, kind, due, err);
		int64_t warn_at;
		if (!st && p->warn > 0 && !(st = calendar_sub(cal, due, p->warn, &warn_at, err))) {
			snprintf(kind, sizeof kind, "sla_warning:%s", sla_target_names[k]);
			st = store_timer_set(s, t->id, kind, warn_at, err);
		}
	}
	return st;
}

/* A next response still awaited, from the customer's last message again
 * (if the ticket was paused when it came, from the pause, as
 * sla_ticket_event() did then). Pauses since are not deducted again. */
static mado_status recompute_next_response(struct store *s, struct store_sla_ticket *t,
                                           const struct store_sla_policy *p, const struct calendar *cal,
                                           struct mado_err *err)
{
	int64_t from = 0;
	if (!t->next_response_due || !p->next_response)
		return MADO_OK;   /* none awaited (rebase() dropped it if the target went) */
	mado_status st = store_sla_last_customer_message(s, t->id, &from, err);
	if (st || !from)
		return st;
	if (t->paused_at && t->paused_at < from)
		from = t->paused_at;
	return calendar_add(cal, from, p->next_response, &t->next_response_due, err);
}

/* The SLA part of sla_ticket_event() for the ticket state t (read). */
static mado_status update_sla(struct store *s, struct arena *a, struct store_sla_ticket *t, enum sla_event ev,
                              int64_t now, struct mado_err *err)
{
	struct store_sla_policy p;
	struct calendar *cal = arena_alloc(a, sizeof *cal);
	bool matched;
	int64_t next_min;
	mado_status st = cal ? sla_policy_match(s, a, t, &p, &matched, err) : MADO_ENOMEM;
	if (st || (!matched && !t->policy_id))
		return st;   /* no SLA then or now: nothing to keep */
	if ((st = sla_calendar_load(s, a, p.calendar_id, cal, err)))
		return st;
	if (!matched) {
		memset(&p, 0, sizeof p);
		t->first_response_due = t->next_response_due = t->resolution_due = 0;
		t->policy_id = 0;
	} else if ((ev == SLA_EV_CREATED || ev == SLA_EV_RECOMPUTE || p.id != t->policy_id) &&
	           (st = rebase(t, &p, cal, err))) {
		return st;
	}
	if (ev == SLA_EV_RECOMPUTE && matched && (st = recompute_next_response(s, t, &p, cal, err)))
		return st;
	if (ev == SLA_EV_AGENT_REPLY) {
		if (!t->first_responded_at)
			t->first_responded_at = now;
		t->next_response_due = 0;
	} else if (ev == SLA_EV_CUSTOMER_REPLY && t->first_responded_at && p.next_response &&
	           (st = calendar_add(cal, t->paused_at ? t->paused_at : now, p.next_response, &t->next_response_due,
	                              err))) {
		return st;
	}
	if ((st = pause_or_resume(t, cal, now, err)) || (st = write_timers(s, t, &p, cal, &next_min, err)))
		return st;
	return store_sla_ticket_save(s, t, next_min, err);
}

/* A configuration problem (a calendar without hours, a zone gone from
 * the system) must not lose mail or block the ticket: the ticket keeps
 * its previous SLA state and says why in its history. Other failures
 * (database, memory) pass through. */
static mado_status note_config_problem(struct store *s, int64_t ticket, int64_t now, mado_status st,
                                       struct mado_err *err)
{
	if (st != MADO_EINVAL && st != MADO_ELIMIT)
		return st;
	char msg[600];
	snprintf(msg, sizeof msg, "SLA not applied: %s", err ? err->msg : "bad configuration");
	return store_event_add(s, ticket, "system", "note", "sla", NULL, msg, (time_t)now, err);
}

mado_status sla_ticket_event(struct store *s, int64_t ticket, enum sla_event ev, int64_t now, struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_sla_ticket t;
	mado_status st = store_sla_ticket_get(s, a, ticket, &t, err);
	if (!st)
		st = note_config_problem(s, ticket, now, update_sla(s, a, &t, ev, now, err), err);
	if (!st)
		st = note_config_problem(
			s, ticket, now, automation_ticket_sync(s, a, ticket, t.status, now, ev == SLA_EV_CUSTOMER_REPLY, err),
			err);
	arena_free(a);
	return st;
}

mado_status sla_fire_timer(struct store *s, struct arena *a, int64_t ticket, const char *kind, int64_t now, int *fired,
                           struct mado_err *err)
{
	bool breach = !strncmp(kind, "sla_breach:", 11);
	const char *target = strchr(kind, ':') + 1;
	int k = 0;
	while (k < SLA_NTARGETS && strcmp(sla_target_names[k], target))
		k++;
	struct store_sla_ticket t;
	mado_status st = k < SLA_NTARGETS ? store_sla_ticket_get(s, a, ticket, &t, err) : MADO_OK;
	if (st || k == SLA_NTARGETS || !running(&t, k) || t.paused_at)
		return st;   /* met or paused since: a stale timer */
	/* one warning and one breach per target; a next response is a new
	 * target each time the customer writes, so its key carries the due time */
	char key[96];
	snprintf(key, sizeof key, "sla_%s:%s:%lld", breach ? "breach" : "warning", target,
	         k == SLA_NEXT_RESPONSE ? (long long)t.next_response_due : 0LL);
	bool fresh;
	if ((st = store_fired_add(s, ticket, key, now, &fresh, err)) || !fresh)
		return st;
	const char *what = breach ? "breached" : "warning";
	if ((st = store_event_add(s, ticket, "system", "sla", target, NULL, what, (time_t)now, err)) ||
	    (breach && (st = store_sla_mark_breached(s, ticket, target, err))))
		return st;
	(*fired)++;
	return automation_on_sla(s, a, ticket, target, breach ? "breach" : "warning", now, fired, err);
}

static json_t *time_or_null(int64_t t)
{
	char b[32];
	return t ? json_string(view_time((time_t)t, b, sizeof b)) : json_null();
}

mado_status sla_preview(struct store *s, struct arena *a, int64_t ticket, int64_t at, json_t **out,
                        struct mado_err *err)
{
	struct store_sla_ticket t;
	struct store_sla_policy p;
	struct calendar *cal = arena_alloc(a, sizeof *cal);
	bool matched;
	*out = NULL;
	mado_status st = cal ? store_sla_ticket_get(s, a, ticket, &t, err) : MADO_ENOMEM;
	if (st || (st = sla_policy_match(s, a, &t, &p, &matched, err)))
		return st;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "ticket", (json_int_t)ticket, "priority", t.priority,
	                      "type", t.type, "tier", t.tier, "status", t.status, "group_id",
	                      t.group_id ? json_integer(t.group_id) : json_null());
	if (!matched) {
		json_object_set_new(j, "policy", json_null());
		*out = j;
		return MADO_OK;
	}
	if ((st = sla_calendar_load(s, a, p.calendar_id, cal, err))) {
		json_decref(j);
		return st;
	}
	json_t *due = json_object();
	for (int k = 0; k < SLA_NTARGETS; k++) {
		int64_t d = 0, target = target_of(&p, k);
		if (target && (st = calendar_add(cal, at, target, &d, err)))
			break;
		json_object_set_new(due, sla_target_names[k], time_or_null(d));
	}
	json_object_set_new(j, "policy", json_pack("{s:I, s:s}", "id", (json_int_t)p.id, "name", p.name));
	json_object_set_new(j, "from", time_or_null(at));
	json_object_set_new(j, "due", due);
	if (st) {
		json_decref(j);
		return st;
	}
	*out = j;
	return MADO_OK;
}

mado_status sla_view(struct store *s, struct arena *a, int64_t ticket, int64_t now, json_t **out,
                     struct mado_err *err)
{
	struct store_sla_ticket t;
	struct store_sla_policy p;
	*out = NULL;
	mado_status st = store_sla_ticket_get(s, a, ticket, &t, err);
	if (st)
		return st;
	if (!t.policy_id) {
		*out = json_null();
		return MADO_OK;
	}
	if ((st = store_sla_policy_get(s, a, t.policy_id, &p, err)))
		return st;
	json_t *j = json_pack("{s:{s:I, s:s}, s:b, s:o, s:I, s:b}", "policy", "id", (json_int_t)p.id, "name", p.name,
	                      "paused", t.paused_at != 0, "paused_at", time_or_null(t.paused_at), "paused_seconds",
	                      (json_int_t)t.paused_seconds, "breached", *t.breached != 0);
	for (int k = 0; k < SLA_NTARGETS; k++) {
		int64_t due = *due_of(&t, k);
		/* resolution is met while the ticket is resolved or closed (it
		 * runs again if reopened) */
		bool done = !strcmp(t.status, "resolved") || !strcmp(t.status, "closed");
		int64_t met = k == SLA_FIRST_RESPONSE ? t.first_responded_at : k == SLA_RESOLUTION && done ? t.paused_at : 0;
		bool breached = strstr(t.breached, sla_target_names[k]) != NULL ||
		                (due && (met ? met > due : (running(&t, k) && !t.paused_at && now > due)));
		json_t *o = json_pack("{s:o, s:o, s:b}", "due", time_or_null(due), "met_at", time_or_null(met),
		                      "breached", breached);
		int64_t left = t.paused_at ? due - t.paused_at : due - now;
		json_object_set_new(o, "seconds_left", due && running(&t, k) && !met ? json_integer(left) : json_null());
		json_object_set_new(j, sla_target_names[k], o);
	}
	*out = j;
	return MADO_OK;
}

struct recompute_ctx {
	struct store *s;
	struct arena *a;
	int64_t now, last, *tickets;
	size_t n, scanned;
	struct mado_err *err;
};

static mado_status recompute_one(void *v, int64_t ticket)
{
	struct recompute_ctx *c = v;
	struct store_sla_ticket t;
	c->last = ticket;
	c->scanned++;
	mado_status st = store_sla_ticket_get(c->s, c->a, ticket, &t, c->err);
	if (st || !strcmp(t.status, "closed"))
		return st;   /* a closed ticket's SLA is over: its due times are history */
	if ((st = sla_ticket_event(c->s, ticket, SLA_EV_RECOMPUTE, c->now, c->err)))
		return st;
	c->tickets[c->n++] = ticket;
	return MADO_OK;
}

mado_status sla_recompute_step(struct store *s, size_t batch, int64_t now, int64_t *tickets, size_t *done, bool *more,
                               struct mado_err *err)
{
	int64_t policy, after, jobs = 0;
	*done = 0;
	*more = false;
	mado_status st = store_sla_recompute_next(s, &policy, &after, err);
	if (st || !policy)
		return st;
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct recompute_ctx c = { s, a, now, after, tickets, 0, 0, err };
	st = store_sla_recompute_tickets(s, policy, after, (int64_t)batch, recompute_one, &c, err);
	/* fewer than a batch scanned (closed ones count too): the job is done */
	bool end = c.scanned < batch;
	if (!st)
		st = store_sla_recompute_advance(s, policy, c.last, end, err);
	if (!st)
		st = store_sla_recompute_pending(s, &jobs, err);
	*done = c.n;
	*more = jobs > 0;
	arena_free(a);
	return st;
}

mado_status sla_business_hours(struct store *s, struct arena *a, int64_t ticket, const char *name, int64_t now,
                               bool *inside, bool *decided, const char **which, struct mado_err *err)
{
	int64_t id = 0;
	*inside = false;
	*decided = true;
	*which = name ? name : "";
	mado_status st = name ? store_calendar_by_name(s, name, &id, err) : store_ticket_sla_calendar(s, ticket, &id, err);
	if (st || (name && !id))
		return st;   /* a calendar deleted since the rule was saved: never inside */
	if (id < 0) {
		*decided = false;
		return MADO_OK;
	}
	if (id == 0) {
		*inside = true;
		*which = "around the clock";
		return MADO_OK;
	}
	struct store_calendar sc;
	struct calendar *cal = arena_alloc(a, sizeof *cal);
	if (!cal)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	if ((st = store_calendar_get(s, a, id, &sc, err)))
		return st;
	*which = sc.name;
	st = sla_calendar_load(s, a, id, cal, err);
	if (st == MADO_EINVAL || st == MADO_ELIMIT)
		return MADO_OK;   /* a zone gone from the system: never inside, as a bad setting */
	if (!st)
		*inside = calendar_open_at(cal, now);
	return st;
}
