/*
 * Priority on creation: low, normal, high or urgent from the admin's
 * priority rules (customer tier, ticket type, keywords and patterns in
 * Japanese and English, repeat problems), with the reasons in English and
 * Japanese: "VIP customer + 'システム停止' in subject".
 *
 * Every enabled priority rule is evaluated in order. The priority is the
 * highest level among the rules that match (normal when none does, so a
 * "low" rule lowers only when nothing raises); the reason lists every
 * matching rule, in order, joined with " + " — each rule's fixed reason
 * when it has one, else the explanation of its condition.
 */
#ifndef MADO_CORE_PRIORITY_H
#define MADO_CORE_PRIORITY_H

#include "core/rules.h"

struct priority_result {
	char level[8];      /* "normal" when no rule matched */
	struct buf en, ja;  /* reasons; empty when no rule matched (owned: priority_result_free) */
	size_t matched;
};

mado_status priority_compute(const struct rule_set *rs, const struct rule_ticket *t, const struct rule_env *env,
                             struct priority_result *out, struct mado_err *err);
void priority_result_free(struct priority_result *r);

/* Japanese name of a priority ("urgent" → "緊急"); the input when unknown. */
const char *priority_name_ja(const char *level);

#endif
