// Customers and organisations: lists with a prefix filter and cursor
// paging, and one page each (profile, tier, tickets, members).
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../api';
import { t, tv } from '../i18n';
import { isAgent, state } from '../session';
import { toast, toastError } from '../toast';
import type { TicketRow } from '../types';
import { StatusBadge, Time } from '../ui';

const TIERS = ['standard', 'premium', 'vip'];
// a tier of the workspace's own (docs/api/people.md) is shown as it is
const tiersWith = (cur: string) => [...new Set([...TIERS, cur])];

// A list page: title, prefix filter, table, cursor paging.
function PagedList<T>({ title, filter, path, field, head, row }: {
  title: string; filter: string; path: string; field: string; head: string[]; row: (x: T) => preact.JSX.Element;
}) {
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | number | null>(null);
  const load = (after: string | number | null) =>
    api<Record<string, any>>('GET', path + qs({ q, limit: 50, cursor: after }))
      .then((r) => {
        setRows((o) => (after ? [...o, ...r[field]] : r[field]));
        setCursor(r.next_cursor ?? null);
      })
      .catch(toastError);
  useEffect(() => {
    const id = setTimeout(() => load(null), 200);
    return () => clearTimeout(id);
  }, [q]);
  return (
    <section class="people">
      <h1>{title}</h1>
      <input class="filterbox" placeholder={filter} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      <table class="grid">
        <thead><tr>{head.map((h) => <th key={h}>{h}</th>)}</tr></thead>
        <tbody>{rows.map(row)}</tbody>
      </table>
      {cursor !== null && <button class="more" onClick={() => load(cursor)}>{t('q.more')}</button>}
    </section>
  );
}

interface CustomerRow { id: number; email: string; name: string; tier: string; organization: { id: number; name: string } | null; created_at: string }

export function Customers() {
  return (
    <PagedList<CustomerRow> title={t('cust.title')} filter={t('cust.filter')} path="/api/v1/customers" field="customers"
      head={[t('prof.name'), t('login.email'), t('cust.org'), t('t.tier')]}
      row={(c) => (
        <tr key={c.id}>
          <td><a href={`/customers/${c.id}`}>{c.name || c.email}</a></td><td>{c.email}</td>
          <td>{c.organization && <a href={`/organizations/${c.organization.id}`}>{c.organization.name}</a>}</td>
          <td><span class={`tier tier-${c.tier}`}>{tv('tier', c.tier)}</span></td>
        </tr>
      )} />
  );
}

interface CustomerFull extends CustomerRow { language: string; time_zone: string; tickets: TicketRow[] }

function Tickets({ list }: { list: TicketRow[] }) {
  return (
    <table class="grid">
      <tbody>
        {list.map((x) => (
          <tr key={x.number}>
            <td class="num">#{x.number}</td><td><a href={`/tickets/${x.number}`}>{x.subject}</a></td>
            <td><StatusBadge status={x.status} /></td><td><Time iso={x.updated_at} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CustomerPage({ id }: { id: number }) {
  const [c, setC] = useState<CustomerFull | null>(null);
  useEffect(() => void api<{ customer: CustomerFull }>('GET', `/api/v1/customers/${id}`).then((r) => setC(r.customer)).catch(toastError), [id]);
  const save = (changes: Record<string, string>) =>
    api<{ customer: CustomerFull }>('PATCH', `/api/v1/customers/${id}`, changes).then((r) => { setC({ ...c!, ...r.customer }); toast(t('t.saved')); }).catch(toastError);
  if (!c) return <p class="empty">{t('q.loading')}</p>;
  return (
    <section class="people">
      <h1>{c.name || c.email}</h1>
      <dl class="facts">
        <dt>{t('login.email')}</dt><dd>{c.email}</dd>
        <dt>{t('cust.org')}</dt><dd>{c.organization ? <a href={`/organizations/${c.organization.id}`}>{c.organization.name}</a> : '—'}</dd>
        <dt>{t('t.tier')}</dt>
        <dd><select disabled={!isAgent()} value={c.tier} onChange={(e) => save({ tier: (e.target as HTMLSelectElement).value })}>
          {tiersWith(c.tier).map((x) => <option key={x} value={x}>{tv('tier', x)}</option>)}</select></dd>
        <dt>{t('cust.language')}</dt><dd>{c.language || '—'}</dd>
        <dt>{t('cust.tz')}</dt><dd>{c.time_zone || '—'}</dd>
      </dl>
      <h2>{t('cust.tickets')}</h2>
      <Tickets list={c.tickets} />
    </section>
  );
}

interface OrgRow { id: number; domain: string; name: string; tier: string; shared_tickets: boolean; customer_count: number }

export function Orgs() {
  return (
    <PagedList<OrgRow> title={t('org.title')} filter={t('org.filter')} path="/api/v1/organizations" field="organizations"
      head={[t('prof.name'), t('org.domain'), t('t.tier'), t('org.count')]}
      row={(o) => (
        <tr key={o.id}><td><a href={`/organizations/${o.id}`}>{o.name}</a></td><td>{o.domain}</td>
          <td><span class={`tier tier-${o.tier}`}>{tv('tier', o.tier)}</span></td><td>{o.customer_count}</td></tr>
      )} />
  );
}

export function OrgPage({ id }: { id: number }) {
  const [o, setO] = useState<(OrgRow & { customers: CustomerRow[] }) | null>(null);
  useEffect(() => void api<{ organization: OrgRow & { customers: CustomerRow[] } }>('GET', `/api/v1/organizations/${id}`).then((r) => setO(r.organization)).catch(toastError), [id]);
  const sup = ['supervisor', 'admin'].includes(state.me?.role ?? '');
  const save = (changes: Record<string, unknown>) =>
    api<{ organization: OrgRow }>('PATCH', `/api/v1/organizations/${id}`, changes).then((r) => { setO({ ...o!, ...r.organization }); toast(t('t.saved')); }).catch(toastError);
  if (!o) return <p class="empty">{t('q.loading')}</p>;
  return (
    <section class="people">
      <h1>{o.name}</h1>
      <dl class="facts">
        <dt>{t('org.domain')}</dt><dd>{o.domain}</dd>
        <dt>{t('t.tier')}</dt>
        <dd><select disabled={!sup} value={o.tier} onChange={(e) => save({ tier: (e.target as HTMLSelectElement).value })}>
          {tiersWith(o.tier).map((x) => <option key={x} value={x}>{tv('tier', x)}</option>)}</select></dd>
        <dt>{t('org.shared')}</dt>
        <dd><input type="checkbox" disabled={!sup} checked={o.shared_tickets} onChange={() => save({ shared_tickets: !o.shared_tickets })} /></dd>
      </dl>
      <h2>{t('org.customers')}</h2>
      <ul>{(o.customers ?? []).map((c) => <li key={c.id}><a href={`/customers/${c.id}`}>{c.name || c.email}</a> <span class="muted">{c.email}</span></li>)}</ul>
    </section>
  );
}
