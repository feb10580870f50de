/*
 * Triage (see triage.h): the order of the new-ticket pipeline matters.
 * Language first (skills routing and rules read it), priority before
 * category (neither reads the other today, but priority is what the
 * customer waits on), category before routing (routing rules and skills
 * read it), routing before triggers (triggers may read the group and
 * assignee, and may override them).
 *
 * Each rule set is loaded from the database per ticket: a few dozen small
 * JSON rules parse in microseconds (see bench/triggers.c), and there is
 * then no cache to go stale when an admin edits a rule in another process.
 */
#include "core/triage.h"

#include <stdio.h>
#include <string.h>

#include "core/priority.h"
#include "core/routing.h"
#include "store/store_workflow.h"
#include "util/textfold.h"

void triage_opts_from_config(struct triage_opts *o, const struct mado_config *cfg)
{
	memset(o, 0, sizeof *o);
	o->business_hours = cfg->business_hours;
	o->cfg = cfg;
}

static void env_of(struct rule_env *env, struct store *s, const struct triage_opts *o, time_t now)
{
	*env = (struct rule_env){ .now = now, .store = s, .hours = o->hours, .business_hours = o->business_hours };
}

/* The customer's language, else Japanese when the text has kana or kanji,
 * else English: enough for skills routing until intel/ detects languages. */
static const char *guess_language(const struct rule_ticket *t)
{
	if (t->customer_language && *t->customer_language)
		return t->customer_language;
	if (textfold_has_japanese(t->subject, strlen(t->subject)) ||
	    textfold_has_japanese(t->body, strlen(t->body) > 4096 ? 4096 : strlen(t->body)))
		return "ja";
	return "en";
}

/* *wrote: the ticket changed (it must be loaded again before the next step). */
static mado_status set_priority(struct store *s, const struct rule_ticket *t, const struct rule_env *env,
                                bool *wrote, struct mado_err *err)
{
	struct rule_set rs;
	struct priority_result pr;
	mado_status st = rule_set_load(s, RULE_PRIORITY, &rs, err);
	if (st)
		return st;
	st = priority_compute(&rs, t, env, &pr, err);
	rule_set_free(&rs);
	if (st || !pr.matched) {
		if (!st)
			priority_result_free(&pr);
		return st;
	}
	*wrote = true;
	const char *en = pr.en.p ? pr.en.p : "", *ja = pr.ja.p ? pr.ja.p : "";
	if (strcmp(pr.level, t->priority) &&
	    ((st = store_ticket_set_text(s, t->id, "priority", pr.level, env->now, err)) ||
	     (st = store_event_add(s, t->id, "system", "field", "priority", t->priority, pr.level, env->now, err))))
		goto out;
	if ((st = store_ticket_set_triage(s, t->id, "priority_reason", en, err)) ||
	    (st = store_ticket_set_triage(s, t->id, "priority_reason_ja", ja, err)))
		goto out;
	char why[600];
	snprintf(why, sizeof why, "%s: %s", pr.level, en);
	st = store_event_add(s, t->id, "system", "triage", "priority", NULL, why, env->now, err);
out:
	priority_result_free(&pr);
	return st;
}

static mado_status set_category(struct store *s, const struct rule_ticket *t, const struct triage_opts *o,
                                const struct rule_env *env, bool *wrote, struct mado_err *err)
{
	struct rule_set rs;
	struct category_result cr;
	mado_status st = rule_set_load(s, RULE_CATEGORY, &rs, err);
	if (st)
		return st;
	st = category_decide(&rs, o->classifier, t, env, &cr, err);
	rule_set_free(&rs);
	if (st || !*cr.category || !strcmp(cr.category, t->category))
		return st;
	*wrote = true;
	char why[400];
	snprintf(why, sizeof why, "%s: %s", cr.category, cr.why_en);
	if ((st = store_ticket_set_triage(s, t->id, "category", cr.category, err)) ||
	    (st = store_event_add(s, t->id, "system", "field", "category", *t->category ? t->category : NULL, cr.category,
	                          env->now, err)))
		return st;
	return store_event_add(s, t->id, "system", "triage", "category", NULL, why, env->now, err);
}

