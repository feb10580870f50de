// One list-and-form editor for the admin pages whose API is a plain
// collection (GET list, POST, PATCH :id, DELETE :id): canned responses,
// calendars, SLA policies, automations, triggers. A page describes its
// fields (how an item's value shows in the form and goes back into the
// request body) and its columns; the editor lists, creates, edits and
// deletes, and shows the server's refusal (400 bad_field, 409 conflict…)
// next to the form that caused it.
import type { ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { t } from '../i18n';
import { toast, toastError } from '../toast';

export type Key = Parameters<typeof t>[0];
type Item = { id: number } & Record<string, any>;
export type FormValue = string | boolean;

// A form field. `show` turns the item's value into the form's (default:
// the value as text, '' for null); `send` turns it back (default: the text).
export interface FieldSpec {
  key: string; label: Key;
  kind?: 'text' | 'textarea' | 'number' | 'check' | 'select';
  options?: () => [string, string][];
  suggest?: () => string[]; // a text field's offered values (free entry still allowed)
  required?: boolean; placeholder?: string; pattern?: string;
  initial?: FormValue;
  show?: (v: any) => FormValue;
  send?: (v: any) => unknown;
  when?: (form: Record<string, FormValue>) => boolean; // shown (and sent) only when true
}

// Refusals found before asking the server (a line of JSON, a date list).
export class FormProblem extends Error {}

// Field helpers shared by the pages.
export const nullable = (v: string) => (v === '' ? null : v);
export const idOrNull = (v: string) => (v === '' ? null : Number(v));
export const minutes = { kind: 'number' as const, show: (s: number | null) => (s ? String(Math.round(s / 60)) : '0'),
  send: (m: string) => Math.round(Number(m || 0) * 60) };
// A yes/no cell.
export const mark = (b: unknown) => (b ? '✓' : '—');
export const enabledCell = (x: Record<string, any>) => mark(x.enabled);

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormProblem(t('admin.badjson', { m: (e as Error).message }));
  }
}

export interface CrudSpec {
  title: Key; testid: string; base: string;
  list?: string; listKey: string; // list URL (default base) and the array's key in the reply
  fields: FieldSpec[];
  columns: [Key, (x: Item) => ComponentChild][];
  label: (x: Item) => string;
  createExtra?: Record<string, unknown>; // sent only on create (a rule's kind)
  noDelete?: boolean;
}

function formOf(spec: CrudSpec, x: Item | null): Record<string, FormValue> {
  const v: Record<string, FormValue> = {};
  for (const f of spec.fields) {
    if (!x) v[f.key] = f.initial ?? (f.kind === 'check' ? false : '');
    else if (f.show) v[f.key] = f.show(x[f.key]);
    else v[f.key] = f.kind === 'check' ? !!x[f.key] : x[f.key] === null || x[f.key] === undefined ? '' : String(x[f.key]);
  }
  return v;
}

function bodyOf(spec: CrudSpec, v: Record<string, FormValue>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of spec.fields) {
    if (f.when && !f.when(v)) continue;
    const x = v[f.key];
    body[f.key] = f.send ? f.send(x) : f.kind === 'number' ? Number(x) : x;
  }
  return body;
}

function Input({ f, value, set }: { f: FieldSpec; value: FormValue; set: (x: FormValue) => void }) {
  const text = (e: Event) => set((e.target as HTMLInputElement).value);
  const common = { name: f.key, required: f.required, placeholder: f.placeholder };
  switch (f.kind) {
    case 'check':
      return <label class="check"><input type="checkbox" name={f.key} checked={value as boolean} onChange={() => set(!value)} /> {t(f.label)}</label>;
    case 'textarea':
      return <label class="wide">{t(f.label)}<textarea {...common} rows={6} value={value as string} onInput={text} /></label>;
    case 'select':
      return (
        <label>{t(f.label)}
          <select name={f.key} value={value as string} onChange={text}>
            {f.options!().map(([k, l]) => <option key={k} value={k}>{l}</option>)}
          </select>
        </label>
      );
    default:
      return <label>{t(f.label)}<input {...common} type={f.kind === 'number' ? 'number' : 'text'} min={f.kind === 'number' ? 0 : undefined}
                                        pattern={f.pattern} value={value as string} onInput={text} list={f.suggest && `dl-${f.key}`} />
        {f.suggest && <datalist id={`dl-${f.key}`}>{f.suggest().map((x) => <option key={x} value={x} />)}</datalist>}</label>;
  }
}

