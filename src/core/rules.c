/*
 * Rules: parsing (JSON → struct rule) and evaluation with explanations.
 *
 * A condition is a small tree: all/any/not nodes over leaves. A leaf
 * names a field of struct rule_ticket (or a computed one: the customer's
 * recent tickets, the time, business hours), an operator and values. The
 * values are folded (util/textfold.h) when the rule is parsed, and the
 * ticket's text when it is evaluated, so matching ignores case, width and
 * kana kind without per-match work on the rule side.
 *
 * Each leaf that holds appends why to two buffers, English and Japanese:
 * "'システム停止' in subject" / "件名に「システム停止」". An "all" joins
 * its children's reasons with " + "; an "any" gives the first that held;
 * a "not" gives none (what did not happen is no reason). The reasons are
 * what priority shows on the ticket and what the dry run shows an admin.
 *
 * Regular expressions are PCRE2 (UTF, caseless), compiled once per parse,
 * capped at RULES_MAX_REGEX bytes, and matched under a match limit and a
 * depth limit over at most RULES_MAX_TEXT bytes, so a hostile pattern
 * costs bounded time. A match that hits a limit is "no match".
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/rules.h"

#include <jansson.h>
#include <pcre2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"
#include "store/store_workflow.h"
#include "util/textfold.h"

/* ---- names ---- */

static const char *const kind_names[RULE_NKINDS] = { "priority", "category", "routing", "trigger" };

const char *rule_kind_name(enum rule_kind k)
{
	return k < RULE_NKINDS ? kind_names[k] : "?";
}

int rule_kind_parse(const char *s)
{
	for (int i = 0; s && i < RULE_NKINDS; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

static const struct {
	enum rule_event ev;
	const char *name;
} event_names[] = {
	{ RULE_ON_CREATED, "created" },
	{ RULE_ON_UPDATED, "updated" },
	{ RULE_ON_CUSTOMER_REPLIED, "customer_replied" },
};

const char *rule_event_name(enum rule_event e)
{
	for (size_t i = 0; i < sizeof event_names / sizeof event_names[0]; i++)
		if (event_names[i].ev == e)
			return event_names[i].name;
	return "?";
}

/* ---- fields ---- */

enum field_kind {
	FK_TEXT,     /* free text: contains, regex, is */
	FK_WORD,     /* one value: is, in, contains, regex */
	FK_LIST,     /* comma list: is (has element), contains */
	FK_PRIORITY, /* a word with an order: also gte/lte */
	FK_COUNT,    /* customer.recent_tickets: gte/lte */
	FK_TIME,     /* now: within */
	FK_BHOURS,   /* business_hours: is true/false */
};

enum field_id {
	F_SUBJECT, F_BODY, F_TEXT, F_STATUS, F_PRIORITY, F_TYPE, F_CHANNEL, F_CATEGORY, F_LANGUAGE, F_GROUP,
	F_ASSIGNEE, F_TAGS, F_TO, F_CUST_EMAIL, F_CUST_NAME, F_CUST_TIER, F_CUST_LANG, F_ORG_DOMAIN, F_ORG_NAME,
	F_ORG_TIER, F_RECENT, F_TIME, F_BHOURS, F_CUSTOM, F_NFIELDS
};

#define TF(m) offsetof(struct rule_ticket, m)
static const struct field {
	const char *name;
	enum field_kind kind;
	size_t off;          /* of the const char * in struct rule_ticket; 0 for computed */
	const char *en, *ja; /* label */
} fields[F_NFIELDS] = {
	[F_SUBJECT] = { "subject", FK_TEXT, TF(subject), "subject", "件名" },
	[F_BODY] = { "body", FK_TEXT, TF(body), "body", "本文" },
	[F_TEXT] = { "text", FK_TEXT, 0, "subject or body", "件名・本文" },
	[F_STATUS] = { "status", FK_WORD, TF(status), "status", "ステータス" },
	[F_PRIORITY] = { "priority", FK_PRIORITY, TF(priority), "priority", "優先度" },
	[F_TYPE] = { "type", FK_WORD, TF(type), "type", "種別" },
	[F_CHANNEL] = { "channel", FK_WORD, TF(channel), "channel", "チャネル" },
	[F_CATEGORY] = { "category", FK_WORD, TF(category), "category", "カテゴリ" },
	[F_LANGUAGE] = { "language", FK_WORD, TF(language), "language", "言語" },
	[F_GROUP] = { "group", FK_WORD, TF(group), "group", "グループ" },
	[F_ASSIGNEE] = { "assignee", FK_WORD, TF(assignee), "assignee", "担当者" },
	[F_TAGS] = { "tags", FK_LIST, TF(tags), "tags", "タグ" },
	[F_TO] = { "to", FK_LIST, TF(to), "recipients", "宛先" },
	[F_CUST_EMAIL] = { "customer.email", FK_WORD, TF(customer_email), "customer email", "顧客のメール" },
	[F_CUST_NAME] = { "customer.name", FK_TEXT, TF(customer_name), "customer name", "顧客名" },
	[F_CUST_TIER] = { "customer.tier", FK_WORD, TF(customer_tier), "customer tier", "顧客ランク" },
	[F_CUST_LANG] = { "customer.language", FK_WORD, TF(customer_language), "customer language", "顧客の言語" },
	[F_ORG_DOMAIN] = { "organization.domain", FK_WORD, TF(org_domain), "organisation domain", "組織のドメイン" },
	[F_ORG_NAME] = { "organization.name", FK_TEXT, TF(org_name), "organisation name", "組織名" },
	[F_ORG_TIER] = { "organization.tier", FK_WORD, TF(org_tier), "organisation tier", "組織ランク" },
	[F_RECENT] = { "customer.recent_tickets", FK_COUNT, 0, "recent tickets", "最近のチケット数" },
	[F_TIME] = { "time", FK_TIME, 0, "time", "時刻" },
	[F_BHOURS] = { "business_hours", FK_BHOURS, 0, "business hours", "営業時間" },
	[F_CUSTOM] = { "custom.", FK_WORD, 0, "custom field", "カスタム項目" },  /* "custom.<key>" */
};

static const char *field_value(const struct rule_ticket *t, enum field_id f)
{
	const char *v = *(const char *const *)((const char *)t + fields[f].off);
	return v ? v : "";
}

/* ---- conditions ---- */

enum op { OP_IS, OP_IS_NOT, OP_IN, OP_CONTAINS, OP_NOT_CONTAINS, OP_REGEX, OP_GTE, OP_LTE, OP_WITHIN };
static const char *const op_names[] = { "is", "is_not", "in", "contains", "not_contains", "regex", "gte", "lte",
	                                    "within" };
#define NOPS (sizeof op_names / sizeof op_names[0])

enum cond_type { C_ALL, C_ANY, C_NOT, C_LEAF };

struct rule_cond {
	enum cond_type type;
	struct rule_cond **kids;
	size_t nkids;
	/* leaf */
	enum field_id field;
	enum op op;
	char **values, **folded;
	pcre2_code **re;
	size_t nvalues;
	int64_t number;     /* gte/lte */
	int days;           /* customer.recent_tickets window */
	char *custom_key;   /* F_CUSTOM: the custom field's key */
	bool flag;          /* business_hours */
	char *calendar;     /* business_hours: of this calendar (NULL: the ticket's SLA calendar) */
};

static bool op_allowed(enum field_kind k, enum op op)
{
	switch (k) {
	case FK_TEXT:
		return op == OP_CONTAINS || op == OP_NOT_CONTAINS || op == OP_REGEX || op == OP_IS || op == OP_IS_NOT;
	case FK_WORD:
	case FK_LIST:
		return op <= OP_REGEX;
	case FK_PRIORITY:
		return op <= OP_REGEX || op == OP_GTE || op == OP_LTE;
	case FK_COUNT:
		return op == OP_GTE || op == OP_LTE;
	case FK_TIME:
		return op == OP_WITHIN;
	case FK_BHOURS:
		return op == OP_IS;
	}
	return false;
}

static void cond_free(struct rule_cond *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nkids; i++)
		cond_free(c->kids[i]);
	free(c->kids);
	for (size_t i = 0; i < c->nvalues; i++) {
		free(c->values[i]);
		if (c->folded)
			free(c->folded[i]);
		if (c->re && c->re[i])
			pcre2_code_free(c->re[i]);
	}
	free(c->values);
	free(c->folded);
	free(c->re);
	free(c->custom_key);
	free(c->calendar);
	free(c);
}

struct parse {
	size_t nconds;
	struct mado_err *err;
};

static bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
			return false;
	return true;
}