/* Load the ticket again into a fresh arena when a step changed it
 * (*stale), so that the next step reads what the last one wrote. */
static mado_status reload(struct store *s, struct arena **a, int64_t id, struct rule_ticket *t, bool *stale,
                          struct mado_err *err)
{
	if (!*stale)
		return MADO_OK;
	*stale = false;
	arena_free(*a);
	if (!(*a = arena_new()))
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	return rules_ticket_load(s, *a, id, t, err);
}

mado_status triage_ticket_created(struct store *s, int64_t ticket, const struct triage_opts *o, time_t now,
                                  struct mado_err *err)
{
	struct arena *a = NULL;
	struct rule_ticket t;
	struct rule_env env;
	env_of(&env, s, o, now);
	bool stale = true;
	mado_status st = reload(s, &a, ticket, &t, &stale, err);
	/* the language is a column of its own that nothing else derives from:
	 * the loaded ticket takes the value written rather than a reload */
	if (st == MADO_OK && !*t.language) {
		t.language = guess_language(&t);
		st = store_ticket_set_triage(s, ticket, "language", t.language, err);
	}
	if (st == MADO_OK)
		st = set_priority(s, &t, &env, &stale, err);
	if (st == MADO_OK && (st = reload(s, &a, ticket, &t, &stale, err)) == MADO_OK)
		st = set_category(s, &t, o, &env, &stale, err);
	if (st == MADO_OK && (st = reload(s, &a, ticket, &t, &stale, err)) == MADO_OK && !t.group_id) {
		struct rule_set rs;
		struct routing_decision d;
		if ((st = rule_set_load(s, RULE_ROUTING, &rs, err)) == MADO_OK) {
			st = routing_route_ticket(s, &rs, &t, &env, &d, err);
			rule_set_free(&rs);
		}
	}
	arena_free(a);
	struct rules_run_stats stats;
	if (st == MADO_OK)
		st = rules_run_triggers(s, NULL, ticket, RULE_ON_CREATED, o, now, &stats, err);
	return st;
}

mado_status triage_after_intake(struct store *s, int64_t ticket, bool new_ticket, const struct triage_opts *o,
                                time_t now, struct mado_err *err)
{
	if (new_ticket)
		return triage_ticket_created(s, ticket, o, now, err);
	struct rules_run_stats stats;
	return rules_run_triggers(s, NULL, ticket, RULE_ON_CUSTOMER_REPLIED, o, now, &stats, err);
}

mado_status triage_ticket_updated(struct store *s, int64_t ticket, const struct triage_opts *o, time_t now,
                                  struct mado_err *err)
{
	struct rules_run_stats stats;
	return rules_run_triggers(s, NULL, ticket, RULE_ON_UPDATED, o, now, &stats, err);
}

/* ---- dry run ---- */

static json_t *why_json(const struct buf *en, const struct buf *ja)
{
	return json_pack("{s:s, s:s}", "en", en->p ? en->p : "", "ja", ja->p ? ja->p : "");
}

static mado_status dry_leaf(void *ctx, const char *path, bool matched, const char *en, const char *ja)
{
	json_t *why = matched ? json_pack("{s:s, s:s}", "en", en ? en : "", "ja", ja ? ja : "") : json_null();
	json_array_append_new(ctx, json_pack("{s:s, s:b, s:o}", "path", path, "matched", matched, "why", why));
	return MADO_OK;
}

