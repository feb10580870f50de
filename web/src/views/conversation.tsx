// The conversation of a ticket: messages (plain text by default, quoted
// history folded; mail HTML only in a sandboxed iframe from its own URL,
// remote images blocked until the agent asks), attachments, internal
// notes, and the event history.
import { useState } from 'preact/hooks';
import { t, tv } from '../i18n';
import type { Attachment, Message, Note, Ticket, TicketEvent } from '../types';
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

export function Conversation({ ticket, splitting, picked, pick }: {
  ticket: Ticket; splitting: boolean; picked: Set<number>; pick: (id: number) => void;
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
            {splitting && <input type="checkbox" aria-label={`message ${it.msg.id}`} checked={picked.has(it.msg.id)} onChange={() => pick(it.msg!.id)} />}
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
      <History events={ticket.events} />
    </div>
  );
}

function History({ events }: { events: TicketEvent[] }) {
  return (
    <details class="history">
      <summary>{t('t.history')} ({events.length})</summary>
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            <Time iso={e.at} /> <span class="muted">{e.actor}</span> {tv('ev', e.kind)}
            {e.field && <> <code>{e.field}</code></>}
            {(e.old || e.new) && <> {e.old ?? '∅'} → {e.new ?? '∅'}</>}
          </li>
        ))}
      </ul>
    </details>
  );
}
