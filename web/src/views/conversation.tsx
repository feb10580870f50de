// The conversation of a ticket: messages (plain text by default, quoted
// history folded; mail HTML only in a sandboxed iframe from its own URL,
// remote images blocked until the agent asks), attachments, internal
// notes, and the event history.
import { useState } from 'preact/hooks';
import { t, tv } from '../i18n';
import type { Attachment, Field, Message, Note, Ticket, TicketEvent } from '../types';
import { agentName, groupName } from '../session';
import { Time } from '../ui';

// Where the quoted history of a reply starts: an attribution line
// ("On … wrote:", "2026年11月23日 … 書きました:", "-----Original Message-----")
// or the first "> " line. Everything from there on is folded.
const ATTRIBUTION = [
  /^On .+wrote:\s*$/,
  /^-{2,}\s*(Original Message|Forwarded message|元のメッセージ|転送されたメッセージ)\s*-{2,}/i,
  /^\d{4}[年\/-]\d{1,2}[月\/-]\d{1,2}.*(wrote|書きました|のメッセージ|:)\s*$/,
  /^.*さんは書きました[:：]?\s*$/,
];

export function splitQuoted(text: string): [string, string] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('>') || ATTRIBUTION.some((r) => r.test(l.trim())));
  if (i <= 0) return [text, ''];
  return [lines.slice(0, i).join('\n').replace(/\s+$/, ''), lines.slice(i).join('\n')];
}

function MessageBody({ m }: { m: Message }) {
  const [html, setHtml] = useState(false);
  const [images, setImages] = useState(false);
  const [quoted, setQuoted] = useState(false);
  const [main, rest] = splitQuoted(m.text || '');
  const remote = m.html ? (m.html.match(/data-mado-remote-src=/g) ?? []).length : 0;
  return (
    <div class="body">
      {m.html && (
        <div class="bodytools">
          <button class="link" data-testid="toggle-html" onClick={() => setHtml(!html)}>{html ? t('t.showtext') : t('t.showhtml')}</button>
          {html && remote > 0 && !images && <span class="hint">{t('t.remote')} <button class="link" data-testid="load-images" onClick={() => setImages(true)}>{t('t.loadimages')}</button></span>}
        </div>
      )}
      {html ? (
        // sandbox="" : no scripts, no same origin, no forms, no top navigation
        <iframe class="mailhtml" sandbox="" referrerpolicy="no-referrer" title={m.subject}
                src={`/api/v1/messages/${m.id}/html${images ? '?images=remote' : ''}`} />
      ) : (
        <>
          <pre class="text">{main}</pre>
          {rest && (
            <>
              <button class="link quoted" onClick={() => setQuoted(!quoted)}>{quoted ? t('t.hidequoted') : t('t.quoted')} …</button>
              {quoted && <pre class="text quote">{rest}</pre>}
            </>
          )}
        </>
      )}
    </div>
  );
}

function Attachments({ list }: { list: Attachment[] }) {
  if (!list.length) return null;
  return (
    <ul class="atts" aria-label={t('t.attachments')}>
      {list.map((a) => (
        <li key={a.id}>
          {a.url ? <a href={a.url} download={a.filename}>📎 {a.filename}</a> : <span>📎 {a.filename}</span>}
          <span class="muted"> {Math.max(1, Math.round(a.size / 1024))} KB</span>
        </li>
      ))}
    </ul>
  );
}

type Item = { at: string; msg?: Message; note?: Note };

