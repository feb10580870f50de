// What the browser tests share (tests/browser/*.mjs, each run by a
// tests/e2e/ui*.sh that prepares the workspace and the server): TAP output
// continuing from T_START, Chromium with every request that leaves the
// server recorded and aborted, console errors, CSP violations, page errors
// and dialogs recorded, and small helpers (log in, read and write the API).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'web/package.json'));
const { chromium } = require('playwright-core');

export const BASE = process.env.MADO_BASE;
export const WS = process.env.MADO_WS;
export const SHOTS = process.env.SCREENSHOTS;
export const origin = new URL(BASE).origin;
let n = Number(process.env.T_START || 0);
let failed = 0;
export function ok(cond, what, diag) {
  n++;
  console.log(`${cond ? '' : 'not '}ok ${n} - ${what}`);
  if (!cond) {
    failed++;
    if (diag !== undefined) console.log('#   ' + String(typeof diag === 'string' ? diag : JSON.stringify(diag)).split('\n').join('\n#   '));
  }
  return cond;
}
export async function step(what, fn) {
  try {
    await fn();
  } catch (e) {
    ok(false, what + ' (threw)', e.stack || String(e));
  }
}

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});

// Every context: requests that leave the server are recorded and aborted;
// console errors, CSP violations, page errors and dialogs are recorded.
export const outside = [], consoleErrors = [], cspViolations = [], pageErrors = [], dialogs = [], markers = [];
export async function newAgentContext(locale) {
  const ctx = await browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1360, height: 900 } });
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin + '/') || u.startsWith('data:') || u === 'about:blank') return route.continue();
    outside.push(u);
    return route.abort();
  });
  ctx.on('page', watch);
  return ctx;
}
function watch(page) {
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && u !== 'about:blank') outside.push(u);
  });
  page.on('console', (m) => {
    const text = m.text();
    if (text.includes('MADO-PWNED')) markers.push(text);
    if (/Content Security Policy/i.test(text)) cspViolations.push({ text, url: m.location().url });
    else if (m.type() === 'error') consoleErrors.push({ text, url: m.location().url });
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
}
// The login form on the page as it is (a ticket URL keeps its place).
export async function fillLogin(page, email, password) {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}
export async function login(page, email, password) {
  await page.goto(BASE + '/');
  await fillLogin(page, email, password);
  await page.waitForSelector('[data-testid=queue]');
}
export const api = (page, p) => page.evaluate(async (u) => (await fetch(u)).json(), p);
export const send = (page, method, p, body) => page.evaluate(async ([m, u, b]) => {
  const tok = (await (await fetch('/api/v1/session')).json()).csrf_token;
  const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': tok }, body: JSON.stringify(b) });
  return { status: r.status, body: await r.json() };
}, [method, p, body]);
export const post = (page, p, body) => send(page, 'POST', p, body);

// The TAP plan; the exit status says whether any test failed.
export async function finish() {
  await browser.close();
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}
