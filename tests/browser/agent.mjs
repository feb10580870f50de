// The agent's day in the UI, item by item (run by tests/e2e/ui_agent.sh,
// which prepares 63 tickets and the server): view counts, paging, j/k,
// the properties and customer panels, a readable history, split and merge
// from the ticket view, bulk merge, "breaching soon" from the server's
// SLA filter, and no untranslated English on the Japanese pages.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { api, BASE, consoleErrors, cspViolations, finish, login, newAgentContext, ok, pageErrors, post, send, SHOTS, step, WS } from './lib.mjs';

const ingest = (from, subject, id, body) => execFileSync(process.env.MADO_BIN, ['-w', WS, 'ingest'], {
  input: `From: ${from}\nTo: support@localhost\nSubject: ${subject}\nMessage-ID: <${id}>\nDate: Mon, 23 Nov 2026 11:00:00 +0000\n` +
    `MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${body}\n`,
});
const rowsOf = (page) => page.$$eval('tr[data-number]', (trs) => trs.map((tr) => ({ n: Number(tr.dataset.number), s: tr.querySelector('td.subj a').textContent })));
const rowCount = (page, n) => page.waitForFunction((k) => document.querySelectorAll('tr[data-number]').length === k, n, { timeout: 10000 });

const ann = await newAgentContext('en-US');
const p1 = await ann.newPage();
await login(p1, 'ann@example.com', 'first-agent-pw');
const all = (await api(p1, '/api/v1/tickets?limit=200')).tickets;
const numberOf = (subject) => all.find((x) => x.subject === subject)?.number;
const A = numberOf('請求書の金額について'), B = numberOf('領収書の再発行');

await step('counts and paging', async () => {
  await p1.click('a[data-view=all]');
  await rowCount(p1, 50);
  await p1.waitForSelector('a[data-view=all] [data-testid=count]');
  ok((await p1.textContent('a[data-view=all] [data-testid=count]')) === '63', 'the "all" view counts 63 tickets');
  ok((await p1.textContent('[data-testid=total]')).includes('63'), 'the list says 63 tickets while showing the first 50');
  await p1.click('button.more');
  await rowCount(p1, 63);
  const rows = await rowsOf(p1);
  ok(new Set(rows.map((r) => r.n)).size === 63 && rows.every((r, i) => i === 0 || r.n < rows[i - 1].n),
    '"Load more" adds the other 13, none twice, newest first', rows.map((r) => r.n));
  ok(!(await p1.isVisible('button.more')), 'and the button goes once the last page is shown');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'queue-all.png') });
});

await step('j and k through tickets', async () => {
  await p1.goto(`${BASE}/views/all`);
  await rowCount(p1, 50);
  const rows = await rowsOf(p1);
  await p1.keyboard.press('j');
  await p1.keyboard.press('Enter');
  await p1.waitForURL(`${BASE}/tickets/${rows[1].n}`);
  await p1.waitForSelector(`[data-testid=subject]:has-text("${rows[1].s}")`);
  await p1.keyboard.press('j');
  await p1.waitForURL(`${BASE}/tickets/${rows[2].n}`);
  await p1.waitForSelector(`[data-testid=subject]:has-text("${rows[2].s}")`);
  await p1.keyboard.press('k');
  await p1.waitForURL(`${BASE}/tickets/${rows[1].n}`);
  ok(true, 'Enter opens the ticket under the cursor, j the next one of the queue, k the previous');
});

