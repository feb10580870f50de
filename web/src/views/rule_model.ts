// The rule builder's model of a rule (docs/workflow.md): what the rule
// engine (src/core/rules.c) accepts — its fields, which operators each
// takes, its actions — as data, plus the two translations between the
// stored JSON and the builder's rows. The builder shows a rule only when
// translating it to rows and back gives the same JSON (sameJson), so
// saving from the builder never changes a rule behind the admin's back;
// anything else stays in the JSON ("advanced") view.

export type RuleKind = 'trigger' | 'priority' | 'category' | 'routing';
export const RULE_KINDS: RuleKind[] = ['trigger', 'priority', 'category', 'routing'];
export const EVENTS = ['created', 'updated', 'customer_replied'];
export const STATUSES = ['new', 'open', 'pending', 'on-hold', 'resolved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const TYPES = ['question', 'incident', 'request', 'problem', 'alarm'];

// How a field compares (rules.c field_kind) and where its values come
// from: a fixed list, the directory (groups, agents, tiers, calendars) or
// free text.
type FieldKind = 'text' | 'word' | 'list' | 'priority' | 'count' | 'time' | 'bhours';
export type Source = 'status' | 'priority' | 'type' | 'group' | 'agent' | 'tier' | 'language' | 'channel' | 'free';

const OPS: Record<FieldKind, string[]> = {
  text: ['contains', 'not_contains', 'is', 'is_not', 'regex'],
  word: ['is', 'is_not', 'in', 'contains', 'not_contains', 'regex'],
  list: ['is', 'is_not', 'in', 'contains', 'not_contains', 'regex'],
  priority: ['is', 'is_not', 'in', 'gte', 'lte', 'contains', 'not_contains', 'regex'],
  count: ['gte', 'lte'],
  time: ['within'],
  bhours: ['is'],
};

export const FIELDS: [string, FieldKind, Source][] = [
  ['subject', 'text', 'free'], ['body', 'text', 'free'], ['text', 'text', 'free'],
  ['status', 'word', 'status'], ['priority', 'priority', 'priority'], ['type', 'word', 'type'],
  ['channel', 'word', 'channel'], ['category', 'word', 'free'], ['language', 'word', 'language'],
  ['group', 'word', 'group'], ['assignee', 'word', 'agent'], ['tags', 'list', 'free'], ['to', 'list', 'free'],
  ['customer.email', 'word', 'free'], ['customer.name', 'text', 'free'], ['customer.tier', 'word', 'tier'],
  ['customer.language', 'word', 'language'], ['organization.domain', 'word', 'free'],
  ['organization.name', 'text', 'free'], ['organization.tier', 'word', 'tier'],
  ['customer.recent_tickets', 'count', 'free'], ['time', 'time', 'free'], ['business_hours', 'bhours', 'free'],
];

function fieldDef(field: string): [FieldKind, Source] | null {
  if (/^custom\.[a-z0-9_]{1,64}$/.test(field)) return ['word', 'free'];
  const f = FIELDS.find(([n]) => n === field);
  return f ? [f[1], f[2]] : null;
}
export const opsOf = (field: string): string[] => OPS[fieldDef(field)?.[0] ?? 'word'];
export const sourceOf = (field: string): Source => fieldDef(field)?.[1] ?? 'free';
export const kindOf = (field: string): FieldKind => fieldDef(field)?.[0] ?? 'word';
// Operators that take a list of values (the others take exactly one).
export const manyValues = (op: string) => ['in', 'contains', 'not_contains', 'regex', 'within'].includes(op);
// The engine's default operator when "op" is left out.
export const defaultOp = (field: string) => ({ time: 'within', count: 'gte' } as Record<string, string>)[kindOf(field)] ?? 'is';

// ---- conditions ----

export interface Leaf {
  t: 'leaf'; field: string;
  op?: string;                    // undefined: left out (the engine's default)
  values: string[];               // text values (count: [number as text]; business_hours: ['true'|'false'])
  list: boolean;                  // the value was (or becomes) an array
  days?: number; calendar?: string;
}
export interface Group { t: 'all' | 'any' | 'not'; kids: Cond[]; bare?: boolean }
export type Cond = Leaf | Group;

class Unshowable extends Error {}
const fail = (): never => { throw new Unshowable(); };
const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (o: Record<string, any>, keys: string[]) => Object.keys(o).every((k) => keys.includes(k)) || fail();
const str = (v: unknown): string => (typeof v === 'string' ? v : fail());
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : fail());

