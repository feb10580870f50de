/* Routing (src/core/routing.c): round-robin fairness over 1,000 tickets,
 * least-load within capacity and by priority weight, skills, away agents,
 * shifts, VIP to the VIP group's senior agents, redistribution, escalation,
 * and the reasons recorded as events. */
#include "core/routing.h"
#include "tap.h"
#include "workflow_fixture.h"

#define NOW 1795000000 /* Sun 2026-11-18 ... a fixed clock for every decision */

static int64_t assignee(struct fx *f, int64_t t)
{
	return fx_int(f, "SELECT coalesce(assignee_id, 0) FROM tickets WHERE id = ?1", t);
}

static int64_t open_of(struct fx *f, int64_t agent)
{
	return fx_int(f, "SELECT count(*) FROM tickets WHERE assignee_id = ?1 AND status NOT IN ('resolved','closed')",
	              agent);
}

/* One new ticket in a transaction of its own (routed as it is created). */
static int64_t routed_ticket(struct fx *f, time_t at)
{
	fx_begin(f);
	int64_t id = fx_new_ticket(f, NULL, "x", at);
	fx_commit(f);
	return id;
}

static void set_priority(struct fx *f, int64_t t, const char *priority)
{
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE tickets SET priority = '%s' WHERE id = %lld", priority, (long long)t);
	fx_exec(f, sql);
}

static void round_robin(void)
{
	struct fx f;
	fx_open(&f);
	int64_t g = fx_group(&f, "Support", "round_robin");
	int64_t a[4];
	for (int i = 0; i < 4; i++) {
		char e[32];
		snprintf(e, sizeof e, "rr%d@example.org", i);
		a[i] = fx_agent(&f, e, g, 0, false, NULL, NULL);
	}
	fx_rule(&f, "routing", "Everything", "{\"group\": \"Support\"}");
	fx_begin(&f);
	int64_t first = 0, last = 0;
	for (int i = 0; i < 1000; i++) {
		last = fx_new_ticket(&f, NULL, "question", NOW + i);
		if (!first)
			first = last;
	}
	fx_commit(&f);
	int64_t min = 1000, max = 0;
	for (int i = 0; i < 4; i++) {
		int64_t n = open_of(&f, a[i]);
		min = n < min ? n : min;
		max = n > max ? n : max;
	}
	ok(max - min <= 1, "round-robin over 1,000 tickets and 4 agents: max-min = %lld (max %lld)", (long long)(max - min),
	   (long long)max);
	is_int(fx_int(&f, "SELECT count(*) FROM tickets WHERE assignee_id IS NULL", 0), 0, "every ticket assigned");
	ok(assignee(&f, first) != assignee(&f, first + 1) && assignee(&f, first + 1) != assignee(&f, first + 2),
	   "consecutive tickets go to different agents");
	is_int(fx_int(&f, "SELECT rr_cursor FROM groups WHERE id = ?1", g), assignee(&f, last),
	       "the cursor is persisted: the last agent given a ticket");
	is_str(fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'routing' AND field = 'group_id'", first),
	       "group 'Support' by rule 'Everything'", "routing event: the group and the rule");
	const char *why = fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'routing' AND field = 'assignee_id'", first);
	ok(why && strstr(why, "by round_robin"), "routing event: the agent and the strategy (%s)", why ? why : "");

	/* an away agent gets nothing new */
	struct mado_err e;
	fx_begin(&f);
	people_agent_set(f.s, a[1], "available", "0", &e);
	int64_t before = open_of(&f, a[1]);
	for (int i = 0; i < 60; i++)
		fx_new_ticket(&f, NULL, "question", NOW + 2000 + i);
	fx_commit(&f);
	is_int(open_of(&f, a[1]), before, "away agent: nothing new over 60 tickets");

	/* redistribution of the away agent's open tickets */
	fx_exec(&f, "UPDATE tickets SET status = 'closed' WHERE id % 3 = 0 AND assignee_id IS NOT NULL");
	int64_t had = open_of(&f, a[1]);
	size_t moved = 0, left = 0;
	struct rule_env env = { .now = NOW + 5000, .store = f.s };
	fx_begin(&f);
	ok(routing_redistribute(f.s, a[1], &env, &moved, &left, &e) == MADO_OK, "redistribute");
	fx_commit(&f);
	is_int(open_of(&f, a[1]), 0, "the away agent holds no open ticket");
	ok(had > 100, "the away agent held %lld open tickets", (long long)had);
	is_int((int64_t)moved, had, "all %lld went to others", (long long)had);
	is_int(left, 0, "none left unassigned");
	int64_t t1 = fx_int(&f, "SELECT max(ticket_id) FROM events WHERE field = 'assignee_id' AND kind = 'field' AND old_value = ?1", a[1]);
	ok(t1 > 0 && strstr(fx_text(&f, "SELECT group_concat(new_value) FROM events WHERE ticket_id = ?1 AND kind = 'routing'", t1),
	                   "redistributed from agent"),
	   "redistribution recorded with its reason");
	fx_close(&f);
}