static mado_status dry_one(const struct rule *r, bool enabled, const struct rule_ticket *t,
                           const struct rule_env *env, enum rule_event event, json_t *arr, struct mado_err *err)
{
	struct buf en, ja;
	buf_init(&en, 0);
	buf_init(&ja, 0);
	bool m = false;
	mado_status st = rule_match(r, t, env, &m, &en, &ja, err);
	if (st == MADO_OK) {
		bool applies = r->kind != RULE_TRIGGER || (r->events & event);
		json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:b, s:b, s:o}", "id", (json_int_t)r->id, "kind",
		                      rule_kind_name(r->kind), "name", r->name ? r->name : "", "enabled", enabled,
		                      "matches", m && applies, "would_fire", m && applies && enabled, "why",
		                      m ? why_json(&en, &ja) : json_null());
		if (r->kind == RULE_TRIGGER && !applies)
			json_object_set_new(j, "note", json_string("not run on this event"));
		json_t *leaves = json_array();
		json_object_set_new(j, "conditions", leaves);
		json_array_append_new(arr, j);
		st = rule_each_leaf(r, t, env, dry_leaf, leaves, err);
	}
	buf_free(&en);
	buf_free(&ja);
	return st;
}

struct dry_ctx {
	const struct rule_ticket *t;
	const struct rule_env *env;
	enum rule_event event;
	json_t *arr;
	struct mado_err *err;
};

static mado_status dry_stored(void *vctx, const struct store_rule *sr)
{
	struct dry_ctx *c = vctx;
	int kind = rule_kind_parse(sr->kind);
	struct rule *r;
	struct mado_err e = { "unknown kind" };
	if (kind < 0 || rule_parse(sr->rule_json, strlen(sr->rule_json), (enum rule_kind)kind, &r, &e)) {
		json_array_append_new(c->arr, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)sr->id, "kind", sr->kind,
		                                        "name", sr->name, "error", e.msg));
		return MADO_OK;
	}
	r->id = sr->id;
	r->name = strdup(sr->name);
	mado_status st = dry_one(r, sr->enabled, c->t, c->env, c->event, c->arr, c->err);
	rule_free(r);
	return st;
}

/* ---- the triggers' actions, simulated: run for real, then rolled back ---- */

struct sim {
	int64_t after;   /* events up to this id were there before */
	json_t *j;
};

static json_t *str_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

static void sim_add(json_t *j, const char *list, json_t *item)
{
	json_array_append_new(json_object_get(j, list), item);
}

/* Sort each event the run wrote into what it means. Mails and webhooks
 * are read from their own rows (sim_mail, sim_webhook). */
static mado_status sim_event(void *ctx, const struct store_event *e)
{
	struct sim *m = ctx;
	if (e->id <= m->after)
		return MADO_OK;
	const char *f = e->field ? e->field : "";
	if (!strcmp(e->kind, "trigger") && !strcmp(f, "fired"))
		sim_add(m->j, "fired", json_pack("{s:s, s:o}", "by", e->actor, "what", str_or_null(e->new_value)));
	else if (!strcmp(e->kind, "trigger"))
		json_object_set_new(m->j, "capped", json_true());
	else if (!strcmp(e->kind, "note"))
		sim_add(m->j, "notes", json_pack("{s:s, s:o}", "by", e->actor, "text", str_or_null(e->new_value)));
	else if (!strcmp(e->kind, "notify"))
		sim_add(m->j, "notifications", json_pack("{s:s, s:o}", "by", e->actor, "agent", str_or_null(e->new_value)));
	else if (!strcmp(e->kind, "mail") && !strcmp(f, "skipped"))
		sim_add(m->j, "skipped", json_pack("{s:s, s:s, s:o}", "by", e->actor, "action", "mail", "why",
		                                   str_or_null(e->new_value)));
	else if (strcmp(e->kind, "mail") && strcmp(e->kind, "webhook"))
		sim_add(m->j, "changes", json_pack("{s:s, s:s, s:s, s:o, s:o}", "by", e->actor, "kind", e->kind, "field", f,
		                                   "old", str_or_null(e->old_value), "new", str_or_null(e->new_value)));
	return MADO_OK;
}

static json_t *json_or_text(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);
	return v ? v : json_string(text);
}

static mado_status sim_mail(void *ctx, const char *const col[3])
{
	sim_add(ctx, "mails", json_pack("{s:o, s:s, s:s}", "to", json_or_text(col[0]), "subject", col[1], "body", col[2]));
	return MADO_OK;
}

static mado_status sim_webhook(void *ctx, const char *const col[3])
{
	sim_add(ctx, "webhooks", json_pack("{s:s, s:o}", "url", col[0], "body", json_or_text(col[1])));
	return MADO_OK;
}