export function Conversation({ ticket, fields, splitting, picked, pick }: {
  ticket: Ticket; fields: Field[]; splitting: boolean; picked: Set<number>; pick: (id: number) => void;
}) {
  const items: Item[] = [
    ...ticket.messages.map((m) => ({ at: m.received_at || m.date, msg: m })),
    ...(ticket.notes ?? []).map((n) => ({ at: n.created_at, note: n })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <div class="conversation">
      {items.map((it) => it.msg ? (
        <article key={'m' + it.msg.id} class={`msg ${it.msg.direction}`} data-message={it.msg.id}>
          <header>
            {splitting && <input type="checkbox" aria-label={t('t.pickmsg', { n: it.msg.id })} checked={picked.has(it.msg.id)} onChange={() => pick(it.msg!.id)} />}
            <strong>{it.msg.from.name || it.msg.from.email}</strong>
            {it.msg.from.name && <span class="muted"> &lt;{it.msg.from.email}&gt;</span>}
            <span class="muted"> {t('t.to')} {it.msg.to.map((p) => p.email).join(', ')}</span>
            <Time iso={it.msg.date || it.msg.received_at} />
          </header>
          <MessageBody m={it.msg} />
          <Attachments list={ticket.attachments.filter((a) => a.message === it.msg!.id && !a.inline)} />
        </article>
      ) : (
        <article key={'n' + it.note!.id} class="msg note" data-note={it.note!.id}>
          <header>
            <span class="badge internal">{t('t.internal')}</span>
            <strong>{it.note!.agent.name || it.note!.agent.email}</strong>
            <Time iso={it.note!.created_at} />
          </header>
          <pre class="text">{it.note!.body}</pre>
        </article>
      ))}
      <History events={ticket.events} fields={fields} />
    </div>
  );
}

// "agent:3" → the agent's name, "customer:a@b" → "customer a@b", "system"
function actorName(actor: string): string {
  const [kind, who] = [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)];
  if (kind === 'agent') return t('actor.agent', { who: agentName(Number(who)) || who });
  if (kind === 'customer') return t('actor.customer', { who });
  if (kind === 'rule') return t('actor.rule', { who });
  return actor === 'system' ? t('actor.system') : actor;
}

// A changed field and its values in the agent's words: labels for the
// ticket's own fields, names for agent and group ids; anything else as stored.
const FIELD_LABEL: Record<string, Parameters<typeof t>[0]> = {
  status: 'f.status', priority: 'f.priority', type: 't.type', group_id: 'f.group', assignee_id: 'f.assignee', tags: 't.tags', mailbox: 'f.mailbox',
};
function fieldName(f: string, fields: Field[]): string {
  if (FIELD_LABEL[f]) return t(FIELD_LABEL[f]);
  const custom = f.startsWith('custom.') ? fields.find((x) => x.key === f.slice(7)) : undefined;
  return custom ? custom.label : f;
}
function fieldValue(f: string | null, v: string | null): string {
  if (!v) return '';
  if (f === 'status') return tv('status', v);
  if (f === 'priority') return tv('prio', v);
  if (f === 'type') return tv('type', v);
  if (f === 'assignee_id') return agentName(Number(v)) || v;
  if (f === 'group_id') return groupName(Number(v)) || v;
  return v;
}

// What an event changed: a field and its old → new value; for a mail
// queued to the customer (acknowledgement, notices) to whom; for merges,
// links and splits the other ticket; nothing for the ids of messages and
// notes (shown in the conversation). Other events keep the server's text.
const NO_DETAIL = new Set(['message', 'note', 'reply', 'mention']);
const TICKET_REF = new Set(['merged_into', 'merged_from', 'linked_ticket', 'children', 'parent_id']);
function EventDetail({ e, fields }: { e: TicketEvent; fields: Field[] }) {
  if (NO_DETAIL.has(e.kind)) return null;
  if (e.field && TICKET_REF.has(e.field) && e.new) return <> <a href={`/tickets/${e.new}`}>#{e.new}</a></>;
  const queued = e.new?.match(/^queued to (.+)$/);
  if (queued) return <> {t('ev.queuedto', { to: queued[1] })}</>;
  if (e.kind !== 'field' && e.kind !== 'created')
    return <>{e.field && <> <code>{e.field}</code></>}{e.new && <> {e.new}</>}</>;
  return (
    <>
      {e.field && <> <code>{fieldName(e.field, fields)}</code></>}
      {(e.old || e.new) && <> {fieldValue(e.field, e.old) || '∅'} → {fieldValue(e.field, e.new) || '∅'}</>}
    </>
  );
}

function History({ events, fields }: { events: TicketEvent[]; fields: Field[] }) {
  return (
    <details class="history">
      <summary>{t('t.history')} ({events.length})</summary>
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            <Time iso={e.at} /> <span class="muted">{actorName(e.actor)}</span> {tv('ev', e.kind)}<EventDetail e={e} fields={fields} />
          </li>
        ))}
      </ul>
    </details>
  );
}