static void least_loaded(void)
{
	struct fx f;
	fx_open(&f);
	int64_t g = fx_group(&f, "Ops", "least_loaded");
	int64_t a = fx_agent(&f, "a@example.org", g, 2, false, NULL, NULL);
	int64_t b = fx_agent(&f, "b@example.org", g, 5, false, NULL, NULL);
	fx_rule(&f, "routing", "Ops", "{\"group\": \"Ops\"}");
	fx_begin(&f);
	int64_t t[8];
	for (int i = 0; i < 8; i++)
		t[i] = fx_new_ticket(&f, NULL, "job", NOW + i);
	fx_commit(&f);
	is_int(open_of(&f, a), 2, "capacity 2: agent a holds 2");
	is_int(open_of(&f, b), 5, "capacity 5: agent b holds 5");
	is_int(assignee(&f, t[7]), 0, "both full: the 8th waits unassigned");
	const char *why = fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'routing' AND field = 'assignee_id'", t[7]);
	ok(why && strstr(why, "2 at capacity"), "…and says why (%s)", why ? why : "");

	/* priority weight: a with one urgent (4) vs b with two low (2) → b */
	fx_exec(&f, "UPDATE tickets SET status = 'closed'");
	int64_t u = routed_ticket(&f, NOW + 100);
	int64_t holder = assignee(&f, u), other = holder == a ? b : a;
	set_priority(&f, u, "urgent");
	int64_t l1 = routed_ticket(&f, NOW + 101);
	is_int(assignee(&f, l1), other, "one urgent ticket outweighs one normal: the other agent");
	set_priority(&f, l1, "low");
	int64_t l2 = routed_ticket(&f, NOW + 102);
	is_int(assignee(&f, l2), other, "load 4 (urgent) vs 1 (low): the lighter agent again, though it holds as many");
	fx_close(&f);
}

