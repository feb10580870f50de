/*
 * Triggers: running the ordered trigger rules over one change of a ticket
 * and applying their actions (see rules.h for the contract).
 *
 * Termination: a rule fires at most once per run (the fired set), so a
 * run fires at most as many times as there are rules, however they feed
 * each other; passes are capped at RULES_MAX_PASSES and fires at
 * RULES_MAX_FIRES on top, and hitting a cap is itself an event. Actions
 * write through the store, inside the caller's transaction; they never
 * call back into the API, so a trigger's change does not start another
 * run ("updated" triggers run once per agent change).
 *
 * Side effects outside the database are queued, not performed: mail goes
 * to the outbox as a customer notice (core/outgoing.h: Auto-Submitted:
 * auto-generated, threaded, rate-limited), webhooks to webhook_queue,
 * notifications to notifications.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outgoing.h"
#include "core/routing.h"
#include "core/rules.h"
#include "core/triage.h"
#include "store/store_workflow.h"

/* "a@x,b@y" from [{"email": "a@x"}, ...]. */
static const char *emails_csv(struct arena *a, const char *to_json)
{
	json_t *j = json_loads(to_json ? to_json : "[]", 0, NULL);
	struct buf b;
	buf_init(&b, 0);
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v) {
		const char *e = json_string_value(json_object_get(v, "email"));
		if (e && *e)
			buf_printf(&b, "%s%s", b.len ? "," : "", e);
	}
	json_decref(j);
	const char *r = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	return r;
}

mado_status rules_ticket_load(struct store *s, struct arena *a, int64_t id, struct rule_ticket *t,
                              struct mado_err *err)
{
	memset(t, 0, sizeof *t);
	struct store_ticket st;
	struct store_triage_facts f;
	mado_status r = store_ticket_get(s, a, id, &st, err);
	if (r == MADO_OK)
		r = store_triage_facts(s, a, id, &f, err);
	if (r)
		return r;
	*t = (struct rule_ticket){
		.id = id,
		.customer_id = st.customer_id,
		.group_id = f.group_id,
		.assignee_id = f.assignee_id,
		.subject = st.subject,
		.body = f.body,
		.status = st.status,
		.priority = st.priority,
		.type = st.type,
		.channel = st.channel,
		.category = st.category,
		.language = st.language,
		.group = f.group_name,
		.assignee = f.assignee_email,
		.tags = f.tags,
		.to = emails_csv(a, f.to_json),
		.customer_email = st.customer_email,
		.customer_name = st.customer_name,
		.customer_tier = f.customer_tier,
		.customer_language = f.customer_language,
		.org_domain = f.org_domain,
		.org_name = st.organization,
		.org_tier = f.org_tier,
		.custom_json = f.custom_json,
		.created_at = st.created_at,
	};
	rules_ticket_prepare(a, t);
	return MADO_OK;
}

/* ---- actions ---- */

struct fire {
	struct store *s;
	const struct rule *r;
	const struct rule_ticket *t;
	const struct triage_opts *o;
	const struct rule_env *env;
	char actor[32];
	bool changed;
	struct mado_err *err;
};

static mado_status ev(struct fire *f, const char *kind, const char *field, const char *old, const char *nw)
{
	return store_event_add(f->s, f->t->id, f->actor, kind, field, old, nw, f->env->now, f->err);
}

static mado_status act_set(struct fire *f, const struct rule_action *a)
{
	const struct rule_ticket *t = f->t;
	const char *old = !strcmp(a->field, "status")     ? t->status
	                  : !strcmp(a->field, "priority") ? t->priority
	                  : !strcmp(a->field, "type")     ? t->type
	                                                  : t->category;
	if (old && !strcmp(old, a->value))
		return MADO_OK;
	mado_status st = !strcmp(a->field, "category")
	                     ? store_ticket_set_triage(f->s, t->id, "category", a->value, f->err)
	                     : store_ticket_set_text(f->s, t->id, a->field, a->value, f->env->now, f->err);
	if (st == MADO_OK)
		st = ev(f, "field", a->field, old, a->value);
	f->changed = true;
	return st;
}

