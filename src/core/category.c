/*
 * Category (see category.h): rules first, because an admin's explicit
 * rule should beat a statistical guess; the classifier only fills a gap.
 */
#include "core/category.h"

#include <stdio.h>
#include <string.h>

mado_status category_decide(const struct rule_set *rs, const struct category_classifier *classifier,
                            const struct rule_ticket *t, const struct rule_env *env, struct category_result *out,
                            struct mado_err *err)
{
	memset(out, 0, sizeof *out);
	struct buf en, ja;
	buf_init(&en, 0);
	buf_init(&ja, 0);
	mado_status st = MADO_OK;
	size_t i;
	if ((st = rules_next_match(rs, 0, t, env, &en, &ja, &i, err)))
		goto out;
	if (rs && i < rs->n) {
		const struct rule *r = rs->v[i];
		snprintf(out->category, sizeof out->category, "%s", r->category);
		snprintf(out->why_en, sizeof out->why_en, "rule '%s'%s%s", r->name ? r->name : "", en.len ? ": " : "",
		         en.len ? en.p : "");
		snprintf(out->why_ja, sizeof out->why_ja, "ルール「%s」%s%s", r->name ? r->name : "", ja.len ? ": " : "",
		         ja.len ? ja.p : "");
		out->rule_id = r->id;
		goto out;
	}
	if (classifier && classifier->classify) {
		char c[CATEGORY_MAX] = "";
		double conf = 0;
		if ((st = classifier->classify(classifier->ctx, t, c, &conf, err)))
			goto out;
		c[CATEGORY_MAX - 1] = 0;
		if (*c && conf >= classifier->min_confidence) {
			snprintf(out->category, sizeof out->category, "%s", c);
			snprintf(out->why_en, sizeof out->why_en, "classifier (confidence %.2f)", conf);
			snprintf(out->why_ja, sizeof out->why_ja, "分類器 (確信度 %.2f)", conf);
		}
	}
out:
	buf_free(&en);
	buf_free(&ja);
	return st;
}