static void skills_vip_shifts(void)
{
	struct fx f;
	fx_open(&f);
	int64_t sup = fx_group(&f, "Support", "skills");
	int64_t vip = fx_group(&f, "VIP", "vip");
	int64_t bill = fx_agent(&f, "bill@example.org", sup, 0, false, "[\"billing\"]", NULL);
	int64_t jp = fx_agent(&f, "jp@example.org", sup, 0, false, "[\"ja\", \"technical\"]", NULL);
	int64_t gen = fx_agent(&f, "gen@example.org", sup, 0, false, "[]", NULL);
	int64_t junior = fx_agent(&f, "junior@example.org", vip, 0, false, NULL, NULL);
	int64_t senior = fx_agent(&f, "senior@example.org", vip, 0, true, NULL, NULL);
	fx_rule(&f, "category", "Billing", "{\"if\": {\"field\": \"text\", \"op\": \"contains\", \"value\": [\"invoice\", \"請求\"]}, \"category\": \"billing\"}");
	fx_rule(&f, "routing", "VIP customers", "{\"if\": {\"field\": \"customer.tier\", \"value\": \"vip\"}, \"group\": \"VIP\"}");
	fx_rule(&f, "routing", "Rest", "{\"group\": \"Support\"}");

	int64_t t1 = fx_mail(&f, "x@example.net", "wrong invoice", "please fix");
	is_int(assignee(&f, t1), bill, "skills: a billing ticket goes to the billing agent");
	int64_t t2 = fx_mail(&f, "y@example.net", "ログインできません", "エラーが出ます");
	is_int(assignee(&f, t2), jp, "skills: a Japanese ticket goes to the agent with 'ja'");
	int64_t t3 = fx_mail(&f, "z@example.net", "請求書について", "再発行をお願いします");
	ok(assignee(&f, t3) == bill || assignee(&f, t3) == jp, "billing in Japanese: an agent with one matching skill");
	fx_exec(&f, "UPDATE agents SET available = 0 WHERE email IN ('bill@example.org','jp@example.org')");
	int64_t t4 = fx_mail(&f, "w@example.net", "another invoice", "x");
	is_int(assignee(&f, t4), gen, "skilled agents away: the remaining agent (least loaded)");
	const char *why = fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'routing' AND field = 'assignee_id'", t4);
	ok(why && strstr(why, "no agent has the skill"), "…and the reason says no skill matched");
	fx_exec(&f, "UPDATE agents SET available = 1");

	/* VIP customers: the VIP group, senior agents only */
	fx_mail(&f, "boss@bigcorp.co.jp", "hello", "first");
	fx_exec(&f, "UPDATE customers SET tier = 'vip' WHERE email = 'boss@bigcorp.co.jp'");
	for (int i = 0; i < 3; i++) {
		char subj[32];
		snprintf(subj, sizeof subj, "VIP question %d", i);
		int64_t v = fx_mail(&f, "boss@bigcorp.co.jp", subj, "help");
		is_int(fx_int(&f, "SELECT group_id FROM tickets WHERE id = ?1", v), vip, "VIP ticket %d: the VIP group", i);
		is_int(assignee(&f, v), senior, "VIP ticket %d: the senior agent, not the junior", i);
	}
	is_int(open_of(&f, junior), 0, "the junior VIP-group agent got no VIP ticket");

	/* shifts: off shift gets nothing; on shift does */
	int64_t sh = fx_group(&f, "Shifts", "round_robin");
	int64_t day = fx_agent(&f, "day@example.org", sh, 0, false, NULL, "mon-fri 09:00-18:00 +09:00");
	int64_t night = fx_agent(&f, "night@example.org", sh, 0, false, NULL, "daily 18:00-09:00 +09:00");
	struct mado_err e;
	struct rule_env env = { .store = f.s };
	/* 2026-11-23 (Mon) 10:00 JST = 01:00 UTC */
	time_t mon10 = 1795395600;
	fx_begin(&f);
	int64_t s1 = fx_new_ticket(&f, NULL, "s1", mon10);
	struct rule_ticket rt;
	struct routing_decision d;
	struct arena *a = arena_new();
	rules_ticket_load(f.s, a, s1, &rt, &e);
	env.now = mon10;
	routing_assign_in_group(f.s, &rt, sh, 0, &env, "test", &d, &e);
	is_int(d.agent_id, day, "Monday 10:00 JST: the day-shift agent");
	env.now = mon10 + 12 * 3600; /* 22:00 JST */
	routing_assign_in_group(f.s, &rt, sh, 0, &env, "test", &d, &e);
	is_int(d.agent_id, night, "Monday 22:00 JST: the night-shift agent");
	env.now = mon10 - 86400; /* Sunday 10:00 JST: neither */
	routing_assign_in_group(f.s, &rt, sh, 0, &env, "test", &d, &e);
	is_int(d.agent_id, 0, "Sunday 10:00 JST: nobody on shift");
	ok(strstr(d.why, "2 off shift") != NULL, "…reason counts those off shift (%s)", d.why);

	fx_commit(&f);
	/* escalation: Support → Senior group, to a senior agent */
	int64_t esc = fx_group(&f, "Senior", "least_loaded");
	int64_t lead = fx_agent(&f, "lead@example.org", esc, 0, true, NULL, NULL);
	fx_agent(&f, "helper@example.org", esc, 0, false, NULL, NULL);
	fx_begin(&f);
	store_group_routing_set(f.s, sup, "skills", esc, &e);
	env.now = NOW;
	ok(routing_escalate(f.s, t1, "first response breached", &env, &d, &e) == MADO_OK, "escalate");
	fx_commit(&f);
	is_int(fx_int(&f, "SELECT group_id FROM tickets WHERE id = ?1", t1), esc, "escalated into the escalation group");
	is_int(assignee(&f, t1), lead, "…to its senior agent");
	why = fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'routing' ORDER BY id DESC LIMIT 1", t1);
	ok(why && strstr(why, "escalated: first response breached"), "escalation reason recorded (%s)", why ? why : "");
	arena_free(a);
	fx_close(&f);
}

int main(void)
{
	round_robin();
	least_loaded();
	skills_vip_shifts();
	return done_testing();
}
