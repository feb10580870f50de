// Small pieces shared by the pages: badges, SLA countdowns, time stamps,
// highlighted search segments.
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, formatDuration, t, tv } from './i18n';
import { SLA_TARGETS } from './types';
import type { Segment, SlaTarget, SlaTargetName, TicketRow } from './types';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge st-${status}`}>{tv('status', status)}</span>;
}

export function PriorityBadge({ priority }: { priority: string }) {
  return <span class={`prio p-${priority}`} title={t('col.priority')}>{tv('prio', priority)}</span>;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : null;
}

// One clock for every countdown on the page, ticking each 30 s.
let nowListeners = new Set<(n: number) => void>();
setInterval(() => nowListeners.forEach((l) => l(Date.now())), 30000);
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    nowListeners.add(setNow);
    return () => void nowListeners.delete(setNow);
  }, []);
  return now;
}

// The SLA of a ticket as the API sends it (src/core/sla.c sla_view): null
// without a policy, else {policy, paused, breached, first_response,
// next_response, resolution}, each target {due, met_at, breached,
// seconds_left}; seconds_left is null once met or while not running.
export interface SlaItem { name: SlaTargetName; label: string; t: SlaTarget }

const SLA_LABEL: Record<SlaTargetName, 'sla.first' | 'sla.next' | 'sla.resolution'> = {
  first_response: 'sla.first', next_response: 'sla.next', resolution: 'sla.resolution',
};

export function slaItems(row: TicketRow): SlaItem[] {
  const s = row.sla;
  if (!s || typeof s !== 'object') return [];
  return SLA_TARGETS.filter((n) => s[n] && (s[n]!.due || s[n]!.met_at))
    .map((n) => ({ name: n, label: t(SLA_LABEL[n]), t: s[n]! }));
}

// The running targets (a time left, not met), nearest first.
export function slaRunning(row: TicketRow): SlaItem[] {
  return slaItems(row).filter((i) => i.t.seconds_left !== null && i.t.seconds_left !== undefined && i.t.due && !i.t.met_at)
    .sort((a, b) => a.t.seconds_left! - b.t.seconds_left!);
}

// The nearest due time (ms) of a ticket whose SLA clock runs; null when
// paused or nothing runs.
export function nextDue(row: TicketRow): number | null {
  if (!row.sla || row.sla.paused) return null;
  const r = slaRunning(row);
  return r.length ? Date.parse(r[0].t.due!) : null;
}

export function SlaCountdown({ at, label, breached }: { at: string; label?: string; breached?: boolean }) {
  const now = useNow();
  const ms = Date.parse(at) - now;
  const cls = ms < 0 || breached ? 'sla over' : ms < 3600e3 ? 'sla soon' : 'sla';
  return (
    <span class={cls} title={formatDateTime(at)} data-sla-due={at}>
      {label ? label + ': ' : ''}{ms < 0 ? t('sla.over', { t: formatDuration(ms) }) : t('sla.due', { t: formatDuration(ms) })}
    </span>
  );
}

// One target: met, running (countdown), paused (time left frozen) or idle.
export function SlaTargetView({ item, paused }: { item: SlaItem; paused: boolean }) {
  const x = item.t;
  if (x.met_at)
    return <span class={x.breached ? 'sla over' : 'sla met'}>{item.label}: {t(x.breached ? 'sla.metlate' : 'sla.met')} <Time iso={x.met_at} /></span>;
  if (x.seconds_left === null || x.seconds_left === undefined || !x.due)
    return <span class={x.breached ? 'sla over' : 'sla idle'}>{item.label}: {x.breached ? t('sla.breached') : '—'}</span>;
  if (paused)
    return <span class={x.breached ? 'sla over paused' : 'sla paused'} title={formatDateTime(x.due)}>{item.label}: {t('sla.pausedleft', { t: formatDuration(x.seconds_left * 1000) })}</span>;
  return <SlaCountdown at={x.due} label={item.label} breached={x.breached} />;
}

// The queue's SLA cell: the nearest running target, "paused", or "breached".
export function SlaCell({ row }: { row: TicketRow }) {
  const s = row.sla;
  if (!s) return null;
  const r = slaRunning(row);
  if (s.paused) return <span class={s.breached ? 'sla over paused' : 'sla paused'} data-testid="sla">{t('sla.paused')}</span>;
  if (r.length) return <span data-testid="sla"><SlaCountdown at={r[0].t.due!} breached={s.breached || r[0].t.breached} /></span>;
  if (s.breached) return <span class="sla over" data-testid="sla">{t('sla.breached')}</span>;
  return <span class="sla met" data-testid="sla">{t('sla.met')}</span>;
}

// Search results arrive as segments; hits are marked, all as text.
export function Segments({ segs }: { segs: Segment[] | undefined }) {
  return <>{(segs ?? []).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}