static mado_status leaf_values(struct parse *p, struct rule_cond *c, json_t *v)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	if (n == 0 || n > RULES_MAX_VALUES)
		return mado_fail(p->err, MADO_ELIMIT, "a condition takes 1 to %d values", RULES_MAX_VALUES);
	c->values = calloc(n, sizeof *c->values);
	c->folded = calloc(n, sizeof *c->folded);
	c->re = calloc(n, sizeof *c->re);
	if (!c->values || !c->folded || !c->re)
		return mado_fail(p->err, MADO_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		const char *s = json_string_value(e);
		if (!s || !text_ok(s, c->op == OP_REGEX ? RULES_MAX_REGEX : RULES_MAX_STRING))
			return mado_fail(p->err, MADO_EINVAL,
			                 "condition on %s: values must be non-empty strings of at most %d bytes without "
			                 "control characters",
			                 fields[c->field].name, c->op == OP_REGEX ? RULES_MAX_REGEX : RULES_MAX_STRING);
		if (!(c->values[i] = strdup(s)) || !(c->folded[i] = textfold_dup(s))) {
			c->nvalues = i + 1;
			return mado_fail(p->err, MADO_ENOMEM, "out of memory");
		}
		c->nvalues = i + 1;
		if (c->op == OP_REGEX) {
			int ec;
			PCRE2_SIZE off;
			c->re[i] = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
			                         PCRE2_UTF | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
			if (!c->re[i]) {
				PCRE2_UCHAR msg[120];
				pcre2_get_error_message(ec, msg, sizeof msg);
				return mado_fail(p->err, MADO_EINVAL, "regex /%.60s/ at %zu: %s", s, (size_t)off, (char *)msg);
			}
		}
		if (c->op == OP_WITHIN && hours_check_spec(s, p->err))
			return MADO_EINVAL;
	}
	return MADO_OK;
}