/* Run the enabled triggers (or the candidate alone) on the ticket inside
 * a transaction, read what they wrote and roll it all back. */
static mado_status simulate(struct store *s, int64_t ticket, const struct rule *candidate, enum rule_event event,
                            const struct triage_opts *o, time_t now, json_t **out, struct mado_err *err)
{
	struct rule *one[1] = { (struct rule *)candidate };
	struct rule_set rs = { one, 1 };
	struct store_dry_marks mk;
	struct rules_run_stats stats;
	struct arena *a = arena_new();
	json_t *j = json_pack("{s:b, s:[], s:[], s:[], s:[], s:[], s:[], s:[]}", "capped", 0, "fired", "changes",
	                      "notes", "notifications", "mails", "webhooks", "skipped");
	struct sim m = { 0, j };
	mado_status st = a && j ? store_begin(s, err) : mado_fail(err, MADO_ENOMEM, "out of memory");
	bool began = st == MADO_OK;
	if (!st && !(st = store_dry_marks_take(s, &mk, err)))
		m.after = mk.event;
	if (!st)
		st = rules_run_triggers(s, candidate ? &rs : NULL, ticket, event, o, now, &stats, err);
	if (!st)
		st = store_event_list(s, a, ticket, sim_event, &m, err);
	if (!st)
		st = store_dry_mails(s, a, ticket, &mk, sim_mail, j, err);
	if (!st)
		st = store_dry_webhooks(s, a, ticket, &mk, sim_webhook, j, err);
	if (began)
		store_rollback(s);   /* a dry run writes nothing, whatever happened */
	arena_free(a);
	if (st) {
		json_decref(j);
		return st;
	}
	*out = j;
	return MADO_OK;
}

mado_status triage_dry_run(struct store *s, int64_t ticket, int kind, const struct rule *candidate,
                           enum rule_event event, const struct triage_opts *o, time_t now, json_t **out,
                           struct mado_err *err)
{
	*out = NULL;
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct rule_ticket t;
	struct rule_env env;
	env_of(&env, s, o, now);
	json_t *arr = json_array();
	mado_status st = rules_ticket_load(s, a, ticket, &t, err);
	if (st == MADO_OK && candidate) {
		st = dry_one(candidate, true, &t, &env, event, arr, err);
	} else if (st == MADO_OK) {
		struct dry_ctx c = { &t, &env, event, arr, err };
		st = store_rule_list(s, a, kind >= 0 ? rule_kind_name((enum rule_kind)kind) : NULL, false, dry_stored, &c,
		                     err);
	}
	/* what priority would come out of the enabled priority rules */
	json_t *prio = NULL;
	if (st == MADO_OK && !candidate && (kind < 0 || kind == RULE_PRIORITY)) {
		struct rule_set rs;
		struct priority_result pr;
		if ((st = rule_set_load(s, RULE_PRIORITY, &rs, err)) == MADO_OK) {
			if ((st = priority_compute(&rs, &t, &env, &pr, err)) == MADO_OK) {
				prio = json_pack("{s:s, s:o}", "level", pr.level, "why", pr.matched ? why_json(&pr.en, &pr.ja) : json_null());
				priority_result_free(&pr);
			}
			rule_set_free(&rs);
		}
	}
	/* what the triggers would do: their actions, simulated */
	json_t *sim = NULL;
	if (st == MADO_OK && (candidate ? candidate->kind == RULE_TRIGGER : kind < 0 || kind == RULE_TRIGGER))
		st = simulate(s, ticket, candidate, event, o, now, &sim, err);
	if (st == MADO_OK) {
		*out = json_pack("{s:I, s:s, s:o}", "ticket", (json_int_t)ticket, "event", rule_event_name(event), "rules", arr);
		if (prio)
			json_object_set_new(*out, "priority", prio);
		if (sim)
			json_object_set_new(*out, "simulation", sim);
	} else {
		json_decref(arr);
		json_decref(prio);
	}
	arena_free(a);
	return st;
}