await step('properties panel, history, customer panel', async () => {
  const f = await post(p1, '/api/v1/fields', { key: 'plan', label: 'プラン', type: 'select', options: ['free', 'pro'] });
  ok(f.status === 201, 'a custom field exists (admin API)', f);
  const g = await post(p1, '/api/v1/groups', { name: 'Billing' });
  ok(g.status === 201, 'a second group exists', g);
  await p1.goto(`${BASE}/tickets/${A}`);
  await p1.waitForSelector('[data-testid=subject]');
  const prop = (label) => `section.panel >> label:has-text("${label}") >> select`;
  await p1.selectOption(prop('Type'), 'incident');
  await p1.selectOption(prop('Group'), { label: 'Billing' });
  await p1.selectOption(prop('プラン'), 'pro');
  const tk = await (async () => {
    for (let i = 0; i < 50; i++) {
      const t = await api(p1, `/api/v1/tickets/${A}`);
      if (t.type === 'incident' && t.group_id === g.body.group?.id && t.custom_fields?.plan === 'pro') return t;
      await p1.waitForTimeout(100);
    }
    return api(p1, `/api/v1/tickets/${A}`);
  })();
  ok(tk.type === 'incident' && tk.group_id === (g.body.group?.id ?? g.body.id) && tk.custom_fields?.plan === 'pro',
    'type, group and a custom field are changed from the panel (API)', { type: tk.type, group: tk.group_id, cf: tk.custom_fields, g: g.body });
  await p1.selectOption(prop('Group'), { label: 'Support' });
  await p1.waitForSelector('details.history summary');
  await p1.click('details.history summary');
  await p1.waitForFunction(() => document.querySelector('details.history')?.textContent.includes('Billing → Support'));
  const hist = await p1.textContent('details.history');
  ok(hist.includes('Ann Lee') && hist.includes('Type') && hist.includes('Question → Incident') && !/agent:\d|group_id|assignee_id/.test(hist),
    'the history names the agent, the field and the values in words', hist.slice(0, 600));
  const cust = await p1.waitForSelector('[data-testid=customer-panel] [data-testid=tier]');
  ok((await cust.textContent()) === 'Standard', 'the customer panel shows the tier');
  await p1.waitForSelector(`[data-testid=customer-panel] a[href="/tickets/${B}"]`);
  ok(true, 'and the customer\'s other ticket');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'ticket-panels.png'), fullPage: true });
});

// Visible English on a Japanese page: the text a person reads (visible
// text nodes, the chosen option of each select, placeholders), minus the
// data (subjects, names, addresses, tags, zones, language tags) and a few
// proper names, must have no Latin word left.
const PROPER = new Set(['Mado', 'SLA', 'VIP', 'UTC', 'Cc', 'HTML']);
async function englishOn(page, data) {
  const words = await page.evaluate((data) => {
    const seen = [];
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n; (n = w.nextNode());) {
      const el = n.parentElement;
      if (!el || el.closest('option, script, style') || !el.checkVisibility()) continue;
      seen.push(n.textContent);
    }
    for (const s of document.querySelectorAll('select')) if (s.checkVisibility()) seen.push(s.selectedOptions[0]?.text ?? '');
    for (const i of document.querySelectorAll('[placeholder]')) if (i.checkVisibility()) seen.push(i.placeholder);
    let text = seen.join('\n').replace(/[\w.+-]+@[\w.-]+/g, ' ');
    for (const d of data.filter(Boolean).sort((a, b) => b.length - a.length)) text = text.split(d).join(' ');
    text = text.replace(/\b[A-Z][a-z]+\/[A-Za-z_]+\b/g, ' ').replace(/\b[a-z]{2}-[A-Z]{2}\b/g, ' ')
      .replace(/\b[\w-]+\.(jp|com|org|net|example)\b/g, ' ');
    return [...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])];
  }, data);
  return words.filter((x) => !PROPER.has(x));
}