static mado_status parse_leaf(struct parse *p, json_t *j, struct rule_cond *c)
{
	const char *key;
	json_t *val;
	json_object_foreach(j, key, val) {
		if (strcmp(key, "field") && strcmp(key, "op") && strcmp(key, "value") && strcmp(key, "days") &&
		    strcmp(key, "calendar"))
			return mado_fail(p->err, MADO_EINVAL, "unknown key \"%.40s\" in a condition", key);
	}
	const char *f = json_string_value(json_object_get(j, "field"));
	const char *op = json_string_value(json_object_get(j, "op"));
	json_t *v = json_object_get(j, "value");
	if (!f || !v)
		return mado_fail(p->err, MADO_EINVAL, "a condition needs \"field\" and \"value\" (or all/any/not)");
	size_t i;
	for (i = 0; i < F_CUSTOM && strcmp(fields[i].name, f); i++)
		;
	if (i == F_CUSTOM && strncmp(f, "custom.", 7) == 0) {
		size_t kl = strspn(f + 7, "abcdefghijklmnopqrstuvwxyz0123456789_");
		if (kl == 0 || kl > 64 || f[7 + kl])
			return mado_fail(p->err, MADO_EINVAL, "custom.<key>: a custom field key of a-z 0-9 _");
		if (!(c->custom_key = strdup(f + 7)))
			return mado_fail(p->err, MADO_ENOMEM, "out of memory");
	} else if (i == F_CUSTOM) {
		return mado_fail(p->err, MADO_EINVAL, "unknown field \"%.40s\"", f);
	}
	c->field = (enum field_id)i;
	const struct field *fd = &fields[i];
	if (!op)
		op = fd->kind == FK_TIME ? "within" : fd->kind == FK_COUNT ? "gte" : "is";
	for (i = 0; i < NOPS && strcmp(op_names[i], op); i++)
		;
	if (i == NOPS || !op_allowed(fd->kind, (enum op)i))
		return mado_fail(p->err, MADO_EINVAL, "operator \"%.20s\" does not apply to %s", op, fd->name);
	c->op = (enum op)i;
	json_t *days = json_object_get(j, "days");
	if (days && (fd->kind != FK_COUNT || !json_is_integer(days) || json_integer_value(days) < 1 ||
	             json_integer_value(days) > 365))
		return mado_fail(p->err, MADO_EINVAL, "\"days\" is 1..365, for customer.recent_tickets only");
	c->days = days ? (int)json_integer_value(days) : 30;
	json_t *cal = json_object_get(j, "calendar");
	if (cal && (fd->kind != FK_BHOURS || !json_is_string(cal) || !text_ok(json_string_value(cal), 200) ||
	            strchr(json_string_value(cal), '\n')))
		return mado_fail(p->err, MADO_EINVAL, "\"calendar\" is a calendar's name, for business_hours only");
	if (fd->kind == FK_BHOURS) {
		if (!json_is_boolean(v))
			return mado_fail(p->err, MADO_EINVAL, "business_hours takes true or false");
		c->flag = json_is_true(v);
		if (cal && !(c->calendar = strdup(json_string_value(cal))))
			return mado_fail(p->err, MADO_ENOMEM, "out of memory");
		return MADO_OK;
	}
	if (fd->kind == FK_COUNT || ((c->op == OP_GTE || c->op == OP_LTE) && json_is_integer(v))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
			return mado_fail(p->err, MADO_EINVAL, "%s %s takes a number 0..1000000", fd->name, op);
		c->number = json_integer_value(v);
		return MADO_OK;
	}
	if (c->op != OP_IN && json_is_array(v) && c->op != OP_CONTAINS && c->op != OP_REGEX && c->op != OP_NOT_CONTAINS)
		return mado_fail(p->err, MADO_EINVAL, "operator %s takes one value (use \"in\" for a list)", op);
	mado_status st = leaf_values(p, c, v);
	if (st)
		return st;
	if (fd->kind == FK_PRIORITY && (c->op == OP_GTE || c->op == OP_LTE)) {
		if ((c->number = store_priority_rank(c->values[0])) < 0)
			return mado_fail(p->err, MADO_EINVAL, "priority is low, normal, high or urgent");
	}
	return MADO_OK;
}

static mado_status parse_cond(struct parse *p, json_t *j, int depth, struct rule_cond **out)
{
	*out = NULL;
	if (depth > RULES_MAX_DEPTH)
		return mado_fail(p->err, MADO_ELIMIT, "conditions nest deeper than %d", RULES_MAX_DEPTH);
	if (++p->nconds > RULES_MAX_CONDS)
		return mado_fail(p->err, MADO_ELIMIT, "more than %d conditions in one rule", RULES_MAX_CONDS);
	if (!json_is_object(j))
		return mado_fail(p->err, MADO_EINVAL, "a condition is an object");
	struct rule_cond *c = calloc(1, sizeof *c);
	if (!c)
		return mado_fail(p->err, MADO_ENOMEM, "out of memory");
	*out = c;
	json_t *all = json_object_get(j, "all"), *any = json_object_get(j, "any"), *not = json_object_get(j, "not");
	if (!all && !any && !not) {
		c->type = C_LEAF;
		return parse_leaf(p, j, c);
	}
	if (json_object_size(j) != 1)
		return mado_fail(p->err, MADO_EINVAL, "all/any/not stand alone in their object");
	if (not) {
		c->type = C_NOT;
		if (!(c->kids = calloc(1, sizeof *c->kids)))
			return mado_fail(p->err, MADO_ENOMEM, "out of memory");
		c->nkids = 1;
		return parse_cond(p, not, depth + 1, &c->kids[0]);
	}
	json_t *arr = all ? all : any;
	c->type = all ? C_ALL : C_ANY;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return mado_fail(p->err, MADO_EINVAL, "all/any take a non-empty array of conditions");
	if (json_array_size(arr) > RULES_MAX_CONDS)
		return mado_fail(p->err, MADO_ELIMIT, "more than %d conditions in one rule", RULES_MAX_CONDS);
	if (!(c->kids = calloc(json_array_size(arr), sizeof *c->kids)))
		return mado_fail(p->err, MADO_ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		c->nkids = i + 1;
		mado_status st = parse_cond(p, json_array_get(arr, i), depth + 1, &c->kids[i]);
		if (st)
			return st;
	}
	return MADO_OK;
}

/* ---- actions ---- */

static const char *const statuses[] = { "new", "open", "pending", "on-hold", "resolved", "closed", NULL };
static const char *const priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *const types[] = { "question", "incident", "request", "problem", "alarm", NULL };

static bool in_list(const char *v, const char *const *list)
{
	for (size_t i = 0; v && list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return true;
	return false;
}

/* Category names and tags: 1..64 of [a-z0-9._:-]. */
static bool word_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == ':' ||
		      ch == '-'))
			return false;
	}
	return true;
}

/* http(s) URL without spaces, quotes or control characters. */
static bool url_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 8 || n > 2000 || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>')
			return false;
	return true;
}

