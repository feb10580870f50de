// Time to first render of the queue (bench/ui.sh): a logged-in agent
// navigates to a queue view; the time runs from the start of navigation
// to the first ticket row in the DOM and painted. Each view 7 times (a
// fresh page each, assets cached like a returning agent's; the first,
// cold-cache run is reported on its own). Prints the median and worst,
// and, from the page's own clock, when the first row was painted (Element
// Timing: the queue marks its first subject `elementtiming`), which leaves
// out Playwright's polling.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'web/package.json'));
const { chromium } = require('playwright-core');
const BASE = process.env.MADO_BASE;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
const page0 = await ctx.newPage();
await page0.goto(BASE + '/');
await page0.fill('input[name=email]', 'bench@example.com');
await page0.fill('input[name=password]', 'bench-ui-pw');
await page0.click('button[type=submit]');
await page0.waitForSelector('tr[data-number]');
await page0.close();

async function once(url) {
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(BASE + url, { waitUntil: 'commit' });
  await page.waitForSelector('tr[data-number]', { timeout: 30000 });
  // wait for the frame that paints the rows
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const ms = Date.now() - t0;
  const rows = await page.$$eval('tr[data-number]', (t) => t.length);
  // where the time went: the ticket list request, from the page's own clock
  const api = await page.evaluate(() => {
    const e = performance.getEntriesByType('resource').find((x) => x.name.includes('/api/v1/tickets?'));
    return e ? Math.round(e.duration) : -1;
  });
  const total = await page.textContent('[data-testid=total]');
  const painted = await page.evaluate(() => new Promise((r) => {
    new PerformanceObserver((l) => {
      const e = l.getEntries().find((x) => x.identifier === 'queue-first-row');
      if (e) r(Math.round(e.renderTime || e.loadTime));
    }).observe({ type: 'element', buffered: true });
    setTimeout(() => r(-1), 2000);
  }));
  await page.close();
  return { ms, rows, total, api, painted };
}

const views = [
  ['/views/all', 'all tickets, newest first'],
  ['/views/mine', 'my open tickets (assignee=me, unsolved)'],
  ['/views/unassigned', 'unassigned new/open'],
  ['/views/breaching', 'unsolved by priority'],
];
console.log('view                                        cold ms  median ms  worst ms  painted ms (median)  list API ms (median)  rows  total');
for (const [url, what] of views) {
  const cold = await once(url);
  const runs = [], apis = [], paints = [];
  for (let i = 0; i < 7; i++) {
    const r = await once(url);
    runs.push(r.ms);
    apis.push(r.api);
    paints.push(r.painted);
  }
  for (const a of [runs, apis, paints]) a.sort((x, y) => x - y);
  console.log(`${what.padEnd(42)} ${String(cold.ms).padStart(7)} ${String(runs[3]).padStart(10)} ${String(runs[6]).padStart(9)} ${String(paints[3]).padStart(20)} ${String(apis[3]).padStart(21)} ${String(cold.rows).padStart(5)}  ${cold.total}`);
}

// On a shared, loaded machine the times above are mostly waiting for a
// CPU. The page's own work is counted on the thread clock: the renderer
// main thread's CPU from navigation to the first row painted (Chromium
// trace, each top-level task's thread duration), 3 traced runs a view.
async function cpuOnce(url) {
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    const mo = new MutationObserver(() => {
      if (window.__rows || !document.querySelector('tr[data-number]')) return;
      window.__rows = true;
      requestAnimationFrame(() => setTimeout(() => performance.mark('rows-painted')));
    });
    document.addEventListener('DOMContentLoaded', () => mo.observe(document.body, { childList: true, subtree: true }));
  });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing', 'disabled-by-default-devtools.timeline'] });
  await page.goto(BASE + url, { waitUntil: 'commit' });
  await page.waitForFunction(() => performance.getEntriesByName('rows-painted').length > 0, null, { timeout: 60000, polling: 200 });
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  await page.close();
  const mark = events.find((e) => e.name === 'rows-painted');
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.pid === mark.pid && e.tid === mark.tid && e.ts <= mark.ts);
  return Math.round(tasks.reduce((a, e) => a + (e.tdur || 0), 0) / 1000);
}
console.log('view                                        main-thread CPU ms to first row painted (median of 3)');
for (const [url, what] of views) {
  const cpu = [await cpuOnce(url), await cpuOnce(url), await cpuOnce(url)].sort((a, b) => a - b);
  console.log(`${what.padEnd(42)} ${String(cpu[1]).padStart(7)}`);
}
await browser.close();