await step('Japanese pages have no English left', async () => {
  const kctx = await newAgentContext('ja-JP');
  const pk = await kctx.newPage();
  await login(pk, 'kenji@example.com', 'second-agent-pw');
  const tickets = (await api(pk, '/api/v1/tickets?limit=200')).tickets;
  const agents = (await api(pk, '/api/v1/agents')).agents;
  const groups = (await api(pk, '/api/v1/groups')).groups;
  const customers = (await api(pk, '/api/v1/customers?limit=200')).customers;
  const orgs = (await api(pk, '/api/v1/organizations?limit=200')).organizations ?? [];
  const msgs = (await api(pk, `/api/v1/tickets/${A}`)).messages;
  const data = [...tickets.flatMap((x) => [x.subject, x.customer.name, ...(x.tags ?? [])]), ...agents.map((a) => a.name),
    ...groups.map((g) => g.name), ...customers.map((c) => c.name), ...orgs.flatMap((o) => [o.name, o.domain]),
    ...msgs.flatMap((m) => [m.text, m.subject, m.from.name]), 'pro', 'free'];
  const pages = {
    queue: [`/views/all`, 'tr[data-number]'],
    ticket: [`/tickets/${A}`, '[data-testid=customer-panel] [data-testid=tier]'],
    customers: ['/customers', 'table.grid td'],
    customer: [`/customers/${customers.find((c) => c.email === 'hanako@example.co.jp')?.id}`, 'table.grid td'],
    organizations: ['/organizations', 'table.grid td'],
    profile: ['/profile', '[data-testid=notify]'],
    search: ['/search?q=' + encodeURIComponent('請求書'), 'ol.results li'],
  };
  const found = {};
  for (const [name, [url, ready]] of Object.entries(pages)) {
    await pk.goto(BASE + url);
    await pk.waitForSelector(ready);
    if (name === 'queue') await pk.waitForSelector('a[data-view=all] [data-testid=count]');
    if (name === 'ticket') {
      await pk.click('details.history summary');
      await pk.click('details.actions summary');
    }
    const en = await englishOn(pk, data);
    if (en.length) found[name] = en;
    if (SHOTS && (name === 'queue' || name === 'ticket')) await pk.screenshot({ path: path.join(SHOTS, `agent-${name}-ja.png`), fullPage: true });
  }
  ok(Object.keys(found).length === 0, 'queue, ticket, customers, a customer, organisations, profile and search show no English in Japanese', found);
  // the profile: availability (routing skips an unavailable agent)
  await pk.goto(`${BASE}/profile`);
  await pk.waitForSelector('[data-testid=notify]');
  await pk.uncheck('label.check:has-text("新しいチケットを受け付ける") input');
  await pk.click('form button[type=submit]');
  await pk.waitForSelector('.toast:has-text("保存しました")');
  const me = (await api(pk, '/api/v1/agents')).agents.find((x) => x.email === 'kenji@example.com');
  ok(me.available === false, 'an agent marks themselves unavailable in the profile (API)', me);
  await kctx.close();
});

// The server allows 4 event streams per agent and notices a closed one only
// when it next writes to it: a fifth tab (or quick reloads) is refused
// (429), and the page must retry rather than go without live updates.
// (Ann, an admin, sees the new ticket, which is in no group.)
await step('a refused event stream is retried', async () => {
  const ctx = await newAgentContext('en-US');
  const tabs = [];
  for (let i = 0; i < 5; i++) {
    const pg = await ctx.newPage();
    if (i === 0) await login(pg, 'ann@example.com', 'first-agent-pw');
    await pg.goto(`${BASE}/views/all`);
    await pg.waitForSelector('tr[data-number]');
    tabs.push(pg);
  }
  const refusedStreams = () => consoleErrors.filter((e) => e.url.endsWith('/api/v1/events') && e.text.includes('429'));
  for (let i = 0; i < 100 && refusedStreams().length === 0; i++) await tabs[4].waitForTimeout(100);
  ok(refusedStreams().length >= 1, 'the fifth tab\'s event stream is refused (429)', consoleErrors);
  for (const pg of tabs.slice(0, 4)) await pg.close();
  const t0 = Date.now();
  ingest('Late <late@example.net>', 'Arrives after the refusal', 'late-1@example.net', 'Still live?');
  await tabs[4].waitForSelector('td.subj a:has-text("Arrives after the refusal")', { timeout: 90000 });
  ok(true, `the refused tab retries and shows a new ticket without reload (${Date.now() - t0} ms)`);
  await ctx.close();
});
// those refusals (and the quick page changes' above) are expected
consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !(e.url.endsWith('/api/v1/events') && e.text.includes('429'))));

