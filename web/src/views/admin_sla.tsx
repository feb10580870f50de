// Admin pages of the SLA (docs/api/sla.md, concepts docs/sla.md):
// business-hours calendars with their holidays, SLA policies and
// automations. Targets are business seconds in the API, minutes here.
import { useState } from 'preact/hooks';
import { t, tv } from '../i18n';
import { groupName, state } from '../session';
import { Crud, CrudSpec, enabledCell, FieldSpec, FormProblem, idOrNull, mark, minutes, nullable } from './admin_kit';

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
    { key: 'match_tier', label: 'pol.tier', kind: 'select', send: nullable,
      options: () => [['', t('f.any')], ['standard', 'standard'], ['premium', 'premium'], ['vip', 'vip']] },
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

export function SlaAdmin() {
  // re-render the policies and automations when the calendars change
  const [, setN] = useState(0);
  return (
    <>
      <Crud spec={CALENDARS} onChange={(items) => { calendars = items as typeof calendars; setN((n) => n + 1); }} />
      <Crud spec={POLICIES} />
      <Crud spec={AUTOMATIONS} />
    </>
  );
}
