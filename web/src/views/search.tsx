// Full-text search (GET /api/v1/search): hits are marked in the subject
// and the snippet; segments are rendered as text, never as HTML.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../api';
import { t } from '../i18n';
import { toastError } from '../toast';
import type { Segment, TicketRow } from '../types';
import { Segments, StatusBadge, Time } from '../ui';

interface Result { ticket: TicketRow; subject: Segment[]; snippet: Segment[]; message_id: number }
interface Reply { mode: string; total: number; total_exact: boolean; results: Result[]; next_offset?: number }

export function Search({ q }: { q: string }) {
  const [r, setR] = useState<Reply | null>(null);
  const [more, setMore] = useState<Result[]>([]);
  const load = (offset: number) =>
    api<Reply>('GET', '/api/v1/search' + qs({ q, limit: 20, offset }))
      .then((x) => {
        if (offset) setMore((m) => [...m, ...x.results]);
        else { setMore([]); }
        setR((old) => (offset && old ? { ...x, results: old.results } : x));
      })
      .catch(toastError);
  useEffect(() => {
    setR(null);
    if (q) load(0);
  }, [q]);
  if (!q) return null;
  const all = r ? [...r.results, ...more] : [];
  return (
    <section class="search">
      <h1>{t('search.title')}: “{q}”</h1>
      {r && <p class="muted" data-testid="search-total">{r.total_exact ? t('search.results', { n: r.total }) : t('search.more', { n: r.total })}</p>}
      {r?.mode === 'recent' && <p class="hint">{t('search.recent')}</p>}
      {r && all.length === 0 && <p class="empty">{t('search.none')}</p>}
      <ol class="results">
        {all.map((x) => (
          <li key={x.ticket.number}>
            <a href={`/tickets/${x.ticket.number}`}><span class="num">#{x.ticket.number}</span> <Segments segs={x.subject} /></a>
            {' '}<StatusBadge status={x.ticket.status} /> <span class="muted">{x.ticket.customer.name || x.ticket.customer.email} · <Time iso={x.ticket.updated_at} /></span>
            <p class="snippet"><Segments segs={x.snippet} /></p>
          </li>
        ))}
      </ol>
      {r?.next_offset && <button class="more" onClick={() => load(r.next_offset!)}>{t('q.more')}</button>}
    </section>
  );
}
