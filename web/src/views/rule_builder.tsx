// The rule builder's rows (model in rule_model.ts): condition groups of
// field–operator–value rows, nested all/any/not groups, and a trigger's
// actions. Value pickers offer what the directory holds (groups, agents,
// tiers, calendars) and the fixed lists the engine knows (statuses,
// priorities, types). After a dry run each condition row carries a mark:
// whether it holds on the ticket tried.
import type { ComponentChildren } from 'preact';
import { t, tv } from '../i18n';
import { state } from '../session';
import type { Key } from './admin_kit';
import {
  Action, ACTIONS, Cond, defaultOp, FIELDS, Group, kidPath, kindOf, Leaf, manyValues, newAction, newLeaf, opsOf,
  PRIORITIES, SET_FIELDS, Source, sourceOf, STATUSES, TYPES,
} from './rule_model';

// Choices from the server, loaded by the page (tiers, calendars).
export const directory = { tiers: [] as string[], calendars: [] as string[] };

const k = (s: string) => s as Key;
const label = (family: string, v: string) => {
  const s = t(k(`${family}.${v}`));
  return s === `${family}.${v}` ? v : s;
};
const fieldLabel = (f: string) => (f.startsWith('custom.') ? `${t('rf.custom')}: ${f.slice(7)}` : label('rf', f));
const MAX_DEPTH = 8;

function choicesOf(src: Source): [string, string][] | null {
  switch (src) {
    case 'status': return STATUSES.map((s) => [s, tv('status', s)]);
    case 'priority': return PRIORITIES.map((p) => [p, tv('prio', p)]);
    case 'type': return TYPES.map((x) => [x, tv('type', x)]);
    case 'group': return state.groups.map((g) => [g.name, g.name]);
    case 'agent': return state.agents.map((a) => [a.email, a.name ? `${a.name} <${a.email}>` : a.email]);
    case 'tier': return directory.tiers.map((x) => [x, x]);
    case 'language': return [['ja', '日本語 (ja)'], ['en', 'English (en)']];
    case 'channel': return [['email', 'email'], ['web', 'web'], ['api', 'api']];
    default: return null;
  }
}
// Lists an admin may go beyond (a tier not used yet, a language): offered, not imposed.
const OPEN: Source[] = ['tier', 'language', 'channel'];

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

