/*
 * triggers: what the workflow rules cost per ticket. A scratch workspace
 * with TICKETS tickets (Japanese and English mail bodies of ~1 KB, some
 * from VIP customers) and RULES trigger rules of the kinds admins write
 * (keyword lists, a regex, tier, priority, time of day, any/all), then:
 *
 *   eval   rule_match() of every rule on every ticket, rules parsed once
 *          and the ticket loaded once: the evaluation alone
 *   run    rules_run_triggers() per ticket as intake and the API call it:
 *          rules loaded from the database and parsed, the ticket loaded
 *          before each rule, matching rules fired (add a tag), events
 *          written, in one transaction per 100 tickets
 *   triage triage_ticket_created() per ticket with RULES/5 priority,
 *          category and routing rules each besides the triggers
 *
 *   triggers [RULES] [TICKETS]        (default 50, 1000)
 *
 * Prints one line: triggers rules=… tickets=… eval_us=… run_us=… triage_us=…
 * fired=… (microseconds per ticket).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/rules.h"
#include "core/triage.h"
#include "store/store.h"
#include "store/store_workflow.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct mado_err *e)
{
	fprintf(stderr, "triggers: %s: %s\n", what, e ? e->msg : "");
	exit(1);
}

/* The i-th rule of a realistic mix; cond is the JSON condition. */
static void rule_cond(int i, char *out, size_t n)
{
	static const char *const words[][2] = {
		{ "システム停止", "outage" }, { "至急", "urgent" }, { "請求", "invoice" }, { "解約", "cancel" },
		{ "ログイン", "login" },      { "エラー", "error" }, { "遅延", "delay" },   { "返金", "refund" },
	};
	const char *const *w = words[i % 8];
	switch (i % 5) {
	case 0:
		snprintf(out, n, "{\"field\": \"text\", \"op\": \"contains\", \"value\": [\"%s\", \"%s\", \"%s%d\"]}", w[0], w[1],
		         w[1], i);
		break;
	case 1:
		snprintf(out, n, "{\"all\": [{\"field\": \"customer.tier\", \"value\": \"vip\"}, {\"field\": \"subject\", "
		                 "\"op\": \"contains\", \"value\": \"%s\"}]}", w[0]);
		break;
	case 2:
		snprintf(out, n, "{\"field\": \"body\", \"op\": \"regex\", \"value\": \"(order|注文)[ -]?#?\\\\d{%d,}\"}", 4 + i % 3);
		break;
	case 3:
		snprintf(out, n, "{\"any\": [{\"field\": \"priority\", \"op\": \"gte\", \"value\": \"high\"}, {\"field\": "
		                 "\"time\", \"value\": \"mon-fri 09:00-18:00 +09:00\"}, {\"field\": \"business_hours\", \"value\": false}]}");
		break;
	default:
		snprintf(out, n, "{\"all\": [{\"field\": \"language\", \"value\": \"ja\"}, {\"not\": {\"field\": \"tags\", "
		                 "\"value\": \"t%d\"}}, {\"field\": \"customer.email\", \"op\": \"contains\", \"value\": \"example\"}]}",
		         i);
	}
}

static const char body_ja[] =
	"お世話になっております。昨日から管理画面にログインできず、注文 #123456 の確認ができません。"
	"エラーメッセージは「セッションが切れました」と表示されます。至急ご対応いただけますでしょうか。"
	"また、先月分の請求書が届いておりません。再発行をお願いいたします。よろしくお願いいたします。";
static const char body_en[] =
	"Hello, since yesterday our team cannot log in to the dashboard and order #987654 is stuck in processing. "
	"The error says the session expired. We also did not receive last month's invoice; please resend it. "
	"This is blocking our month-end close, so a quick answer would be appreciated. Thanks, the ops team.";

