// The one door to the JSON API (docs/api.md). Every write carries the
// session's CSRF token; a 401 on anything but the login itself means the
// session ended (expired, logged out elsewhere, agent disabled), and the
// app goes back to the login page with a message.

import { currentLang } from './i18n';

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

let csrf = '';
let onExpired: () => void = () => {};

export function setCsrf(token: string): void {
  csrf = token;
}

export function onSessionExpired(fn: () => void): void {
  onExpired = fn;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function api<T = any>(method: Method, path: string, body?: unknown,
                                   headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { Accept: 'application/json', ...headers };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    payload = body;
  } else if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET') h['X-CSRF-Token'] = csrf;
  let r: Response;
  try {
    r = await fetch(path, { method, headers: h, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const j = await r.json().catch(() => null);
  if (r.status === 401 && !(method === 'POST' && path === '/api/v1/session')) {
    onExpired();
    throw new ApiError(401, 'unauthenticated', j?.error?.message ?? 'session ended');
  }
  // a refusal may say why in Japanese too (message_ja)
  const msg = (currentLang() === 'ja' && j?.error?.message_ja) || j?.error?.message;
  if (!r.ok) throw new ApiError(r.status, j?.error?.code ?? 'http', msg ?? r.statusText);
  return j as T;
}

// "?a=1&b=x" from an object, leaving out empty values.
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? '?' + s : '';
}
