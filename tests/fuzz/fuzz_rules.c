/* libFuzzer target: the rule JSON parser (src/core/rules.c), the weekly
 * hours parser (src/core/hours.c) and text folding. The first byte picks
 * the rule kind; a rule that parses is then evaluated against a ticket
 * whose texts are the input itself, so that evaluation (regex limits,
 * folding, explanations) is fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "core/rules.h"
#include "util/textfold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	enum rule_kind kind = (enum rule_kind)(data[0] % RULE_NKINDS);
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	char *text = malloc(len + 1);
	if (!text)
		return 0;
	memcpy(text, s, len);
	text[len] = 0;

	struct rule *r = NULL;
	struct mado_err err;
	if (rule_parse(s, len, kind, &r, &err) == MADO_OK) {
		struct rule_ticket t = { .subject = text, .body = text, .status = "new", .priority = "normal",
			                     .type = "question", .channel = "email", .category = "", .language = "ja",
			                     .group = "", .assignee = "", .tags = text, .to = text, .customer_email = "a@b",
			                     .customer_name = text, .customer_tier = "vip", .customer_language = "",
			                     .org_domain = "", .org_name = "", .org_tier = "" };
		struct rule_env env = { .now = 1795395600, .business_hours = "mon-fri 09:00-18:00 +09:00" };
		struct buf en, ja;
		buf_init(&en, 0);
		buf_init(&ja, 0);
		bool m;
		rule_match(r, &t, &env, &m, &en, &ja, &err);
		buf_free(&en);
		buf_free(&ja);
		rule_free(r);
	}
	bool in;
	hours_within(text, 1795395600, &in, &err);
	free(textfold_dup(text));
	free(text);
	return 0;
}
