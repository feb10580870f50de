/*
 * Rules: the one grammar behind priority, category, routing and trigger
 * rules, their evaluation against a ticket with explanations ("why did it
 * match", in English and Japanese), and running triggers.
 *
 * A rule is JSON (stored in triage_rules.rule_json):
 *   {"if": COND, "priority": "urgent", "reason": {"en": "...", "ja": "..."}}   priority
 *   {"if": COND, "category": "billing"}                                         category
 *   {"if": COND, "group": "VIP"}                                                routing
 *   {"on": ["created","updated","customer_replied"], "if": COND, "then": [ACTION...]}  trigger
 * COND is {"all": [COND...]}, {"any": [COND...]}, {"not": COND} or a leaf
 * {"field": F, "op": OP, "value": V} (see docs/workflow.md for fields and
 * operators). Text conditions compare folded text (util/textfold.h): case,
 * full/half width and hiragana/katakana do not matter. Regular expressions
 * are PCRE2, case-insensitive, with a pattern length cap and match limits;
 * they see at most RULES_MAX_TEXT bytes of a text.
 *
 * Ownership: a struct rule and a struct rule_set own everything in them
 * (rule_free / rule_set_free). Strings in struct rule_ticket are borrowed.
 */
#ifndef MADO_CORE_RULES_H
#define MADO_CORE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/hours.h"
#include "store/store.h"
#include "util/buf.h"

/* Named limits of the rule parser and evaluator. */
#define RULES_MAX_JSON (64 * 1024)     /* bytes of one rule */
#define RULES_MAX_DEPTH 8              /* nesting of all/any/not */
#define RULES_MAX_CONDS 100            /* leaves and combinators in one rule */
#define RULES_MAX_VALUES 100           /* values of one condition */
#define RULES_MAX_STRING 1000          /* bytes of one value */
#define RULES_MAX_REGEX 512            /* bytes of one pattern */
#define RULES_REGEX_MATCH_LIMIT 100000 /* PCRE2 match limit (backtracking steps) */
#define RULES_REGEX_DEPTH_LIMIT 1000   /* PCRE2 depth limit */
#define RULES_MAX_TEXT (64 * 1024)     /* bytes of a text a condition looks at */
#define RULES_MAX_ACTIONS 20
#define RULES_MAX_PASSES 8             /* trigger passes over one change */
#define RULES_MAX_FIRES 100            /* trigger fires on one change */

enum rule_kind { RULE_PRIORITY, RULE_CATEGORY, RULE_ROUTING, RULE_TRIGGER, RULE_NKINDS };
const char *rule_kind_name(enum rule_kind k);
int rule_kind_parse(const char *s);   /* -1 when unknown */

enum rule_event {
	RULE_ON_CREATED = 1u << 0,
	RULE_ON_UPDATED = 1u << 1,
	RULE_ON_CUSTOMER_REPLIED = 1u << 2,
};
const char *rule_event_name(enum rule_event e);

enum rule_action_type {
	ACT_SET,          /* field = value: status, priority, type, category */
	ACT_ASSIGN,       /* value: agent email, id as text, or "auto" (group strategy) */
	ACT_GROUP,        /* value: group name */
	ACT_ADD_TAGS,
	ACT_REMOVE_TAGS,
	ACT_NOTE,         /* value: text of an internal note */
	ACT_NOTIFY,       /* values: agent emails; value: message */
	ACT_WEBHOOK,      /* value: URL */
	ACT_MAIL,         /* field: subject, value: body, to the requester */
};

struct rule_action {
	enum rule_action_type type;
	char *field, *value;
	char **values;
	size_t nvalues;
};

struct rule_cond;

struct rule {
	int64_t id;
	char *name;
	enum rule_kind kind;
	unsigned events;              /* triggers: RULE_ON_* bits */
	struct rule_cond *cond;       /* NULL: always */
	char *priority;               /* priority rules */
	char *reason_en, *reason_ja;  /* optional fixed reason */
	char *category;               /* category rules */
	char *group;                  /* routing rules */
	struct rule_action *actions;  /* triggers */
	size_t nactions;
};

/* cb for each calendar a business_hours condition of r names (the API
 * checks they exist). */
mado_status rule_each_calendar(const struct rule *r, mado_status (*cb)(void *ctx, const char *name), void *ctx);

