/*
 * Routing: ticket → group by the ordered routing rules (first match wins:
 * mailbox/To address, category, customer or organisation, language…),
 * then → agent by the group's strategy:
 *   none          the group's queue, nobody assigned
 *   round_robin   the next available agent after the group's cursor
 *                 (persisted in groups.rr_cursor, so fair across processes)
 *   least_loaded  the agent with the least open work, weighted by
 *                 priority (low 1, normal 2, high 3, urgent 4)
 *   skills        the agents whose skills match the ticket's category and
 *                 language most, least loaded among them
 *   vip           VIP tickets (customer or organisation tier "vip") only
 *                 to senior agents, least loaded among them
 * Under every strategy an agent receives nothing while away (available
 * = 0), disabled, off shift (agents.shifts, see core/hours.h) or at
 * capacity (agents.capacity open tickets; 0 = no limit). Ties go to the
 * first agent after the cursor, so equal agents take turns.
 *
 * Every decision writes the change as a "field" event and the reason as a
 * "routing" event (actor "system"), inside the caller's transaction.
 */
#ifndef MADO_CORE_ROUTING_H
#define MADO_CORE_ROUTING_H

#include "core/rules.h"

struct routing_decision {
	int64_t group_id, agent_id;   /* 0 = none */
	char why[480];                /* English reason, also in the events */
};

/* Route a ticket that has no group yet: group by rules rs (may be NULL),
 * else the group of the mailbox its mail came to (core/mailbox.h), then
 * agent by the group's strategy. A ticket neither places stays unrouted
 * (d->group_id 0). */
mado_status routing_route_ticket(struct store *s, const struct rule_set *rs, const struct rule_ticket *t,
                                 const struct rule_env *env, struct routing_decision *d, struct mado_err *err);

/* Pick (and assign) an agent of group for ticket t by the group's
 * strategy, never exclude_agent (0 = none). No candidate: agent 0. */
mado_status routing_assign_in_group(struct store *s, const struct rule_ticket *t, int64_t group_id,
                                    int64_t exclude_agent, const struct rule_env *env, const char *cause,
                                    struct routing_decision *d, struct mado_err *err);

/* Escalation routing, for the SLA escalation to call: move the ticket to
 * its group's escalation group (groups.escalation_group_id) and assign it
 * there by that group's strategy, preferring senior agents; without an
 * escalation group, reassign to a senior agent of the same group. why
 * ("first response breached") goes into the routing event. */
mado_status routing_escalate(struct store *s, int64_t ticket, const char *why, const struct rule_env *env,
                             struct routing_decision *d, struct mado_err *err);

/* An agent went away: their open tickets are unassigned and routed again
 * within each ticket's group (never back to them). *moved counts tickets
 * given to someone else; the rest wait unassigned in their group. */
mado_status routing_redistribute(struct store *s, int64_t agent_id, const struct rule_env *env, size_t *moved,
                                 size_t *unassigned, struct mado_err *err);

/* Is strategy one of the names above? */
bool routing_strategy_ok(const char *strategy);

#endif
