// Administration, one page per area (/admin/<section>): agents, groups
// and custom fields here; mail (admin_mail.tsx), SLA (admin_sla.tsx) and
// triggers (admin_rules.tsx) beside. Admins only: the menu shows the link
// to admins, and anyone else who navigates here is told so (the API
// refuses them too).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { groupName, loadDirectory, state, useSession } from '../session';
import { attempt, toastError } from '../toast';
import type { Field } from '../types';
import { TriggersAdmin } from './admin_rules';
import { CannedAdmin, MailboxAdmin, Templates } from './admin_mail';
import { SlaAdmin } from './admin_sla';
import type { Key } from './admin_kit';

const ROLES = ['agent', 'light_agent', 'supervisor', 'admin'];

function useForm<T extends Record<string, string>>(init: T) {
  const [v, setV] = useState(init);
  const bind = (k: keyof T) => ({
    value: v[k], onInput: (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value }),
  });
  return { v, bind, reset: () => setV(init) };
}

const act = attempt;

function Agents() {
  const s = useSession();
  const f = useForm({ email: '', name: '', role: 'agent', password: '', group: '' });
  const refresh = () => loadDirectory().then(() => f.reset());
  return (
    <section>
      <h2>{t('admin.agents')}</h2>
      <table class="grid">
        <thead><tr><th>{t('login.email')}</th><th>{t('prof.name')}</th><th>{t('admin.role')}</th><th>{t('admin.groups')}</th><th>{t('admin.disabled')}</th></tr></thead>
        <tbody>{s.agents.map((a) => (
          <tr key={a.id}><td>{a.email}</td><td>{a.name}</td>
            <td><select value={a.role} disabled={a.id === s.me?.agent_id} onChange={(e) => act(() => api('PATCH', `/api/v1/agents/${a.id}`, { role: (e.target as HTMLSelectElement).value }), refresh)}>
              {ROLES.map((r) => <option key={r}>{r}</option>)}</select></td>
            <td>{a.groups.map(groupName).join(', ')}</td>
            <td><input type="checkbox" checked={a.disabled} disabled={a.id === s.me?.agent_id}
                       onChange={() => act(() => api('PATCH', `/api/v1/agents/${a.id}`, { disabled: !a.disabled }), refresh)} /></td></tr>
        ))}</tbody>
      </table>
      <form class="inline card" onSubmit={(e) => {
        e.preventDefault();
        act(() => api('POST', '/api/v1/agents', { email: f.v.email, name: f.v.name, role: f.v.role, password: f.v.password,
          groups: f.v.group ? [Number(f.v.group)] : [] }), refresh);
      }}>
        <input type="email" required placeholder={t('login.email')} {...f.bind('email')} />
        <input placeholder={t('prof.name')} {...f.bind('name')} />
        <select {...f.bind('role')} onChange={(e) => f.bind('role').onInput(e)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select>
        <input type="password" required minLength={8} placeholder={t('login.password')} {...f.bind('password')} />
        <select {...f.bind('group')} onChange={(e) => f.bind('group').onInput(e)}>
          <option value="">{t('common.nogroup')}</option>{s.groups.map((g) => <option key={g.id} value={String(g.id)}>{g.name}</option>)}
        </select>
        <button type="submit">{t('admin.create')}</button>
      </form>
    </section>
  );
}

function Groups() {
  const s = useSession();
  const [name, setName] = useState('');
  const refresh = () => loadDirectory().then(() => setName(''));
  return (
    <section>
      <h2>{t('admin.groups')}</h2>
      <table class="grid">
        <thead><tr><th>{t('prof.name')}</th><th>{t('admin.members')}</th><th>{t('admin.addmember')}</th></tr></thead>
        <tbody>{s.groups.map((g) => (
          <tr key={g.id}><td>{g.name}</td>
            <td>{g.members.map((m) => state.agents.find((a) => a.id === m)?.email ?? `#${m}`).join(', ')}</td>
            <td><select value="" onChange={(e) => act(() => api('POST', `/api/v1/groups/${g.id}/members`, { agent_id: Number((e.target as HTMLSelectElement).value) }), refresh)}>
              <option value="">—</option>
              {s.agents.filter((a) => !g.members.includes(a.id)).map((a) => <option key={a.id} value={String(a.id)}>{a.email}</option>)}
            </select></td></tr>
        ))}</tbody>
      </table>
      <form class="inline card" onSubmit={(e) => { e.preventDefault(); act(() => api('POST', '/api/v1/groups', { name }), refresh); }}>
        <input required placeholder={t('prof.name')} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('admin.create')}</button>
      </form>
    </section>
  );
}

function Fields() {
  const [fields, setFields] = useState<Field[]>([]);
  const f = useForm({ key: '', label: '', type: 'text', options: '' });
  const load = () => api<{ fields: Field[] }>('GET', '/api/v1/fields').then((r) => setFields(r.fields)).catch(toastError);
  useEffect(() => void load(), []);
  return (
    <section>
      <h2>{t('admin.fields')}</h2>
      <table class="grid">
        <thead><tr><th>{t('admin.key')}</th><th>{t('admin.label')}</th><th>Type</th><th>{t('admin.options')}</th></tr></thead>
        <tbody>{fields.map((x) => <tr key={x.id}><td><code>{x.key}</code></td><td>{x.label}</td><td>{x.type}</td><td>{(x.options ?? []).join(', ')}</td></tr>)}</tbody>
      </table>
      <form class="inline card" onSubmit={(e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { key: f.v.key, label: f.v.label, type: f.v.type };
        if (f.v.type === 'select') body.options = f.v.options.split(',').map((x) => x.trim()).filter(Boolean);
        act(() => api('POST', '/api/v1/fields', body), () => { f.reset(); load(); });
      }}>
        <input required pattern="[a-z][a-z0-9_]*" placeholder={t('admin.key')} {...f.bind('key')} />
        <input required placeholder={t('admin.label')} {...f.bind('label')} />
        <select {...f.bind('type')} onChange={(e) => f.bind('type').onInput(e)}>{['text', 'number', 'date', 'select'].map((x) => <option key={x}>{x}</option>)}</select>
        {f.v.type === 'select' && <input placeholder={t('admin.options')} {...f.bind('options')} />}
        <button type="submit">{t('admin.create')}</button>
      </form>
    </section>
  );
}

function People() {
  return <><Agents /><Groups /><Fields /></>;
}

const SECTIONS: [string, Key, () => JSX.Element | null][] = [
  ['', 'admin.tab.people', People], ['templates', 'admin.tab.templates', Templates], ['canned', 'admin.tab.canned', CannedAdmin],
  ['mailbox', 'admin.tab.mailbox', MailboxAdmin], ['sla', 'admin.tab.sla', SlaAdmin], ['triggers', 'admin.tab.triggers', TriggersAdmin],
];

export function Admin({ section }: { section: string }) {
  const s = useSession();
  if (s.me?.role !== 'admin') return <p class="error refused" role="alert" data-testid="refused">{t('admin.refused')}</p>;
  const current = SECTIONS.find(([k]) => k === section) ?? SECTIONS[0];
  const Page = current[2];
  return (
    <div class="admin">
      <h1>{t('admin.title')}</h1>
      <nav class="tabs" aria-label={t('admin.title')}>
        {SECTIONS.map(([k, label]) => (
          <a key={k} href={k ? `/admin/${k}` : '/admin'} class={k === current[0] ? 'on' : ''} data-section={k || 'people'}>{t(label)}</a>
        ))}
      </nav>
      <Page />
    </div>
  );
}