/* A mail subject: no line breaks (no header injection). */
static bool line_ok(const char *s, size_t max)
{
	return s && text_ok(s, max) && !strpbrk(s, "\r\n");
}

static mado_status set_strings(struct rule_action *a, json_t *arr, bool (*ok)(const char *), const char *what,
                               struct mado_err *err)
{
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > RULES_MAX_VALUES)
		return mado_fail(err, MADO_EINVAL, "%s takes a non-empty array", what);
	if (!(a->values = calloc(json_array_size(arr), sizeof *a->values)))
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (!s || !ok(s))
			return mado_fail(err, MADO_EINVAL, "%s: bad value", what);
		if (!(a->values[i] = strdup(s)))
			return mado_fail(err, MADO_ENOMEM, "out of memory");
		a->nvalues = i + 1;
	}
	return MADO_OK;
}

static bool email_ok(const char *s)
{
	return s && strlen(s) <= 254 && strchr(s, '@') && line_ok(s, 254);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* One action object, e.g. {"set": {"priority": "high"}} — set may give
 * several fields, each its own action. */
static mado_status parse_action(json_t *j, struct rule *r, struct mado_err *err)
{
	if (!json_is_object(j) || json_object_size(j) != 1)
		return mado_fail(err, MADO_EINVAL, "an action is an object with one key");
	const char *k = json_object_iter_key(json_object_iter(j));
	json_t *v = json_object_iter_value(json_object_iter(j));
	if (strcmp(k, "set") == 0) {
		if (!json_is_object(v) || json_object_size(v) == 0)
			return mado_fail(err, MADO_EINVAL, "set takes an object of fields");
		const char *f;
		json_t *fv;
		json_object_foreach(v, f, fv) {
			const char *s = json_string_value(fv);
			bool ok = !strcmp(f, "status")     ? in_list(s, statuses)
			          : !strcmp(f, "priority") ? in_list(s, priorities)
			          : !strcmp(f, "type")     ? in_list(s, types)
			          : !strcmp(f, "category") ? word_ok(s)
			                                   : false;
			if (!ok)
				return mado_fail(err, MADO_EINVAL, "set: bad field or value \"%.40s\"", f);
			if (r->nactions == RULES_MAX_ACTIONS)
				return mado_fail(err, MADO_ELIMIT, "more than %d actions", RULES_MAX_ACTIONS);
			struct rule_action *a = &r->actions[r->nactions++];
			a->type = ACT_SET;
			if (!(a->field = strdup(f)) || !(a->value = strdup(s)))
				return mado_fail(err, MADO_ENOMEM, "out of memory");
		}
		return MADO_OK;
	}
	if (r->nactions == RULES_MAX_ACTIONS)
		return mado_fail(err, MADO_ELIMIT, "more than %d actions", RULES_MAX_ACTIONS);
	struct rule_action *a = &r->actions[r->nactions++];
	const char *s = json_string_value(v);
	if (strcmp(k, "assign") == 0) {
		a->type = ACT_ASSIGN;
		char idbuf[24];
		if (json_is_integer(v) && json_integer_value(v) > 0) {
			snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(v));
			s = idbuf;
		} else if (!s || (strcmp(s, "auto") && !email_ok(s))) {
			return mado_fail(err, MADO_EINVAL, "assign takes an agent email, an agent id or \"auto\"");
		}
		a->value = strdup(s);
	} else if (strcmp(k, "group") == 0) {
		a->type = ACT_GROUP;
		if (!s || !line_ok(s, 100))
			return mado_fail(err, MADO_EINVAL, "group takes a group name");
		a->value = strdup(s);
	} else if (strcmp(k, "add_tags") == 0 || strcmp(k, "remove_tags") == 0) {
		a->type = k[0] == 'a' ? ACT_ADD_TAGS : ACT_REMOVE_TAGS;
		return set_strings(a, v, word_ok, k, err);
	} else if (strcmp(k, "note") == 0) {
		a->type = ACT_NOTE;
		if (!s || !text_ok(s, 10000))
			return mado_fail(err, MADO_EINVAL, "note takes a text of at most 10000 bytes");
		a->value = strdup(s);
	} else if (strcmp(k, "notify") == 0) {
		a->type = ACT_NOTIFY;
		const char *msg = json_string_value(json_object_get(v, "message"));
		if (!json_is_object(v) || json_object_size(v) > 2 || (msg && !text_ok(msg, 2000)))
			return mado_fail(err, MADO_EINVAL, "notify takes {\"agents\": [emails], \"message\": text}");
		if (set_strings(a, json_object_get(v, "agents"), email_ok, "notify.agents", err))
			return MADO_EINVAL;
		a->value = dup_or_null(msg ? msg : "");
	} else if (strcmp(k, "webhook") == 0) {
		a->type = ACT_WEBHOOK;
		if (!url_ok(s))
			return mado_fail(err, MADO_EINVAL, "webhook takes an http(s) URL");
		a->value = strdup(s);
	} else if (strcmp(k, "mail") == 0) {
		a->type = ACT_MAIL;
		const char *subj = json_string_value(json_object_get(v, "subject"));
		const char *body = json_string_value(json_object_get(v, "body"));
		if (!json_is_object(v) || json_object_size(v) != 2 || !line_ok(subj, 200) || !body ||
		    !text_ok(body, 64 * 1024))
			return mado_fail(err, MADO_EINVAL,
			                 "mail takes {\"subject\": one line, \"body\": text} (sent to the requester)");
		a->field = strdup(subj);
		a->value = strdup(body);
		if (!a->field)
			return mado_fail(err, MADO_ENOMEM, "out of memory");
	} else {
		r->nactions--;
		return mado_fail(err, MADO_EINVAL, "unknown action \"%.40s\"", k);
	}
	if (!a->value)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	return MADO_OK;
}

/* ---- rules ---- */

