// One ticket: conversation, properties and customer panels, the reply and
// note editor, merge/link/split, and presence (who else is viewing or
// replying; a reply over someone else's is confirmed first).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, qs } from '../api';
import { currentLang, t, tv } from '../i18n';
import { queueOrder, useKeys } from '../keys';
import { subscribe } from '../live';
import { navigate } from '../router';
import { agentName, isAgent, state } from '../session';
import { attempt, toast, toastError } from '../toast';
import type { Canned, Field, Presence, Ticket, TicketRow } from '../types';
import { PriorityBadge, slaItems, SlaTargetView, StatusBadge, Time } from '../ui';
import { Conversation } from './conversation';

const STATUSES = ['new', 'open', 'pending', 'on-hold', 'resolved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['question', 'incident', 'request', 'problem', 'alarm'];

function usePresence(number: number, replying: boolean): Presence[] {
  const [list, setList] = useState<Presence[]>([]);
  const set = (st: string) =>
    api<{ agents: Presence[] }>('POST', `/api/v1/tickets/${number}/presence`, { state: st, ttl: 30 })
      .then((r) => setList(r.agents)).catch(() => {});
  useEffect(() => {
    const off = subscribe((e) => {
      if (e.type !== 'presence' || e.ticket_id !== number) return;
      api<{ agents: Presence[] }>('GET', `/api/v1/tickets/${number}/presence`).then((r) => setList(r.agents)).catch(() => {});
    });
    return () => {
      off();
      if (state.me) set('left'); // not after a logout (the session is gone)
    };
  }, [number]);
  useEffect(() => {
    set(replying ? 'replying' : 'viewing');
    const id = setInterval(() => set(replying ? 'replying' : 'viewing'), 12000);
    return () => clearInterval(id);
  }, [number, replying]);
  return list.filter((p) => p.agent_id !== state.me?.agent_id && p.state !== 'left');
}

function PresenceBar({ others }: { others: Presence[] }) {
  if (!others.length) return null;
  return (
    <div class="presence" data-testid="presence" aria-live="polite">
      {others.map((p) => (
        <span key={p.agent_id} class={`who ${p.state}`}>
          {t(p.state === 'replying' ? 't.replying' : 't.viewing', { who: agentName(p.agent_id) || p.email })}
        </span>
      ))}
    </div>
  );
}

function Props({ tk, patch, fields }: { tk: Ticket; patch: (c: Record<string, unknown>) => void; fields: Field[] }) {
  const [tag, setTag] = useState('');
  const ro = !isAgent();
  const sel = (name: string, value: string, opts: [string, string][], on: (v: string) => void) => (
    <label class="prop">{name}
      <select disabled={ro} value={value} onChange={(e) => on((e.target as HTMLSelectElement).value)}>
        {opts.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
  // The priority reason in the agent's language, else the other one.
  const pr = tk.priority_reason;
  const reason = pr && typeof pr === 'object' ? (currentLang() === 'ja' ? pr.ja || pr.en : pr.en || pr.ja) ?? '' : '';
  return (
    <section class="panel" aria-label={t('t.properties')}>
      <h3>{t('t.properties')}</h3>
      {sel(t('f.status'), tk.status, STATUSES.map((s) => [s, tv('status', s)]), (v) => patch({ status: v }))}
      {sel(t('f.priority'), tk.priority, PRIORITIES.map((s) => [s, tv('prio', s)]), (v) => patch({ priority: v }))}
      {reason && (
        <div class="reasons" data-testid="priority-reason"><span class="muted">{t('t.reasons')}</span>
          <p>{reason}</p></div>
      )}
      {sel(t('t.type'), tk.type, TYPES.map((s) => [s, tv('type', s)]), (v) => patch({ type: v }))}
      {sel(t('f.group'), String(tk.group_id ?? ''), [['', t('common.nogroup')], ...state.groups.map((g) => [String(g.id), g.name] as [string, string])],
        (v) => patch({ group_id: v ? Number(v) : null }))}
      {sel(t('f.assignee'), String(tk.assignee_id ?? ''), [['', t('common.unassigned')],
        ...state.agents.filter((a) => a.role !== 'light_agent' && !a.disabled).map((a) => [String(a.id), a.name || a.email] as [string, string])],
        (v) => patch({ assignee_id: v ? Number(v) : null }))}
      <div class="prop">{t('t.tags')}
        <div class="tags">
          {(tk.tags ?? []).map((x) => (
            <span key={x} class="tag">{x}{!ro && <button class="link x" aria-label={t('t.removetag', { tag: x })} onClick={() => patch({ tags: { remove: [x] } })}>×</button>}</span>
          ))}
        </div>
        {!ro && <form onSubmit={(e) => { e.preventDefault(); if (tag.trim()) { patch({ tags: { add: [tag.trim().toLowerCase()] } }); setTag(''); } }}>
          <input placeholder={t('t.addtag')} aria-label={t('t.addtag')} value={tag} onInput={(e) => setTag((e.target as HTMLInputElement).value)} />
        </form>}
      </div>
      {tk.sla && (
        <div class="prop slapanel" data-testid="sla-panel">
          <span>{t('sla.policy')}: {tk.sla.policy?.name}</span>
          {tk.sla.paused && <span class="sla paused"> ({t('sla.paused')})</span>}
          {slaItems(tk).map((i) => <div key={i.name} data-sla-target={i.name}><SlaTargetView item={i} paused={tk.sla!.paused} /></div>)}
        </div>
      )}
      {fields.length > 0 && <h4>{t('t.fields')}</h4>}
      {fields.map((f) => <FieldInput key={f.key} f={f} value={tk.custom_fields?.[f.key]} ro={ro}
        set={(v) => patch({ custom_fields: { [f.key]: v } })} />)}
      {(tk.links?.length || tk.children?.length || tk.parent_id || tk.merged_into) ? (
        <div class="prop">
          {tk.merged_into && <div>{t('t.merged', { n: tk.merged_into })} <a href={`/tickets/${tk.merged_into}`}>#{tk.merged_into}</a></div>}
          {tk.parent_id && <div>{t('t.parent')}: <a href={`/tickets/${tk.parent_id}`}>#{tk.parent_id}</a></div>}
          {!!tk.links?.length && <div>{t('t.links')}: {tk.links.map((n) => <a key={n} href={`/tickets/${n}`}>#{n} </a>)}</div>}
          {!!tk.children?.length && <div>{t('t.children')}: {tk.children.map((n) => <a key={n} href={`/tickets/${n}`}>#{n} </a>)}</div>}
        </div>
      ) : null}
    </section>
  );
}

function FieldInput({ f, value, set, ro }: { f: Field; value: unknown; set: (v: unknown) => void; ro: boolean }) {
  const v = value === null || value === undefined ? '' : String(value);
  const change = (s: string) => set(s === '' ? null : f.type === 'number' ? Number(s) : s);
  if (f.type === 'select')
    return (
      <label class="prop">{f.label}
        <select disabled={ro} value={v} onChange={(e) => change((e.target as HTMLSelectElement).value)}>
          <option value="">—</option>
          {(f.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      </label>
    );
  return (
    <label class="prop">{f.label}
      <input disabled={ro} type={f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text'} value={v}
             onChange={(e) => change((e.target as HTMLInputElement).value)} />
    </label>
  );
}

interface CustomerFull {
  id: number; email: string; name: string; tier: string; language: string; time_zone: string;
  organization: { id: number; name: string } | null; tickets: TicketRow[];
}

function CustomerPanel({ tk }: { tk: Ticket }) {
  const [c, setC] = useState<CustomerFull | null>(null);
  useEffect(() => {
    setC(null);
    if (!tk.customer.email) return;
    api<{ customers: { id: number; email: string }[] }>('GET', '/api/v1/customers' + qs({ q: tk.customer.email, limit: 5 }))
      .then((r) => {
        const hit = r.customers.find((x) => x.email.toLowerCase() === tk.customer.email.toLowerCase());
        return hit ? api<{ customer: CustomerFull }>('GET', `/api/v1/customers/${hit.id}`) : null;
      })
      .then((r) => r && setC(r.customer))
      .catch(() => {});
  }, [tk.customer.email]);
  const others = (c?.tickets ?? []).filter((x) => x.number !== tk.number);
  return (
    <section class="panel" aria-label={t('t.customer')} data-testid="customer-panel">
      <h3>{t('t.customer')}</h3>
      <div><strong>{tk.customer.name || tk.customer.email}</strong></div>
      <div class="muted">{tk.customer.email}</div>
      {c && (
        <>
          <div>{t('t.tier')}: <span class={`tier tier-${c.tier}`} data-testid="tier">{tv('tier', c.tier)}</span></div>
          {c.organization && <div>{t('cust.org')}: <a href={`/organizations/${c.organization.id}`}>{c.organization.name}</a></div>}
          {c.time_zone && <div>{t('cust.tz')}: {c.time_zone}</div>}
          <div><a href={`/customers/${c.id}`}>{t('nav.profile')}</a></div>
          <h4>{t('t.other')}</h4>
          {others.length === 0 ? <p class="muted">{t('t.noother')}</p> : (
            <ul class="others">
              {others.slice(0, 10).map((o) => (
                <li key={o.number}><a href={`/tickets/${o.number}`}>#{o.number} {o.subject}</a> <StatusBadge status={o.status} /></li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function Editor({ tk, mode, setMode, replyingOthers, onDone, onTyping, areaRef }: {
  tk: Ticket; mode: 'reply' | 'note'; setMode: (m: 'reply' | 'note') => void; replyingOthers: string[];
  onDone: () => void; onTyping: (b: boolean) => void; areaRef: { current: HTMLTextAreaElement | null };
}) {
  const [body, setBody] = useState('');
  const [cc, setCc] = useState('');
  const [uploads, setUploads] = useState<{ id: string; filename: string }[]>([]);
  const [warn, setWarn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [canned, setCanned] = useState<Canned[] | null>(null);
  const canReply = isAgent();
  useEffect(() => {
    api<{ canned: Canned[] }>('GET', '/api/v1/canned').then((r) => setCanned(r.canned ?? [])).catch(() => setCanned([]));
  }, []);
  // Insert a canned response rendered for this ticket at the cursor.
  const insertCanned = async (id: string) => {
    if (!id) return;
    try {
      const r = await api<{ body: string }>('POST', `/api/v1/canned/${id}/render`, { ticket: tk.number });
      const el = areaRef.current;
      const at = el ? el.selectionStart ?? body.length : body.length;
      const end = el ? el.selectionEnd ?? at : at;
      const next = body.slice(0, at) + r.body + body.slice(end);
      setBody(next);
      requestAnimationFrame(() => {
        if (!el) return;
        el.focus();
        el.selectionStart = el.selectionEnd = at + r.body.length;
      });
    } catch (e) {
      toastError(e);
    }
  };
  useEffect(() => onTyping(mode === 'reply' && body.trim() !== ''), [mode, body.trim() !== '']);
  useEffect(() => setWarn(false), [replyingOthers.join(',')]);
  // The replies the ticket had when the agent started writing: one sent
  // meanwhile (by a colleague, or by a rule) is shown and asked about
  // before this one goes out over it.
  const outCount = tk.messages.filter((m) => m.direction === 'out').length;
  const outAtStart = useRef<number | null>(null);
  if (body.trim() === '') outAtStart.current = null;
  else if (outAtStart.current === null) outAtStart.current = outCount;
  const newReplies = outAtStart.current === null ? 0 : Math.max(0, outCount - outAtStart.current);

  const upload = async (files: FileList | null) => {
    for (const f of Array.from(files ?? [])) {
      try {
        const r = await api<{ upload: { id: string; filename: string } }>('POST', '/api/v1/uploads' + qs({ filename: f.name }), f,
          { 'Content-Type': f.type || 'application/octet-stream' });
        setUploads((u) => [...u, r.upload]);
      } catch (e) {
        toastError(e);
      }
    }
  };
  const send = async (force = false) => {
    if (!body.trim()) return;
    if (mode === 'reply' && (replyingOthers.length || newReplies) && !force) {
      setWarn(true);
      return;
    }
    setBusy(true);
    try {
      if (mode === 'note') {
        await api('POST', `/api/v1/tickets/${tk.number}/notes`, { body });
        toast(t('t.noted'));
      } else {
        const ccs = cc.split(/[\s,;]+/).filter(Boolean);
        await api('POST', `/api/v1/tickets/${tk.number}/replies`, { body, cc: ccs, upload_ids: uploads.map((u) => u.id) });
        toast(t('t.sent'));
      }
      setBody('');
      setCc('');
      setUploads([]);
      setWarn(false);
      outAtStart.current = null;
      onDone();
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class={`editor ${mode}`} data-testid="editor">
      <div class="tabs" role="tablist">
        {canReply && <button role="tab" aria-selected={mode === 'reply'} class={mode === 'reply' ? 'on' : ''} onClick={() => setMode('reply')}>{t('t.reply')}</button>}
        <button role="tab" aria-selected={mode === 'note'} class={mode === 'note' ? 'on' : ''} onClick={() => setMode('note')}>{t('t.note')}</button>
      </div>
      {mode === 'reply' && (
        <label class="cc">{t('t.cc')} <input value={cc} onInput={(e) => setCc((e.target as HTMLInputElement).value)} /></label>
      )}
      {canned && canned.length > 0 && (
        <label class="canned">{t('t.canned')}{' '}
          <select data-testid="canned" aria-label={t('t.canned')} value=""
                  onChange={(e) => { const sel = e.target as HTMLSelectElement; const v = sel.value; sel.value = ''; insertCanned(v); }}>
            <option value="">{t('t.canned.pick')}</option>
            {canned.map((c) => <option key={c.id} value={String(c.id)}>{c.title}</option>)}
          </select>
        </label>
      )}
      <textarea ref={areaRef} rows={6} aria-label={mode === 'reply' ? t('t.reply') : t('t.note')} value={body}
                onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') (e.target as HTMLElement).blur();
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send();
                }} />
      {warn && (
        <div class="warn" role="alert" data-testid="collision">
          {replyingOthers.length > 0 && t('t.collision', { who: replyingOthers.join(', ') })}
          {newReplies > 0 && <span data-testid="replied-meanwhile">{t('t.repliedmeanwhile', { n: newReplies })}</span>}
          <button onClick={() => send(true)}>{t('t.sendanyway')}</button>
        </div>
      )}
      <div class="editorbar">
        {mode === 'reply' && (
          <label class="attach">{t('t.attach')}
            <input type="file" multiple onChange={(e) => upload((e.target as HTMLInputElement).files)} />
          </label>
        )}
        {uploads.map((u) => <span key={u.id} class="tag">📎 {u.filename}</span>)}
        <button class="primary" disabled={busy || !body.trim()} onClick={() => send()}>{mode === 'reply' ? t('t.send') : t('t.addnote')}</button>
      </div>
    </section>
  );
}

function Actions({ tk, picked, splitting, setSplitting, reload }: {
  tk: Ticket; picked: Set<number>; splitting: boolean; setSplitting: (b: boolean) => void; reload: () => void;
}) {
  const [into, setInto] = useState('');
  const [link, setLink] = useState('');
  const [subject, setSubject] = useState('');
  const run = (f: () => Promise<unknown>) => attempt(f, reload);
  if (!isAgent()) return null;
  return (
    <details class="panel actions">
      <summary>{t('t.actions')}</summary>
      <form onSubmit={(e) => { e.preventDefault(); run(() => api('POST', `/api/v1/tickets/${tk.number}/merge`, { into: Number(into) })); }}>
        <label>{t('t.merge')} <input size={6} inputMode="numeric" value={into} onInput={(e) => setInto((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">{t('common.ok')}</button>
      </form>
      <form onSubmit={(e) => { e.preventDefault(); run(() => api('POST', `/api/v1/tickets/${tk.number}/links`, { ticket: Number(link) })); }}>
        <label>{t('t.link')} <input size={6} inputMode="numeric" value={link} onInput={(e) => setLink((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">{t('common.ok')}</button>
      </form>
      <label><input type="checkbox" checked={splitting} onChange={() => setSplitting(!splitting)} /> {t('t.split')}</label>
      {splitting && (
        <form onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            const r = await api<{ ticket: number }>('POST', `/api/v1/tickets/${tk.number}/children`, { subject, message_ids: [...picked] });
            setSplitting(false);
            navigate(`/tickets/${r.ticket}`);
          });
        }}>
          <input placeholder={t('t.splitsubject')} value={subject} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={!picked.size || !subject.trim()}>{t('common.ok')}</button>
        </form>
      )}
    </details>
  );
}

export function TicketPage({ number }: { number: number }) {
  const [tk, setTk] = useState<Ticket | null>(null);
  const [missing, setMissing] = useState(false);
  const [fields, setFields] = useState<Field[]>([]);
  const [mode, setMode] = useState<'reply' | 'note'>(isAgent() ? 'reply' : 'note');
  const [typing, setTyping] = useState(false);
  const [splitting, setSplitting] = useState(false);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const area = useRef<HTMLTextAreaElement | null>(null);
  const others = usePresence(number, typing);

  const load = () =>
    api<Ticket>('GET', `/api/v1/tickets/${number}`)
      .then((r) => { setTk(r); setMissing(false); })
      .catch((e) => { if (e instanceof ApiError && e.status === 404) setMissing(true); else toastError(e); });
  useEffect(() => {
    setTk(null);
    load();
    window.scrollTo(0, 0);
  }, [number]);
  useEffect(() => void api<{ fields: Field[] }>('GET', '/api/v1/fields').then((r) => setFields(r.fields)).catch(() => {}), []);
  useEffect(() => subscribe((e) => {
    if (e.type !== 'presence' && (e.ticket_id === number || e.type === 'reconnected')) load();
  }), [number]);

  const patch = async (changes: Record<string, unknown>) => {
    try {
      const r = await api<Ticket & { visible?: boolean }>('PATCH', `/api/v1/tickets/${number}`, changes);
      if (r.visible === false) navigate('/');
      else setTk(r);
    } catch (e) {
      toastError(e);
    }
  };
  const step = (d: number) => {
    const i = queueOrder.numbers.indexOf(number);
    const n = queueOrder.numbers[i + d];
    if (i >= 0 && n) navigate(`/tickets/${n}`);
  };
  const focusEditor = (m: 'reply' | 'note') => {
    if (m === 'reply' && !isAgent()) return;
    setMode(m);
    setTimeout(() => area.current?.focus(), 0);
  };
  useKeys({
    j: () => step(1),
    k: () => step(-1),
    r: () => focusEditor('reply'),
    n: () => focusEditor('note'),
    a: () => state.me && patch({ assignee_id: state.me.agent_id }),
    c: () => patch({ status: 'resolved' }),
  });

  if (missing) return <p class="empty">{t('t.notfound')} <a href={queueOrder.path}>{t('t.back')}</a></p>;
  if (!tk) return <p class="empty">{t('q.loading')}</p>;
  const replyingOthers = others.filter((p) => p.state === 'replying').map((p) => agentName(p.agent_id) || p.email);
  return (
    <div class="ticket">
      <div class="main">
        <div class="tickethead">
          <a href={queueOrder.path} class="back">← {t('t.back')}</a>
          <h1><span class="num">#{tk.number}</span> <span data-testid="subject">{tk.subject}</span></h1>
          <div class="meta">
            <StatusBadge status={tk.status} /> <PriorityBadge priority={tk.priority} />
            <span class="muted"> <Time iso={tk.created_at} /></span>
            {isAgent() && tk.assignee_id !== state.me?.agent_id && <button class="link" onClick={() => state.me && patch({ assignee_id: state.me.agent_id })}>{t('t.assignme')}</button>}
            {isAgent() && !['resolved', 'closed'].includes(tk.status) && <button class="link" onClick={() => patch({ status: 'resolved' })}>{t('t.close')}</button>}
          </div>
          <PresenceBar others={others} />
        </div>
        <Conversation ticket={tk} fields={fields} splitting={splitting} picked={picked}
                      pick={(id) => setPicked((s) => { const c = new Set(s); c.has(id) ? c.delete(id) : c.add(id); return c; })} />
        <Editor tk={tk} mode={mode} setMode={setMode} replyingOthers={replyingOthers} onDone={load} onTyping={setTyping} areaRef={area} />
      </div>
      <aside class="side">
        <Props tk={tk} patch={patch} fields={fields} />
        <CustomerPanel tk={tk} />
        <Actions tk={tk} picked={picked} splitting={splitting} setSplitting={setSplitting} reload={load} />
      </aside>
    </div>
  );
}
