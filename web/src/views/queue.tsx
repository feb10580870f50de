// The queue: built-in and saved views, filters and sorting, cursor paging
// (the API's keyset cursor: each page costs the same at 100,000 tickets),
// live refresh from the event stream, bulk actions, priority and SLA.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, qs } from '../api';
import { t, tv } from '../i18n';
import { queueOrder, useKeys } from '../keys';
import { subscribe } from '../live';
import { navigate } from '../router';
import { agentName, isAgent, myAgent, state } from '../session';
import { toast, toastError } from '../toast';
import type { SavedView, TicketRow } from '../types';
import { nextDue, PriorityBadge, SlaCell, StatusBadge, Time } from '../ui';

const UNSOLVED = 'new,open,pending,on-hold';
const STATUSES = ['new', 'open', 'pending', 'on-hold', 'resolved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const SORTS = ['-created', 'created', '-updated', 'updated', '-priority', 'priority'];

type Query = Record<string, string>;
const BREACH_HORIZON = 4 * 3600e3;

function builtinQuery(view: string): Query | null {
  const group = myAgent()?.groups?.[0];
  switch (view) {
    case 'mine': return { status: UNSOLVED, assignee: 'me', sort: '-updated' };
    case 'unassigned': return { status: 'new,open', assignee: 'none', sort: '-created' };
    case 'group': return group ? { status: UNSOLVED, group: String(group), sort: '-updated' } : { status: UNSOLVED, group: 'none' };
    case 'pending': return { status: 'pending', sort: 'updated' };
    // the server keeps the tickets whose running SLA target falls due within
    // 4 hours (overdue ones too); the minute is rounded so that the prefetch
    // and the first render ask for the same page
    case 'breaching': return { status: UNSOLVED, sla_due_before: new Date(Math.ceil(Date.now() / 60e3) * 60e3 + BREACH_HORIZON).toISOString(), sort: '-priority' };
    case 'all': return { sort: '-created' };
  }
  return null;
}

// total is capped (10,000) with total_exact false beyond: shown as "10,000+"
type ListReply = { tickets: TicketRow[]; total: number; total_exact?: boolean; next_cursor?: string };
const totalText = (r: ListReply) => r.total.toLocaleString() + (r.total_exact === false ? '+' : '');
const listUrl = (q: Query, after: string | null) => '/api/v1/tickets' + qs({ ...q, limit: 50, cursor: after });

// The first page of a built-in view, asked for when the script starts
// (app.tsx), beside the session request, instead of after the first render.
// Once it has arrived the queue starts with its rows: the first render of
// the page already shows tickets (no render without them, no wait for the
// effects that run after a paint).
interface Prefetch { p: Promise<ListReply>; value?: ListReply }
const prefetched = new Map<string, Prefetch>();
// Settles when the page has arrived (or failed).
export function prefetchQueue(view: string): Promise<void> {
  const q = view === 'group' ? null : builtinQuery(view); // "my group" needs the directory first
  if (!q) return Promise.resolve();
  const e: Prefetch = { p: api<ListReply>('GET', listUrl(q, null)) };
  prefetched.set(listUrl(q, null), e);
  return e.p.then((v) => void (e.value = v), () => {});
}
function takePrefetched(url: string): Prefetch | undefined {
  const e = prefetched.get(url);
  prefetched.delete(url);
  return e;
}

// Rows past the first screen are rendered after the first paint, so the
// first frame lays out only what can be seen.
const FIRST_SCREEN = Math.max(10, Math.ceil(window.innerHeight / 28));

const BUILTIN: [string, Parameters<typeof t>[0]][] = [
  ['mine', 'view.mine'], ['unassigned', 'view.unassigned'], ['group', 'view.group'],
  ['pending', 'view.pending'], ['breaching', 'view.breaching'], ['all', 'view.all'],
];

// The number of tickets in each view, as the agents' list counts them
// (GET /tickets?limit=1: its total), asked for after the first paint and
// again a few seconds after live activity; null while unknown.
const COUNT_DELAY = 2500;
function useViewCounts(saved: SavedView[]): Record<string, string> {
  const [counts, setCounts] = useState<Record<string, string>>({});
  const gen = useRef(0);
  const load = () => {
    const my = ++gen.current;
    const views: [string, Query | null][] = [...BUILTIN.map(([k]) => [k, builtinQuery(k)] as [string, Query | null]),
      ...saved.map((v) => [`saved-${v.id}`, v.query] as [string, Query])];
    for (const [k, q] of views) {
      if (!q) continue;
      api<ListReply>('GET', '/api/v1/tickets' + qs({ ...q, limit: 1 }))
        .then((r) => my === gen.current && setCounts((c) => ({ ...c, [k]: totalText(r) })))
        .catch(() => {});
    }
  };
  useEffect(() => {
    const first = window.setTimeout(load, 0);
    let timer = 0;
    const off = subscribe((e) => {
      if (e.type === 'presence') return;
      clearTimeout(timer);
      timer = window.setTimeout(load, COUNT_DELAY);
    });
    return () => {
      off();
      clearTimeout(first);
      clearTimeout(timer);
    };
  }, [saved.map((v) => v.id).join(',')]);
  return counts;
}

function Count({ n }: { n: string | undefined }) {
  return n === undefined ? null : <span class="count" data-testid="count">{n}</span>;
}

function Sidebar({ view, saved, onDelete, counts }: {
  view: string; saved: SavedView[]; onDelete: (v: SavedView) => void; counts: Record<string, string>;
}) {
  return (
    <aside class="views">
      <ul>
        {BUILTIN.map(([k, label]) => (
          <li key={k}><a href={`/views/${k}`} class={view === k ? 'on' : ''} data-view={k}>{t(label)}<Count n={counts[k]} /></a></li>
        ))}
      </ul>
      {saved.length > 0 && <h3>{t('view.saved')}</h3>}
      <ul>
        {saved.map((v) => (
          <li key={v.id} class="saved">
            <a href={`/views/saved-${v.id}`} class={view === `saved-${v.id}` ? 'on' : ''} data-view={`saved-${v.id}`}>{v.name}<Count n={counts[`saved-${v.id}`]} /></a>
            {v.mine && <button class="link x" title={t('view.delete')} onClick={() => onDelete(v)}>×</button>}
          </li>
        ))}
      </ul>
    </aside>
  );
}

function Select({ label, value, options, onChange }: {
  label: string; value: string; options: [string, string][]; onChange: (v: string) => void;
}) {
  return (
    <label class="filter">{label}
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
}

function Filters({ q, set }: { q: Query; set: (q: Query) => void }) {
  const up = (k: string) => (v: string) => {
    const n = { ...q };
    if (v) n[k] = v;
    else delete n[k];
    set(n);
  };
  const statusOpts: [string, string][] = [['', t('f.any')], [UNSOLVED, t('f.unsolved')], ...STATUSES.map((s) => [s, tv('status', s)] as [string, string])];
  if (q.status && !statusOpts.some(([v]) => v === q.status)) statusOpts.push([q.status, q.status]);
  const assignees: [string, string][] = [['', t('f.any')], ['me', t('f.me')], ['none', t('f.none')],
    ...state.agents.filter((a) => a.role !== 'light_agent').map((a) => [String(a.id), a.name || a.email] as [string, string])];
  const groups: [string, string][] = [['', t('f.any')], ['none', t('common.nogroup')],
    ...state.groups.map((g) => [String(g.id), g.name] as [string, string])];
  return (
    <div class="filters">
      <Select label={t('f.status')} value={q.status ?? ''} options={statusOpts} onChange={up('status')} />
      <Select label={t('f.priority')} value={q.priority ?? ''} options={[['', t('f.any')], ...PRIORITIES.map((p) => [p, tv('prio', p)] as [string, string])]} onChange={up('priority')} />
      <Select label={t('f.assignee')} value={q.assignee ?? ''} options={assignees} onChange={up('assignee')} />
      <Select label={t('f.group')} value={q.group ?? ''} options={groups} onChange={up('group')} />
      <label class="filter">{t('f.tag')}
        <input size={10} value={q.tag ?? ''} onChange={(e) => up('tag')((e.target as HTMLInputElement).value.trim())} />
      </label>
      <Select label={t('f.sort')} value={q.sort ?? '-created'} options={SORTS.map((s) => [s, tv('sort', s)] as [string, string])} onChange={up('sort')} />
    </div>
  );
}

function BulkBar({ ids, done }: { ids: number[]; done: () => void }) {
  const [merge, setMerge] = useState('');
  const [tag, setTag] = useState('');
  const apply = async (changes: Record<string, unknown>) => {
    try {
      const r = await api<{ updated: number; results: { status: number }[] }>('POST', '/api/v1/tickets/bulk', { ids, changes });
      const bad = r.results.filter((x) => x.status !== 200).length;
      toast(t('bulk.done', { n: r.updated }) + (bad ? ' — ' + t('bulk.failed', { n: bad }) : ''), bad > 0);
      done();
    } catch (e) {
      toastError(e);
    }
  };
  const doMerge = async () => {
    const into = Number(merge);
    if (!into) return;
    let ok = 0;
    for (const id of ids.filter((i) => i !== into)) {
      try {
        await api('POST', `/api/v1/tickets/${id}/merge`, { into });
        ok++;
      } catch (e) {
        toastError(e);
      }
    }
    toast(t('bulk.done', { n: ok }));
    setMerge('');
    done();
  };
  const me = state.me?.agent_id;
  return (
    <div class="bulk" data-testid="bulk">
      <strong>{t('q.selected', { n: ids.length })}</strong>
      <select aria-label={t('bulk.assign')} value="" onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        if (v) apply({ assignee_id: v === 'none' ? null : Number(v) });
      }}>
        <option value="">{t('bulk.assign')}</option>
        {me && <option value={String(me)}>{t('f.me')}</option>}
        <option value="none">{t('f.none')}</option>
        {state.agents.filter((a) => a.id !== me && a.role !== 'light_agent' && !a.disabled).map((a) =>
          <option key={a.id} value={String(a.id)}>{a.name || a.email}</option>)}
      </select>
      <select aria-label={t('bulk.status')} value="" onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        if (v) apply({ status: v });
      }}>
        <option value="">{t('bulk.status')}</option>
        {STATUSES.filter((s) => s !== 'new').map((s) => <option key={s} value={s}>{tv('status', s)}</option>)}
      </select>
      <form class="inline" onSubmit={(e) => { e.preventDefault(); if (tag.trim()) { apply({ tags: { add: [tag.trim().toLowerCase()] } }); setTag(''); } }}>
        <input size={10} placeholder={t('bulk.tag')} aria-label={t('bulk.tag')} value={tag} onInput={(e) => setTag((e.target as HTMLInputElement).value)} />
      </form>
      <form class="inline" onSubmit={(e) => { e.preventDefault(); doMerge(); }}>
        <input size={6} inputMode="numeric" placeholder={t('bulk.merge')} aria-label={t('bulk.merge')} value={merge} onInput={(e) => setMerge((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('bulk.apply')}</button>
      </form>
    </div>
  );
}