void rule_free(struct rule *r)
{
	if (!r)
		return;
	free(r->name);
	cond_free(r->cond);
	free(r->priority);
	free(r->reason_en);
	free(r->reason_ja);
	free(r->category);
	free(r->group);
	for (size_t i = 0; i < r->nactions; i++) {
		free(r->actions[i].field);
		free(r->actions[i].value);
		for (size_t k = 0; k < r->actions[i].nvalues; k++)
			free(r->actions[i].values[k]);
		free(r->actions[i].values);
	}
	free(r->actions);
	free(r);
}

static const char *const keys_by_kind[RULE_NKINDS][4] = {
	[RULE_PRIORITY] = { "if", "priority", "reason", NULL },
	[RULE_CATEGORY] = { "if", "category", NULL },
	[RULE_ROUTING] = { "if", "group", NULL },
	[RULE_TRIGGER] = { "if", "on", "then", NULL },
};

static mado_status parse_kind_part(json_t *j, struct rule *r, struct mado_err *err)
{
	switch (r->kind) {
	case RULE_PRIORITY: {
		const char *p = json_string_value(json_object_get(j, "priority"));
		if (!in_list(p, priorities))
			return mado_fail(err, MADO_EINVAL, "a priority rule needs \"priority\": low, normal, high or urgent");
		r->priority = strdup(p);
		json_t *why = json_object_get(j, "reason");
		if (why) {
			const char *en = json_string_value(json_object_get(why, "en"));
			const char *ja = json_string_value(json_object_get(why, "ja"));
			if (!json_is_object(why) || json_object_size(why) != 2 || !line_ok(en, 200) || !line_ok(ja, 200))
				return mado_fail(err, MADO_EINVAL, "\"reason\" is {\"en\": text, \"ja\": text}");
			r->reason_en = strdup(en);
			r->reason_ja = strdup(ja);
		}
		return MADO_OK;
	}
	case RULE_CATEGORY: {
		const char *c = json_string_value(json_object_get(j, "category"));
		if (!word_ok(c))
			return mado_fail(err, MADO_EINVAL, "a category rule needs \"category\": 1-64 of a-z 0-9 . _ : -");
		r->category = strdup(c);
		return MADO_OK;
	}
	case RULE_ROUTING: {
		const char *g = json_string_value(json_object_get(j, "group"));
		if (!line_ok(g, 100))
			return mado_fail(err, MADO_EINVAL, "a routing rule needs \"group\": a group name");
		r->group = strdup(g);
		return MADO_OK;
	}
	case RULE_TRIGGER: {
		json_t *on = json_object_get(j, "on"), *then = json_object_get(j, "then");
		r->events = RULE_ON_CREATED;
		if (on) {
			r->events = 0;
			size_t i;
			json_t *e;
			if (!json_is_array(on) || json_array_size(on) == 0)
				return mado_fail(err, MADO_EINVAL, "\"on\" is a non-empty array of events");
			json_array_foreach(on, i, e) {
				size_t k;
				for (k = 0; k < 3 && (!json_is_string(e) || strcmp(json_string_value(e), event_names[k].name)); k++)
					;
				if (k == 3)
					return mado_fail(err, MADO_EINVAL, "events are created, updated, customer_replied");
				r->events |= event_names[k].ev;
			}
		}
		if (!json_is_array(then) || json_array_size(then) == 0)
			return mado_fail(err, MADO_EINVAL, "a trigger needs \"then\": a non-empty array of actions");
		if (!(r->actions = calloc(RULES_MAX_ACTIONS, sizeof *r->actions)))
			return mado_fail(err, MADO_ENOMEM, "out of memory");
		for (size_t i = 0; i < json_array_size(then); i++) {
			mado_status st = parse_action(json_array_get(then, i), r, err);
			if (st)
				return st;
		}
		return MADO_OK;
	}
	default:
		return mado_fail(err, MADO_EINVAL, "unknown rule kind");
	}
}

mado_status rule_parse(const char *text, size_t len, enum rule_kind kind, struct rule **out, struct mado_err *err)
{
	*out = NULL;
	if (kind >= RULE_NKINDS)
		return mado_fail(err, MADO_EINVAL, "unknown rule kind");
	if (len > RULES_MAX_JSON)
		return mado_fail(err, MADO_ELIMIT, "a rule is at most %d bytes", RULES_MAX_JSON);
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return mado_fail(err, MADO_EINVAL, "rule: bad JSON at line %d: %.100s", je.line, je.text);
	mado_status st = MADO_OK;
	struct rule *r = calloc(1, sizeof *r);
	if (!r) {
		st = mado_fail(err, MADO_ENOMEM, "out of memory");
		goto out;
	}
	r->kind = kind;
	if (!json_is_object(j)) {
		st = mado_fail(err, MADO_EINVAL, "a rule is a JSON object");
		goto out;
	}
	const char *key;
	json_t *val;
	json_object_foreach(j, key, val) {
		bool known = false;
		for (size_t i = 0; keys_by_kind[kind][i]; i++)
			known |= strcmp(keys_by_kind[kind][i], key) == 0;
		if (!known) {
			st = mado_fail(err, MADO_EINVAL, "unknown key \"%.40s\" in a %s rule", key, kind_names[kind]);
			goto out;
		}
	}
	json_t *cond = json_object_get(j, "if");
	struct parse p = { .err = err };
	if (cond && (st = parse_cond(&p, cond, 1, &r->cond)))
		goto out;
	st = parse_kind_part(j, r, err);
out:
	json_decref(j);
	if (st) {
		rule_free(r);
		r = NULL;
	}
	*out = r;
	return st;
}

/* ---- rule sets ---- */

struct load_ctx {
	struct rule_set *rs;
	enum rule_kind kind;
};

