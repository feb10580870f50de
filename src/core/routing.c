/*
 * Routing (see routing.h). One agent decision is: read the group's
 * candidates with their open counts and weighted loads (one query), drop
 * those off shift or at capacity, rank the rest by the strategy's key,
 * break ties by the rotating cursor, assign, record. The cursor moves on
 * every assignment under every strategy, so that even least-loaded
 * routing spreads equal loads in turn instead of always favouring the
 * lowest id.
 */
#include "core/routing.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_mailbox.h"
#include "store/store_workflow.h"
#include "util/textfold.h"

static const char *const strategies[] = { "none", "round_robin", "least_loaded", "skills", "vip", NULL };

bool routing_strategy_ok(const char *s)
{
	for (size_t i = 0; s && strategies[i]; i++)
		if (strcmp(s, strategies[i]) == 0)
			return true;
	return false;
}

struct cand {
	int64_t id, load, open, capacity;
	int skill;
	bool senior;
};

struct cands {
	struct cand *v;
	size_t n, cap;
	const struct rule_ticket *t;
	const struct rule_env *env;
	int64_t exclude;
	size_t off_shift, full;
	struct mado_err *err;
};

/* How many of the agent's skills name the ticket's category or language. */
static int skill_score(const char *skills_json, const struct rule_ticket *t)
{
	json_t *j = json_loads(skills_json ? skills_json : "[]", 0, NULL);
	int n = 0;
	size_t i;
	json_t *v;
	char *cat = textfold_dup(t->category ? t->category : ""), *lang = textfold_dup(t->language ? t->language : "");
	json_array_foreach(j, i, v) {
		char *f = json_is_string(v) ? textfold_dup(json_string_value(v)) : NULL;
		if (f && *f && ((cat && !strcmp(f, cat)) || (lang && !strcmp(f, lang))))
			n++;
		free(f);
	}
	free(cat);
	free(lang);
	json_decref(j);
	return n;
}

static mado_status add_cand(void *vctx, const struct store_route_agent *ag)
{
	struct cands *c = vctx;
	if (ag->id == c->exclude)
		return MADO_OK;
	bool on = true;
	if (ag->shifts && *ag->shifts &&
	    hours_check_within(&c->env->hours, ag->shifts, c->env->now, &on, c->err) == MADO_EINVAL)
		on = false; /* a shift that does not parse is never on */
	if (!on) {
		c->off_shift++;
		return MADO_OK;
	}
	if (ag->capacity > 0 && ag->open_count >= ag->capacity) {
		c->full++;
		return MADO_OK;
	}
	if (array_reserve_one((void **)&c->v, &c->cap, c->n, sizeof *c->v))
		return MADO_ENOMEM;
	c->v[c->n++] = (struct cand){ ag->id, ag->load, ag->open_count, ag->capacity, skill_score(ag->skills_json, c->t),
		                          ag->senior };
	return MADO_OK;
}

static bool is_vip(const struct rule_ticket *t)
{
	return (t->customer_tier && !strcasecmp(t->customer_tier, "vip")) ||
	       (t->org_tier && !strcasecmp(t->org_tier, "vip"));
}

enum rank_by { BY_TURN, BY_LOAD, BY_SKILL };

/* Is a better than b for this strategy? (0: equal) */
static int better(enum rank_by by, const struct cand *a, const struct cand *b)
{
	if (by == BY_SKILL && a->skill != b->skill)
		return a->skill > b->skill ? 1 : -1;
	if (by != BY_TURN && a->load != b->load)
		return a->load < b->load ? 1 : -1;
	if (by != BY_TURN && a->open != b->open)
		return a->open < b->open ? 1 : -1;
	return 0;
}

/* Index of the best candidate with filter (senior only) or -1; ties go
 * to the first id after the cursor, wrapping. */
static long pick(const struct cands *c, enum rank_by by, bool seniors_only, int64_t cursor)
{
	long best = -1;
	for (size_t i = 0; i < c->n; i++) {
		const struct cand *x = &c->v[i];
		if (seniors_only && !x->senior)
			continue;
		if (best < 0) {
			best = (long)i;
			continue;
		}
		int b = better(by, x, &c->v[best]);
		if (b > 0) {
			best = (long)i;
		} else if (b == 0) {
			/* ids are ascending: the first after the cursor wins a tie */
			bool best_after = c->v[best].id > cursor, x_after = x->id > cursor;
			if (x_after && !best_after)
				best = (long)i;
		}
	}
	return best;
}

static const char *num(char *b, size_t n, int64_t v)
{
	snprintf(b, n, "%lld", (long long)v);
	return b;
}

