/*
 * Category: the first enabled category rule that matches names the
 * ticket's category; when none does, a classifier may (the hook for the
 * learned classifier of a later issue: character n-grams trained on the
 * team's resolved tickets, in src/intel/). The classifier's answer counts
 * only at or above its min_confidence.
 */
#ifndef MADO_CORE_CATEGORY_H
#define MADO_CORE_CATEGORY_H

#include "core/rules.h"

#define CATEGORY_MAX 65

/* Fill category (NUL-terminated, at most CATEGORY_MAX bytes with the NUL)
 * and *confidence 0..1, or leave category "" when it has no answer. */
typedef mado_status (*category_classify_fn)(void *ctx, const struct rule_ticket *t, char *category,
                                            double *confidence, struct mado_err *err);
struct category_classifier {
	category_classify_fn classify;
	void *ctx;
	double min_confidence;
};

struct category_result {
	char category[CATEGORY_MAX];   /* "" = none */
	char why_en[300], why_ja[300];
	int64_t rule_id;               /* 0: from the classifier or none */
};

/* classifier may be NULL. */
mado_status category_decide(const struct rule_set *rs, const struct category_classifier *classifier,
                            const struct rule_ticket *t, const struct rule_env *env, struct category_result *out,
                            struct mado_err *err);

#endif