static mado_status load_one(void *vctx, const struct store_rule *sr)
{
	struct load_ctx *c = vctx;
	struct rule *r;
	struct mado_err e;
	if (rule_parse(sr->rule_json, strlen(sr->rule_json), c->kind, &r, &e) != MADO_OK)
		return MADO_OK; /* refused on the way in; an old one that no longer parses is skipped */
	r->id = sr->id;
	r->name = strdup(sr->name);
	struct rule **nv = realloc(c->rs->v, (c->rs->n + 1) * sizeof *nv);
	if (!nv || !r->name) {
		free(nv == c->rs->v ? NULL : nv);
		rule_free(r);
		return MADO_ENOMEM;
	}
	c->rs->v = nv;
	c->rs->v[c->rs->n++] = r;
	return MADO_OK;
}

mado_status rule_set_load(struct store *s, enum rule_kind kind, struct rule_set *out, struct mado_err *err)
{
	memset(out, 0, sizeof *out);
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct load_ctx c = { out, kind };
	mado_status st = store_rule_list(s, a, kind_names[kind], true, load_one, &c, err);
	arena_free(a);
	if (st == MADO_ENOMEM)
		mado_fail(err, st, "out of memory");
	if (st)
		rule_set_free(out);
	return st;
}

void rule_set_free(struct rule_set *rs)
{
	for (size_t i = 0; rs && i < rs->n; i++)
		rule_free(rs->v[i]);
	if (rs) {
		free(rs->v);
		rs->v = NULL;
		rs->n = 0;
	}
}

/* ---- evaluation ---- */

struct eval {
	const struct rule_ticket *t;
	const struct rule_env *env;
	struct buf *en, *ja;
	struct mado_err *err;
};

