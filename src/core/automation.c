/*
 * Automations (see automation.h). A remind_pending or auto_close rule
 * waits on a timer "automation:<id>" per ticket; when it fires the
 * condition is checked again (the ticket may have moved on since) and the
 * fired key "automation:<id>" makes the action happen at most once per
 * ticket. Escalations key on "automation:<id>:<target>" so that a breach
 * of first response and a later one of resolution both escalate.
 */
#include "core/automation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/outgoing.h"
#include "core/routing.h"
#include "core/sla.h"
#include "store/store_tickets.h"

struct sync_ctx {
	struct store *s;
	struct arena *a;
	int64_t ticket, now;
	const char *status;
	bool restart;
	struct mado_err *err;
};

static mado_status sync_one(void *v, const struct store_automation *au)
{
	struct sync_ctx *c = v;
	char kind[48];
	snprintf(kind, sizeof kind, "automation:%lld", (long long)au->id);
	bool remind = !strcmp(au->kind, "remind_pending"), close = !strcmp(au->kind, "auto_close");
	if (!remind && !close)
		return MADO_OK;
	if (strcmp(c->status, remind ? "pending" : "resolved"))
		return store_timer_delete(c->s, c->ticket, kind, c->err);
	int64_t due = c->now + au->after_seconds;
	if (au->calendar_id) {
		struct calendar *cal = arena_alloc(c->a, sizeof *cal);
		mado_status st = cal ? sla_calendar_load(c->s, c->a, au->calendar_id, cal, c->err) : MADO_ENOMEM;
		if (st || (st = calendar_add(cal, c->now, au->after_seconds, &due, c->err)))
			return st;
	}
	if (remind && c->restart)
		return store_timer_set(c->s, c->ticket, kind, due, c->err);
	return store_timer_set_if_absent(c->s, c->ticket, kind, due, c->err);
}

mado_status automation_ticket_sync(struct store *s, struct arena *a, int64_t ticket, const char *status, int64_t now,
                                   bool restart, struct mado_err *err)
{
	struct sync_ctx c = { s, a, ticket, now, status, restart, err };
	return store_automation_list(s, a, true, sync_one, &c, err);
}

static const char *actor_of(struct arena *a, const struct store_automation *au)
{
	size_t n = strlen(au->name) + 16;
	char *p = arena_alloc(a, n);
	if (p)
		snprintf(p, n, "automation:%s", au->name);
	return p ? p : "automation";
}

/* ---- firing ---- */

static mado_status set_status(struct store *s, int64_t ticket, const char *actor, const char *from, const char *to,
                              int64_t now, struct mado_err *err)
{
	mado_status st = store_ticket_set_text(s, ticket, "status", to, (time_t)now, err);
	if (!st)
		st = store_event_add(s, ticket, actor, "field", "status", from, to, (time_t)now, err);
	return st;
}

mado_status automation_fire_timer(const struct automation_env *env, struct store *s, struct arena *a, int64_t ticket,
                                  int64_t automation_id, int64_t now, int *fired, struct mado_err *err)
{
	struct store_automation au;
	struct store_ticket t;
	mado_status st = store_automation_get(s, a, automation_id, &au, err);
	if (st == MADO_ENOTFOUND)
		return MADO_OK;   /* deleted since the timer was set */
	if (st || (st = store_ticket_get(s, a, ticket, &t, err)))
		return st;
	bool remind = !strcmp(au.kind, "remind_pending");
	if (!au.enabled || strcmp(t.status, remind ? "pending" : "resolved"))
		return MADO_OK;
	char key[48];
	snprintf(key, sizeof key, "automation:%lld", (long long)au.id);
	bool fresh;
	if ((st = store_fired_add(s, ticket, key, now, &fresh, err)) || !fresh)
		return st;
	const char *actor = actor_of(a, &au);
	if (remind) {
		if (!t.customer_email || !*t.customer_email)
			return store_event_add(s, ticket, actor, "note", "automation", NULL,
			                       "no customer address: reminder not sent", (time_t)now, err);
		/* the 'reminder' template; an automation's own text replaces its body */
		st = outgoing_customer_notice(s, env->cfg, env->key, ticket, "reminder", au.message, "notice",
		                              "auto-generated", (time_t)now, err);
	} else {
		st = set_status(s, ticket, actor, t.status, "closed", now, err);
		if (!st)
			st = sla_ticket_event(s, ticket, SLA_EV_CHANGED, now, err);
	}
	if (!st)
		(*fired)++;
	return st;
}

