// Who is signed in, the agents and groups (names for ids), and the
// language/time-zone choice. A module-level store with a version counter
// so that components re-render when it changes.
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrf } from './api';
import { browserLang, browserTimeZone, Lang, setLocale } from './i18n';
import { liveStart, liveStop } from './live';
import type { Agent, Group } from './types';

export interface Me { agent_id: number; email: string; role: string }

export const state = {
  me: null as Me | null,
  agents: [] as Agent[],
  groups: [] as Group[],
  loginMessage: '' as '' | 'expired' | 'loggedout',
};

const listeners = new Set<() => void>();
export function changed(): void {
  listeners.forEach((l) => l());
}
export function useSession(): typeof state {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return state;
}

export function myAgent(): Agent | undefined {
  return state.agents.find((a) => a.id === state.me?.agent_id);
}

export function agentName(id: number | null | undefined): string {
  if (!id) return '';
  const a = state.agents.find((x) => x.id === id);
  return a ? a.name || a.email : `#${id}`;
}

export function groupName(id: number | null | undefined): string {
  if (!id) return '';
  return state.groups.find((g) => g.id === id)?.name ?? `#${id}`;
}

export function isAgent(): boolean {
  return !!state.me && ['agent', 'supervisor', 'admin'].includes(state.me.role);
}

// Language and time zone: the agent's own choice. The server's defaults
// for a new agent ("en", "UTC") mean "no choice": the browser's are used.
// (The profile page stores an explicit English as "en-US".)
export function applyLocale(): void {
  const a = myAgent();
  const l = a?.language ?? '';
  const lang: Lang = !l || l === 'en' ? browserLang() : l.startsWith('ja') ? 'ja' : 'en';
  const tz = a?.time_zone && a.time_zone !== 'UTC' ? a.time_zone : browserTimeZone();
  setLocale(lang, tz);
}

export async function loadDirectory(): Promise<void> {
  const [a, g] = await Promise.all([
    api<{ agents: Agent[] }>('GET', '/api/v1/agents'),
    api<{ groups: Group[] }>('GET', '/api/v1/groups'),
  ]);
  state.agents = a.agents;
  state.groups = g.groups;
  applyLocale();
}

// Whether this browser has signed in and not out: only then is the
// session probed at start (a 401 probe would be a console error on every
// visit of the login page). The cookie itself is HttpOnly.
const SIGNED_IN = 'mado.signedIn';

export function wasSignedIn(): boolean {
  return !!localStorage.getItem(SIGNED_IN);
}

export async function resume(): Promise<boolean> {
  if (!localStorage.getItem(SIGNED_IN)) return false;
  // session, agents and groups at once: one round trip before the first page
  const dir = loadDirectory();
  dir.catch(() => {});
  try {
    const s = await api<Me & { csrf_token: string }>('GET', '/api/v1/session');
    await enter(s, s.csrf_token, dir);
    return true;
  } catch {
    localStorage.removeItem(SIGNED_IN);
    return false;
  }
}

async function enter(me: Me, csrf: string, directory?: Promise<void>): Promise<void> {
  setCsrf(csrf);
  state.me = me;
  state.loginMessage = '';
  localStorage.setItem(SIGNED_IN, '1');
  await (directory ?? loadDirectory());
  applyLocale(); // the directory may have arrived before we knew who we are
  liveStart();
  changed();
}

export async function login(email: string, password: string): Promise<void> {
  const r = await api<{ agent: { id: number; email: string; role: string }; csrf_token: string }>(
    'POST', '/api/v1/session', { email, password });
  await enter({ agent_id: r.agent.id, email: r.agent.email, role: r.agent.role }, r.csrf_token);
}

export function ended(why: 'expired' | 'loggedout'): void {
  // the first reason stands: after a logout, the requests of the page being
  // left (presence "left") get 401s that must not say "expired"
  if (!state.me && state.loginMessage) return;
  liveStop();
  localStorage.removeItem(SIGNED_IN);
  state.me = null;
  state.loginMessage = why;
  setCsrf('');
  changed();
}

export async function logout(): Promise<void> {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    ended('loggedout');
  }
}