function leafIn(j: Record<string, any>): Leaf {
  onlyKeys(j, ['field', 'op', 'value', 'days', 'calendar']);
  const field = str(j.field);
  if (!fieldDef(field)) fail();
  const leaf: Leaf = { t: 'leaf', field, values: [], list: Array.isArray(j.value) };
  if ('op' in j) leaf.op = str(j.op);
  if ('days' in j) leaf.days = typeof j.days === 'number' ? j.days : fail();
  if ('calendar' in j) leaf.calendar = str(j.calendar);
  const v = j.value;
  if (typeof v === 'boolean' || typeof v === 'number') leaf.values = [String(v)];
  else leaf.values = leaf.list ? strs(v) : [str(v)];
  return leaf;
}

function condIn(j: unknown): Cond {
  if (!isObj(j)) return fail();
  for (const t of ['all', 'any'] as const)
    if (t in j) return onlyKeys(j, [t]) && Array.isArray(j[t]) ? { t, kids: j[t].map(condIn) } : fail();
  if ('not' in j) return onlyKeys(j, ['not']) && { t: 'not', kids: [condIn(j.not)] };
  return leafIn(j);
}

// The root is always a group in the builder; a rule whose "if" is one
// condition is a "bare" all-group of it, written back as the condition.
export function rootIn(j: unknown): Group {
  if (j === undefined) return { t: 'all', kids: [], bare: true };
  const c = condIn(j);
  return c.t === 'leaf' ? { t: 'all', kids: [c], bare: true } : c;
}

function leafValue(l: Leaf): unknown {
  const k = kindOf(l.field);
  if (k === 'bhours') return l.values[0] === 'true';
  const num = k === 'count' || (k === 'priority' && /^\d+$/.test(l.values[0] ?? ''));
  if (num) return Number(l.values[0]);
  return l.list || l.values.length > 1 ? [...l.values] : l.values[0] ?? '';
}

export function condOut(c: Cond): Record<string, unknown> {
  if (c.t === 'leaf') {
    const o: Record<string, unknown> = { field: c.field };
    if (c.op !== undefined) o.op = c.op;
    o.value = leafValue(c);
    if (c.days !== undefined) o.days = c.days;
    if (c.calendar !== undefined) o.calendar = c.calendar;
    return o;
  }
  if (c.t === 'not') return { not: condOut(c.kids[0]) };
  return { [c.t]: c.kids.map(condOut) };
}

export function rootOut(g: Group): Record<string, unknown> | undefined {
  if (g.kids.length === 0) return undefined;
  if (g.bare && g.t === 'all' && g.kids.length === 1) return condOut(g.kids[0]);
  return condOut(g);
}

// The JSON pointer of each leaf, as the dry run names them.
export const kidPath = (g: Group, path: string, i: number) =>
  g.bare && g.t === 'all' && g.kids.length === 1 ? path : g.t === 'not' ? `${path}/not` : `${path}/${g.t}/${i}`;

export const newLeaf = (field = 'subject'): Leaf => ({ t: 'leaf', field, op: opsOf(field)[0], values: [''], list: false });

// ---- actions (triggers) ----

export type Action =
  | { t: 'set'; pairs: [string, string][] }
  | { t: 'assign'; value: string | number }
  | { t: 'group' | 'webhook' | 'note'; value: string }
  | { t: 'add_tags' | 'remove_tags'; tags: string[] }
  | { t: 'notify'; agents: string[]; message?: string }
  | { t: 'mail'; subject: string; body: string };
export const ACTIONS: Action['t'][] = ['set', 'assign', 'group', 'add_tags', 'remove_tags', 'note', 'notify', 'mail', 'webhook'];
export const SET_FIELDS = ['status', 'priority', 'type', 'category'];