/* Record a change of group_id or assignee_id with its reason. */
static mado_status record(struct store *s, int64_t ticket, const char *column, int64_t old, int64_t now_value,
                          const char *why, time_t now, struct mado_err *err)
{
	char o[24], n[24];
	mado_status st = store_ticket_set_ref(s, ticket, column, now_value, now, err);
	if (st == MADO_OK)
		st = store_event_add(s, ticket, "system", "field", column, old ? num(o, sizeof o, old) : NULL,
		                     now_value ? num(n, sizeof n, now_value) : NULL, now, err);
	if (st == MADO_OK)
		st = store_event_add(s, ticket, "system", "routing", column, NULL, why, now, err);
	return st;
}

/* Choose an agent of group g by its strategy (prefer_senior: escalation). */
static mado_status choose(struct store *s, const struct store_group_routing *g, const struct rule_ticket *t,
                          int64_t exclude, bool prefer_senior, const struct rule_env *env, int64_t *agent,
                          char *why, size_t wn, struct mado_err *err)
{
	*agent = 0;
	if (!strcmp(g->strategy, "none") && !prefer_senior) {
		snprintf(why, wn, "group '%s' assigns nobody (strategy none)", g->name);
		return MADO_OK;
	}
	struct arena *a = arena_new();
	struct cands c = { .t = t, .env = env, .exclude = exclude, .err = err };
	mado_status st = a ? store_group_route_agents(s, a, g->id, add_cand, &c, err) : MADO_ENOMEM;
	arena_free(a);
	if (st) {
		free(c.v);
		return st == MADO_ENOMEM ? mado_fail(err, st, "out of memory") : st;
	}
	enum rank_by by = !strcmp(g->strategy, "round_robin") ? BY_TURN
	                  : !strcmp(g->strategy, "skills")    ? BY_SKILL
	                                                      : BY_LOAD;
	bool seniors = prefer_senior || (!strcmp(g->strategy, "vip") && is_vip(t));
	long i = pick(&c, by, seniors, g->rr_cursor);
	const char *note = "";
	if (i < 0 && seniors) {
		i = pick(&c, by, false, g->rr_cursor);
		note = " (no senior agent available)";
	}
	if (by == BY_SKILL && i >= 0 && c.v[i].skill == 0)
		note = " (no agent has the skill: least loaded)";
	if (i < 0) {
		snprintf(why, wn, "group '%s': no agent available (%zu off shift, %zu at capacity)", g->name, c.off_shift,
		         c.full);
	} else {
		const struct cand *x = &c.v[i];
		*agent = x->id;
		char cap[32] = "no limit";
		if (x->capacity)
			snprintf(cap, sizeof cap, "capacity %lld", (long long)x->capacity);
		snprintf(why, wn, "agent %lld by %s%s%s: %lld open (load %lld, %s)%s", (long long)x->id, g->strategy,
		         seniors ? ", senior" : "", by == BY_SKILL ? (x->skill ? ", skill match" : "") : "",
		         (long long)x->open, (long long)x->load, cap, note);
		st = store_group_cursor_set(s, g->id, x->id, err);
	}
	free(c.v);
	return st;
}

static mado_status assign(struct store *s, const struct rule_ticket *t, int64_t group_id, int64_t exclude,
                          bool prefer_senior, const struct rule_env *env, const char *cause,
                          struct routing_decision *d, struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_group_routing g;
	mado_status st = store_group_routing_get(s, a, group_id, &g, err);
	char why[400];
	int64_t agent = 0;
	if (st == MADO_OK)
		st = choose(s, &g, t, exclude, prefer_senior, env, &agent, why, sizeof why, err);
	if (st == MADO_OK) {
		d->agent_id = agent;
		snprintf(d->why, sizeof d->why, "%s%s%s", cause ? cause : "", cause && *cause ? "; " : "", why);
		if (agent && agent != t->assignee_id)
			st = record(s, t->id, "assignee_id", t->assignee_id, agent, d->why, env->now, err);
		else if (!agent)
			st = store_event_add(s, t->id, "system", "routing", "assignee_id", NULL, d->why, env->now, err);
	}
	arena_free(a);
	return st;
}

mado_status routing_assign_in_group(struct store *s, const struct rule_ticket *t, int64_t group_id,
                                    int64_t exclude_agent, const struct rule_env *env, const char *cause,
                                    struct routing_decision *d, struct mado_err *err)
{
	d->group_id = group_id;
	d->agent_id = 0;
	return assign(s, t, group_id, exclude_agent, false, env, cause, d, err);
}

/* Move t to group g (name) for cause, then choose its agent. */
static mado_status route_to_group(struct store *s, const struct rule_ticket *t, int64_t g, const char *name,
                                  const char *cause, const struct rule_env *env, struct routing_decision *d,
                                  struct mado_err *err)
{
	d->group_id = g;
	mado_status st = MADO_OK;
	if (g != t->group_id && (st = record(s, t->id, "group_id", t->group_id, g, cause, env->now, err)))
		return st;
	struct rule_ticket moved = *t;
	moved.group_id = g;
	moved.group = name;
	st = assign(s, &moved, g, 0, false, env, cause, d, err);
	d->group_id = g;
	return st;
}

