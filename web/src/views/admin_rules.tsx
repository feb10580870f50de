// Admin page of the rules (docs/api/rules.md; grammar in docs/workflow.md):
// triggers, and the priority, category and routing rules that share their
// conditions. Each kind is an ordered list (move up/down, switch on/off,
// clone, delete); a rule is edited in the builder (condition groups and
// actions, rule_builder.tsx) or, for what the builder cannot show
// exactly, as JSON ("advanced"). "Test this rule" tries the rule as it
// stands in the editor on a ticket through the dry run (POST
// /api/v1/rules/test): which conditions hold, whether it matches, and
// what its actions would change — nothing is written.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { currentLang, t, tv } from '../i18n';
import { loadDirectory, state } from '../session';
import { toast, toastError } from '../toast';
import { DeleteButton, FormError, FormProblem, Key, parseJson, problemText } from './admin_kit';
import { ActionList, CondGroup, directory, Pick } from './rule_builder';
import { EVENTS, emptyModel, Model, modelOut, PRIORITIES, RULE_KINDS, RuleKind, sameJson, toModel } from './rule_model';
import './rules.css';

interface Rule { id: number; kind: RuleKind; name: string; position: number; enabled: boolean; rule: Record<string, any> }

// Directory choices the builder offers: tiers in use and calendars.
async function loadChoices() {
  const [tiers, cals] = await Promise.all([
    api<{ tiers: { tier: string }[] }>('GET', '/api/v1/admin/tiers'),
    api<{ items: { name: string }[] }>('GET', '/api/v1/admin/calendars'),
  ]);
  directory.tiers = tiers.tiers.map((x) => x.tier);
  directory.calendars = cals.items.map((c) => c.name);
}

// What a rule does, in a few words, for the list.
function summary(r: Rule): string {
  const j = r.rule;
  switch (r.kind) {
    case 'trigger':
      return `${(j.on ?? ['created']).map((e: string) => tv('ev', `r.${e}`)).join(', ')} → ${(j.then ?? [])
        .map((a: Record<string, unknown>) => t(`ra.${Object.keys(a)[0]}` as Key)).join(', ')}`;
    case 'priority': return tv('prio', j.priority);
    case 'category': return j.category;
    default: return j.group;
  }
}

// ---- the editor ----

interface Draft {
  id: number | null; name: string; enabled: boolean;
  original: Record<string, any> | null;   // as stored (null: new)
  model: Model | null;                    // null: the builder cannot show it
  json: string;                           // the advanced view's text
  advanced: boolean;
}

function draftOf(kind: RuleKind, r: Rule | null): Draft {
  if (!r) {
    const m = emptyModel(kind);
    return { id: null, name: '', enabled: true, original: null, model: m, json: JSON.stringify(modelOut(m), null, 2), advanced: false };
  }
  const m = toModel(kind, r.rule);
  return { id: r.id, name: r.name, enabled: r.enabled, original: r.rule, model: m, json: JSON.stringify(r.rule, null, 2), advanced: !m };
}

// The rule the editor holds: from the builder or the JSON text. From the
// builder, an unchanged rule is the stored object itself (same text).
function ruleOf(d: Draft): Record<string, any> {
  if (d.advanced || !d.model) return parseJson(d.json) as Record<string, any>;
  const out = modelOut(d.model);
  return d.original && sameJson(out, d.original) ? d.original : out;
}