static mado_status act_assign(struct fire *f, const struct rule_action *a)
{
	const struct rule_ticket *t = f->t;
	if (!strcmp(a->value, "auto")) {
		if (!t->group_id)
			return ev(f, "routing", "assignee_id", NULL, "assign auto: the ticket has no group");
		struct routing_decision d;
		char cause[160];
		snprintf(cause, sizeof cause, "trigger '%s'", f->r->name ? f->r->name : "");
		mado_status st = routing_assign_in_group(f->s, t, t->group_id, 0, f->env, cause, &d, f->err);
		f->changed |= d.agent_id && d.agent_id != t->assignee_id;
		return st;
	}
	struct arena *ar = arena_new();
	struct store_agent ag;
	if (!ar)
		return mado_fail(f->err, MADO_ENOMEM, "out of memory");
	char *end;
	long long id = strtoll(a->value, &end, 10);
	mado_status st = *end ? store_agent_by_email(f->s, ar, a->value, &ag, f->err)
	                      : store_agent_get(f->s, ar, id, &ag, f->err);
	if (st == MADO_ENOTFOUND || (st == MADO_OK && (ag.disabled || !strcmp(ag.role, "light_agent")))) {
		st = ev(f, "routing", "assignee_id", NULL, "assign: no such active agent");
	} else if (st == MADO_OK && ag.id != t->assignee_id) {
		char o[24], n[24];
		snprintf(o, sizeof o, "%lld", (long long)t->assignee_id);
		snprintf(n, sizeof n, "%lld", (long long)ag.id);
		st = store_ticket_set_ref(f->s, t->id, "assignee_id", ag.id, f->env->now, f->err);
		if (st == MADO_OK)
			st = ev(f, "field", "assignee_id", t->assignee_id ? o : NULL, n);
		f->changed = true;
	}
	arena_free(ar);
	return st;
}

static mado_status act_group(struct fire *f, const struct rule_action *a)
{
	int64_t g = 0;
	mado_status st = store_group_by_name(f->s, a->value, &g, f->err);
	if (st == MADO_ENOTFOUND || (st == MADO_OK && !g))
		return ev(f, "routing", "group_id", NULL, "group: no such group");
	if (st || g == f->t->group_id)
		return st;
	char o[24], n[24];
	snprintf(o, sizeof o, "%lld", (long long)f->t->group_id);
	snprintf(n, sizeof n, "%lld", (long long)g);
	st = store_ticket_set_ref(f->s, f->t->id, "group_id", g, f->env->now, f->err);
	if (st == MADO_OK)
		st = ev(f, "field", "group_id", f->t->group_id ? o : NULL, n);
	f->changed = true;
	return st;
}

static mado_status act_tags(struct fire *f, const struct rule_action *a)
{
	mado_status st = MADO_OK;
	for (size_t i = 0; i < a->nvalues && !st; i++) {
		bool changed = false;
		bool add = a->type == ACT_ADD_TAGS;
		st = add ? store_ticket_tag_add(f->s, f->t->id, a->values[i], &changed, f->err)
		         : store_ticket_tag_remove(f->s, f->t->id, a->values[i], &changed, f->err);
		if (st == MADO_OK && changed) {
			st = ev(f, "field", "tags", add ? NULL : a->values[i], add ? a->values[i] : NULL);
			f->changed = true;
		}
	}
	return st;
}

static mado_status act_notify(struct fire *f, const struct rule_action *a)
{
	struct arena *ar = arena_new();
	if (!ar)
		return mado_fail(f->err, MADO_ENOMEM, "out of memory");
	char body[2400];
	snprintf(body, sizeof body, "#%lld %s: %s", (long long)f->t->id, f->t->subject,
	         *a->value ? a->value : f->r->name ? f->r->name : "");
	mado_status st = MADO_OK;
	for (size_t i = 0; i < a->nvalues && !st; i++) {
		struct store_agent ag;
		st = store_agent_by_email(f->s, ar, a->values[i], &ag, f->err);
		if (st == MADO_ENOTFOUND) {
			st = MADO_OK;
			continue;
		}
		if (st == MADO_OK && !ag.disabled)
			st = store_notification_add(f->s, ag.id, f->t->id, body, f->env->now, f->err);
		if (st == MADO_OK)
			st = ev(f, "notify", "agent", NULL, a->values[i]);
	}
	arena_free(ar);
	return st;
}

static mado_status act_webhook(struct fire *f, const struct rule_action *a, enum rule_event event)
{
	const struct rule_ticket *t = f->t;
	json_t *j = json_pack("{s:s, s:{s:I, s:s}, s:{s:I, s:s, s:s, s:s, s:s, s:s, s:s}}", "event",
	                      rule_event_name(event), "rule", "id", (json_int_t)f->r->id, "name",
	                      f->r->name ? f->r->name : "", "ticket", "number", (json_int_t)t->id, "subject", t->subject,
	                      "status", t->status, "priority", t->priority, "category", t->category, "customer",
	                      t->customer_email, "language", t->language);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!body)
		return mado_fail(f->err, MADO_ENOMEM, "out of memory");
	mado_status st = store_webhook_add(f->s, t->id, f->r->id, a->value, body, f->env->now, f->err);
	free(body);
	if (st == MADO_OK)
		st = ev(f, "webhook", "queued", NULL, a->value);
	return st;
}

/* The requester gets the mail as a customer notice: threaded, in their
 * language, with the same hygiene and rate limits as every automatic
 * mail (core/outgoing.h); a refusal is a "suppressed" notice event. */
static mado_status act_mail(struct fire *f, const struct rule_action *a)
{
	const struct triage_opts *o = f->o;
	if (!o->cfg || !o->key)
		return ev(f, "mail", "skipped", NULL, "no mail from here");
	mado_status st = outgoing_customer_mail(f->s, o->cfg, o->key, f->t->id, "trigger", a->field, a->value,
	                                        f->env->now, f->err);
	if (st == MADO_OK)
		st = ev(f, "mail", "outbox", NULL, f->r->name ? f->r->name : "");
	return st;
}