static mado_status route_by_mailbox(struct store *s, const struct rule_ticket *t, const struct rule_env *env,
                                    struct routing_decision *d, struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	const char *address, *name;
	int64_t g = 0;
	mado_status st = store_ticket_mailbox_get(s, a, t->id, &address, &g, &name, err);
	if (st == MADO_OK && g) {
		char cause[400];
		snprintf(cause, sizeof cause, "group '%s' by mailbox %s", name, address);
		st = route_to_group(s, t, g, name, cause, env, d, err);
	}
	arena_free(a);
	return st;
}

mado_status routing_route_ticket(struct store *s, const struct rule_set *rs, const struct rule_ticket *t,
                                 const struct rule_env *env, struct routing_decision *d, struct mado_err *err)
{
	memset(d, 0, sizeof *d);
	struct buf en, ja;
	buf_init(&en, 0);
	buf_init(&ja, 0);
	mado_status st = MADO_OK;
	size_t i = 0, n = rs ? rs->n : 0;
	while (!d->group_id && (st = rules_next_match(rs, i, t, env, &en, &ja, &i, err)) == MADO_OK && i < n) {
		const struct rule *r = rs->v[i++];
		int64_t g = 0;
		if ((st = store_group_by_name(s, r->group, &g, err)) && st != MADO_ENOTFOUND)
			break;
		st = MADO_OK;
		if (!g)
			continue; /* a rule naming a deleted group: the next rule may route */
		char cause[400];
		snprintf(cause, sizeof cause, "group '%s' by rule '%s'%s%s", r->group, r->name ? r->name : "",
		         en.len ? ": " : "", en.len ? en.p : "");
		st = route_to_group(s, t, g, r->group, cause, env, d, err);
	}
	buf_free(&en);
	buf_free(&ja);
	/* no rule placed it: the group of the mailbox the mail came to */
	if (st == MADO_OK && !d->group_id)
		st = route_by_mailbox(s, t, env, d, err);
	return st;
}

mado_status routing_escalate(struct store *s, int64_t ticket, const char *why, const struct rule_env *env,
                             struct routing_decision *d, struct mado_err *err)
{
	memset(d, 0, sizeof *d);
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct rule_ticket t;
	struct store_group_routing g;
	mado_status st = rules_ticket_load(s, a, ticket, &t, err);
	if (st == MADO_OK && !t.group_id) {
		st = mado_fail(err, MADO_EINVAL, "ticket #%lld has no group to escalate from", (long long)ticket);
		goto out;
	}
	if (st == MADO_OK)
		st = store_group_routing_get(s, a, t.group_id, &g, err);
	if (st)
		goto out;
	char cause[300];
	int64_t target = g.escalation_group_id ? g.escalation_group_id : g.id;
	snprintf(cause, sizeof cause, "escalated: %s", why ? why : "");
	if (target != t.group_id) {
		if ((st = record(s, ticket, "group_id", t.group_id, target, cause, env->now, err)))
			goto out;
		t.group_id = target;
	}
	d->group_id = target;
	st = assign(s, &t, target, target == g.id ? t.assignee_id : 0, true, env, cause, d, err);
	d->group_id = target;
out:
	arena_free(a);
	return st;
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static mado_status collect_id(void *vctx, int64_t id)
{
	struct ids *x = vctx;
	if (array_reserve_one((void **)&x->v, &x->cap, x->n, sizeof *x->v))
		return MADO_ENOMEM;
	x->v[x->n++] = id;
	return MADO_OK;
}

mado_status routing_redistribute(struct store *s, int64_t agent_id, const struct rule_env *env, size_t *moved,
                                 size_t *unassigned, struct mado_err *err)
{
	*moved = *unassigned = 0;
	struct ids ids = { 0 };
	mado_status st = store_agent_open_tickets(s, agent_id, collect_id, &ids, err);
	if (st == MADO_ENOMEM)
		mado_fail(err, st, "out of memory");
	for (size_t i = 0; i < ids.n && !st; i++) {
		struct arena *a = arena_new();
		struct rule_ticket t;
		if (!a) {
			st = mado_fail(err, MADO_ENOMEM, "out of memory");
			break;
		}
		char cause[120];
		snprintf(cause, sizeof cause, "redistributed from agent %lld", (long long)agent_id);
		st = rules_ticket_load(s, a, ids.v[i], &t, err);
		if (st == MADO_OK)
			st = record(s, t.id, "assignee_id", agent_id, 0, cause, env->now, err);
		struct routing_decision d = { 0 };
		t.assignee_id = 0;
		if (st == MADO_OK && t.group_id)
			st = assign(s, &t, t.group_id, agent_id, false, env, cause, &d, err);
		if (d.agent_id)
			(*moved)++;
		else
			(*unassigned)++;
		arena_free(a);
	}
	free(ids.v);
	return st;
}