// The message of a refusal, for the line under the form.
export function problemText(e: unknown): string {
  if (e instanceof FormProblem) return e.message;
  if (e instanceof ApiError && e.status === 0) return t('err.network');
  return e instanceof Error ? e.message : String(e);
}

export function FormError({ msg }: { msg: string }) {
  return msg ? <p class="error" role="alert" data-testid="form-error">{msg}</p> : null;
}

// Delete in two clicks (a native confirm() would block the page).
export function DeleteButton({ onDelete }: { onDelete: () => void }) {
  const [armed, setArmed] = useState(false);
  return armed
    ? <button class="danger" onClick={onDelete} onBlur={() => setArmed(false)}>{t('admin.confirmdelete')}</button>
    : <button class="link" onClick={() => setArmed(true)}>{t('admin.delete')}</button>;
}

export function Crud({ spec, onChange }: { spec: CrudSpec; onChange?: (items: Item[]) => void }) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [editing, setEditing] = useState<Item | null>(null);
  const [v, setV] = useState(() => formOf(spec, null));
  const [err, setErr] = useState('');
  const load = () => api<Record<string, Item[]>>('GET', spec.list ?? spec.base).then((r) => {
    setItems(r[spec.listKey]);
    onChange?.(r[spec.listKey]);
  }).catch(toastError);
  useEffect(() => void load(), [spec.base]);
  const edit = (x: Item | null) => {
    setEditing(x);
    setV(formOf(spec, x));
    setErr('');
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const body = bodyOf(spec, v);
      if (editing) await api('PATCH', `${spec.base}/${editing.id}`, body);
      else await api('POST', spec.base, { ...body, ...spec.createExtra });
      toast(t('t.saved'));
      edit(null);
      load();
    } catch (x) {
      if (x instanceof ApiError && x.status === 401) return;
      setErr(problemText(x));
    }
  };
  const remove = async (x: Item) => {
    try {
      await api('DELETE', `${spec.base}/${x.id}`);
      toast(t('admin.deleted'));
      if (editing?.id === x.id) edit(null);
      load();
    } catch (e) {
      toastError(e);
    }
  };
  return (
    <section data-testid={spec.testid}>
      <h2>{t(spec.title)}</h2>
      {items && items.length === 0 && <p class="hint">{t('admin.empty')}</p>}
      {items && items.length > 0 && (
        <table class="grid">
          <thead><tr>{spec.columns.map(([k]) => <th key={k}>{t(k)}</th>)}<th /></tr></thead>
          <tbody>{items.map((x) => (
            <tr key={x.id} data-id={x.id} class={editing?.id === x.id ? 'sel' : ''}>
              {spec.columns.map(([k, cell]) => <td key={k}>{cell(x)}</td>)}
              <td class="actions"><button class="link" onClick={() => edit(x)}>{t('admin.edit')}</button>
                {!spec.noDelete && <DeleteButton onDelete={() => remove(x)} />}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <form class="card crud" onSubmit={submit}>
        <h3>{editing ? t('admin.editing', { name: spec.label(editing) }) : t('admin.new')}</h3>
        <div class="fields">
          {spec.fields.filter((f) => !f.when || f.when(v)).map((f) => (
            <Input key={f.key} f={f} value={v[f.key]} set={(x) => setV({ ...v, [f.key]: x })} />
          ))}
        </div>
        <FormError msg={err} />
        <button type="submit" class="primary">{editing ? t('common.save') : t('admin.create')}</button>
        {editing && <button type="button" class="link" onClick={() => edit(null)}>{t('common.cancel')}</button>}
      </form>
    </section>
  );
}
