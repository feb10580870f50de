// Admin pages about outgoing mail: the mail templates (five kinds in two
// languages, each the admin's text or the built-in one), canned responses
// and the mailboxes (support addresses) with the mail settings of mado.conf.
// API: docs/api/templates.md.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { t, tv } from '../i18n';
import { toast, toastError } from '../toast';
import { state } from '../session';
import { Crud, CrudSpec, DeleteButton, FormError, idOrNull, mark, problemText } from './admin_kit';

interface Template { name: string; language: string; subject: string; body: string; customized: boolean }

export function Templates() {
  const [list, setList] = useState<Template[]>([]);
  const [placeholders, setPlaceholders] = useState<string[]>([]);
  const [editing, setEditing] = useState<Template | null>(null);
  const [err, setErr] = useState('');
  const load = () => api<{ templates: Template[]; placeholders: string[] }>('GET', '/api/v1/admin/templates')
    .then((r) => { setList(r.templates); setPlaceholders(r.placeholders); }).catch(toastError);
  useEffect(() => void load(), []);
  const path = (x: Template) => `/api/v1/admin/templates/${x.name}/${x.language}`;
  const open = (x: Template | null) => { setEditing(x); setErr(''); };
  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing) return;
    try {
      await api('PUT', path(editing), { subject: editing.subject, body: editing.body });
      toast(t('t.saved'));
      open(null);
      load();
    } catch (x) {
      if (!(x instanceof ApiError && x.status === 401)) setErr(problemText(x));
    }
  };
  const reset = (x: Template) => api('DELETE', path(x)).then(() => { toast(t('t.saved')); open(null); load(); }).catch(toastError);
  return (
    <section data-testid="templates">
      <h2>{t('admin.tab.templates')}</h2>
      <table class="grid">
        <thead><tr><th>{t('tpl.name')}</th><th>{t('tpl.language')}</th><th>{t('tpl.subject')}</th><th /><th /></tr></thead>
        <tbody>{list.map((x) => (
          <tr key={x.name + x.language} data-template={`${x.name}/${x.language}`}>
            <td>{tv('tpl', x.name)}</td><td>{x.language === 'ja' ? '日本語' : 'English'}</td><td>{x.subject}</td>
            <td>{x.customized ? <strong>{t('tpl.customized')}</strong> : <span class="muted">{t('tpl.builtin')}</span>}</td>
            <td class="actions"><button class="link" onClick={() => open({ ...x })}>{t('admin.edit')}</button>
              {x.customized && <DeleteButton onDelete={() => reset(x)} />}</td>
          </tr>
        ))}</tbody>
      </table>
      {editing && (
        <form class="card crud" onSubmit={save}>
          <h3>{t('admin.editing', { name: `${tv('tpl', editing.name)} (${editing.language})` })}</h3>
          <label class="wide">{t('tpl.subject')}
            <input name="subject" required value={editing.subject} onInput={(e) => setEditing({ ...editing, subject: (e.target as HTMLInputElement).value })} />
          </label>
          <label class="wide">{t('tpl.body')}
            <textarea name="body" required rows={10} value={editing.body} onInput={(e) => setEditing({ ...editing, body: (e.target as HTMLTextAreaElement).value })} />
          </label>
          <p class="hint">{t('tpl.placeholders')}: {placeholders.map((p) => <code key={p}>{`{{${p}}}`} </code>)}</p>
          <FormError msg={err} />
          <button type="submit" class="primary">{t('common.save')}</button>
          <button type="button" class="link" onClick={() => open(null)}>{t('common.cancel')}</button>
        </form>
      )}
    </section>
  );
}

const CANNED: CrudSpec = {
  title: 'admin.tab.canned', testid: 'canned', base: '/api/v1/canned', listKey: 'canned',
  fields: [
    { key: 'title', label: 'canned.title', required: true },
    { key: 'body', label: 'canned.body', kind: 'textarea', required: true },
  ],
  columns: [['canned.title', (x) => x.title], ['canned.body', (x) => <span class="clip">{x.body}</span>]],
  label: (x) => x.title,
};

export function CannedAdmin() {
  return <Crud spec={CANNED} />;
}

// Mailboxes (docs/api/mailboxes.md): the support addresses, each with the
// name its mail goes out under, the group its new tickets go to and an
// optional reply address; below them the mail settings of mado.conf.
const MAILBOXES: CrudSpec = {
  title: 'mbox.title', testid: 'mailboxes', base: '/api/v1/admin/mailboxes', listKey: 'mailboxes',
  fields: [
    { key: 'address', label: 'mbox.address', required: true, placeholder: 'support@example.com' },
    { key: 'name', label: 'mbox.name' },
    { key: 'reply_address', label: 'mbox.replyaddr' },
    { key: 'group_id', label: 'mbox.group', kind: 'select', send: idOrNull,
      options: () => [['', '—'], ...state.groups.map((g) => [String(g.id), g.name] as [string, string])] },
    { key: 'active', label: 'mbox.active', kind: 'check', initial: true },
  ],
  columns: [['mbox.address', (x) => <code>{x.address}</code>], ['mbox.name', (x) => x.name || '—'],
    ['mbox.group', (x) => x.group ?? '—'], ['mbox.replyaddr', (x) => x.reply_address || '—'],
    ['mbox.active', (x) => mark(x.active)]],
  label: (x) => x.address,
};

interface Mailbox {
  addresses: string[]; reply_address: string; msgid_domain: string; from_name: string; charset: string; subject_token: string;
}

export function MailboxAdmin() {
  const [m, setM] = useState<Mailbox | null>(null);
  const load = () => api<Mailbox>('GET', '/api/v1/admin/mailbox').then(setM).catch(toastError);
  useEffect(() => void load(), []);
  const rows: [Parameters<typeof t>[0], string][] = m ? [
    ['mbox.reply', m.reply_address], ['mbox.fromname', m.from_name || '—'],
    ['mbox.charset', m.charset], ['mbox.msgid', m.msgid_domain], ['mbox.token', m.subject_token],
  ] : [];
  return (
    <>
      <Crud spec={MAILBOXES} onChange={() => void load()} />
      {m && (
        <section data-testid="mailbox">
          <h3>{t('mbox.settings')}</h3>
          <table class="grid kv"><tbody>{rows.map(([k, v]) => <tr key={k}><th>{t(k)}</th><td><code>{v}</code></td></tr>)}</tbody></table>
          <p class="hint">{t('mbox.hint')}</p>
        </section>
      )}
    </>
  );
}