function Outcome({ m, set }: { m: Model; set: (m: Model) => void }) {
  switch (m.kind) {
    case 'trigger':
      return (
        <>
          <h4>{t('rb.then')}</h4>
          <ActionList then={m.then} set={(then) => set({ ...m, then })} />
        </>
      );
    case 'priority':
      return (
        <div class="outcome">
          <label>{t('rule.setprio')}
            <Pick name="outcome" value={m.outcome} options={PRIORITIES.map((p) => [p, tv('prio', p)])} set={(v) => set({ ...m, outcome: v })} /></label>
          <label class="check"><input type="checkbox" name="has_reason" checked={!!m.reason}
                                      onChange={() => set({ ...m, reason: m.reason ? undefined : { en: '', ja: '' } })} /> {t('rule.reason')}</label>
          {m.reason && <>
            <label>{t('rule.reason_en')}<input name="reason.en" value={m.reason.en} onInput={(e) => set({ ...m, reason: { ...m.reason!, en: (e.currentTarget as HTMLInputElement).value } })} /></label>
            <label>{t('rule.reason_ja')}<input name="reason.ja" value={m.reason.ja} onInput={(e) => set({ ...m, reason: { ...m.reason!, ja: (e.currentTarget as HTMLInputElement).value } })} /></label>
          </>}
        </div>
      );
    case 'category':
      return (
        <div class="outcome"><label>{t('rule.category')}
          <input name="outcome" required pattern="[a-z0-9._:\-]{1,64}" value={m.outcome} placeholder="billing"
                 onInput={(e) => set({ ...m, outcome: (e.currentTarget as HTMLInputElement).value })} /></label></div>
      );
    case 'routing':
      return (
        <div class="outcome"><label>{t('rule.group')}
          <Pick name="outcome" value={m.outcome} empty="—" options={state.groups.map((g) => [g.name, g.name])} set={(v) => set({ ...m, outcome: v })} /></label></div>
      );
  }
}

// ---- the dry run ----

interface Tried {
  matches: boolean; why: { en: string; ja: string } | null; note?: string;
  conditions: { path: string; matched: boolean; why: { en: string; ja: string } | null }[];
}
interface TestResult { rules: Tried[]; simulation?: Record<string, any[]> }

const whyText = (w: { en: string; ja: string } | null) => (w ? (currentLang() === 'ja' ? w.ja || w.en : w.en) : '');