// A select whose current value is always among its options (a group
// renamed since, an agent gone): the builder never changes a value by
// showing it.
export function Pick({ value, options, set, name, empty }: {
  value: string; options: [string, string][]; set: (v: string) => void; name?: string; empty?: string;
}) {
  const opts = options.some(([v]) => v === value) || (empty !== undefined && value === '') ? options : [[value, value] as [string, string], ...options];
  return (
    <select name={name} value={value} onChange={(e) => set(val(e))}>
      {empty !== undefined && <option value="">{empty}</option>}
      {opts.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
    </select>
  );
}

function Free({ value, set, list, name, placeholder, wide }: {
  value: string; set: (v: string) => void; list?: string[]; name: string; placeholder?: string; wide?: boolean;
}) {
  const id = list ? `dl-${name}` : undefined;
  return (
    <>
      <input name={name} class={wide ? 'wide' : ''} value={value} placeholder={placeholder} list={id} onInput={(e) => set(val(e))} />
      {list && <datalist id={id}>{list.map((x) => <option key={x} value={x} />)}</datalist>}
    </>
  );
}

// The values of one condition: one picker per value, more where the
// operator takes a list.
function LeafValues({ l, set, name }: { l: Leaf; set: (l: Leaf) => void; name: string }) {
  const kind = kindOf(l.field), op = l.op ?? defaultOp(l.field);
  const one = (i: number, v: string) => set({ ...l, values: l.values.map((x, j) => (j === i ? v : x)) });
  if (kind === 'bhours') {
    return (
      <span class="vals">
        <Pick name={`${name}.value`} value={l.values[0]} set={(v) => one(0, v)} options={[['true', t('rb.inside')], ['false', t('rb.outside')]]} />
        <Pick name={`${name}.calendar`} value={l.calendar ?? ''} empty={t('rb.ticketcal')} options={directory.calendars.map((c) => [c, c])}
              set={(v) => { const n = { ...l }; if (v) n.calendar = v; else delete n.calendar; set(n); }} />
      </span>
    );
  }
  if (kind === 'count') {
    return (
      <span class="vals">
        <input name={`${name}.value`} type="number" min={0} value={l.values[0]} onInput={(e) => one(0, val(e))} />
        <label class="inline">{t('rb.days')}
          <input name={`${name}.days`} type="number" min={1} max={365} value={l.days ?? ''} placeholder="30"
                 onInput={(e) => { const n = { ...l }; const d = val(e); if (d) n.days = Number(d); else delete n.days; set(n); }} /></label>
      </span>
    );
  }
  const src = sourceOf(l.field);
  const free = ['contains', 'not_contains', 'regex', 'within'].includes(op) || src === 'free' || OPEN.includes(src);
  const choices = choicesOf(src);
  return (
    <span class="vals">
      {l.values.map((v, i) => (
        <span key={i} class="val">
          {free
            ? <Free name={`${name}.value${i}`} value={v} set={(x) => one(i, x)} list={choices?.map(([c]) => c)}
                    placeholder={kind === 'time' ? 'mon-fri 09:00-18:00 +09:00' : undefined} />
            : <Pick name={`${name}.value${i}`} value={v} set={(x) => one(i, x)} options={choices ?? []} />}
          {l.values.length > 1 && <button type="button" class="link" title={t('rb.remove')}
                                          onClick={() => set({ ...l, values: l.values.filter((_, j) => j !== i) })}>×</button>}
        </span>
      ))}
      {manyValues(op) && <button type="button" class="link" onClick={() => set({ ...l, values: [...l.values, ''], list: true })}>{t('rb.addvalue')}</button>}
    </span>
  );
}

function LeafRow({ l, set, remove, path, mark }: { l: Leaf; set: (c: Cond) => void; remove: () => void; path: string; mark?: boolean }) {
  const op = l.op ?? defaultOp(l.field);
  const fields: [string, string][] = FIELDS.map(([f]) => [f, fieldLabel(f)]);
  const changeField = (f: string) => {
    const n = newLeaf(f);
    if (kindOf(f) === 'bhours') n.values = ['false'];
    if (kindOf(f) === 'count') n.values = ['3'];
    if (kindOf(f) !== 'count' && kindOf(f) !== 'bhours' && !['contains', 'not_contains', 'regex', 'within'].includes(n.op!)) {
      const c = choicesOf(sourceOf(f));
      if (c?.length && !OPEN.includes(sourceOf(f))) n.values = [c[0][0]];
    }
    set(n);
  };
  const changeOp = (o: string) => {
    const n: Leaf = { ...l, op: o };
    if (!manyValues(o)) { n.values = n.values.slice(0, 1); n.list = false; }
    set(n);
  };
  return (
    <div class={`cond${mark === undefined ? '' : mark ? ' held' : ' failed'}`} data-path={path} data-testid="cond">
      {mark !== undefined && <span class="mark" data-testid="cond-mark">{mark ? '✓' : '✗'}</span>}
      <Pick name={`${path}.field`} value={l.field} options={fields} set={changeField} />
      <Pick name={`${path}.op`} value={op} options={opsOf(l.field).map((o) => [o, label('ro', o)])} set={changeOp} />
      <LeafValues l={l} set={set} name={path} />
      <button type="button" class="link" onClick={remove}>{t('rb.remove')}</button>
    </div>
  );
}

export function CondGroup({ g, set, path, depth, marks, remove }: {
  g: Group; set: (g: Group) => void; path: string; depth: number; marks: Record<string, boolean>; remove?: () => void;
}) {
  const setKid = (i: number, c: Cond) => set({ ...g, kids: g.kids.map((x, j) => (j === i ? c : x)) });
  const dropKid = (i: number) => set({ ...g, kids: g.kids.filter((_, j) => j !== i) });
  const canAdd = g.t !== 'not' || g.kids.length === 0;
  const add = (c: Cond) => set({ ...g, kids: [...g.kids, c] });
  return (
    <fieldset class={`group ${g.t}`} data-testid={`group-${g.t}`}>
      <legend>
        {g.t === 'not'
          ? t('rb.not')
          : <Pick name={`${path}.join`} value={g.t} set={(v) => set({ ...g, t: v as 'all' | 'any' })}
                  options={[['all', t('rb.all')], ['any', t('rb.any')]]} />}
        {remove && <button type="button" class="link" onClick={remove}>{t('rb.remove')}</button>}
      </legend>
      {g.kids.length === 0 && depth === 1 && <p class="hint">{t('rb.always')}</p>}
      {g.kids.map((c, i) => {
        const p = kidPath(g, path, i);
        return c.t === 'leaf'
          ? <LeafRow key={i} l={c} path={p} mark={marks[p]} set={(x) => setKid(i, x)} remove={() => dropKid(i)} />
          : <CondGroup key={i} g={c} path={p} depth={depth + 1} marks={marks} set={(x) => setKid(i, x)} remove={() => dropKid(i)} />;
      })}
      {canAdd && (
        <div class="adds">
          <button type="button" onClick={() => add(newLeaf())}>{t('rb.addcond')}</button>
          {depth < MAX_DEPTH - 1 && <button type="button" onClick={() => add({ t: g.t === 'any' ? 'all' : 'any', kids: [newLeaf()] })}>{t('rb.addgroup')}</button>}
        </div>
      )}
    </fieldset>
  );
}

// ---- actions ----

const tagsOf = (text: string) => text.split(/[\s,、]+/).filter(Boolean);

function Row({ children }: { children: ComponentChildren }) {
  return <div class="act-body">{children}</div>;
}

function ActionBody({ a, set, name }: { a: Action; set: (a: Action) => void; name: string }) {
  const agents: [string, string][] = state.agents.map((x) => [x.email, x.name ? `${x.name} <${x.email}>` : x.email]);
  switch (a.t) {
    case 'set': {
      const setPair = (i: number, p: [string, string]) => set({ ...a, pairs: a.pairs.map((x, j) => (j === i ? p : x)) });
      const valuesOf = (f: string): [string, string][] | null =>
        f === 'status' ? choicesOf('status') : f === 'priority' ? choicesOf('priority') : f === 'type' ? choicesOf('type') : null;
      const unused = SET_FIELDS.filter((f) => !a.pairs.some(([x]) => x === f));
      return (
        <Row>
          {a.pairs.map(([f, v], i) => (
            <span key={i} class="val">
              <Pick name={`${name}.set${i}.field`} value={f} options={[...SET_FIELDS.filter((x) => x === f || unused.includes(x))].map((x) => [x, label('rf', x)])}
                    set={(x) => setPair(i, [x, valuesOf(x)?.[0][0] ?? ''])} />
              {valuesOf(f)
                ? <Pick name={`${name}.set${i}.value`} value={v} options={valuesOf(f)!} set={(x) => setPair(i, [f, x])} />
                : <Free name={`${name}.set${i}.value`} value={v} set={(x) => setPair(i, [f, x])} />}
              {a.pairs.length > 1 && <button type="button" class="link" onClick={() => set({ ...a, pairs: a.pairs.filter((_, j) => j !== i) })}>×</button>}
            </span>
          ))}
          {unused.length > 0 && <button type="button" class="link" onClick={() => set({ ...a, pairs: [...a.pairs, [unused[0], valuesOf(unused[0])?.[0][0] ?? '']] })}>{t('rb.addfield')}</button>}
        </Row>
      );
    }
    case 'assign': {
      const v = typeof a.value === 'number' ? String(a.value) : a.value;
      const byId: [string, string][] = typeof a.value === 'number'
        ? [[v, state.agents.find((x) => x.id === a.value)?.email ?? `#${v}`]] : [];
      return (
        <Row><Pick name={`${name}.assign`} value={v} options={[['auto', t('rb.auto')], ...byId, ...agents]}
                   set={(x) => set({ ...a, value: byId.length && x === v ? a.value : x })} /></Row>
      );
    }
    case 'group':
      return <Row><Pick name={`${name}.group`} value={a.value} options={choicesOf('group')!} empty="—" set={(x) => set({ ...a, value: x })} /></Row>;
    case 'webhook':
      return <Row><Free name={`${name}.webhook`} value={a.value} wide placeholder="https://hooks.example.co.jp/mado" set={(x) => set({ ...a, value: x })} /></Row>;
    case 'note':
      return <Row><textarea name={`${name}.note`} rows={2} value={a.value} onInput={(e) => set({ ...a, value: val(e) })} /></Row>;
    case 'add_tags': case 'remove_tags':
      return (
        <Row><input name={`${name}.tags`} class="wide" value={a.tags.join(' ')} placeholder="billing vip"
                    onChange={(e) => set({ ...a, tags: tagsOf(val(e)) })} /></Row>
      );
    case 'notify':
      return (
        <Row>
          {a.agents.map((x, i) => (
            <span key={i} class="val">
              <Pick name={`${name}.agent${i}`} value={x} options={agents} empty="—"
                    set={(v) => set({ ...a, agents: a.agents.map((y, j) => (j === i ? v : y)) })} />
              {a.agents.length > 1 && <button type="button" class="link" onClick={() => set({ ...a, agents: a.agents.filter((_, j) => j !== i) })}>×</button>}
            </span>
          ))}
          <button type="button" class="link" onClick={() => set({ ...a, agents: [...a.agents, ''] })}>{t('rb.addvalue')}</button>
          <label class="wide">{t('rb.message')}
            <textarea name={`${name}.message`} rows={2} value={a.message ?? ''}
                      onInput={(e) => set({ ...a, message: val(e) })} /></label>
        </Row>
      );
    case 'mail':
      return (
        <Row>
          <label class="wide">{t('rb.subject')}<input name={`${name}.subject`} value={a.subject} onInput={(e) => set({ ...a, subject: val(e) })} /></label>
          <label class="wide">{t('rb.body')}<textarea name={`${name}.body`} rows={4} value={a.body} onInput={(e) => set({ ...a, body: val(e) })} /></label>
          <p class="hint">{t('rb.placeholders')}</p>
        </Row>
      );
  }
}

export function ActionList({ then, set }: { then: Action[]; set: (a: Action[]) => void }) {
  const move = (i: number, d: number) => {
    const n = [...then];
    [n[i], n[i + d]] = [n[i + d], n[i]];
    set(n);
  };
  return (
    <div class="actions-list" data-testid="actions">
      {then.map((a, i) => (
        <div key={i} class="act" data-testid="action">
          <Pick name={`then.${i}.type`} value={a.t} options={ACTIONS.map((x) => [x, label('ra', x)])}
                set={(x) => set(then.map((y, j) => (j === i ? newAction(x as Action['t']) : y)))} />
          <ActionBody a={a} name={`then.${i}`} set={(x) => set(then.map((y, j) => (j === i ? x : y)))} />
          <span class="act-tools">
            {i > 0 && <button type="button" class="link" title={t('rule.up')} onClick={() => move(i, -1)}>↑</button>}
            {i < then.length - 1 && <button type="button" class="link" title={t('rule.down')} onClick={() => move(i, 1)}>↓</button>}
            <button type="button" class="link" onClick={() => set(then.filter((_, j) => j !== i))}>{t('rb.remove')}</button>
          </span>
        </div>
      ))}
      <button type="button" onClick={() => set([...then, newAction('set')])}>{t('rb.addaction')}</button>
    </div>
  );
}
