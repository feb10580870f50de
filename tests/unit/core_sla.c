/* SLA due times, pauses, timers, the scheduler's sweep and automations
 * (src/core/sla.c, src/core/automation.c, src/jobs/scheduler.c,
 * src/store/sqlite/workflow.c) on a real SQLite database. */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/sla.h"
#include "jobs/scheduler.h"
#include "store/store_people.h"
#include "store/store_tickets.h"
#include "tap.h"
#include "util/clock.h"

static struct store *s;
static struct mado_err err;
static struct arena *A;

static int64_t at(const char *iso)
{
	int64_t t = 0;
	if (!clock_parse(iso, &t))
		diag("bad time in test: %s", iso);
	return t;
}

static struct store_sla_ticket state(int64_t id)
{
	struct store_sla_ticket t = { 0 };
	if (store_sla_ticket_get(s, A, id, &t, &err))
		diag("state: %s", err.msg);
	return t;
}

struct timer_find {
	const char *kind;
	int64_t due;
};

static mado_status find_timer(void *v, const struct store_timer *t)
{
	struct timer_find *f = v;
	if (!strcmp(t->kind, f->kind))
		f->due = t->due_at;
	return MADO_OK;
}

/* The ticket's timer of that kind (0 = none). */
static int64_t timer_at(int64_t ticket, const char *kind)
{
	struct timer_find f = { kind, 0 };
	store_timers_of(s, A, ticket, find_timer, &f, &err);
	return f.due;
}

static int count(const char *sql_where_table)
{
	int64_t n = -1;
	store_count(s, sql_where_table, &n, &err);
	return (int)n;
}

struct event_count {
	const char *kind, *nv;
	int n;
};

static mado_status count_event(void *v, const struct store_event *e)
{
	struct event_count *c = v;
	if (!strcmp(e->kind, c->kind) && (!c->nv || (e->new_value && strstr(e->new_value, c->nv))))
		c->n++;
	return MADO_OK;
}

/* Events of the ticket of that kind whose new value contains new_value. */
static int events_of(int64_t ticket, const char *kind, const char *new_value)
{
	struct event_count c = { kind, new_value, 0 };
	store_event_list(s, A, ticket, count_event, &c, &err);
	return c.n;
}

/* Change a ticket's status as the API does: the field, then the SLA. */
static void set_status(int64_t id, const char *status, int64_t now)
{
	store_begin(s, &err);
	if (store_ticket_set_text(s, id, "status", status, now, &err) ||
	    sla_ticket_event(s, id, SLA_EV_CHANGED, now, &err))
		diag("set_status: %s", err.msg);
	store_commit(s, &err);
}

static void event(int64_t id, enum sla_event ev, int64_t now)
{
	store_begin(s, &err);
	if (sla_ticket_event(s, id, ev, now, &err))
		diag("event: %s", err.msg);
	store_commit(s, &err);
}

static struct sweep_stats sweep(const struct automation_env *env, int64_t now)
{
	struct sweep_stats ss = { -1, -1, -1 };
	if (scheduler_sweep(s, env, now, 2, &ss, &err))
		diag("sweep: %s", err.msg);
	return ss;
}

static mado_status count_ticket(void *ctx, const struct store_ticket *t)
{
	(void)t;
	(*(int *)ctx)++;
	return MADO_OK;
}