static mado_status apply(struct fire *f, const struct rule_action *a, enum rule_event event)
{
	switch (a->type) {
	case ACT_SET:
		return act_set(f, a);
	case ACT_ASSIGN:
		return act_assign(f, a);
	case ACT_GROUP:
		return act_group(f, a);
	case ACT_ADD_TAGS:
	case ACT_REMOVE_TAGS:
		return act_tags(f, a);
	case ACT_NOTE:
		return ev(f, "note", "trigger", NULL, a->value);
	case ACT_NOTIFY:
		return act_notify(f, a);
	case ACT_WEBHOOK:
		return act_webhook(f, a, event);
	case ACT_MAIL:
		return act_mail(f, a);
	}
	return MADO_OK;
}

/* Fire rule r on t: the event, then each action on a fresh view of the
 * ticket (an earlier action may have changed it). */
static mado_status fire(struct store *s, const struct rule *r, int64_t ticket, const char *why, enum rule_event event,
                        const struct triage_opts *o, const struct rule_env *env, bool *changed, struct mado_err *err)
{
	struct fire f = { .s = s, .r = r, .o = o, .env = env, .err = err };
	snprintf(f.actor, sizeof f.actor, "rule:%lld", (long long)r->id);
	char what[300];
	snprintf(what, sizeof what, "%s on %s%s%s", r->name ? r->name : "", rule_event_name(event), *why ? ": " : "", why);
	mado_status st = store_event_add(s, ticket, f.actor, "trigger", "fired", NULL, what, env->now, err);
	struct arena *a = NULL;
	struct rule_ticket t;
	bool stale = true;
	for (size_t i = 0; i < r->nactions && !st; i++) {
		if (stale) {
			arena_free(a);
			if (!(a = arena_new()))
				return mado_fail(err, MADO_ENOMEM, "out of memory");
			if ((st = rules_ticket_load(s, a, ticket, &t, err)))
				break;
		}
		bool before = f.changed;
		f.changed = false;
		f.t = &t;
		st = apply(&f, &r->actions[i], event);
		stale = f.changed;
		f.changed |= before;
	}
	arena_free(a);
	*changed = f.changed;
	return st;
}

mado_status rules_run_triggers(struct store *s, const struct rule_set *given, int64_t ticket, enum rule_event event,
                               const struct triage_opts *o, time_t now, struct rules_run_stats *stats,
                               struct mado_err *err)
{
	memset(stats, 0, sizeof *stats);
	struct rule_set own = { 0 };
	const struct rule_set *rs = given;
	mado_status st = MADO_OK;
	if (!rs) {
		if ((st = rule_set_load(s, RULE_TRIGGER, &own, err)))
			return st;
		rs = &own;
	}
	bool *fired = rs->n ? calloc(rs->n, sizeof *fired) : NULL;
	if (rs->n && !fired) {
		rule_set_free(&own);
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	struct rule_env env = { .now = now, .store = s, .hours = o->hours, .business_hours = o->business_hours };
	struct buf why;
	buf_init(&why, 0);
	bool changed = true, stale = true;
	struct arena *a = NULL;
	struct rule_ticket t;
	while (changed && !st && rs->n) {
		if (stats->passes == RULES_MAX_PASSES) {
			/* capped only if some rule is still waiting to fire */
			for (size_t i = 0; i < rs->n; i++)
				stats->capped |= !fired[i] && (rs->v[i]->events & event);
			break;
		}
		stats->passes++;
		changed = false;
		for (size_t i = 0; i < rs->n && !st; i++) {
			const struct rule *r = rs->v[i];
			if (fired[i] || !(r->events & event))
				continue;
			if (stats->fired == RULES_MAX_FIRES) {
				stats->capped = true;
				break;
			}
			bool m = false, ch = false;
			buf_reset(&why);
			if (stale) {
				arena_free(a);
				if (!(a = arena_new()))
					st = mado_fail(err, MADO_ENOMEM, "out of memory");
				else
					st = rules_ticket_load(s, a, ticket, &t, err);
				stale = st != MADO_OK;
			}
			if (st == MADO_OK)
				st = rule_match(r, &t, &env, &m, &why, NULL, err);
			if (st || !m)
				continue;
			fired[i] = true;
			stats->fired++;
			st = fire(s, r, ticket, why.p ? why.p : "", event, o, &env, &ch, err);
			changed |= ch;
			stale |= ch;
		}
		if (stats->capped)
			break;
	}
	if (!st && stats->capped)
		st = store_event_add(s, ticket, "system", "trigger", "capped", NULL,
		                     "trigger run stopped at its limit (rules feeding each other?)", now, err);
	buf_free(&why);
	arena_free(a);
	free(fired);
	rule_set_free(&own);
	return st;
}