function actionIn(j: unknown): Action {
  if (!isObj(j) || Object.keys(j).length !== 1) return fail();
  const [k, v] = Object.entries(j)[0];
  switch (k) {
    case 'set':
      return isObj(v) ? { t: 'set', pairs: Object.entries(v).map(([f, x]) => [f, str(x)] as [string, string]) } : fail();
    case 'assign':
      return { t: 'assign', value: typeof v === 'number' ? v : str(v) };
    case 'group': case 'webhook': case 'note':
      return { t: k, value: str(v) };
    case 'add_tags': case 'remove_tags':
      return { t: k, tags: strs(v) };
    case 'notify': {
      if (!isObj(v)) return fail();
      onlyKeys(v, ['agents', 'message']);
      return 'message' in v ? { t: 'notify', agents: strs(v.agents), message: str(v.message) } : { t: 'notify', agents: strs(v.agents) };
    }
    case 'mail':
      return isObj(v) && onlyKeys(v, ['subject', 'body']) ? { t: 'mail', subject: str(v.subject), body: str(v.body) } : fail();
  }
  return fail();
}

export function actionOut(a: Action): Record<string, unknown> {
  switch (a.t) {
    case 'set': return { set: Object.fromEntries(a.pairs) };
    case 'add_tags': case 'remove_tags': return { [a.t]: [...a.tags] };
    case 'notify': return { notify: a.message === undefined ? { agents: [...a.agents] } : { agents: [...a.agents], message: a.message } };
    case 'mail': return { mail: { subject: a.subject, body: a.body } };
    default: return { [a.t]: a.value };
  }
}

export function newAction(t: Action['t']): Action {
  switch (t) {
    case 'set': return { t, pairs: [['status', 'open']] };
    case 'assign': return { t, value: 'auto' };
    case 'add_tags': case 'remove_tags': return { t, tags: [''] };
    case 'notify': return { t, agents: [''], message: '' };
    case 'mail': return { t, subject: '', body: '' };
    default: return { t, value: '' };
  }
}

// ---- whole rules ----

export interface Model {
  kind: RuleKind;
  on?: string[];          // triggers: undefined = left out (created only)
  root: Group;
  then: Action[];         // triggers
  outcome: string;        // priority level, category or group name
  reason?: { en: string; ja: string };  // priority rules
}

const KEYS: Record<RuleKind, string[]> = {
  trigger: ['on', 'if', 'then'], priority: ['if', 'priority', 'reason'], category: ['if', 'category'], routing: ['if', 'group'],
};

export function modelOut(m: Model): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (m.kind === 'trigger' && m.on !== undefined) o.on = [...m.on];
  const cond = rootOut(m.root);
  if (cond) o.if = cond;
  if (m.kind === 'trigger') o.then = m.then.map(actionOut);
  if (m.kind === 'priority') {
    o.priority = m.outcome;
    if (m.reason) o.reason = { en: m.reason.en, ja: m.reason.ja };
  }
  if (m.kind === 'category') o.category = m.outcome;
  if (m.kind === 'routing') o.group = m.outcome;
  return o;
}

function modelIn(kind: RuleKind, j: unknown): Model {
  if (!isObj(j)) return fail();
  onlyKeys(j, KEYS[kind]);
  const m: Model = { kind, root: rootIn(j.if), then: [], outcome: '' };
  if (kind === 'trigger') {
    if ('on' in j) m.on = strs(j.on);
    m.then = Array.isArray(j.then) ? j.then.map(actionIn) : fail();
  } else {
    m.outcome = str(j[kind === 'routing' ? 'group' : kind]);
  }
  if ('reason' in j) {
    if (!isObj(j.reason)) fail();
    onlyKeys(j.reason, ['en', 'ja']);
    m.reason = { en: str(j.reason.en), ja: str(j.reason.ja) };
  }
  return m;
}

// Equal as JSON values (an object's key order does not matter).
export function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return a === b;
}

// The builder's rows for a stored rule, or null when the builder cannot
// show it exactly (then only the JSON view edits it).
export function toModel(kind: RuleKind, rule: unknown): Model | null {
  try {
    const m = modelIn(kind, rule);
    return sameJson(modelOut(m), rule) ? m : null;
  } catch (e) {
    if (e instanceof Unshowable) return null;
    throw e;
  }
}

export function emptyModel(kind: RuleKind): Model {
  return {
    kind, on: kind === 'trigger' ? ['created'] : undefined, root: { t: 'all', kids: [newLeaf()], bare: true },
    then: kind === 'trigger' ? [newAction('set')] : [], outcome: kind === 'priority' ? 'high' : '',
  };
}

// Tier names as the API accepts them (people_tier_ok in src/store/sqlite/people.c).
export const tierOk = (s: string) =>
  s.length > 0 && new TextEncoder().encode(s).length <= 64 && !/^ | $/.test(s) && !/[\u0000-\u001f\u007f]/.test(s);