static int listed(struct store_ticket_filter *f)
{
	int n = 0;
	int64_t total;
	bool exact;
	struct store_viewer all = { .all = true };
	f->limit = 50;
	if (store_ticket_query(s, A, &all, f, count_ticket, &n, &total, &exact, &err))
		diag("query: %s", err.msg);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/mado-sla-XXXXXX", path[256];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	A = arena_new();
	ok(store_open(path, 1000, &s, &err) == MADO_OK, "open and migrate");
	struct mado_config cfg;
	config_defaults(&cfg);
	unsigned char key[THREAD_KEY_BYTES] = { 1, 2, 3 };
	struct automation_env env = { .cfg = &cfg, .key = key };

	/* -- configuration -- */
	int64_t cal, vip_pol, def_pol, cust, vip_cust, org, t1, t2, group, sup, au_esc, au_remind, au_close;
	bool created;
	store_begin(s, &err);
	struct store_calendar c = { .name = "Tokyo office", .time_zone = "Asia/Tokyo", .hours = "mon-fri 09:00-18:00",
	                            .jp_holidays = true };
	ok(store_calendar_add(s, &c, 1, &cal, &err) == MADO_OK, "calendar added");
	ok(store_calendar_add(s, &c, 1, &t1, &err) == MADO_EEXIST, "calendar names are unique: %s", err.msg);
	ok(store_calendar_holidays_set(s, cal, "[{\"date\":\"2026-10-01\",\"name\":\"創立記念日\"}]", &err) == MADO_OK,
	   "custom holiday");
	struct store_sla_policy vip = { .name = "VIP urgent", .position = 1, .enabled = true, .match_priority = "urgent",
	                                .match_tier = "vip", .calendar_id = cal, .first_response = 3600,
	                                .resolution = 8 * 3600, .warn = 1800 };
	struct store_sla_policy off = { .name = "disabled", .position = 0, .enabled = false, .calendar_id = cal,
	                                .first_response = 60 };
	struct store_sla_policy def = { .name = "default", .position = 9, .enabled = true, .calendar_id = cal,
	                                .first_response = 4 * 3600, .next_response = 8 * 3600,
	                                .resolution = 27 * 3600, .warn = 1800 };
	ok(store_sla_policy_add(s, &vip, 1, &vip_pol, &err) == MADO_OK && store_sla_policy_add(s, &off, 1, &t1, &err) == MADO_OK &&
	   store_sla_policy_add(s, &def, 1, &def_pol, &err) == MADO_OK, "policies added");
	store_group_add(s, "Tier 2", 1, &group, &err);
	store_agent_add(s, "boss@example.jp", "Boss", "supervisor", "", 1, &sup, &err);
	store_group_member_add(s, group, sup, &err);
	struct store_automation esc = { .name = "escalate on breach", .enabled = true, .kind = "escalate", .on_sla = "breach",
	                                .set_priority = "urgent", .set_group_id = group, .notify_supervisor = true,
	                                .message = "" };
	struct store_automation remind = { .name = "remind after 2 business days", .enabled = true,
	                                   .kind = "remind_pending", .after_seconds = 18 * 3600, .calendar_id = cal,
	                                   .on_sla = "", .message = "" };
	struct store_automation close = { .name = "close after 3 days", .enabled = true, .kind = "auto_close",
	                                  .after_seconds = 3 * 86400, .on_sla = "", .message = "" };
	ok(store_automation_add(s, &esc, 1, &au_esc, &err) == MADO_OK &&
	   store_automation_add(s, &remind, 1, &au_remind, &err) == MADO_OK &&
	   store_automation_add(s, &close, 1, &au_close, &err) == MADO_OK, "automations added");
	store_org_upsert(s, "example.co.jp", 1, &org, &err);
	store_customer_upsert(s, "taro@example.co.jp", "山田太郎", org, 1, &cust, &created, &err);
	store_customer_upsert(s, "ceo@bigclient.jp", "CEO", 0, 1, &vip_cust, &created, &err);
	people_customer_set(s, vip_cust, "tier", "vip", 1, &err);
	ok(store_commit(s, &err) == MADO_OK, "configuration committed");

	/* -- a ticket created Friday 17:30 JST before Silver Week -- */
	int64_t fri = at("2026-09-18T17:30:00+09:00");
	store_begin(s, &err);
	struct store_ticket_new tn = { .subject = "ログインできません", .channel = "email", .customer_id = cust,
	                               .organization_id = org, .now = fri };
	store_ticket_insert(s, &tn, &t1, &err);
	ok(sla_ticket_event(s, t1, SLA_EV_CREATED, fri, &err) == MADO_OK, "SLA on creation");
	store_commit(s, &err);
	struct store_sla_ticket st = state(t1);
	is_int(st.policy_id, def_pol, "the default policy (the VIP one does not match, the disabled one is skipped)");
	is_int(st.first_response_due, at("2026-09-24T12:30:00+09:00"),
	       "first response due Thursday 12:30 (weekend, 敬老の日, 国民の休日, 秋分の日 closed)");
	is_int(st.resolution_due, at("2026-09-28T17:30:00+09:00"), "resolution due after 27 business hours");
	is_int(st.next_response_due, 0, "no next response before the first");
	is_int(timer_at(t1, "sla_breach:first_response"), st.first_response_due, "breach timer at the due time");
	is_int(timer_at(t1, "sla_warning:first_response"), st.first_response_due - 1800, "warning 30 minutes before");
	is_int(timer_at(t1, "sla_breach:resolution"), st.resolution_due, "resolution breach timer");
	struct store_ticket_filter f = { 0 };
	f.has_sla_due_before = true;
	f.sla_due_before = at("2026-09-24T12:30:00+09:00");
	is_int(listed(&f), 1, "listed by sla_due_before at the due time");
	f.sla_due_before -= 1;
	is_int(listed(&f), 0, "…and not a second earlier");

	/* -- pending pauses the clock; open resumes it -- */
	set_status(t1, "pending", at("2026-09-24T10:00:00+09:00"));
	st = state(t1);
	ok(st.paused_at == at("2026-09-24T10:00:00+09:00") && timer_at(t1, "sla_breach:first_response") == 0,
	   "pending: paused, no SLA timers");
	ok(timer_at(t1, "automation:1") == 0 && timer_at(t1, "automation:2") == at("2026-09-28T10:00:00+09:00"),
	   "pending: the reminder timer 18 business hours later (Mon 10:00)");
	f.sla_due_before = at("2030-01-01");
	is_int(listed(&f), 0, "a paused ticket has no running due time");
	set_status(t1, "open", at("2026-09-25T11:00:00+09:00"));
	st = state(t1);
	is_int(st.paused_at, 0, "open: resumed");
	is_int(st.paused_seconds, 10 * 3600, "10 business hours paused (Thu 10-18, Fri 9-11)");
	is_int(st.first_response_due, at("2026-09-25T13:30:00+09:00"), "first response moved: 2.5h left at the pause");
	is_int(st.resolution_due, at("2026-09-30T09:30:00+09:00"),
	       "resolution moved over the weekend: 25.5h left at the pause");
	is_int(timer_at(t1, "automation:2"), 0, "reminder timer gone when no longer pending");

	/* -- replies -- */
	event(t1, SLA_EV_AGENT_REPLY, at("2026-09-25T12:00:00+09:00"));
	st = state(t1);
	ok(st.first_responded_at == at("2026-09-25T12:00:00+09:00") && timer_at(t1, "sla_breach:first_response") == 0,
	   "agent reply: first response met, its timers gone");
	event(t1, SLA_EV_CUSTOMER_REPLY, at("2026-09-25T17:00:00+09:00"));
	st = state(t1);
	is_int(st.next_response_due, at("2026-09-28T16:00:00+09:00"), "customer reply: next response due in 8 business hours");
	event(t1, SLA_EV_AGENT_REPLY, at("2026-09-28T10:00:00+09:00"));
	ok(state(t1).next_response_due == 0 && timer_at(t1, "sla_breach:next_response") == 0, "answered: next response met");

	/* -- a VIP urgent ticket: another policy -- */
	int64_t mon = at("2026-09-28T09:00:00+09:00");
	store_begin(s, &err);
	tn.customer_id = vip_cust;
	tn.organization_id = 0;
	tn.now = mon;
	store_ticket_insert(s, &tn, &t2, &err);
	store_ticket_set_text(s, t2, "priority", "urgent", mon, &err);
	sla_ticket_event(s, t2, SLA_EV_CREATED, mon, &err);
	store_commit(s, &err);
	st = state(t2);
	ok(st.policy_id == vip_pol && st.first_response_due == at("2026-09-28T10:00:00+09:00"),
	   "VIP + urgent: first response in one hour");
	json_t *pv = NULL;
	ok(sla_preview(s, A, t1, mon, &pv, &err) == MADO_OK && pv, "dry run");
	is_str(json_string_value(json_object_get(json_object_get(pv, "policy"), "name")), "default", "dry run: the policy");
	is_str(json_string_value(json_object_get(json_object_get(pv, "due"), "first_response")), "2026-09-28T04:00:00Z",
	       "dry run: due times from the given instant");
	json_decref(pv);

	/* -- the sweep: warning, breach and escalation exactly once -- */
	int64_t warn_at = at("2026-09-28T09:30:00+09:00");
	struct sweep_stats ss = sweep(&env, warn_at - 1);
	is_int(ss.fired, 0, "nothing due before the warning");
	ss = sweep(&env, warn_at);
	ok(ss.timers >= 1 && events_of(t2, "sla", "warning") == 1, "warning event at the warning time");
	ss = sweep(&env, warn_at);
	ok(ss.timers == 0 && events_of(t2, "sla", "warning") == 1, "a second sweep: no second warning");
	ss = sweep(&env, at("2026-09-28T10:00:00+09:00"));
	ok(events_of(t2, "sla", "breached") == 1 && !strcmp(state(t2).breached, "first_response"),
	   "breach event and the ticket marked breached");
	ok(events_of(t2, "notify", "boss@example.jp") == 1, "the group's supervisor notified");
	struct store_ticket_work w;
	store_ticket_work_get(s, A, t2, &w, &err);
	is_int(w.group_id, group, "escalated to the Tier 2 group");
	ss = sweep(&env, at("2026-09-28T10:00:00+09:00"));
	ok(ss.fired == 0 && events_of(t2, "sla", "breached") == 1 && events_of(t2, "notify", NULL) == 1,
	   "a second sweep: nothing fires twice");
	struct store_ticket_filter fb = { .has_sla_breached = true, .sla_breached = true };
	is_int(listed(&fb), 1, "sla_breached=1 lists the breached ticket");
	fb.sla_breached = false;
	is_int(listed(&fb), 1, "sla_breached=0 lists the other");
	json_t *v = NULL;
	ok(sla_view(s, A, t2, at("2026-09-28T10:30:00+09:00"), &v, &err) == MADO_OK && v, "SLA view");
	ok(json_is_true(json_object_get(v, "breached")) &&
	   json_is_true(json_object_get(json_object_get(v, "first_response"), "breached")) &&
	   json_integer_value(json_object_get(json_object_get(v, "first_response"), "seconds_left")) == -1800,
	   "view: breached, 30 minutes overdue");
	is_str(json_string_value(json_object_get(json_object_get(v, "resolution"), "due")), "2026-09-28T08:00:00Z",
	       "view: resolution due time in UTC");
	json_decref(v);

	/* -- reminder to the customer, once -- */
	set_status(t2, "pending", at("2026-09-28T11:00:00+09:00"));
	int64_t remind_due = timer_at(t2, "automation:2");
	is_int(remind_due, at("2026-09-30T11:00:00+09:00"), "reminder due two business days later");
	set_status(t2, "pending", at("2026-09-29T11:00:00+09:00"));
	is_int(timer_at(t2, "automation:2"), remind_due, "touching a pending ticket does not postpone the reminder");
	event(t2, SLA_EV_CUSTOMER_REPLY, at("2026-09-29T12:00:00+09:00"));
	remind_due = timer_at(t2, "automation:2");
	is_int(remind_due, at("2026-10-02T12:00:00+09:00"),
	       "the customer wrote: the wait starts again (over the calendar's own holiday, 1 Oct)");
	int outbox_before = count("outbox");
	ss = sweep(&env, remind_due);
	is_int(count("outbox") - outbox_before, 1, "the reminder queued into the outbox");
	sqlite3 *db;
	sqlite3_stmt *q;
	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, "SELECT o.rcpt_json, o.headers_json, m.direction, m.body_text FROM outbox o "
	                       "JOIN messages m ON m.id = o.message_id WHERE o.ticket_id = ?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, t2);
	ok(sqlite3_step(q) == SQLITE_ROW, "the reminder's outbox row");
	is_str((const char *)sqlite3_column_text(q, 0), "[\"ceo@bigclient.jp\"]", "…to the customer");
	ok(strstr((const char *)sqlite3_column_text(q, 1), "[\"Auto-Submitted\",\"auto-generated\"]") &&
	   strstr((const char *)sqlite3_column_text(q, 1), "[#2]"), "…Auto-Submitted: auto-generated, the ticket token in the subject");
	ok(!strcmp((const char *)sqlite3_column_text(q, 2), "out") &&
	   strstr((const char *)sqlite3_column_text(q, 3), "ご返信をお待ちしております"), "…stored as an outgoing message, in Japanese and English");
	sqlite3_finalize(q);
	sqlite3_close(db);
	set_status(t2, "open", at("2026-09-30T12:00:00+09:00"));
	set_status(t2, "pending", at("2026-09-30T13:00:00+09:00"));
	ss = sweep(&env, at("2026-12-01"));
	is_int(count("outbox") - outbox_before, 1, "pending again: no second reminder for the same ticket");

	/* -- auto-close three days after resolved -- */
	set_status(t1, "resolved", at("2026-10-02T10:00:00+09:00"));
	ss = sweep(&env, at("2026-10-05T09:59:59+09:00"));
	struct store_ticket tk;
	store_ticket_get(s, A, t1, &tk, &err);
	is_str(tk.status, "resolved", "not closed before three days");
	ss = sweep(&env, at("2026-10-05T10:00:00+09:00"));
	store_ticket_get(s, A, t1, &tk, &err);
	is_str(tk.status, "closed", "closed three days after it was resolved");
	ok(events_of(t1, "field", "closed") == 1, "…with an event by the automation");
	(void)au_close;

	/* -- a broken configuration loses no mail and blocks nothing -- */
	store_begin(s, &err);
	c.id = cal;
	c.hours = "";   /* no open hours: no due time can be computed */
	c.holidays_json = "[]";
	store_calendar_update(s, &c, &err);
	int64_t t3;
	tn.now = at("2026-10-05T10:00:00+09:00");
	store_ticket_insert(s, &tn, &t3, &err);
	ok(sla_ticket_event(s, t3, SLA_EV_CREATED, tn.now, &err) == MADO_OK, "a calendar without hours: the ticket is still created");
	store_commit(s, &err);
	ok(state(t3).first_response_due == 0 && events_of(t3, "note", "no business hours") == 1,
	   "…without due times, and its history says why");
	store_begin(s, &err);
	store_timer_set(s, t2, "automation:999", tn.now - 10, &err);   /* an automation deleted meanwhile */
	store_timer_set(s, t2, "sla_breach:resolution", tn.now - 5, &err);
	store_commit(s, &err);
	set_status(t2, "open", tn.now - 1);   /* resumes: needs the broken calendar */
	ss = sweep(&env, tn.now);
	ok(ss.timers >= 1 && timer_at(t2, "automation:999") == 0, "stale timers are taken and the sweep goes on");

	store_close(s);
	arena_free(A);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (getenv("KEEP")) return done_testing();
	if (system(cmd) != 0)
		diag("cleanup failed");
	return done_testing();
}