struct escalate_ctx {
	struct store *s;
	struct arena *a;
	int64_t ticket, now;
	const char *target, *which;
	int *fired;
	bool changed;
	struct mado_err *err;
};

static mado_status escalate_one(void *v, const struct store_automation *au)
{
	struct escalate_ctx *c = v;
	if (strcmp(au->kind, "escalate") || strcmp(au->on_sla, c->which))
		return MADO_OK;
	char key[96];
	snprintf(key, sizeof key, "automation:%lld:%s", (long long)au->id, c->target);
	bool fresh;
	mado_status st = store_fired_add(c->s, c->ticket, key, c->now, &fresh, c->err);
	if (st || !fresh)
		return st;
	struct store_ticket t;
	struct store_ticket_work w;
	if ((st = store_ticket_get(c->s, c->a, c->ticket, &t, c->err)) ||
	    (st = store_ticket_work_get(c->s, c->a, c->ticket, &w, c->err)))
		return st;
	const char *actor = actor_of(c->a, au);
	time_t now = (time_t)c->now;
	if (au->set_priority && store_priority_rank(au->set_priority) > store_priority_rank(t.priority)) {
		if ((st = store_ticket_set_text(c->s, c->ticket, "priority", au->set_priority, now, c->err)) ||
		    (st = store_event_add(c->s, c->ticket, actor, "field", "priority", t.priority, au->set_priority, now,
		                          c->err)))
			return st;
		c->changed = true;
	}
	if (au->set_group_id && au->set_group_id != w.group_id) {
		char old[32], nw[32];
		snprintf(old, sizeof old, "%lld", (long long)w.group_id);
		snprintf(nw, sizeof nw, "%lld", (long long)au->set_group_id);
		if ((st = store_ticket_set_ref(c->s, c->ticket, "group_id", au->set_group_id, now, c->err)) ||
		    (st = store_event_add(c->s, c->ticket, actor, "field", "group_id", w.group_id ? old : NULL, nw, now,
		                          c->err)))
			return st;
		c->changed = true;
		/* the new group's strategy picks who takes it (escalation routing) */
		struct rule_ticket rt;
		struct rule_env env = { .now = now, .store = c->s };
		struct routing_decision d;
		char why[96];
		snprintf(why, sizeof why, "escalated: SLA %s %s", c->target, c->which);
		if ((st = rules_ticket_load(c->s, c->a, c->ticket, &rt, c->err)) ||
		    (st = routing_assign_in_group(c->s, &rt, au->set_group_id, 0, &env, why, &d, c->err)))
			return st;
	}
	if (au->notify_supervisor) {
		const char *who;
		if ((st = store_ticket_supervisors(c->s, c->a, c->ticket, &who, c->err)))
			return st;
		char what[600];
		snprintf(what, sizeof what, "SLA %s %s: supervisors %s", c->target, c->which, *who ? who : "(none)");
		if ((st = store_event_add(c->s, c->ticket, actor, "notify", "supervisor", NULL, what, now, c->err)))
			return st;
	}
	(*c->fired)++;
	return MADO_OK;
}

mado_status automation_on_sla(struct store *s, struct arena *a, int64_t ticket, const char *target, const char *which,
                              int64_t now, int *fired, struct mado_err *err)
{
	struct escalate_ctx c = { s, a, ticket, now, target, which, fired, false, err };
	mado_status st = store_automation_list(s, a, true, escalate_one, &c, err);
	/* a new priority or group may bring the ticket under another policy */
	if (!st && c.changed)
		st = sla_ticket_event(s, ticket, SLA_EV_CHANGED, now, err);
	return st;
}
