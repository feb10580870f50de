/*
 * Priority on creation (see priority.h). Rule order matters only for the
 * order of the reasons: the level is a maximum, so adding a rule can never
 * lower what another raised.
 */
#include "core/priority.h"

#include <stdio.h>
#include <string.h>

const char *priority_name_ja(const char *level)
{
	static const char *const en[] = { "low", "normal", "high", "urgent" };
	static const char *const ja[] = { "低", "通常", "高", "緊急" };
	for (int i = 0; level && i < 4; i++)
		if (strcmp(level, en[i]) == 0)
			return ja[i];
	return level ? level : "";
}

static void join(struct buf *b, const char *s, size_t n)
{
	if (b->len)
		buf_append_str(b, " + ");
	buf_append(b, s, n);
}

mado_status priority_compute(const struct rule_set *rs, const struct rule_ticket *t, const struct rule_env *env,
                             struct priority_result *out, struct mado_err *err)
{
	memset(out, 0, sizeof *out);
	buf_init(&out->en, 0);
	buf_init(&out->ja, 0);
	int best = -1;
	struct buf en, ja;
	buf_init(&en, 0);
	buf_init(&ja, 0);
	mado_status st = MADO_OK;
	size_t i = 0, n = rs ? rs->n : 0;
	while ((st = rules_next_match(rs, i, t, env, &en, &ja, &i, err)) == MADO_OK && i < n) {
		const struct rule *r = rs->v[i++];
		out->matched++;
		int rank = store_priority_rank(r->priority);
		if (rank > best)
			best = rank;
		if (r->reason_en) {
			join(&out->en, r->reason_en, strlen(r->reason_en));
			join(&out->ja, r->reason_ja, strlen(r->reason_ja));
		} else if (en.len) {
			join(&out->en, en.p, en.len);
			join(&out->ja, ja.p, ja.len);
		} else {
			/* a rule without a condition: its name is the reason */
			const char *name = r->name ? r->name : "rule";
			join(&out->en, name, strlen(name));
			join(&out->ja, name, strlen(name));
		}
	}
	buf_free(&en);
	buf_free(&ja);
	static const char *const names[] = { "low", "normal", "high", "urgent" };
	snprintf(out->level, sizeof out->level, "%s", best < 0 ? "normal" : names[best]);
	if (st)
		priority_result_free(out);
	return st;
}

void priority_result_free(struct priority_result *r)
{
	buf_free(&r->en);
	buf_free(&r->ja);
}