static void say(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct buf *b, const char *fmt, ...)
{
	if (!b)
		return;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static bool regex_hit(pcre2_code *re, const char *s)
{
	size_t n = strlen(s);
	if (n > RULES_MAX_TEXT)
		n = RULES_MAX_TEXT;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	if (!md || !mc) {
		pcre2_match_data_free(md);
		pcre2_match_context_free(mc);
		return false;
	}
	pcre2_set_match_limit(mc, RULES_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(mc, RULES_REGEX_DEPTH_LIMIT);
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mc);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return rc >= 0; /* PCRE2_ERROR_MATCHLIMIT / DEPTHLIMIT: no match */
}

/* The folded form of the first RULES_MAX_TEXT bytes of s (malloc); NULL
 * on OOM. */
static char *fold_capped(const char *s)
{
	struct buf b;
	buf_init(&b, 0);
	size_t n = strlen(s);
	if (textfold_append(&b, s, n > RULES_MAX_TEXT ? RULES_MAX_TEXT : n) || buf_append(&b, "", 0)) {
		buf_free(&b);
		return NULL;
	}
	return b.p ? buf_steal(&b) : calloc(1, 1);
}

void rules_ticket_prepare(struct arena *a, struct rule_ticket *t)
{
	char *s = fold_capped(t->subject ? t->subject : ""), *b = fold_capped(t->body ? t->body : "");
	t->subject_folded = s ? arena_strdup(a, s) : NULL;
	t->body_folded = b ? arena_strdup(a, b) : NULL;
	free(s);
	free(b);
}

/* One element of a folded comma list equals / contains the value. */
static bool list_has(const char *folded_list, const char *folded, bool contains)
{
	size_t n = strlen(folded);
	for (const char *p = folded_list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (contains ? memmem(p, len, folded, n) != NULL : (len == n && memcmp(p, folded, n) == 0))
			return true;
		p += len + (e != NULL);
	}
	return false;
}

/* Does the field (raw s, folded fs) satisfy the leaf's i-th value? */
static bool value_hit(const struct rule_cond *c, const char *s, const char *fs, size_t i)
{
	bool list = fields[c->field].kind == FK_LIST;
	switch (c->op) {
	case OP_IS:
	case OP_IS_NOT:
	case OP_IN:
		return list ? list_has(fs, c->folded[i], false) : strcmp(fs, c->folded[i]) == 0;
	case OP_CONTAINS:
	case OP_NOT_CONTAINS:
		return list ? list_has(fs, c->folded[i], true) : strstr(fs, c->folded[i]) != NULL;
	case OP_REGEX:
		return regex_hit(c->re[i], s);
	default:
		return false;
	}
}

static void say_tier(struct eval *ev, const struct rule_cond *c, const char *v)
{
	bool org = c->field == F_ORG_TIER;
	if (strcmp(c->folded[0], "vip") == 0) {
		say(ev->en, "VIP %s", org ? "organisation" : "customer");
		say(ev->ja, "VIP%s", org ? "組織" : "顧客");
	} else {
		say(ev->en, "%s is %s", fields[c->field].en, v);
		say(ev->ja, "%sが「%s」", fields[c->field].ja, v);
	}
}

/* Why a text leaf held, naming where (for "text": subject or body). */
static void say_text(struct eval *ev, const struct rule_cond *c, enum field_id where, size_t i)
{
	struct field custom = fields[F_CUSTOM];
	if (where == F_CUSTOM)
		custom.en = custom.ja = c->custom_key;
	const struct field *f = where == F_CUSTOM ? &custom : &fields[where];
	const char *v = c->values[i];
	switch (c->op) {
	case OP_CONTAINS:
		say(ev->en, "'%s' in %s", v, f->en);
		say(ev->ja, "%sに「%s」", f->ja, v);
		break;
	case OP_NOT_CONTAINS:
		say(ev->en, "no '%s' in %s", v, f->en);
		say(ev->ja, "%sに「%s」なし", f->ja, v);
		break;
	case OP_REGEX:
		say(ev->en, "%s matches /%s/", f->en, v);
		say(ev->ja, "%sが /%s/ に一致", f->ja, v);
		break;
	case OP_IS_NOT:
		say(ev->en, "%s is not %s", f->en, v);
		say(ev->ja, "%sが「%s」以外", f->ja, v);
		break;
	default:
		if (where == F_CUST_TIER || where == F_ORG_TIER) {
			say_tier(ev, c, v);
			break;
		}
		say(ev->en, "%s is %s", f->en, v);
		say(ev->ja, "%sが「%s」", f->ja, v);
	}
}

/* A positive text leaf on one field: the first value that hits. The
 * field is folded once (or was, by rules_ticket_prepare()). */
/* The value of custom field key on t (malloc; "" when unset). */
static char *custom_value(const struct rule_ticket *t, const char *key)
{
	json_t *j = json_loads(t->custom_json ? t->custom_json : "{}", 0, NULL);
	const char *v = json_string_value(json_object_get(j, key));
	char *r = strdup(v ? v : "");
	json_decref(j);
	return r;
}

static bool text_leaf(struct eval *ev, const struct rule_cond *c, enum field_id where, size_t *hit)
{
	char *custom = where == F_CUSTOM ? custom_value(ev->t, c->custom_key) : NULL;
	if (where == F_CUSTOM && !custom)
		return false;
	const char *s = custom ? custom : field_value(ev->t, where);
	const char *fs = where == F_SUBJECT ? ev->t->subject_folded : where == F_BODY ? ev->t->body_folded : NULL;
	char *own = NULL;
	if (!fs && c->op != OP_REGEX)
		fs = own = fold_capped(s);
	bool found = false;
	for (size_t i = 0; i < c->nvalues && !found && (fs || c->op == OP_REGEX); i++)
		if (value_hit(c, s, fs, i)) {
			*hit = i;
			found = true;
		}
	free(own);
	free(custom);
	return found;
}

static mado_status eval_count(struct eval *ev, const struct rule_cond *c, bool *m)
{
	int64_t n = 0;
	*m = false;
	if (!ev->env->store || !ev->t->customer_id)
		return MADO_OK;
	time_t since = ev->env->now - (time_t)c->days * 86400;
	mado_status st = store_customer_ticket_count(ev->env->store, ev->t->customer_id, since, &n, ev->err);
	if (st)
		return st;
	*m = c->op == OP_GTE ? n >= c->number : n <= c->number;
	if (*m) {
		say(ev->en, "%lld tickets from this customer in %d days", (long long)n, c->days);
		say(ev->ja, "%d日間にこの顧客から%lld件", c->days, (long long)n);
	}
	return MADO_OK;
}

/* business_hours: the SLA calendars (the one named, else the ticket's
 * policy's); a ticket no policy holds, or no store to ask, falls back to
 * the weekly hours of the setting triggers.business_hours. */
static mado_status eval_business_hours(struct eval *ev, const struct rule_cond *c, bool *m)
{
	bool in = false, decided = false;
	const char *which = "";
	struct arena *a = NULL;
	mado_status st = MADO_OK;
	if (ev->env->store && (ev->t->id || c->calendar)) {
		if (!(a = arena_new()))
			return mado_fail(ev->err, MADO_ENOMEM, "out of memory");
		st = sla_business_hours(ev->env->store, a, ev->t->id, c->calendar, ev->env->now, &in, &decided, &which,
		                        ev->err);
	}
	if (!st && !decided) {
		const char *spec = ev->env->business_hours ? ev->env->business_hours : "";
		/* a bad business-hours setting must not stop intake: never inside */
		st = hours_check_within(&ev->env->hours, spec, ev->env->now, &in, ev->err);
		if (st == MADO_EINVAL) {
			in = false;
			st = MADO_OK;
		}
	}
	*m = !st && in == c->flag;
	if (*m && *which) {
		say(ev->en, "%s business hours (%s)", in ? "in" : "outside", which);
		say(ev->ja, "営業時間%s（%s）", in ? "内" : "外", !strcmp(which, "around the clock") ? "24時間" : which);
	} else if (*m) {
		say(ev->en, "%s business hours", in ? "in" : "outside");
		say(ev->ja, "営業時間%s", in ? "内" : "外");
	}
	arena_free(a);
	return st;
}

static mado_status eval_leaf(struct eval *ev, const struct rule_cond *c, bool *m)
{
	const struct field *f = &fields[c->field];
	mado_status st;
	*m = false;
	switch (f->kind) {
	case FK_COUNT:
		return eval_count(ev, c, m);
	case FK_TIME:
		for (size_t i = 0; i < c->nvalues && !*m; i++) {
			if ((st = hours_check_within(&ev->env->hours, c->values[i], ev->env->now, m, ev->err)))
				return st;
			if (*m) {
				say(ev->en, "time within %s", c->values[i]);
				say(ev->ja, "時間帯 %s 内", c->values[i]);
			}
		}
		return MADO_OK;
	case FK_BHOURS:
		return eval_business_hours(ev, c, m);
	case FK_PRIORITY:
		if (c->op == OP_GTE || c->op == OP_LTE) {
			int r = store_priority_rank(field_value(ev->t, c->field));
			*m = r >= 0 && (c->op == OP_GTE ? r >= c->number : r <= c->number);
			if (*m) {
				say(ev->en, "priority %s %s", c->op == OP_GTE ? "at least" : "at most", c->values[0]);
				say(ev->ja, "優先度が%s%s", c->values[0], c->op == OP_GTE ? "以上" : "以下");
			}
			return MADO_OK;
		}
		break;
	default:
		break;
	}
	bool negative = c->op == OP_IS_NOT || c->op == OP_NOT_CONTAINS;
	size_t hit = 0;
	enum field_id where = c->field;
	bool any = false;
	if (c->field == F_TEXT) {
		any = text_leaf(ev, c, where = F_SUBJECT, &hit) || text_leaf(ev, c, where = F_BODY, &hit);
	} else {
		any = text_leaf(ev, c, where, &hit);
	}
	*m = negative ? !any : any;
	if (*m)
		say_text(ev, c, negative && c->field == F_TEXT ? F_TEXT : where, negative ? 0 : hit);
	return MADO_OK;
}

static mado_status eval_cond(struct eval *ev, const struct rule_cond *c, bool *m);

/* all: every child holds, reasons joined with " + "; any: the first child
 * that holds, with its reason. Children explain into scratch buffers so
 * that a child that fails leaves nothing behind. */
static mado_status eval_kids(struct eval *ev, const struct rule_cond *c, bool *m)
{
	bool all = c->type == C_ALL;
	*m = all;
	mado_status st = MADO_OK;
	size_t start = ev->en ? ev->en->len : 0;
	struct buf en, ja;
	buf_init(&en, 0);
	buf_init(&ja, 0);
	for (size_t i = 0; i < c->nkids; i++) {
		buf_reset(&en);
		buf_reset(&ja);
		struct eval sub = *ev;
		if (ev->en) {
			sub.en = &en;
			sub.ja = &ja;
		}
		bool km;
		if ((st = eval_cond(&sub, c->kids[i], &km)))
			break;
		if (km && ev->en && en.len) {
			if (ev->en->len > start) {
				say(ev->en, " + ");
				say(ev->ja, " + ");
			}
			buf_append(ev->en, en.p, en.len);
			if (ja.len)
				buf_append(ev->ja, ja.p, ja.len);
		}
		if (all != km) {
			*m = km;
			break;
		}
	}
	buf_free(&en);
	buf_free(&ja);
	return st;
}

static mado_status eval_cond(struct eval *ev, const struct rule_cond *c, bool *m)
{
	switch (c->type) {
	case C_LEAF:
		return eval_leaf(ev, c, m);
	case C_NOT: {
		struct eval quiet = *ev;
		quiet.en = quiet.ja = NULL;
		mado_status st = eval_cond(&quiet, c->kids[0], m);
		*m = !*m;
		return st;
	}
	default:
		return eval_kids(ev, c, m);
	}
}

mado_status rule_match(const struct rule *r, const struct rule_ticket *t, const struct rule_env *env, bool *matched,
                       struct buf *why_en, struct buf *why_ja, struct mado_err *err)
{
	*matched = true;
	if (!r->cond)
		return MADO_OK;
	/* explanations go to scratch buffers first: a rule that does not
	 * match leaves the caller's untouched */
	struct buf en, ja;
	buf_init(&en, 0);
	buf_init(&ja, 0);
	bool say_why = why_en || why_ja;
	struct eval ev = { t, env, say_why ? &en : NULL, say_why ? &ja : NULL, err };
	mado_status st = eval_cond(&ev, r->cond, matched);
	if (st == MADO_OK && *matched) {
		if (why_en && en.len)
			buf_append(why_en, en.p, en.len);
		if (why_ja && ja.len)
			buf_append(why_ja, ja.p, ja.len);
	}
	buf_free(&en);
	buf_free(&ja);
	return st;
}

mado_status rules_next_match(const struct rule_set *rs, size_t from, const struct rule_ticket *t,
                             const struct rule_env *env, struct buf *en, struct buf *ja, size_t *found,
                             struct mado_err *err)
{
	size_t n = rs ? rs->n : 0;
	for (*found = from; *found < n; (*found)++) {
		bool m;
		buf_reset(en);
		buf_reset(ja);
		mado_status st = rule_match(rs->v[*found], t, env, &m, en, ja, err);
		if (st || m)
			return st;
	}
	return MADO_OK;
}

static mado_status cond_calendars(const struct rule_cond *c, mado_status (*cb)(void *ctx, const char *name),
                                  void *ctx)
{
	mado_status st = c && c->calendar ? cb(ctx, c->calendar) : MADO_OK;
	for (size_t i = 0; c && !st && i < c->nkids; i++)
		st = cond_calendars(c->kids[i], cb, ctx);
	return st;
}

mado_status rule_each_calendar(const struct rule *r, mado_status (*cb)(void *ctx, const char *name), void *ctx)
{
	return cond_calendars(r->cond, cb, ctx);
}

/* ---- each condition alone (the dry run's trace) ---- */

struct leaf_walk {
	struct eval ev;
	struct buf path, en, ja;
	rule_leaf_fn cb;
	void *ctx;
};

static mado_status walk_leaves(struct leaf_walk *w, const struct rule_cond *c)
{
	size_t at = w->path.len;
	mado_status st = MADO_OK;
	if (c->type == C_LEAF) {
		bool m;
		buf_reset(&w->en);
		buf_reset(&w->ja);
		if ((st = eval_leaf(&w->ev, c, &m)))
			return st;
		return w->cb(w->ctx, w->path.p, m, m && w->en.len ? w->en.p : NULL, m && w->ja.len ? w->ja.p : NULL);
	}
	for (size_t i = 0; i < c->nkids && !st; i++) {
		w->path.len = at;
		if (c->type == C_NOT)
			say(&w->path, "/not");
		else
			say(&w->path, "/%s/%zu", c->type == C_ALL ? "all" : "any", i);
		st = walk_leaves(w, c->kids[i]);
	}
	w->path.len = at;
	if (w->path.p)
		w->path.p[at] = '\0';
	return st;
}

mado_status rule_each_leaf(const struct rule *r, const struct rule_ticket *t, const struct rule_env *env,
                           rule_leaf_fn cb, void *ctx, struct mado_err *err)
{
	if (!r->cond)
		return MADO_OK;
	struct leaf_walk w = { .ev = { t, env, &w.en, &w.ja, err }, .cb = cb, .ctx = ctx };
	buf_init(&w.path, 0);
	buf_init(&w.en, 0);
	buf_init(&w.ja, 0);
	say(&w.path, "/if");
	mado_status st = w.path.p ? walk_leaves(&w, r->cond) : mado_fail(err, MADO_ENOMEM, "out of memory");
	buf_free(&w.path);
	buf_free(&w.en);
	buf_free(&w.ja);
	return st;
}