export function Queue({ view }: { view: string }) {
  const [saved, setSaved] = useState<SavedView[]>([]);
  // built-in views know their filters at once (no wait for saved views)
  const [query, setQuery] = useState<Query | null>(() => (view.startsWith('saved-') ? null : builtinQuery(view) ?? builtinQuery('all')));
  const [ready] = useState(() => {
    const e = query ? prefetched.get(listUrl(query, null)) : undefined;
    if (!e?.value) return undefined;
    prefetched.delete(listUrl(query!, null));
    return e.value;
  });
  const [rows, setRows] = useState<TicketRow[]>(ready?.tickets ?? []);
  const [total, setTotal] = useState<string | null>(ready ? totalText(ready) : null);
  const [cursor, setCursor] = useState<string | null>(ready?.next_cursor ?? null);
  const [allDrawn, setAllDrawn] = useState(false);
  const skipFetch = useRef(!!ready); // the first page is already here
  const lastPage = useRef(''); // a live refresh that changes nothing renders nothing
  const [loading, setLoading] = useState(false);
  const [stale, setStale] = useState(false);
  const [sel, setSel] = useState<Set<number>>(new Set());
  const [at, setAt] = useState(0);
  const [naming, setNaming] = useState<string | null>(null);
  const gen = useRef(0);
  const counts = useViewCounts(saved);

  const loadViews = () => api<{ views: SavedView[] }>('GET', '/api/v1/views').then((r) => setSaved(r.views)).catch(toastError);
  useEffect(() => void loadViews(), []);

  // The view chooses the starting filters; the agent may change them.
  useEffect(() => {
    const m = view.match(/^saved-(\d+)$/);
    if (m) {
      const v = saved.find((x) => x.id === Number(m[1]));
      if (v) setQuery({ ...v.query });
    } else {
      setQuery(builtinQuery(view) ?? builtinQuery('all'));
    }
  }, [view, saved]);

  // live refreshes keep the agent's selection (of rows still listed)
  const fetchPage = async (q: Query, after: string | null, keepSelection = false) => {
    const my = ++gen.current;
    setLoading(true);
    try {
      const url = listUrl(q, after);
      const r = await (takePrefetched(url)?.p ?? api<ListReply>('GET', url));
      if (my !== gen.current) return;
      if (!after) {
        const same = JSON.stringify(r);
        if (keepSelection && same === lastPage.current) return;
        lastPage.current = same;
      }
      setRows((old) => (after ? [...old, ...r.tickets] : r.tickets));
      setTotal(totalText(r));
      setCursor(r.next_cursor ?? null);
      if (!after) {
        const listed = new Set(r.tickets.map((x) => x.number));
        setSel((old) => (keepSelection ? new Set([...old].filter((n) => listed.has(n))) : new Set()));
        setStale(false);
      }
    } catch (e) {
      toastError(e);
    } finally {
      if (my === gen.current) setLoading(false);
    }
  };
  const reload = () => query && fetchPage(query, null);
  useEffect(() => {
    if (skipFetch.current) {
      skipFetch.current = false;
      lastPage.current = JSON.stringify(ready);
      return;
    }
    if (query) {
      setAt(0);
      fetchPage(query, null);
    }
  }, [JSON.stringify(query)]);
  // effects run after the paint: now the rest of the rows
  useEffect(() => {
    if (!allDrawn && rows.length > FIRST_SCREEN) setAllDrawn(true);
  }, [rows.length]);

  // Live: with only the first page shown, refresh it (debounced); with more
  // pages loaded, offer a refresh rather than lose the agent's place.
  const morePages = rows.length > 50;
  useEffect(() => {
    let timer = 0;
    const off = subscribe((e) => {
      if (e.type === 'presence') return;
      if (morePages) {
        setStale(true);
        return;
      }
      clearTimeout(timer);
      timer = window.setTimeout(() => query && fetchPage(query, null, true), 400);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [JSON.stringify(query), morePages]);

  // "Breaching soon": the server's page (due within 4 hours), soonest first.
  const shown = useMemo(() => (view !== 'breaching' ? rows
    : [...rows].sort((a, b) => (nextDue(a) ?? Infinity) - (nextDue(b) ?? Infinity))), [rows, view]);
  const hasSla = rows.some((r) => !!r.sla);

  useEffect(() => {
    queueOrder.numbers = shown.map((r) => r.number);
    queueOrder.path = location.pathname;
  }, [shown]);

  const toggle = (n: number) => setSel((s) => {
    const c = new Set(s);
    if (c.has(n)) c.delete(n);
    else c.add(n);
    return c;
  });
  useKeys({
    j: () => setAt((i) => Math.min(i + 1, shown.length - 1)),
    k: () => setAt((i) => Math.max(i - 1, 0)),
    o: () => shown[at] && navigate(`/tickets/${shown[at].number}`),
    Enter: () => shown[at] && navigate(`/tickets/${shown[at].number}`),
    x: () => shown[at] && toggle(shown[at].number),
  });
  useEffect(() => {
    document.querySelector('tr.cursor')?.scrollIntoView({ block: 'nearest' });
  }, [at]);

  const saveView = async (name: string) => {
    try {
      await api('POST', '/api/v1/views', { name, query, shared: false });
      setNaming(null);
      loadViews();
    } catch (e) {
      toastError(e);
    }
  };
  const deleteView = async (v: SavedView) => {
    try {
      await api('DELETE', `/api/v1/views/${v.id}`);
      loadViews();
      if (view === `saved-${v.id}`) navigate('/');
    } catch (e) {
      toastError(e);
    }
  };

  const allSel = shown.length > 0 && shown.every((r) => sel.has(r.number));
  return (
    <div class="queue">
      <Sidebar view={view} saved={saved} onDelete={deleteView} counts={counts} />
      <section class="list">
        {query && <Filters q={query} set={setQuery} />}
        <div class="listhead">
          <span class="total" data-testid="total">{total === null ? t('q.loading') : t('q.total', { n: total })}</span>
          {stale && <button class="link" onClick={reload}>{t('q.updates')}</button>}
          {naming === null
            ? <button class="link" onClick={() => setNaming('')}>{t('view.save')}</button>
            : <form class="inline" onSubmit={(e) => { e.preventDefault(); if (naming.trim()) saveView(naming.trim()); }}>
                <input autoFocus placeholder={t('view.name')} value={naming} onInput={(e) => setNaming((e.target as HTMLInputElement).value)} />
                <button type="submit">{t('common.save')}</button>
                <button type="button" class="link" onClick={() => setNaming(null)}>{t('common.cancel')}</button>
              </form>}
        </div>
        {view === 'breaching' && <p class="hint">{t('view.breaching.hint')}</p>}
        {sel.size > 0 && isAgent() && <BulkBar ids={[...sel]} done={reload} />}
        <table class="tickets" data-testid="queue">
          <thead>
            <tr>
              <th class="c-check"><input type="checkbox" aria-label={t('q.selectall')} checked={allSel} onChange={() =>
                setSel(allSel ? new Set() : new Set(shown.map((r) => r.number)))} /></th>
              <th class="c-num">#</th><th class="c-prio">{t('col.priority')}</th><th>{t('col.subject')}</th><th class="c-who">{t('col.requester')}</th>
              <th class="c-status">{t('col.status')}</th><th class="c-who">{t('col.assignee')}</th>{hasSla && <th class="c-sla">{t('col.sla')}</th>}
              <th class="c-when">{t('col.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {(allDrawn ? shown : shown.slice(0, FIRST_SCREEN)).map((r, i) => (
              <tr key={r.number} class={(i === at ? 'cursor ' : '') + (sel.has(r.number) ? 'sel' : '')} data-number={r.number}>
                <td><input type="checkbox" aria-label={`#${r.number}`} checked={sel.has(r.number)} onChange={() => toggle(r.number)} /></td>
                <td class="num">{r.number}</td>
                <td><PriorityBadge priority={r.priority} /></td>
                <td class="subj" elementtiming={i === 0 ? 'queue-first-row' : undefined}><a href={`/tickets/${r.number}`}>{r.subject || '—'}</a>
                  {(r.tags ?? []).map((tag) => <span key={tag} class="tag">{tag}</span>)}</td>
                <td class="who">{r.customer.name || r.customer.email}</td>
                <td><StatusBadge status={r.status} /></td>
                <td class="who">{agentName(r.assignee_id) || <span class="muted">{t('common.unassigned')}</span>}</td>
                {hasSla && <td class="slacell"><SlaCell row={r} /></td>}
                <td class="when"><Time iso={r.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && shown.length === 0 && <p class="empty">{t('q.empty')}</p>}
        {cursor && <button class="more" disabled={loading} onClick={() => query && fetchPage(query, cursor)}>{t('q.more')}</button>}
      </section>
    </div>
  );
}
