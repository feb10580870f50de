/* Priority and category on creation (src/core/priority.c, category.c,
 * util/textfold.c), through the real intake: Japanese and English
 * keywords in any width, case or kana, VIP customers, repeat problems,
 * ticket type, the reasons stored and shown in the ticket JSON. */
#include "core/category.h"
#include "core/priority.h"
#include "core/view.h"
#include "tap.h"
#include "util/textfold.h"
#include "workflow_fixture.h"

static void fold_cases(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "URGENT", "urgent" },
		{ "ＵＲＧＥＮＴ　Ｄｏｗｎ", "urgent down" },
		{ "ｼｽﾃﾑ停止", "システム停止" },
		{ "しすてむ停止", "システム停止" },
		{ "ｶﾞｽ ﾊﾟﾝ ｳﾞｧ ﾎﾟ", "ガス パン ヴァ ポ" },
		{ "ﾃｽﾄﾞ", "テスド" },
		{ "至急", "至急" },
		{ "bad \xff\xfe bytes", "bad \xff\xfe bytes" },
		{ "trunc \xe3\x82", "trunc \xe3\x82" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *f = textfold_dup(cases[i].in);
		is_str(f, cases[i].want, "fold \"%s\"", cases[i].in);
		free(f);
	}
	ok(textfold_has_japanese("はい", 6) && !textfold_has_japanese("yes", 3), "Japanese text detected");
}

/* A classifier for the hook: says "shipping" when the body mentions a
 * parcel, with the confidence given in ctx. */
static mado_status parcel_classifier(void *ctx, const struct rule_ticket *t, char *category, double *confidence,
                                     struct mado_err *err)
{
	if (strstr(t->body, "parcel")) {
		snprintf(category, CATEGORY_MAX, "shipping");
		*confidence = *(double *)ctx;
	}
	return MADO_OK;
}

