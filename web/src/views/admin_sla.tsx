// Admin pages of the SLA (docs/api/sla.md, concepts docs/sla.md):
// business-hours calendars with their holidays, SLA policies and
// automations. Targets are business seconds in the API, minutes here.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t, tv } from '../i18n';
import { groupName, state } from '../session';
import { toastError } from '../toast';
import { Crud, CrudSpec, enabledCell, FieldSpec, FormProblem, idOrNull, mark, minutes, nullable } from './admin_kit';
import { tierOk } from './rule_model';

interface Holiday { date: string; name: string }

// "2026-12-29 年末休業" lines ↔ [{date, name}]; a bad line is refused here.
function holidaysText(list: Holiday[] | null): string {
  return (list ?? []).map((h) => `${h.date} ${h.name}`).join('\n');
}
function holidaysList(text: string): Holiday[] {
  const out: Holiday[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const m = line.trim().match(/^(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$/);
    if (!m) throw new FormProblem(t('cal.badline', { n: i + 1 }));
    out.push({ date: m[1], name: m[2] ?? '' });
  });
  return out;
}

// The calendars as last listed, for the policies' and automations' choices.
let calendars: { id: number; name: string }[] = [];
const calendarOptions = (): [string, string][] => [['', t('cal.around')], ...calendars.map((c) => [String(c.id), c.name] as [string, string])];
const calendarName = (id: number | null) => (id ? calendars.find((c) => c.id === id)?.name ?? `#${id}` : t('cal.around'));
const anyOf = (family: 'prio' | 'type', values: string[]) => (): [string, string][] =>
  [['', t('f.any')], ...values.map((v) => [v, tv(family, v)] as [string, string])];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const groupOptions = (): [string, string][] => [['', t('f.any')], ...state.groups.map((g) => [String(g.id), g.name] as [string, string])];

// The tiers in use (customers, organisations, policies): offered by the
// policy form, which takes any other name too (a tier nobody has yet).
let tiers: string[] = [];
const loadTiers = () => api<{ tiers: { tier: string }[] }>('GET', '/api/v1/admin/tiers').then((r) => { tiers = r.tiers.map((x) => x.tier); });
function tierValue(v: string): string | null {
  if (v === '') return null;
  if (!tierOk(v)) throw new FormProblem(t('pol.badtier'));
  return v;
}

const CALENDARS: CrudSpec = {
  title: 'cal.title', testid: 'calendars', base: '/api/v1/admin/calendars', listKey: 'items',
  fields: [
    { key: 'name', label: 'admin.name', required: true },
    { key: 'time_zone', label: 'cal.tz', required: true, initial: 'Asia/Tokyo' },
    { key: 'hours', label: 'cal.hours', required: true, initial: 'mon-fri 09:00-18:00', placeholder: 'mon-fri 09:00-12:00,13:00-18:00' },
    { key: 'jp_holidays', label: 'cal.jp', kind: 'check', initial: true },
    { key: 'holidays', label: 'cal.holidays', kind: 'textarea', show: holidaysText, send: holidaysList, placeholder: '2026-12-29 年末休業' },
  ],
  columns: [['admin.name', (x) => x.name], ['cal.tz', (x) => x.time_zone], ['cal.hours', (x) => <code>{x.hours}</code>],
    ['cal.jp', (x) => mark(x.jp_holidays)], ['cal.hol', (x) => t('cal.count', { n: x.holidays.length })]],
  label: (x) => x.name,
};

// Name, order and switch: policies and automations both apply in
// (position, id) order, enabled ones only.
const ORDERED: FieldSpec[] = [
  { key: 'name', label: 'admin.name', required: true },
  { key: 'position', label: 'admin.position', kind: 'number', initial: '0' },
  { key: 'enabled', label: 'admin.enabled', kind: 'check', initial: true },
];
const ORDERED_COLUMNS: CrudSpec['columns'] = [['admin.position', (x) => x.position], ['admin.name', (x) => x.name], ['admin.enabled', enabledCell]];

const POLICIES: CrudSpec = {
  title: 'pol.title', testid: 'sla-policies', base: '/api/v1/admin/sla-policies', listKey: 'items',
  fields: [
    ...ORDERED,
    { key: 'match_priority', label: 'f.priority', kind: 'select', options: anyOf('prio', PRIORITIES), send: nullable },
    { key: 'match_tier', label: 'pol.tier', send: tierValue, suggest: () => tiers, placeholder: t('f.any') },
    { key: 'match_type', label: 't.type', kind: 'select', send: nullable,
      options: anyOf('type', ['question', 'incident', 'request', 'problem', 'alarm']) },
    { key: 'match_group_id', label: 'f.group', kind: 'select', options: groupOptions, send: idOrNull },
    { key: 'calendar_id', label: 'pol.calendar', kind: 'select', options: calendarOptions, send: idOrNull },
    { key: 'first_response_seconds', label: 'pol.first', ...minutes },
    { key: 'next_response_seconds', label: 'pol.next', ...minutes },
    { key: 'resolution_seconds', label: 'pol.resolution', ...minutes },
    { key: 'warn_seconds', label: 'pol.warn', ...minutes },
  ],
  columns: [...ORDERED_COLUMNS,
    ['pol.match', (x) => [x.match_priority && tv('prio', x.match_priority), x.match_tier, x.match_type && tv('type', x.match_type),
      x.match_group_id && groupName(x.match_group_id)].filter(Boolean).join(' · ') || t('f.any')],
    ['pol.calendar', (x) => calendarName(x.calendar_id)],
    ['pol.targets', (x) => [x.first_response_seconds, x.next_response_seconds, x.resolution_seconds]
      .map((s: number) => (s ? `${Math.round(s / 60)}′` : '—')).join(' / ')]],
  label: (x) => x.name,
};

