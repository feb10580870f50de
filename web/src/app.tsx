// The shell: login gate, top bar (navigation, search, profile), the
// routed page, the shortcut help overlay and the toast line.
import { useEffect, useState } from 'preact/hooks';
import { onSessionExpired } from './api';
import { t } from './i18n';
import { useKeys } from './keys';
import { linkClick, navigate, useLocation } from './router';
import { ended, logout, resume, useSession, wasSignedIn } from './session';
import { Toasts } from './toast';
import type { ComponentType } from 'preact';
import { Login } from './views/login';
import { prefetchQueue, Queue } from './views/queue';

onSessionExpired(() => ended('expired'));
// Started when the script runs, not after the first paint: the session,
// the directory and, on a queue URL, its first page, all at once. The
// page shows "Loading…" until all three are in, then the queue with its
// tickets in one render (not an empty queue first, then its rows a frame
// later: each is a full layout of the page).
const queueAt = location.pathname.match(/^\/(?:views\/([\w-]+))?$/);
const firstPage = queueAt && wasSignedIn() ? prefetchQueue(queueAt[1] ?? 'mine') : undefined;
const booting = Promise.all([resume(), firstPage]);

// Every page but the queue is its own chunk, fetched when first shown or
// when the browser is idle after the first paint: the script that draws
// the queue is what has to load, compile and run before the first tickets.
type Props = Record<string, unknown>;
function lazyPage(load: () => Promise<ComponentType<any>>): { Page: (p: Props) => any; warm: () => void } {
  let loaded: ComponentType<any> | null = null;
  let loading: Promise<void> | null = null;
  const warm = () => void (loading ??= load().then((c) => void (loaded = c)));
  function Page(p: Props) {
    const [, set] = useState(0);
    useEffect(() => {
      if (!loaded) {
        warm();
        loading!.then(() => set((n) => n + 1), () => set((n) => n + 1));
      }
    }, []);
    const C = loaded;
    return C ? <C {...p} /> : <div class="boot">{t('q.loading')}</div>;
  }
  return { Page, warm };
}
const pages = {
  ticket: lazyPage(() => import('./views/ticket').then((m) => m.TicketPage)),
  search: lazyPage(() => import('./views/search').then((m) => m.Search)),
  customers: lazyPage(() => import('./views/people').then((m) => m.Customers)),
  customer: lazyPage(() => import('./views/people').then((m) => m.CustomerPage)),
  orgs: lazyPage(() => import('./views/people').then((m) => m.Orgs)),
  org: lazyPage(() => import('./views/people').then((m) => m.OrgPage)),
  profile: lazyPage(() => import('./views/profile').then((m) => m.Profile)),
  admin: lazyPage(() => import('./views/admin').then((m) => m.Admin)),
};
function warmPages(): void {
  const idle = (window as any).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
  idle(() => Object.values(pages).forEach((p) => p.warm()));
}

function Help({ onClose }: { onClose: () => void }) {
  const rows: [string, Parameters<typeof t>[0]][] = [
    ['j', 'help.j'], ['k', 'help.k'], ['o / Enter', 'help.o'], ['x', 'help.x'], ['r', 'help.r'], ['n', 'help.n'],
    ['a', 'help.a'], ['c', 'help.c'], ['/', 'help.slash'], ['u', 'help.u'], ['?', 'help.q'], ['Esc', 'help.esc'],
  ];
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={onClose}>
      <div class="dialog" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">{t('help.title')}</h2>
        <table class="keys">
          <tbody>
            {rows.map(([k, label]) => (
              <tr key={k}><td><kbd>{k}</kbd></td><td>{t(label)}</td></tr>
            ))}
          </tbody>
        </table>
        <button onClick={onClose}>{t('common.close')}</button>
      </div>
    </div>
  );
}

function Route({ path, query }: { path: string; query: URLSearchParams }) {
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/tickets\/(\d+)$/))) return <pages.ticket.Page number={Number(m[1])} />;
  if (path === '/search') return <pages.search.Page q={query.get('q') ?? ''} />;
  if (path === '/customers') return <pages.customers.Page />;
  if ((m = path.match(/^\/customers\/(\d+)$/))) return <pages.customer.Page id={Number(m[1])} />;
  if (path === '/organizations') return <pages.orgs.Page />;
  if ((m = path.match(/^\/organizations\/(\d+)$/))) return <pages.org.Page id={Number(m[1])} />;
  if (path === '/profile') return <pages.profile.Page />;
  if ((m = path.match(/^\/admin(?:\/([\w-]+))?$/))) return <pages.admin.Page section={m[1] ?? ''} />;
  if ((m = path.match(/^\/views\/([\w-]+)$/))) return <Queue view={m[1]} />;
  return <Queue view="mine" />;
}

function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  return (
    <form class="searchbox" role="search" onSubmit={(e) => {
      e.preventDefault();
      if (q.trim()) navigate('/search?q=' + encodeURIComponent(q.trim()));
    }}>
      <input id="search" type="search" value={q} placeholder={t('nav.search')} aria-label={t('nav.search')}
             onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
    </form>
  );
}

export function App() {
  const s = useSession();
  const loc = useLocation();
  const [ready, setReady] = useState(false);
  const [help, setHelp] = useState(false);
  useEffect(() => {
    booting.finally(() => setReady(true));
  }, []);
  useEffect(() => {
    if (s.me) warmPages();
  }, [!!s.me]);
  useKeys({
    '?': () => setHelp((h) => !h),
    Escape: () => setHelp(false),
    '/': () => document.getElementById('search')?.focus(),
    u: () => navigate('/'),
  });
  if (!ready) return <div class="boot">{t('q.loading')}</div>;
  if (!s.me) return <Login />;
  const admin = s.me.role === 'admin';
  return (
    <div class="shell" onClick={linkClick}>
      <header class="top">
        <a class="brand" href="/">窓 Mado</a>
        <nav>
          <a href="/" class={loc.path === '/' || loc.path.startsWith('/views') ? 'on' : ''}>{t('nav.queue')}</a>
          <a href="/customers" class={loc.path.startsWith('/customers') ? 'on' : ''}>{t('nav.customers')}</a>
          <a href="/organizations" class={loc.path.startsWith('/organizations') ? 'on' : ''}>{t('nav.orgs')}</a>
          {admin && <a href="/admin" class={loc.path.startsWith('/admin') ? 'on' : ''}>{t('nav.admin')}</a>}
        </nav>
        <SearchBox initial={loc.path === '/search' ? loc.query.get('q') ?? '' : ''} />
        <button class="link" title={t('nav.help')} onClick={() => setHelp(true)}>?</button>
        <a href="/profile" class="me" data-testid="me">{s.me.email}</a>
        <button class="link" id="logout" onClick={() => logout()}>{t('nav.logout')}</button>
      </header>
      <main>
        <Route path={loc.path} query={loc.query} />
      </main>
      {help && <Help onClose={() => setHelp(false)} />}
      <Toasts />
    </div>
  );
}