int main(int argc, char **argv)
{
	int nrules = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 50;
	int ntickets = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1000;
	if (nrules < 1 || ntickets < 1)
		die("usage: triggers [RULES] [TICKETS]", NULL);
	char dir[] = "/tmp/mado-bench-triggers-XXXXXX", path[96];
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(path, sizeof path, "%s/mado.db", dir);
	struct store *s;
	struct mado_err e;
	if (store_open(path, 5000, &s, &e))
		die("open", &e);
	time_t now = 1795395600;

	/* rules */
	if (store_begin(s, &e))
		die("begin", &e);
	for (int i = 0; i < nrules; i++) {
		char cond[600], rule[800], name[32];
		rule_cond(i, cond, sizeof cond);
		snprintf(rule, sizeof rule, "{\"on\": [\"created\"], \"if\": %s, \"then\": [{\"add_tags\": [\"t%d\"]}]}", cond, i);
		snprintf(name, sizeof name, "trigger %d", i);
		int64_t id;
		if (store_rule_add(s, "trigger", name, true, rule, now, &id, &e))
			die("rule", &e);
		if (i % 5 == 0) {
			snprintf(rule, sizeof rule, "{\"if\": %s, \"priority\": \"%s\"}", cond, i % 2 ? "high" : "urgent");
			store_rule_add(s, "priority", name, true, rule, now, &id, &e);
			snprintf(rule, sizeof rule, "{\"if\": %s, \"category\": \"c%d\"}", cond, i);
			store_rule_add(s, "category", name, true, rule, now, &id, &e);
		}
	}
	/* tickets, each with one message */
	int64_t *ids = calloc((size_t)ntickets * 2, sizeof *ids);
	for (int i = 0; i < ntickets * 2; i++) {
		char email[64], subj[128], mid[64];
		snprintf(email, sizeof email, "c%d@example%d.co.jp", i % 300, i % 7);
		snprintf(subj, sizeof subj, i % 2 ? "【至急】ログインできません %d" : "Cannot log in, order stuck %d", i);
		snprintf(mid, sizeof mid, "b%d@bench", i);
		int64_t cust;
		bool created;
		if (store_customer_upsert(s, email, "", 0, now, &cust, &created, &e))
			die("customer", &e);
		struct store_ticket_new tn = { .subject = subj, .channel = "email", .customer_id = cust, .now = now };
		if (store_ticket_insert(s, &tn, &ids[i], &e))
			die("ticket", &e);
		struct store_message_new m = { .ticket_id = ids[i], .direction = "in", .message_id = mid, .raw_sha256 = mid,
			                           .source = "bench", .from_email = email, .from_name = "", .to_json = "[]",
			                           .cc_json = "[]", .references_json = "[]", .subject = subj,
			                           .in_reply_to = "", .body_text = i % 2 ? body_ja : body_en, .body_html = "",
			                           .kind = "normal", .hygiene_reasons = "", .thread_reason = "",
			                           .parse_notes = "", .now = now };
		int64_t row;
		if (store_message_insert(s, &m, &row, &e))
			die("message", &e);
	}
	if (store_commit(s, &e))
		die("commit", &e);
	/* (eval sets every tenth customer VIP and the language, as triage would) */

	{
		struct rule_set rs;
		if (rule_set_load(s, RULE_TRIGGER, &rs, &e))
			die("load", &e);
		struct triage_opts o;
		struct mado_config cfg;
		config_defaults(&cfg);
		triage_opts_from_config(&o, &cfg);
		struct rule_env env = { .now = now, .store = s, .business_hours = o.business_hours };

		/* eval only */
		double t0 = now_s();
		size_t matched = 0;
		for (int i = 0; i < ntickets; i++) {
			struct arena *a = arena_new();
			struct rule_ticket t;
			if (rules_ticket_load(s, a, ids[i], &t, &e))
				die("ticket load", &e);
			t.customer_tier = i % 10 ? "standard" : "vip";
			t.language = i % 2 ? "ja" : "en";
			for (size_t r = 0; r < rs.n; r++) {
				bool m;
				if (rule_match(rs.v[r], &t, &env, &m, NULL, NULL, &e))
					die("match", &e);
				matched += m;
			}
			arena_free(a);
		}
		double eval = (now_s() - t0) / ntickets * 1e6;
		rule_set_free(&rs);

		/* full runs */
		t0 = now_s();
		size_t fired = 0;
		for (int i = 0; i < ntickets; i++) {
			if (i % 100 == 0 && store_begin(s, &e))
				die("begin", &e);
			struct rules_run_stats st;
			if (rules_run_triggers(s, NULL, ids[i], RULE_ON_CREATED, &o, now, &st, &e))
				die("run", &e);
			fired += st.fired;
			if ((i % 100 == 99 || i == ntickets - 1) && store_commit(s, &e))
				die("commit", &e);
		}
		double run = (now_s() - t0) / ntickets * 1e6;

		/* the whole new-ticket pipeline */
		t0 = now_s();
		for (int i = ntickets; i < 2 * ntickets; i++) {
			if (i % 100 == 0 && store_begin(s, &e))
				die("begin", &e);
			if (triage_ticket_created(s, ids[i], &o, now, &e))
				die("triage", &e);
			if ((i % 100 == 99 || i == 2 * ntickets - 1) && store_commit(s, &e))
				die("commit", &e);
		}
		double triage = (now_s() - t0) / ntickets * 1e6;
		printf("triggers rules=%d tickets=%d eval_us=%.1f run_us=%.1f triage_us=%.1f matched_per_ticket=%.1f "
		       "fired_per_ticket=%.1f\n",
		       nrules, ntickets, eval, run, triage, (double)matched / ntickets, (double)fired / ntickets);
	}
	free(ids);
	store_close(s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