/* Parse one rule of kind. MADO_EINVAL / MADO_ELIMIT with the reason in err. */
mado_status rule_parse(const char *json, size_t len, enum rule_kind kind, struct rule **out, struct mado_err *err);
void rule_free(struct rule *r);

struct rule_set {
	struct rule **v;
	size_t n;
};
/* The enabled rules of kind, in order. Rules that no longer parse are
 * skipped (the API refuses them on the way in). */
mado_status rule_set_load(struct store *s, enum rule_kind kind, struct rule_set *out, struct mado_err *err);
void rule_set_free(struct rule_set *rs);

/* What conditions look at. Strings are borrowed; "" when unknown. */
struct rule_ticket {
	int64_t id, customer_id, group_id, assignee_id;
	const char *subject, *body, *status, *priority, *type, *channel, *category, *language;
	const char *group, *assignee;   /* group name, assignee email */
	const char *tags;               /* "a,b,c" */
	const char *to;                 /* recipient addresses of the first message, "a,b" */
	const char *customer_email, *customer_name, *customer_tier, *customer_language;
	const char *org_domain, *org_name, *org_tier;
	const char *custom_json;        /* {"key": "value"} of the custom fields */
	time_t created_at;
	/* subject and body folded (rules_ticket_prepare); NULL: fold when needed */
	const char *subject_folded, *body_folded;
};

/* Fold subject and body once, into a, for many rules to read. Call again
 * after changing them. */
void rules_ticket_prepare(struct arena *a, struct rule_ticket *t);

struct rule_env {
	time_t now;
	struct store *store;            /* for customer.recent_tickets; may be NULL */
	struct hours_check hours;       /* shifts, time of day, business hours */
	const char *business_hours;     /* the spec of the business_hours condition */
};

/* Does the rule's condition hold for t? When it does, why_en/why_ja (may
 * be NULL) get the explanation appended ("'システム停止' in subject").
 * A regex that hits its limits counts as no match. */
mado_status rule_match(const struct rule *r, const struct rule_ticket *t, const struct rule_env *env, bool *matched,
                       struct buf *why_en, struct buf *why_ja, struct mado_err *err);

/* Each leaf condition of r evaluated on its own, in the rule's order:
 * path is its JSON pointer in the rule ("/if", "/if/all/0",
 * "/if/any/1/not"); matched says whether the leaf itself holds (a "not"
 * above it is the caller's to apply); why_en/why_ja (NULL unless
 * matched) say why. All strings are valid during the call only. For the
 * dry run, which shows an admin which of a rule's conditions hold. */
typedef mado_status (*rule_leaf_fn)(void *ctx, const char *path, bool matched, const char *why_en,
                                    const char *why_ja);
mado_status rule_each_leaf(const struct rule *r, const struct rule_ticket *t, const struct rule_env *env,
                           rule_leaf_fn cb, void *ctx, struct mado_err *err);

/* The first rule of rs at index >= from that matches t, or rs->n when
 * none does; en/ja (reset here) hold its explanation. */
mado_status rules_next_match(const struct rule_set *rs, size_t from, const struct rule_ticket *t,
                             const struct rule_env *env, struct buf *en, struct buf *ja, size_t *found,
                             struct mado_err *err);

/* ---- triggers ---- */

/* One run of the triggers over one change of one ticket. */
struct rules_run_stats {
	size_t fired, passes;
	bool capped;     /* stopped by RULES_MAX_PASSES / RULES_MAX_FIRES */
};

/*
 * Loads the ticket, runs the enabled triggers for event in order, applies
 * the actions of each that matches, and repeats while a pass changed the
 * ticket (a later rule may match what an earlier one set), up to
 * RULES_MAX_PASSES. A rule fires at most once per call (the fired set),
 * so no pair of rules can ping-pong. Every fire is an event
 * (kind "trigger", actor "rule:<id>"). Inside the caller's transaction.
 * rs may be NULL (loaded here).
 */
struct triage_opts;
mado_status rules_run_triggers(struct store *s, const struct rule_set *rs, int64_t ticket, enum rule_event event,
                               const struct triage_opts *o, time_t now, struct rules_run_stats *stats,
                               struct mado_err *err);

/* Fill t from the database (strings owned by a). */
mado_status rules_ticket_load(struct store *s, struct arena *a, int64_t id, struct rule_ticket *t,
                              struct mado_err *err);

#endif
