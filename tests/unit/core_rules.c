/* Rules and triggers (src/core/rules.c, triggers.c, hours.c): the parser's
 * refusals and limits, regex limits, weekly hours, and trigger runs — each
 * rule fires once per change, rules that feed each other stop, the pass
 * cap, every action, and the events they run on. */
#include "core/hours.h"
#include "tap.h"
#include "workflow_fixture.h"

#define NOW 1795000000

static void parse_refusals(void)
{
	static const struct {
		int kind;
		const char *json, *why;
	} bad[] = {
		{ RULE_PRIORITY, "{", "bad JSON" },
		{ RULE_PRIORITY, "[]", "a rule is a JSON object" },
		{ RULE_PRIORITY, "{\"priority\": \"urgent\", \"then\": []}", "unknown key \"then\"" },
		{ RULE_PRIORITY, "{\"priority\": \"critical\"}", "needs \"priority\"" },
		{ RULE_PRIORITY, "{\"priority\": \"high\", \"if\": {\"field\": \"nope\", \"value\": \"x\"}}", "unknown field" },
		{ RULE_PRIORITY, "{\"priority\": \"high\", \"if\": {\"field\": \"subject\", \"op\": \"gte\", \"value\": \"x\"}}",
		  "does not apply" },
		{ RULE_PRIORITY, "{\"priority\": \"high\", \"if\": {\"field\": \"subject\", \"op\": \"regex\", \"value\": \"(\"}}",
		  "regex /(/" },
		{ RULE_PRIORITY, "{\"priority\": \"high\", \"if\": {\"field\": \"subject\", \"value\": \"\"}}", "non-empty" },
		{ RULE_PRIORITY, "{\"priority\": \"high\", \"if\": {\"field\": \"time\", \"value\": \"someday 9-5\"}}", "hours:" },
		{ RULE_PRIORITY, "{\"priority\": \"high\", \"if\": {\"all\": []}}", "non-empty array" },
		{ RULE_PRIORITY,
		  "{\"priority\": \"high\", \"if\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": "
		  "{\"field\": \"subject\", \"value\": \"x\"}}}}}}}}}}",
		  "deeper than 8" },
		{ RULE_CATEGORY, "{\"category\": \"Bad Name\"}", "category" },
		{ RULE_ROUTING, "{\"if\": {\"field\": \"subject\", \"value\": \"x\"}}", "needs \"group\"" },
		{ RULE_TRIGGER, "{\"then\": []}", "non-empty array of actions" },
		{ RULE_TRIGGER, "{\"on\": [\"deleted\"], \"then\": [{\"note\": \"x\"}]}", "events are" },
		{ RULE_TRIGGER, "{\"then\": [{\"explode\": true}]}", "unknown action" },
		{ RULE_TRIGGER, "{\"then\": [{\"webhook\": \"file:///etc/passwd\"}]}", "http(s) URL" },
		{ RULE_TRIGGER, "{\"then\": [{\"mail\": {\"subject\": \"hi\\r\\nBcc: x@evil\", \"body\": \"b\"}}]}", "one line" },
		{ RULE_TRIGGER, "{\"then\": [{\"set\": {\"status\": \"gone\"}}]}", "set: bad" },
		{ RULE_TRIGGER, "{\"then\": [{\"add_tags\": [\"Not A Tag\"]}]}", "add_tags" },
		{ RULE_TRIGGER, "{\"then\": [{\"assign\": \"nobody\"}]}", "assign takes" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rule *r = NULL;
		struct mado_err e = { "" };
		mado_status st = rule_parse(bad[i].json, strlen(bad[i].json), (enum rule_kind)bad[i].kind, &r, &e);
		ok(st != MADO_OK && !r && strstr(e.msg, bad[i].why), "refused: %s (%s)", bad[i].json, e.msg);
	}
	/* limits: too long a pattern, too many conditions, too big a rule */
	struct buf b;
	buf_init(&b, 0);
	buf_append_str(&b, "{\"priority\": \"high\", \"if\": {\"field\": \"subject\", \"op\": \"regex\", \"value\": \"");
	for (int i = 0; i < RULES_MAX_REGEX + 1; i++)
		buf_append_char(&b, 'a');
	buf_append_str(&b, "\"}}");
	struct rule *r;
	struct mado_err e;
	ok(rule_parse(b.p, b.len, RULE_PRIORITY, &r, &e) != MADO_OK, "a %d-byte pattern is refused", RULES_MAX_REGEX + 1);
	buf_reset(&b);
	buf_append_str(&b, "{\"priority\": \"high\", \"if\": {\"any\": [");
	for (int i = 0; i <= RULES_MAX_CONDS; i++)
		buf_printf(&b, "%s{\"field\": \"subject\", \"value\": \"w%d\"}", i ? "," : "", i);
	buf_append_str(&b, "]}}");
	ok(rule_parse(b.p, b.len, RULE_PRIORITY, &r, &e) == MADO_ELIMIT, "more than %d conditions: limit", RULES_MAX_CONDS);
	buf_free(&b);
	char *huge = calloc(1, RULES_MAX_JSON + 2);
	memset(huge, ' ', RULES_MAX_JSON + 1);
	ok(rule_parse(huge, RULES_MAX_JSON + 1, RULE_PRIORITY, &r, &e) == MADO_ELIMIT, "a rule over 64 KB: limit");
	free(huge);
}

static void regex_limits(void)
{
	const char *j = "{\"priority\": \"high\", \"if\": {\"field\": \"body\", \"op\": \"regex\", \"value\": \"^(\\\\w+\\\\s?)*$\"}}";
	struct rule *r;
	struct mado_err e;
	ok(rule_parse(j, strlen(j), RULE_PRIORITY, &r, &e) == MADO_OK, "catastrophic pattern parses (%s)", e.msg);
	struct rule_env env = { .now = NOW };
	struct rule_ticket t = { .subject = "", .body = "words only here" };
	bool m = false;
	ok(rule_match(r, &t, &env, &m, NULL, NULL, &e) == MADO_OK && m, "it matches a short text");
	t.body = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	ok(rule_match(r, &t, &env, &m, NULL, NULL, &e) == MADO_OK && !m,
	   "exponential backtracking stops at the match limit: no match, no hang");
	rule_free(r);

	/* text past RULES_MAX_TEXT is not looked at */
	j = "{\"priority\": \"high\", \"if\": {\"field\": \"body\", \"op\": \"contains\", \"value\": \"needle\"}}";
	rule_parse(j, strlen(j), RULE_PRIORITY, &r, &e);
	char *big = malloc(RULES_MAX_TEXT + 100);
	memset(big, 'x', RULES_MAX_TEXT + 100);
	memcpy(big + RULES_MAX_TEXT + 10, "needle", 7);
	t.body = big;
	rule_match(r, &t, &env, &m, NULL, NULL, &e);
	ok(!m, "a keyword after the first 64 KB is not seen");
	memcpy(big + 100, "needle", 6);
	rule_match(r, &t, &env, &m, NULL, NULL, &e);
	ok(m, "…one inside it is");
	free(big);
	rule_free(r);
}

static void weekly_hours(void)
{
	/* 2026-11-23 is a Monday; 01:00 UTC = 10:00 JST */
	time_t mon0100 = 1795395600;
	static const struct {
		const char *spec;
		long offset;
		bool inside;
	} cases[] = {
		{ "mon-fri 09:00-18:00 +09:00", 0, true },
		{ "mon-fri 09:00-18:00 +09:00", 9 * 3600, false },       /* 19:00 JST */
		{ "mon-fri 09:00-18:00 +09:00", -2 * 3600, false },      /* 08:00 JST */
		{ "mon-fri 09:00-18:00 +09:00", -86400, false },         /* Sunday */
		{ "sat,sun 00:00-24:00 +09:00", -86400, true },
		{ "daily 22:00-06:00 +09:00", 14 * 3600, true },         /* Tue 00:00 JST */
		{ "mon 22:00-06:00 +09:00", 18 * 3600, true },           /* Tue 04:00 JST: Monday's night */
		{ "tue 22:00-06:00 +09:00", 18 * 3600, false },
		{ "mon-fri 09:00-17:00 -05:00", 14 * 3600, true },       /* 15:00 UTC = 10:00 EST */
		{ "fri-mon 10:00-11:00", 0, true },                      /* wraps the week; UTC 01:00 no */
		{ "", 0, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool in = !cases[i].inside;
		struct mado_err e;
		mado_status st = hours_within(cases[i].spec, mon0100 + cases[i].offset, &in, &e);
		if (i == 9)
			ok(st == MADO_OK && !in, "\"%s\" at Mon 01:00 UTC: outside", cases[i].spec);
		else
			ok(st == MADO_OK && in == cases[i].inside, "\"%s\" %+ldh: %s", cases[i].spec, cases[i].offset / 3600,
			   cases[i].inside ? "inside" : "outside");
	}
	struct mado_err e;
	ok(hours_check_spec("mon-fri 9:00-18:00", &e) == MADO_EINVAL, "H:MM refused (%s)", e.msg);
	ok(hours_check_spec("mon-fri 09:00-09:00", &e) == MADO_EINVAL, "empty interval refused");
	ok(hours_check_spec("mon-fri 09:00-18:00 +15:00", &e) == MADO_EINVAL, "offset over 14h refused");
}

static int64_t count(struct fx *f, const char *sql, int64_t t)
{
	return fx_int(f, sql, t);
}

static void triggers(void)
{
	struct fx f;
	fx_open(&f);
	int64_t g = fx_group(&f, "Night", "round_robin");
	int64_t oncall = fx_agent(&f, "oncall@example.org", g, 0, false, NULL, NULL);
	int64_t once = fx_rule(&f, "trigger", "Tag urgent",
	                       "{\"if\": {\"field\": \"subject\", \"op\": \"contains\", \"value\": \"urgent\"}, "
	                       "\"then\": [{\"add_tags\": [\"hot\"]}, {\"set\": {\"priority\": \"urgent\"}}, {\"note\": \"look now\"}]}");
	fx_rule(&f, "trigger", "Route hot",
	        "{\"if\": {\"field\": \"tags\", \"value\": \"hot\"}, "
	        "\"then\": [{\"group\": \"Night\"}, {\"assign\": \"oncall@example.org\"}, "
	        "{\"notify\": {\"agents\": [\"oncall@example.org\"], \"message\": \"hot ticket\"}}, "
	        "{\"webhook\": \"https://hooks.example.org/mado\"}, "
	        "{\"mail\": {\"subject\": \"受付 #{{number}}\", \"body\": \"{{subject}}: we are on it\"}}]}");
	int64_t t = fx_mail(&f, "c@example.net", "urgent: broken", "help");
	is_int(count(&f, "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'trigger' AND field = 'fired'", t), 2,
	       "two triggers fired on created");
	char actor[32];
	snprintf(actor, sizeof actor, "rule:%lld", (long long)once);
	is_str(fx_text(&f, "SELECT actor FROM events WHERE kind = 'note' AND ticket_id = ?1", t), actor,
	       "a trigger's changes carry the rule as actor");
	is_int(count(&f, "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'trigger' AND field = 'fired' AND new_value LIKE 'Tag urgent on created%'", t),
	       1, "the first rule fired once although its change started a second pass");
	is_str(fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'trigger' AND new_value LIKE 'Tag urgent%'", t),
	       "Tag urgent on created: 'urgent' in subject", "…with its explanation");
	is_str(fx_ticket(&f, t).priority, "urgent", "set priority");
	is_int(count(&f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?1 AND tag = 'hot'", t), 1, "add tag");
	is_int(count(&f, "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'note' AND new_value = 'look now'", t), 1, "note");
	is_int(count(&f, "SELECT group_id FROM tickets WHERE id = ?1", t), g, "group");
	is_int(count(&f, "SELECT assignee_id FROM tickets WHERE id = ?1", t), oncall, "assign by email");
	is_int(count(&f, "SELECT count(*) FROM notifications WHERE ticket_id = ?1 AND agent_id = (SELECT id FROM agents WHERE email = 'oncall@example.org')", t),
	       1, "notify");
	is_str(fx_text(&f, "SELECT url FROM webhook_queue WHERE ticket_id = ?1 AND status = 'queued'", t),
	       "https://hooks.example.org/mado", "webhook queued");
	const char *body = fx_text(&f, "SELECT body_json FROM webhook_queue WHERE ticket_id = ?1", t);
	ok(body && strstr(body, "\"event\":\"created\"") && strstr(body, "\"priority\":\"urgent\""), "webhook body: event and ticket (%s)", body ? body : "");
	const char *h = fx_text(&f, "SELECT headers_json FROM outbox WHERE ticket_id = ?1 AND kind = 'notice'", t);
	ok(h && strstr(h, "[\"Auto-Submitted\",\"auto-generated\"]"), "mail queued with Auto-Submitted: auto-generated");
	char want[64];
	snprintf(want, sizeof want, "[\"Subject\",\"受付 #%lld [#%lld]\"]", (long long)t, (long long)t);
	ok(h && strstr(h, want), "mail subject filled in, with the ticket token (%s)", want);
	is_str(fx_text(&f, "SELECT body_text FROM outbox WHERE ticket_id = ?1 AND kind = 'notice'", t), "urgent: broken: we are on it", "mail body filled in");
	is_str(fx_text(&f, "SELECT rcpt_json FROM outbox WHERE ticket_id = ?1 AND kind = 'notice'", t), "[\"c@example.net\"]", "to the requester");
	is_str(fx_text(&f, "SELECT mail_from FROM outbox WHERE ticket_id = ?1 AND kind = 'notice'", t), "",
	       "…with a null envelope sender");
	int64_t other = fx_mail(&f, "d@example.net", "calm question", "hi");
	is_int(count(&f, "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'trigger'", other), 0, "no condition met: nothing fires");

	/* rules that undo each other stop after one round */
	fx_exec(&f, "UPDATE triage_rules SET enabled = 0");
	fx_rule(&f, "trigger", "Up", "{\"on\": [\"updated\"], \"if\": {\"field\": \"priority\", \"value\": \"normal\"}, \"then\": [{\"set\": {\"priority\": \"high\"}}]}");
	fx_rule(&f, "trigger", "Down", "{\"on\": [\"updated\"], \"if\": {\"field\": \"priority\", \"value\": \"high\"}, \"then\": [{\"set\": {\"priority\": \"normal\"}}]}");
	struct rules_run_stats stats;
	struct mado_err e;
	fx_begin(&f);
	ok(rules_run_triggers(f.s, NULL, other, RULE_ON_CREATED, &f.opts, NOW, &stats, &e) == MADO_OK && stats.fired == 0,
	   "'updated' triggers do not run on created");
	ok(rules_run_triggers(f.s, NULL, other, RULE_ON_UPDATED, &f.opts, NOW, &stats, &e) == MADO_OK, "ping-pong run ends");
	fx_commit(&f);
	is_int(stats.fired, 2, "each of the two fired once");
	ok(!stats.capped, "…without reaching the cap");
	is_str(fx_ticket(&f, other).priority, "normal", "final state: the second rule's");

	/* a chain longer than the pass cap: each pass can fire only one rule */
	fx_exec(&f, "UPDATE triage_rules SET enabled = 0");
	for (int i = 11; i >= 1; i--) {
		char j[300], name[16];
		snprintf(j, sizeof j, "{\"on\": [\"updated\"], \"if\": {\"field\": \"tags\", \"value\": \"s%d\"}, \"then\": [{\"add_tags\": [\"s%d\"]}]}", i - 1, i);
		snprintf(name, sizeof name, "step %d", i);
		fx_rule(&f, "trigger", name, j);
	}
	fx_begin(&f);
	bool changed;
	store_ticket_tag_add(f.s, other, "s0", &changed, &e);
	ok(rules_run_triggers(f.s, NULL, other, RULE_ON_UPDATED, &f.opts, NOW, &stats, &e) == MADO_OK, "chain run ends");
	fx_commit(&f);
	is_int(stats.passes, RULES_MAX_PASSES, "stopped after %d passes", RULES_MAX_PASSES);
	is_int(stats.fired, RULES_MAX_PASSES, "one fire per pass");
	ok(stats.capped, "capped");
	is_int(count(&f, "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'trigger' AND field = 'capped'", other), 1,
	       "the cap is an event on the ticket");

	/* customer replied: runs on intake of a threaded reply */
	fx_exec(&f, "UPDATE triage_rules SET enabled = 0");
	fx_rule(&f, "trigger", "Reopen on reply",
	        "{\"on\": [\"customer_replied\"], \"if\": {\"field\": \"status\", \"value\": \"pending\"}, \"then\": [{\"set\": {\"status\": \"open\"}}]}");
	fx_exec(&f, "UPDATE tickets SET status = 'pending'");
	char subj[64];
	snprintf(subj, sizeof subj, "Re: calm question [#%lld]", (long long)other);
	int64_t again = fx_mail(&f, "d@example.net", subj, "more info");
	is_int(again, other, "the reply threads into the ticket");
	is_str(fx_ticket(&f, other).status, "open", "customer_replied trigger reopened it");
	int64_t fresh = fx_mail(&f, "e@example.net", "new one", "x");
	is_str(fx_ticket(&f, fresh).status, "new", "…and does not run on a new ticket");

	/* custom fields */
	fx_exec(&f, "UPDATE triage_rules SET enabled = 0");
	fx_rule(&f, "trigger", "Enterprise plan",
	        "{\"on\": [\"updated\"], \"if\": {\"field\": \"custom.plan\", \"value\": \"Enterprise\"}, \"then\": [{\"add_tags\": [\"ent\"]}]}");
	int64_t fid, ft = fx_mail(&f, "p@example.net", "plan question", "x");
	const char *old;
	fx_begin(&f);
	store_field_def_add(f.s, "plan", "Plan", "text", "[]", NOW, &fid, &e);
	ok(rules_run_triggers(f.s, NULL, ft, RULE_ON_UPDATED, &f.opts, NOW, &stats, &e) == MADO_OK && stats.fired == 0,
	   "custom field unset: no match");
	store_field_value_set(f.s, f.a, ft, fid, "ENTERPRISE", &old, &e);
	ok(rules_run_triggers(f.s, NULL, ft, RULE_ON_UPDATED, &f.opts, NOW, &stats, &e) == MADO_OK && stats.fired == 1,
	   "custom.plan is Enterprise (case-folded): fires");
	fx_commit(&f);
	is_str(fx_text(&f, "SELECT new_value FROM events WHERE ticket_id = ?1 AND kind = 'trigger'", ft),
	       "Enterprise plan on updated: plan is Enterprise", "…explained with the field's key");
	struct rule *cr;
	const char *badkey = "{\"then\": [{\"note\": \"x\"}], \"if\": {\"field\": \"custom.Bad-Key\", \"value\": \"x\"}}";
	ok(rule_parse(badkey, strlen(badkey), RULE_TRIGGER, &cr, &e) == MADO_EINVAL, "custom.<bad key> refused");

	/* business hours and time of day, at a fixed clock */
	fx_exec(&f, "UPDATE triage_rules SET enabled = 0");
	fx_rule(&f, "trigger", "After hours",
	        "{\"if\": {\"field\": \"business_hours\", \"value\": false}, \"then\": [{\"add_tags\": [\"after-hours\"]}]}");
	fx_rule(&f, "trigger", "Lunch", "{\"if\": {\"field\": \"time\", \"op\": \"within\", \"value\": \"daily 12:00-13:00 +09:00\"}, \"then\": [{\"add_tags\": [\"lunch\"]}]}");
	time_t mon10 = 1795395600, mon1230 = mon10 + 9000, sun10 = mon10 - 86400;
	int64_t b1 = fx_mail_at(&f, "h@example.net", "h1", "x", mon10);
	int64_t b2 = fx_mail_at(&f, "h@example.net", "h2", "x", sun10);
	int64_t b3 = fx_mail_at(&f, "h@example.net", "h3", "x", mon1230);
	is_int(count(&f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?1", b1), 0, "Monday 10:00 JST: in business hours, no tag");
	is_int(count(&f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?1 AND tag = 'after-hours'", b2), 1, "Sunday: after-hours");
	is_int(count(&f, "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?1 AND tag = 'lunch'", b3), 1, "12:30 JST: lunch");
	fx_close(&f);
}

int main(void)
{
	parse_refusals();
	regex_limits();
	weekly_hours();
	triggers();
	return done_testing();
}