int main(void)
{
	fold_cases();

	struct fx f;
	fx_open(&f);
	fx_rule(&f, "priority", "VIP customers", "{\"if\": {\"field\": \"customer.tier\", \"value\": \"vip\"}, \"priority\": \"high\"}");
	fx_rule(&f, "priority", "Outage words",
	        "{\"if\": {\"field\": \"text\", \"op\": \"contains\", "
	        "\"value\": [\"システム停止\", \"至急\", \"urgent\", \"down\"]}, \"priority\": \"urgent\"}");
	fx_rule(&f, "priority", "Repeat problems",
	        "{\"if\": {\"field\": \"customer.recent_tickets\", \"op\": \"gte\", \"value\": 3, \"days\": 7}, "
	        "\"priority\": \"high\"}");
	fx_rule(&f, "priority", "Newsletters",
	        "{\"if\": {\"field\": \"subject\", \"op\": \"regex\", \"value\": \"^(newsletter|メルマガ)\\\\b\"}, "
	        "\"priority\": \"low\", \"reason\": {\"en\": \"newsletter\", \"ja\": \"メルマガ\"}}");
	fx_rule(&f, "category", "Billing", "{\"if\": {\"field\": \"text\", \"op\": \"contains\", \"value\": [\"請求\", \"invoice\"]}, \"category\": \"billing\"}");

	/* a VIP customer writes with a half-width katakana keyword */
	int64_t t0 = fx_mail(&f, "Sato <sato@bigcorp.co.jp>", "first contact", "hello");
	struct store_ticket t = fx_ticket(&f, t0);
	is_str(t.priority, "normal", "no rule matches: normal");
	is_str(t.priority_reason, "", "…and no reason");
	fx_exec(&f, "UPDATE customers SET tier = 'vip' WHERE email = 'sato@bigcorp.co.jp'");
	int64_t t1 = fx_mail(&f, "Sato <sato@bigcorp.co.jp>", "【お知らせ】ｼｽﾃﾑ停止が発生", "本番環境が止まりました。");
	t = fx_ticket(&f, t1);
	is_str(t.priority, "urgent", "VIP + half-width 'ｼｽﾃﾑ停止': urgent");
	is_str(t.priority_reason, "VIP customer + 'システム停止' in subject", "English reason");
	is_str(t.priority_reason_ja, "VIP顧客 + 件名に「システム停止」", "Japanese reason");
	is_str(t.language, "ja", "language guessed from the text: ja");
	json_t *j = view_ticket(&t);
	is_str(json_string_value(json_object_get(json_object_get(j, "priority_reason"), "en")),
	       "urgent: VIP customer + 'システム停止' in subject", "ticket JSON shows the reason (en)");
	is_str(json_string_value(json_object_get(json_object_get(j, "priority_reason"), "ja")),
	       "緊急: VIP顧客 + 件名に「システム停止」", "ticket JSON shows the reason (ja)");
	json_decref(j);
	is_int(fx_int(&f, "SELECT count(*) FROM events WHERE ticket_id = ?1 AND kind = 'triage' AND field = 'priority'", t1),
	       1, "the decision is an event");
	is_str(fx_text(&f, "SELECT old_value || '>' || new_value FROM events WHERE ticket_id = ?1 AND kind = 'field' AND field = 'priority'", t1),
	       "normal>urgent", "…and the change too");

	/* English keyword in full width capitals, in the body only */
	int64_t t2 = fx_mail(&f, "bob@example.net", "Login page", "Our site is ＤＯＷＮ since 9am");
	t = fx_ticket(&f, t2);
	is_str(t.priority, "urgent", "full-width 'ＤＯＷＮ' in the body: urgent");
	is_str(t.priority_reason, "'down' in body", "…reason names the keyword and where");
	is_str(t.priority_reason_ja, "本文に「down」", "…in Japanese too");
	is_str(t.language, "en", "English text: en");

	/* hiragana spelling of a katakana keyword */
	int64_t t3 = fx_mail(&f, "kato@example.net", "しすてむ停止について", "ご確認ください");
	is_str(fx_ticket(&f, t3).priority, "urgent", "hiragana 'しすてむ停止' matches 'システム停止'");

	/* case-insensitive English subject */
	int64_t t4 = fx_mail(&f, "amy@example.net", "URGENT: cannot pay", "the invoice page fails");
	t = fx_ticket(&f, t4);
	is_str(t.priority_reason, "'urgent' in subject", "'URGENT' matches 'urgent'");
	is_str(t.category, "billing", "category rule: 'invoice' → billing");

	/* repeat problems: the third ticket in 7 days from one customer */
	int64_t r1 = fx_mail(&f, "rep@example.net", "printer jam", "again");
	int64_t r2 = fx_mail(&f, "rep@example.net", "printer jam 2", "again");
	int64_t r3 = fx_mail(&f, "rep@example.net", "printer jam 3", "again");
	is_str(fx_ticket(&f, r1).priority, "normal", "first ticket of a customer: normal");
	is_str(fx_ticket(&f, r2).priority, "normal", "second: normal");
	t = fx_ticket(&f, r3);
	is_str(t.priority, "high", "third within 7 days: high");
	is_str(t.priority_reason, "3 tickets from this customer in 7 days", "…with the count as reason");
	is_str(t.priority_reason_ja, "7日間にこの顧客から3件", "…in Japanese");
	int64_t r4 = fx_mail_at(&f, "rep@example.net", "printer jam 4", "again", 1795000000 + 30 * 86400);
	is_str(fx_ticket(&f, r4).priority, "normal", "a month later the window is empty again");

	/* a low rule lowers only when nothing raises; fixed reasons */
	int64_t n1 = fx_mail(&f, "news@example.net", "Newsletter November", "news");
	t = fx_ticket(&f, n1);
	is_str(t.priority, "low", "newsletter regex: low");
	is_str(t.priority_reason, "newsletter", "fixed reason text");
	int64_t n2 = fx_mail(&f, "news@example.net", "Newsletter: site down", "news");
	is_str(fx_ticket(&f, n2).priority, "urgent", "low and urgent both match: urgent wins");

	/* ticket type: a rule on type, evaluated through the dry run */
	fx_exec(&f, "UPDATE tickets SET type = 'incident' WHERE id = 1");
	struct rule *cand;
	struct mado_err e;
	const char *tj = "{\"if\": {\"field\": \"type\", \"value\": \"incident\"}, \"priority\": \"high\"}";
	ok(rule_parse(tj, strlen(tj), RULE_PRIORITY, &cand, &e) == MADO_OK, "type rule parses");
	json_t *dry = NULL;
	ok(triage_dry_run(f.s, 1, -1, cand, RULE_ON_CREATED, &f.opts, 1795000000, &dry, &e) == MADO_OK, "dry run");
	json_t *r0 = json_array_get(json_object_get(dry, "rules"), 0);
	ok(json_is_true(json_object_get(r0, "matches")), "dry run: the type rule matches the incident");
	is_str(json_string_value(json_object_get(json_object_get(r0, "why"), "en")), "type is incident", "…and says why");
	json_decref(dry);
	rule_free(cand);

	/* category: rules first, then the classifier hook over its threshold */
	struct rule_set rs;
	ok(rule_set_load(f.s, RULE_CATEGORY, &rs, &e) == MADO_OK && rs.n == 1, "category rules load");
	double conf = 0.9;
	struct category_classifier cl = { parcel_classifier, &conf, 0.5 };
	struct rule_ticket rt = { .subject = "where is my parcel", .body = "parcel missing", .status = "new" };
	struct rule_env env = { .now = 1795000000 };
	struct category_result cr;
	ok(category_decide(&rs, &cl, &rt, &env, &cr, &e) == MADO_OK, "decide");
	is_str(cr.category, "shipping", "no rule matched: the classifier's answer");
	conf = 0.3;
	category_decide(&rs, &cl, &rt, &env, &cr, &e);
	is_str(cr.category, "", "below min_confidence: no category");
	rt.body = "parcel and 請求書";
	conf = 0.9;
	category_decide(&rs, &cl, &rt, &env, &cr, &e);
	is_str(cr.category, "billing", "a rule beats the classifier");
	is_str(cr.why_en, "rule 'Billing': '請求' in body", "…with the rule named in the reason");
	rule_set_free(&rs);

	fx_close(&f);
	return done_testing();
}