await step('split and merge from the ticket view, bulk merge', async () => {
  const before = await api(p1, `/api/v1/tickets/${A}`);
  const second = before.messages[1].id;
  await p1.goto(`${BASE}/tickets/${A}`);
  await p1.waitForSelector('article.msg');
  await p1.click('details.actions summary');
  await p1.check('details.actions label:has-text("Split selected messages") input');
  await p1.check(`article.msg[data-message="${second}"] input[type=checkbox]`);
  await p1.fill('details.actions input[placeholder="Subject of the new ticket"]', '資料の件');
  await p1.click('details.actions form:has(input[placeholder="Subject of the new ticket"]) button[type=submit]');
  await p1.waitForURL((u) => /\/tickets\/\d+$/.test(u.pathname) && u.pathname !== `/tickets/${A}`);
  const child = Number(p1.url().split('/').pop());
  await p1.waitForSelector('[data-testid=subject]:has-text("資料の件")');
  const [c, a] = [await api(p1, `/api/v1/tickets/${child}`), await api(p1, `/api/v1/tickets/${A}`)];
  ok(c.parent_id === A && c.messages.some((m) => m.id === second) && !a.messages.some((m) => m.id === second),
    'splitting a message off opens the new child ticket, the message moved (API)', { parent: c.parent_id, a: a.messages.map((m) => m.id) });

  await p1.goto(`${BASE}/tickets/${B}`);
  await p1.waitForSelector('[data-testid=subject]');
  await p1.click('details.actions summary');
  await p1.fill('details.actions label:has-text("Merge into") input', String(A));
  await p1.press('details.actions label:has-text("Merge into") input', 'Enter');
  await p1.waitForSelector(`section.panel a[href="/tickets/${A}"]`);
  ok((await api(p1, `/api/v1/tickets/${B}`)).merged_into === A, 'merging into another ticket from the actions panel (API)');

  const p1n = numberOf('Paging test 1'), p2n = numberOf('Paging test 2');
  await p1.goto(`${BASE}/views/all`);
  await p1.waitForSelector('tr[data-number]');
  await p1.fill('label:has-text("Tag") input', '');
  await p1.click('button.more');
  await p1.waitForSelector(`tr[data-number="${p2n}"]`);
  await p1.check(`tr[data-number="${p1n}"] input[type=checkbox]`);
  await p1.check(`tr[data-number="${p2n}"] input[type=checkbox]`);
  await p1.fill('[data-testid=bulk] input[aria-label="Merge into #"]', String(p1n));
  await p1.press('[data-testid=bulk] input[aria-label="Merge into #"]', 'Enter');
  await p1.waitForSelector('.toast:has-text("1 tickets updated")');
  ok((await api(p1, `/api/v1/tickets/${p2n}`)).merged_into === p1n, 'bulk merge: the selected ticket is merged into the one named (API)');
});

await step('breaching soon', async () => {
  const vip = (await api(p1, '/api/v1/customers?q=vip@example.jp')).customers[0];
  ok((await send(p1, 'PATCH', `/api/v1/customers/${vip.id}`, { tier: 'vip' })).status === 200, 'a customer is made VIP');
  const p = await post(p1, '/api/v1/admin/sla-policies', { name: 'VIP 2h', position: 1, match_tier: 'vip', first_response_seconds: 7200 });
  const q = await post(p1, '/api/v1/admin/sla-policies', { name: 'Everyone 2d', position: 2, first_response_seconds: 172800 });
  ok(p.status === 201 && q.status === 201, 'SLA policies: VIP 2 hours, everyone else 2 days', [p, q]);
  ingest('大事な顧客 <vip@example.jp>', '至急: ログインできません', 'vip-1@example.jp', 'ログインできません。');
  ingest('Calm <calm@example.org>', 'No rush question', 'calm-1@example.org', 'Whenever you can.');
  await p1.goto(`${BASE}/views/breaching`);
  await p1.waitForSelector('td.subj a:has-text("至急: ログインできません")', { timeout: 15000 });
  const rows = await rowsOf(p1);
  const horizon = Date.now() + 4 * 3600e3 + 60e3;
  const due = [];
  for (const r of rows) {
    const t = await api(p1, `/api/v1/tickets/${r.n}`);
    due.push(Math.min(...['first_response', 'next_response', 'resolution'].map((k) => t.sla?.[k]?.seconds_left != null ? Date.parse(t.sla[k].due) : Infinity)));
  }
  ok(!rows.some((r) => r.s === 'No rush question') && due.every((d) => d <= horizon),
    '"breaching soon" lists only tickets due within 4 hours (the 2-day one is not there)', { rows, due });
  await p1.waitForFunction((k) => document.querySelector('a[data-view=breaching] [data-testid=count]')?.textContent === String(k), rows.length, { timeout: 10000 });
  ok(true, 'and its count is the number listed');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'queue-breaching.png') });
});

ok(cspViolations.length === 0, 'no CSP violations', cspViolations);
ok(consoleErrors.length === 0 && pageErrors.length === 0, 'no console errors', { consoleErrors, pageErrors });
await finish();
