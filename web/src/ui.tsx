// Small pieces shared by the pages: badges, SLA countdowns, time stamps,
// highlighted search segments.
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, formatDuration, t, tv } from './i18n';
import type { Segment, Sla, TicketRow } from './types';

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

// The SLA targets of a ticket, whatever shape the SLA issue gives them:
// "sla_due_at", an "sla" object ({first_response_due_at, resolution_due_at}
// or {next_due_at | due_at}), or an "sla" array of {due_at, metric | kind}.
export function slaDue(row: TicketRow): { at: string; label?: string }[] {
  const out: { at: string; label?: string }[] = [];
  const s = row.sla as Sla | Sla[] | null | undefined;
  if (row.sla_due_at) out.push({ at: row.sla_due_at });
  if (Array.isArray(s)) {
    for (const x of s as (Sla & { metric?: string; kind?: string })[])
      if (x?.due_at) out.push({ at: x.due_at, label: x.metric ?? x.kind });
  } else if (s) {
    if (s.first_response_due_at) out.push({ at: s.first_response_due_at, label: t('sla.first') });
    if (s.resolution_due_at) out.push({ at: s.resolution_due_at, label: t('sla.resolution') });
    if (!out.length && (s.next_due_at || s.due_at)) out.push({ at: (s.next_due_at || s.due_at)! });
  }
  return out.filter((d) => typeof d.at === 'string' && !isNaN(Date.parse(d.at)));
}

export function nextDue(row: TicketRow): number | null {
  const ds = slaDue(row).map((d) => Date.parse(d.at));
  return ds.length ? Math.min(...ds) : null;
}

export function SlaCountdown({ at, label }: { at: string; label?: string }) {
  const now = useNow();
  const ms = Date.parse(at) - now;
  const cls = ms < 0 ? 'sla over' : ms < 3600e3 ? 'sla soon' : 'sla';
  return (
    <span class={cls} title={formatDateTime(at)}>
      {label ? label + ': ' : ''}{ms < 0 ? t('sla.over', { t: formatDuration(ms) }) : t('sla.due', { t: formatDuration(ms) })}
    </span>
  );
}

// Search results arrive as segments; hits are marked, all as text.
export function Segments({ segs }: { segs: Segment[] | undefined }) {
  return <>{(segs ?? []).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</>;
}