const KINDS = ['remind_pending', 'auto_close', 'escalate'];
const isKind = (...k: string[]) => (v: Record<string, unknown>) => k.includes(v.kind as string);

const AUTOMATIONS: CrudSpec = {
  title: 'auto.title', testid: 'automations', base: '/api/v1/admin/automations', listKey: 'items',
  fields: [
    ...ORDERED,
    { key: 'kind', label: 'auto.kind', kind: 'select', initial: 'remind_pending',
      options: () => KINDS.map((k) => [k, tv('auto.kind', k)] as [string, string]) },
    { key: 'after_seconds', label: 'auto.after', ...minutes, when: isKind('remind_pending', 'auto_close') },
    { key: 'calendar_id', label: 'pol.calendar', kind: 'select', options: calendarOptions, send: idOrNull, when: isKind('remind_pending') },
    { key: 'on_sla', label: 'auto.onsla', kind: 'select', initial: 'breach', when: isKind('escalate'),
      options: () => [['warning', t('auto.warning')], ['breach', t('auto.breach')]] },
    { key: 'set_priority', label: 'auto.setprio', kind: 'select', send: nullable, when: isKind('escalate'),
      options: () => [['', '—'], ...PRIORITIES.map((p) => [p, tv('prio', p)] as [string, string])] },
    { key: 'set_group_id', label: 'auto.setgroup', kind: 'select', send: idOrNull, when: isKind('escalate'),
      options: () => [['', '—'], ...state.groups.map((g) => [String(g.id), g.name] as [string, string])] },
    { key: 'notify_supervisor', label: 'auto.notify', kind: 'check', when: isKind('escalate') },
    { key: 'message', label: 'auto.message', kind: 'textarea', when: isKind('remind_pending') },
  ],
  columns: [...ORDERED_COLUMNS,
    ['auto.kind', (x) => tv('auto.kind', x.kind)],
    ['auto.after', (x) => (x.kind === 'escalate' ? tv('auto', x.on_sla) : `${Math.round(x.after_seconds / 60)}′`)]],
  label: (x) => x.name,
};

interface Policy {
  id: number; name: string; enabled: boolean; match_priority: string | null; match_tier: string | null;
  match_type: string | null; match_group_id: number | null; first_response_seconds: number; resolution_seconds: number;
}

// Targets per tier and priority: for each pair, the first enabled policy
// (the list is in matching order) that any ticket of that tier and
// priority falls under — policies limited to a type or group are left out.
function TierMatrix({ policies }: { policies: Policy[] }) {
  const rows = [...new Set([...tiers, ...policies.map((p) => p.match_tier).filter((x): x is string => !!x)])].sort();
  const applies = (tier: string, prio: string) => policies.find((p) => p.enabled && !p.match_type && !p.match_group_id &&
    (!p.match_priority || p.match_priority === prio) && (!p.match_tier || p.match_tier === tier));
  const mins = (s: number) => (s ? `${Math.round(s / 60)}′` : '—');
  return (
    <section data-testid="tier-matrix">
      <h2>{t('pol.matrix')}</h2>
      <p class="hint">{t('pol.matrixhint')}</p>
      <table class="grid tier-matrix">
        <thead><tr><th>{t('pol.tier')}</th>{PRIORITIES.map((p) => <th key={p}>{tv('prio', p)}</th>)}</tr></thead>
        <tbody>{rows.map((tier) => (
          <tr key={tier} data-tier={tier}><th>{tier}</th>
            {PRIORITIES.map((prio) => {
              const p = applies(tier, prio);
              return p
                ? <td key={prio} data-prio={prio}>{p.name}<br />{mins(p.first_response_seconds)} / {mins(p.resolution_seconds)}</td>
                : <td key={prio} data-prio={prio} class="none">{t('pol.nopolicy')}</td>;
            })}</tr>
        ))}</tbody>
      </table>
    </section>
  );
}

export function SlaAdmin() {
  // re-render the policies and automations when the calendars change
  const [, setN] = useState(0);
  const [policies, setPolicies] = useState<Policy[]>([]);
  useEffect(() => void loadTiers().then(() => setN((n) => n + 1)).catch(toastError), []);
  return (
    <>
      <Crud spec={CALENDARS} onChange={(items) => { calendars = items as typeof calendars; setN((n) => n + 1); }} />
      <Crud spec={POLICIES} onChange={(items) => { setPolicies(items as unknown as Policy[]); loadTiers().then(() => setN((n) => n + 1)).catch(toastError); }} />
      <TierMatrix policies={policies} />
      <Crud spec={AUTOMATIONS} />
    </>
  );
}