function TestPanel({ kind, rule, onMarks }: { kind: RuleKind; rule: () => Record<string, any>; onMarks: (m: Record<string, boolean>) => void }) {
  const [ticket, setTicket] = useState('');
  const [event, setEvent] = useState('created');
  const [res, setRes] = useState<TestResult | null>(null);
  const [err, setErr] = useState('');
  const run = async () => {
    setErr('');
    setRes(null);
    try {
      if (!/^\d+$/.test(ticket)) throw new FormProblem(t('test.needticket'));
      const r = await api<TestResult>('POST', '/api/v1/rules/test', { ticket: Number(ticket), kind, event, rule: rule() });
      setRes(r);
      onMarks(Object.fromEntries(r.rules[0].conditions.map((c) => [c.path, c.matched])));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setErr(t('test.noticket', { n: ticket }));
      else if (!(e instanceof ApiError && e.status === 401)) setErr(problemText(e));
    }
  };
  const tried = res?.rules[0];
  const sim = res?.simulation;
  const list = (key: string, show: (x: any) => string) => (sim?.[key]?.length
    ? <><h5>{t(`test.${key}` as Key)}</h5><ul>{sim[key].map((x, i) => <li key={i}>{show(x)}</li>)}</ul></> : null);
  return (
    <div class="card test" data-testid="rule-test">
      <h4>{t('test.title')}</h4>
      <div class="inline">
        <label>{t('test.ticket')}<input name="test-ticket" inputMode="numeric" value={ticket}
          onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); void run(); } }} onInput={(e) => setTicket((e.currentTarget as HTMLInputElement).value.replace(/^#/, ''))} /></label>
        {kind === 'trigger' && <label>{t('test.event')}
          <Pick name="test-event" value={event} set={setEvent} options={EVENTS.map((x) => [x, t(`ev.r.${x}` as Key)])} /></label>}
        <button type="button" data-testid="run-test" onClick={run}>{t('test.run')}</button>
      </div>
      <FormError msg={err} />
      {tried && (
        <div class="result" data-testid="test-result">
          <p class={tried.matches ? 'yes' : 'no'} data-testid="test-verdict">
            <strong>{tried.matches ? t('test.match') : t('test.nomatch')}</strong>
            {tried.note && ` (${t('test.noevent')})`}{tried.why && `: ${whyText(tried.why)}`}
          </p>
          {tried.conditions.length > 0 && (
            <ul class="conds" data-testid="test-conditions">
              {tried.conditions.map((c) => (
                <li key={c.path} class={c.matched ? 'held' : 'failed'}>{c.matched ? '✓' : '✗'} <code>{c.path}</code>{c.why && ` ${whyText(c.why)}`}</li>
              ))}
            </ul>
          )}
          {sim && (
            <div data-testid="test-simulation">
              {list('changes', (c) => `${c.field}: ${c.old ?? '—'} → ${c.new ?? '—'}`)}
              {list('notes', (n) => n.text)}
              {list('notifications', (n) => n.agent)}
              {list('mails', (m) => `${(m.to ?? []).map((x: { email: string }) => x.email).join(', ')}: ${m.subject}`)}
              {list('webhooks', (w) => w.url)}
              {list('skipped', (s) => `${s.action}: ${s.why}`)}
              {!['changes', 'notes', 'notifications', 'mails', 'webhooks'].some((x) => sim[x]?.length) && <p class="hint">{t('test.nothing')}</p>}
            </div>
          )}
          <p class="hint">{t('test.nowrite')}</p>
        </div>
      )}
    </div>
  );
}

function Editor({ kind, draft, setDraft, done }: { kind: RuleKind; draft: Draft; setDraft: (d: Draft) => void; done: () => void }) {
  const [err, setErr] = useState('');
  const [marks, setMarks] = useState<Record<string, boolean>>({});
  const setModel = (m: Model) => { setDraft({ ...draft, model: m, json: JSON.stringify(modelOut(m), null, 2) }); setMarks({}); };
  // Switching views carries the rule across; JSON the builder cannot
  // show exactly stays in the JSON view.
  const toBuilder = () => {
    try {
      const m = toModel(kind, parseJson(draft.json));
      if (!m) throw new FormProblem(t('rule.nobuilder'));
      setDraft({ ...draft, model: m, advanced: false });
      setErr('');
    } catch (e) {
      setErr(problemText(e));
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const rule = ruleOf(draft);
      const body: Record<string, unknown> = { name: draft.name, enabled: draft.enabled };
      if (!draft.original || !sameJson(rule, draft.original)) body.rule = rule;
      if (draft.id) await api('PATCH', `/api/v1/rules/${draft.id}`, body);
      else await api('POST', '/api/v1/rules', { kind, ...body });
      toast(t('t.saved'));
      done();
    } catch (x) {
      if (x instanceof ApiError && x.status === 401) return;
      setErr(problemText(x));
    }
  };
  const m = draft.model;
  return (
    <form class="card crud rule-editor" onSubmit={save} data-testid="rule-editor">
      <h3>{draft.id ? t('admin.editing', { name: draft.name }) : t('admin.new')}</h3>
      <div class="fields">
        <label>{t('admin.name')}<input name="name" required maxLength={200} value={draft.name} onInput={(e) => setDraft({ ...draft, name: (e.currentTarget as HTMLInputElement).value })} /></label>
        <label class="check"><input type="checkbox" name="enabled" checked={draft.enabled} onChange={() => setDraft({ ...draft, enabled: !draft.enabled })} /> {t('admin.enabled')}</label>
      </div>
      <nav class="views">
        <button type="button" class={!draft.advanced ? 'on' : ''} data-testid="view-builder" onClick={toBuilder}>{t('rule.builder')}</button>
        <button type="button" class={draft.advanced ? 'on' : ''} data-testid="view-json" onClick={() => setDraft({ ...draft, advanced: true })}>{t('rule.json')}</button>
      </nav>
      {draft.advanced || !m
        ? <label class="wide">{t('trg.rule')}<textarea name="rule" rows={12} value={draft.json} onInput={(e) => setDraft({ ...draft, json: (e.currentTarget as HTMLTextAreaElement).value })} /></label>
        : (
          <div class="builder" data-testid="builder">
            {kind === 'trigger' && (
              <div class="on">{t('trg.on')}:
                {EVENTS.map((ev) => (
                  <label key={ev} class="check"><input type="checkbox" name={`on.${ev}`} checked={(m.on ?? ['created']).includes(ev)}
                    onChange={() => { const on = m.on ?? ['created']; setModel({ ...m, on: on.includes(ev) ? on.filter((x) => x !== ev) : [...on, ev] }); }} /> {t(`ev.r.${ev}` as Key)}</label>
                ))}
              </div>
            )}
            <h4>{t('rb.when')}</h4>
            <CondGroup g={m.root} path="/if" depth={1} marks={marks} set={(root) => setModel({ ...m, root })} />
            <Outcome m={m} set={setModel} />
          </div>
        )}
      <FormError msg={err} />
      <button type="submit" class="primary">{draft.id ? t('common.save') : t('admin.create')}</button>
      <button type="button" class="link" onClick={done}>{t('common.cancel')}</button>
      <TestPanel kind={kind} rule={() => ruleOf(draft)} onMarks={setMarks} />
    </form>
  );
}

// ---- the list ----

function RuleList({ kind }: { kind: RuleKind }) {
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(kind, null));
  const load = () => api<{ rules: Rule[] }>('GET', `/api/v1/rules?kind=${kind}`).then((r) => setRules(r.rules)).catch(toastError);
  useEffect(() => { void load(); setDraft(draftOf(kind, null)); }, [kind]);
  const act = (f: () => Promise<unknown>, msg: Key = 't.saved') => f().then(() => { toast(t(msg)); load(); }).catch(toastError);
  const move = (i: number, d: number) => {
    const ids = rules!.map((r) => r.id);
    [ids[i], ids[i + d]] = [ids[i + d], ids[i]];
    act(() => api('POST', '/api/v1/rules/order', { kind, ids }));
  };
  const clone = (r: Rule) => act(async () => {
    const c = await api<{ rule: Rule }>('POST', '/api/v1/rules', { kind, name: t('rule.copy', { name: r.name }).slice(0, 200), rule: r.rule, enabled: false });
    setDraft(draftOf(kind, c.rule));
  });
  return (
    <section data-testid={kind === 'trigger' ? 'triggers' : `rules-${kind}`}>
      <h2>{t(`rk.${kind}` as Key)}</h2>
      <p class="hint">{t(`rk.${kind}.hint` as Key)}</p>
      {rules && rules.length === 0 && <p class="hint">{t('admin.empty')}</p>}
      {rules && rules.length > 0 && (
        <table class="grid">
          <thead><tr><th>{t('admin.position')}</th><th>{t('admin.name')}</th><th>{t('admin.enabled')}</th><th>{t('rule.does')}</th><th /></tr></thead>
          <tbody>{rules.map((r, i) => (
            <tr key={r.id} data-id={r.id} class={draft.id === r.id ? 'sel' : ''}>
              <td class="order">{i + 1}
                {i > 0 && <button class="link" title={t('rule.up')} data-testid="up" onClick={() => move(i, -1)}>↑</button>}
                {i < rules.length - 1 && <button class="link" title={t('rule.down')} data-testid="down" onClick={() => move(i, 1)}>↓</button>}</td>
              <td>{r.name}</td>
              <td><input type="checkbox" aria-label={t('admin.enabled')} name="row-enabled" checked={r.enabled}
                         onChange={() => act(() => api('PATCH', `/api/v1/rules/${r.id}`, { enabled: !r.enabled }))} /></td>
              <td>{summary(r)}</td>
              <td class="actions">
                <button class="link" onClick={() => setDraft(draftOf(kind, r))}>{t('admin.edit')}</button>
                <button class="link" onClick={() => clone(r)}>{t('rule.clone')}</button>
                <DeleteButton onDelete={() => act(() => api('DELETE', `/api/v1/rules/${r.id}`), 'admin.deleted')
                  .then(() => { if (draft.id === r.id) setDraft(draftOf(kind, null)); })} />
              </td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <Editor key={`${kind}:${draft.id ?? 'new'}`} kind={kind} draft={draft} setDraft={setDraft}
              done={() => { setDraft(draftOf(kind, null)); load(); }} />
    </section>
  );
}

export function TriggersAdmin() {
  const [kind, setKind] = useState<RuleKind>('trigger');
  const [, setReady] = useState(0);
  useEffect(() => { Promise.all([loadChoices(), loadDirectory()]).then(() => setReady((n) => n + 1)).catch(toastError); }, []);
  return (
    <>
      <nav class="subtabs" aria-label={t('admin.tab.triggers')}>
        {RULE_KINDS.map((k) => (
          <button key={k} type="button" class={k === kind ? 'on' : ''} data-kind={k} onClick={() => setKind(k)}>{t(`rk.${k}` as Key)}</button>
        ))}
      </nav>
      <RuleList kind={kind} />
    </>
  );
}
