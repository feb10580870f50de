// One line of feedback at the bottom ("Reply queued", errors).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { t } from './i18n';

let push: (msg: string, bad: boolean) => void = () => {};

export function toast(msg: string, bad = false): void {
  push(msg, bad);
}

export function toastError(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return; // the login page says it
  if (e instanceof ApiError && e.status === 0) toast(t('err.network'), true);
  else toast(t('err.generic', { m: e instanceof Error ? e.message : String(e) }), true);
}

// Run a write; say "Saved" and continue, or show the error.
export async function attempt(f: () => Promise<unknown>, after: () => void = () => {}): Promise<void> {
  try {
    await f();
    toast(t('t.saved'));
    after();
  } catch (e) {
    toastError(e);
  }
}

export function Toasts() {
  const [m, setM] = useState<{ msg: string; bad: boolean; n: number } | null>(null);
  useEffect(() => {
    push = (msg, bad) => setM((o) => ({ msg, bad, n: (o?.n ?? 0) + 1 }));
  }, []);
  useEffect(() => {
    if (!m) return;
    const id = setTimeout(() => setM(null), 5000);
    return () => clearTimeout(id);
  }, [m?.n]);
  return m ? <div class={m.bad ? 'toast bad' : 'toast'} role="status">{m.msg}</div> : null;
}
