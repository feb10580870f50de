// Browser tests of the agent UI (run by tests/e2e/ui.sh, which prepares
// the workspace and the server). Prints TAP lines continuing from
// T_START; exits non-zero when any fails.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  api, BASE, consoleErrors, cspViolations, dialogs, fillLogin, finish, login, markers, newAgentContext, ok, outside,
  pageErrors, post, send, SHOTS, step, WS,
} from './lib.mjs';

// the editor takes focus after the re-render that switches its mode
const focusOn = (label) => p1.waitForFunction((l) => document.activeElement?.getAttribute('aria-label') === l, label, { timeout: 3000 }).catch(() => {});

const ann = await newAgentContext('en-US');
const p1 = await ann.newPage();

await step('login', async () => {
  await p1.goto(BASE + '/tickets/2');
  ok(await p1.isVisible('input[name=email]'), 'a client route without a session shows the login form');
  await p1.fill('input[name=email]', 'ann@example.com');
  await p1.fill('input[name=password]', 'wrong-password');
  await p1.click('button[type=submit]');
  await p1.waitForSelector('[role=alert]');
  ok((await p1.textContent('[role=alert]')).includes('Wrong email or password'), 'a wrong password is refused with a message');
  // the browser logs the refused login's 401; that one is expected
  const refused = consoleErrors.splice(0);
  ok(refused.length === 1 && refused[0].url.endsWith('/api/v1/session'), 'the only console error so far is the refused login', refused);
  await login(p1, 'ann@example.com', 'first-agent-pw');
  ok(await p1.isVisible('text=ann@example.com'), 'logged in: the queue and the agent are shown');
});

let jaNumber, enNumber, hostileNumber;
await step('queue', async () => {
  await p1.click('a[data-view=all]');
  await p1.waitForSelector('tr[data-number]');
  const rows = await p1.$$eval('tr[data-number]', (trs) => trs.map((tr) => ({ n: Number(tr.dataset.number), s: tr.querySelector('td.subj a').textContent })));
  ok(rows.length === 3, 'the "all" view lists the three tickets', rows);
  jaNumber = rows.find((r) => r.s === '請求書の金額について')?.n;
  enNumber = rows.find((r) => r.s === 'Printer on fire')?.n;
  hostileNumber = rows.find((r) => r.s.startsWith('Invoice overdue'))?.n;
  ok(jaNumber && enNumber && hostileNumber, 'the Japanese subject is shown as text, decoded', rows);
  ok((await p1.textContent('[data-testid=total]')).includes('3'), 'the total is shown');
  // each view's count beside it (asked for after the first paint: waited for)
  const count = (v) => p1.$eval(`a[data-view=${v}] [data-testid=count]`, (e) => e.textContent).catch(() => null);
  await p1.waitForFunction(() => ['all', 'unassigned', 'mine', 'pending'].every((v) => document.querySelector(`a[data-view=${v}] [data-testid=count]`)));
  const counts = { all: await count('all'), unassigned: await count('unassigned'), mine: await count('mine'), pending: await count('pending') };
  ok(counts.all === '3' && counts.unassigned === '3' && counts.mine === '0' && counts.pending === '0', 'each view shows its ticket count', counts);
  // Japanese glyphs are drawn (not missing-glyph boxes): the canvas pixels
  // of 請 differ from those of an unassigned private-use character.
  const drawn = await p1.evaluate(() => {
    const px = (ch) => {
      const c = document.createElement('canvas');
      c.width = c.height = 40;
      const g = c.getContext('2d');
      g.font = '32px ' + getComputedStyle(document.body).fontFamily;
      g.fillText(ch, 2, 32);
      return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
    };
    return px('請') !== px('\uE000') && px('請') !== px('書');
  });
  ok(drawn, 'Japanese text renders with a Japanese font');
  await p1.keyboard.press('j');
  ok(await p1.$eval('tr.cursor', (tr) => tr.dataset.number) === String((await p1.$$eval('tr[data-number]', (t) => t[1].dataset.number))), 'j moves the cursor to the next ticket');
  await p1.keyboard.press('Shift+?');
  ok(await p1.isVisible('#help-title'), '? opens the shortcut help');
  await p1.keyboard.press('Escape');
  ok(!(await p1.isVisible('#help-title')), 'Escape closes it');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'queue.png'), fullPage: true });
});

await step('presence', async () => {
  // the second agent, with a Japanese browser, opens the English ticket
  const kenji = await newAgentContext('ja-JP');
  const p2 = await kenji.newPage();
  await login(p2, 'kenji@example.com', 'second-agent-pw');
  ok((await p2.textContent('header.top nav')).includes('キュー'), 'a Japanese browser gets the Japanese UI by default');
  await p1.goto(`${BASE}/tickets/${enNumber}`);
  await p1.waitForSelector('[data-testid=subject]');
  await p2.goto(`${BASE}/tickets/${enNumber}`);
  await p2.waitForSelector('[data-testid=subject]');
  await p1.waitForSelector('[data-testid=presence] >> text=佐藤 健二 is viewing', { timeout: 10000 });
  ok(true, 'the first agent sees the second one viewing the ticket');
  await p2.fill('[data-testid=editor] textarea', '確認します。');
  await p1.waitForSelector('[data-testid=presence] >> text=佐藤 健二 is replying', { timeout: 10000 });
  ok(true, 'and sees them start a reply');
  globalThis.p2 = p2;
});

await step('work a ticket to resolution', async () => {
  await p1.setInputFiles('[data-testid=editor] input[type=file]', { name: '見積書.txt', mimeType: 'text/plain', buffer: Buffer.from('quote: 3 technicians\n') });
  await p1.waitForSelector('[data-testid=editor] .tag:has-text("見積書.txt")');
  await p1.fill('[data-testid=editor] textarea', 'Hello Bob, a technician is on the way.');
  await p1.click('[data-testid=editor] button.primary');
  await p1.waitForSelector('[data-testid=collision]');
  ok((await p1.textContent('[data-testid=collision]')).includes('佐藤 健二'), 'sending over a colleague\'s reply asks first');
  await p1.click('[data-testid=collision] button');
  await p1.waitForSelector('article.msg.out');
  ok((await p1.textContent('article.msg.out')).includes('a technician is on the way'), 'the reply is in the conversation');
  // the colleague, still writing, gets the reply live and is asked before sending over it
  const p2 = globalThis.p2;
  await p2.waitForSelector('article.msg.out', { timeout: 10000 });
  await p2.click('[data-testid=editor] button.primary');
  await p2.waitForSelector('[data-testid=replied-meanwhile]');
  ok((await p2.textContent('[data-testid=replied-meanwhile]')).includes('返信'), 'a colleague writing a reply is warned (in Japanese) that one was sent meanwhile, before sending');
  ok(!(await api(p2, `/api/v1/tickets/${enNumber}`)).messages.some((m) => m.text.includes('確認します')), 'and nothing was sent over it');
  // the uploaded file is listed with the reply and downloads as uploaded
  const href = await p1.getAttribute('article.msg.out .atts a', 'href');
  const dl = await p1.context().request.get(new URL(href, BASE).href);
  ok(dl.status() === 200 && (await dl.text()) === 'quote: 3 technicians\n', 'the attachment is listed and downloads from its link', { href, status: dl.status() });
  await p1.click('[data-testid=editor] [role=tab]:has-text("Internal note")');
  await p1.fill('[data-testid=editor] textarea', 'Called facilities, extinguisher on its way.');
  await p1.click('[data-testid=editor] button.primary');
  await p1.waitForSelector('article.msg.note');
  ok((await p1.textContent('article.msg.note')).includes('extinguisher'), 'the internal note is shown, marked internal');
  await p1.selectOption('section.panel >> label:has-text("Status") >> select', 'resolved');
  await p1.waitForSelector('.tickethead .badge.st-resolved');
  const t = await api(p1, `/api/v1/tickets/${enNumber}`);
  ok(t.status === 'resolved', 'the ticket is resolved on the server', t.status);
  const out = t.messages.find((m) => m.direction === 'out' && m.text.includes('technician'));
  ok(!!out, 'the reply is stored as an outgoing message');
  ok(t.attachments.some((a) => a.message === out?.id && a.filename === '見積書.txt'), 'with the uploaded file attached', t.attachments);
  ok((t.notes || []).some((x) => x.body.includes('extinguisher')), 'the note is stored');
  const ob = execFileSync('sqlite3', [path.join(WS, 'mado.db'), `SELECT count(*) FROM outbox WHERE kind = 'reply'`]).toString().trim();
  ok(ob === '1', 'the reply is queued in the outbox', ob);
  await p1.keyboard.press('a');
  await p1.waitForFunction(() => document.querySelector('section.panel label:nth-of-type(5) select')?.value !== '');
  ok((await api(p1, `/api/v1/tickets/${enNumber}`)).assignee_id > 0, 'a assigns the ticket to me');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'ticket.png'), fullPage: true });
  await globalThis.p2.context().close();
});

await step('Japanese ticket', async () => {
  await p1.goto(`${BASE}/tickets/${jaNumber}`);
  await p1.waitForSelector('article.msg');
  const text = await p1.textContent('article.msg pre.text');
  ok(text.includes('先月の請求書の金額が間違っているようです。'), 'the Japanese body is shown');
  ok(!text.includes('引用された古い本文'), 'quoted history is folded');
  await p1.click('button.quoted');
  ok((await p1.textContent('pre.quote')).includes('引用された古い本文'), 'and unfolds on request');
  ok((await p1.textContent('[data-testid=customer-panel]')).includes('hanako@example.co.jp'), 'the customer panel shows the requester');
  await p1.click('details.actions summary');
  await p1.fill('details.actions label:has-text("Link to") input', String(enNumber));
  await p1.press('details.actions label:has-text("Link to") input', 'Enter');
  await p1.waitForSelector(`section.panel a[href="/tickets/${enNumber}"]`);
  ok((await api(p1, `/api/v1/tickets/${jaNumber}`)).links.includes(enNumber), 'linking two tickets from the actions panel');
  await p1.keyboard.press('Escape');
  await p1.keyboard.press('n');
  await focusOn('Internal note');
  ok(await p1.evaluate(() => document.activeElement?.getAttribute('aria-label')) === 'Internal note', 'n opens the note editor',
     await p1.evaluate(() => document.activeElement?.outerHTML.slice(0, 200)));
  await p1.keyboard.press('Escape');
  await p1.keyboard.press('r');
  await focusOn('Reply');
  ok(await p1.evaluate(() => document.activeElement?.getAttribute('aria-label')) === 'Reply', 'r opens the reply editor');
  await p1.keyboard.press('Escape');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'ticket-ja.png'), fullPage: true });
});

await step('search', async () => {
  await p1.fill('#search', '請求書');
  await p1.press('#search', 'Enter');
  await p1.waitForSelector('ol.results li');
  const marks = await p1.$$eval('ol.results mark', (m) => m.map((x) => x.textContent));
  ok(marks.includes('請求書'), 'search results highlight the hit', marks);
});

await step('bulk actions, filters, saved views, live updates', async () => {
  const me = (await api(p1, '/api/v1/session')).agent_id;
  await p1.goto(`${BASE}/views/all`);
  await p1.waitForSelector(`tr[data-number="${jaNumber}"]`);
  await p1.check(`tr[data-number="${jaNumber}"] input[type=checkbox]`);
  await p1.check(`tr[data-number="${hostileNumber}"] input[type=checkbox]`);
  ok((await p1.textContent('[data-testid=bulk]')).includes('2 selected'), 'selecting two tickets shows the bulk bar');
  await p1.selectOption('[data-testid=bulk] select[aria-label="Assign to…"]', String(me));
  await p1.waitForSelector('.toast:has-text("2 tickets updated")');
  await p1.check(`tr[data-number="${jaNumber}"] input[type=checkbox]`);
  await p1.check(`tr[data-number="${hostileNumber}"] input[type=checkbox]`);
  await p1.fill('[data-testid=bulk] input[aria-label="Add tag"]', 'VIP');
  await p1.press('[data-testid=bulk] input[aria-label="Add tag"]', 'Enter');
  await p1.waitForSelector(`tr[data-number="${jaNumber}"] .tag:has-text("vip")`);
  await p1.check(`tr[data-number="${jaNumber}"] input[type=checkbox]`);
  await p1.check(`tr[data-number="${hostileNumber}"] input[type=checkbox]`);
  await p1.selectOption('[data-testid=bulk] select[aria-label="Set status…"]', 'pending');
  await p1.waitForSelector(`tr[data-number="${hostileNumber}"] .badge.st-pending`);
  const a = await api(p1, `/api/v1/tickets/${jaNumber}`), b = await api(p1, `/api/v1/tickets/${hostileNumber}`);
  ok(a.assignee_id === me && b.assignee_id === me, 'bulk assign to me changed both tickets', [a.assignee_id, b.assignee_id]);
  ok(a.tags.includes('vip') && b.tags.includes('vip'), 'bulk tag added the (lowercased) tag to both', [a.tags, b.tags]);
  ok(a.status === 'pending' && b.status === 'pending', 'bulk status changed both', [a.status, b.status]);
  await p1.waitForFunction(() => document.querySelector('a[data-view=pending] [data-testid=count]')?.textContent === '2', null, { timeout: 10000 });
  ok(true, 'the pending view\'s count follows the change live (2)');
  // sorting: oldest first puts the lowest number on top, newest first the highest
  await p1.selectOption('label:has-text("Sort") select', 'created');
  const [lo, hi] = [Math.min(jaNumber, enNumber, hostileNumber), Math.max(jaNumber, enNumber, hostileNumber)];
  await p1.waitForFunction((n) => document.querySelector('tr[data-number]')?.dataset.number === String(n), lo);
  await p1.selectOption('label:has-text("Sort") select', '-created');
  await p1.waitForFunction((n) => document.querySelector('tr[data-number]')?.dataset.number === String(n), hi);
  ok(true, 'sorting by creation, oldest first then newest first, reorders the list');

  await p1.selectOption('label:has-text("Priority") select', 'urgent');
  await p1.waitForSelector('p.empty');
  ok((await p1.$$('tr[data-number]')).length === 0, 'a priority filter with no match empties the list');
  await p1.selectOption('label:has-text("Priority") select', '');
  await p1.selectOption('label:has-text("Status") select', 'pending');
  await p1.waitForFunction(() => document.querySelectorAll('tr[data-number]').length === 2);
  await p1.click('button:has-text("Save as view")');
  await p1.fill('input[placeholder="View name"]', 'Pending VIP');
  await p1.press('input[placeholder="View name"]', 'Enter');
  await p1.waitForSelector('aside.views a:has-text("Pending VIP")');
  await p1.click('a[data-view=all]');
  await p1.waitForFunction(() => document.querySelectorAll('tr[data-number]').length === 3);
  await p1.click('aside.views a:has-text("Pending VIP")');
  await p1.waitForFunction(() => document.querySelectorAll('tr[data-number]').length === 2);
  ok(true, 'a saved view keeps its filters (2 pending tickets of 3)');

  // live: a mail piped into mado ingest appears without a reload
  await p1.click('a[data-view=all]');
  await p1.waitForFunction(() => document.querySelectorAll('tr[data-number]').length === 3);
  const mail = 'From: Live <live@example.net>\nTo: support@localhost\nSubject: Live update test\nMessage-ID: <live-1@example.net>\n' +
    'Date: Mon, 23 Nov 2026 11:00:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nDoes the queue update?\n';
  const t0 = Date.now();
  execFileSync(process.env.MADO_BIN, ['-w', WS, 'ingest'], { input: mail });
  await p1.waitForSelector('td.subj a:has-text("Live update test")', { timeout: 15000 });
  ok(true, `a mail ingested while the queue is open appears without reload (${Date.now() - t0} ms)`);
});

await step('people, admin, profile', async () => {
  await p1.click('header.top a[href="/customers"]');
  await p1.click('a:has-text("山田 花子")');
  await p1.waitForSelector('h1:has-text("山田 花子")');
  ok((await p1.textContent('table.grid')).includes('請求書の金額について'), 'the customer page lists their tickets');
  await p1.click('header.top a[href="/organizations"]');
  await p1.waitForSelector('table.grid a:has-text("example.co.jp")');
  ok(true, 'organisations are listed');
  await p1.click('header.top a[href="/admin"]');
  await p1.fill('section:has(h2:has-text("Groups")) input', 'Billing');
  await p1.click('section:has(h2:has-text("Groups")) button[type=submit]');
  await p1.waitForSelector('section:has(h2:has-text("Groups")) td:has-text("Billing")');
  const groups = (await api(p1, '/api/v1/groups')).groups.map((g) => g.name);
  ok(groups.includes('Billing'), 'admin creates a group', groups);
  // the agent's time zone, not the browser's (Asia/Tokyo), formats dates
  await p1.click('a[data-testid=me]');
  await p1.selectOption('select[name=language]', 'ja');
  await p1.selectOption('select[name=time_zone]', 'Europe/London');
  await p1.click('form button[type=submit]');
  await p1.waitForSelector('header.top nav a:has-text("キュー")');
  ok(true, 'choosing 日本語 in the profile switches the UI to Japanese');
  await p1.goto(`${BASE}/tickets/${jaNumber}`);
  await p1.waitForSelector('article.msg time');
  const when = await p1.textContent('article.msg time');
  ok(/2026年11月23日/.test(when) && when.includes('0:00') && !when.includes('9:00'), 'dates are in the agent\'s time zone (09:00 JST shown as 00:00 London)', when);
  await p1.click('a[data-testid=me]');
  await p1.selectOption('select[name=language]', 'en-US');
  await p1.click('form button[type=submit]');
  await p1.waitForSelector('header.top nav a:has-text("Queue")');
});

// an SLA policy (admin API: a calendar, then the policy) and a priority
// rule exist before a mail arrives: its queue row and its panel show the
// time left, the panel the priority reason in the agent's language, and
// the reply editor inserts a canned response rendered for the ticket.
// "due in 1d 2h" / "due in 3h 5m" / "残り 3時間5分" → minutes
const minutes = (s) => {
  const m = /(?:(\d+)(?:d|日))?\s*(?:(\d+)(?:h|時間))?\s*(?:(\d+)(?:m|分))?\s*$/.exec(s.trim());
  return m ? (Number(m[1] || 0) * 1440 + Number(m[2] || 0) * 60 + Number(m[3] || 0)) : NaN;
};
// the shown time left matches the API's seconds_left (to the display's precision)
const near = (text, secs) => Math.abs(minutes(text) - secs / 60) <= (/d |日/.test(text) ? 61 : 2);
await step('SLA, priority reason, canned responses', async () => {
  const cal = await post(p1, '/api/v1/admin/calendars', { name: 'Around the clock', time_zone: 'UTC', hours: 'mon-sun 00:00-24:00', jp_holidays: false });
  ok(cal.status === 201, 'a calendar is created through the admin API', cal);
  const pol = await post(p1, '/api/v1/admin/sla-policies', { name: 'Urgent UI', position: 1, match_priority: 'urgent',
    calendar_id: cal.body.id, first_response_seconds: 7200, resolution_seconds: 86400, warn_seconds: 1800 });
  ok(pol.status === 201, 'an SLA policy is created through the admin API', pol);
  const rule = await post(p1, '/api/v1/rules', { kind: 'priority', name: 'Outage',
    rule: { if: { field: 'subject', op: 'contains', value: 'outage' }, priority: 'urgent' } });
  ok(rule.status === 201, 'a priority rule is created', rule);
  const mail = 'From: Ops <ops@example.net>\nTo: support@localhost\nSubject: Total outage of the portal\nMessage-ID: <sla-1@example.net>\n' +
    'Date: Mon, 23 Nov 2026 11:30:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nNothing loads.\n';
  execFileSync(process.env.MADO_BIN, ['-w', WS, 'ingest'], { input: mail });
  await p1.goto(`${BASE}/views/all`);
  const row = await p1.waitForSelector('tr[data-number]:has(td.subj a:has-text("Total outage"))', { timeout: 15000 });
  const num = Number(await row.getAttribute('data-number'));
  const tk = await api(p1, `/api/v1/tickets/${num}`);
  ok(tk.priority === 'urgent' && tk.sla?.policy?.name === 'Urgent UI' && tk.sla.first_response.seconds_left > 0,
    'the API puts the new ticket under the policy', { priority: tk.priority, sla: tk.sla });
  const cell = (await row.$eval('[data-testid=sla]', (e) => e.textContent)).trim();
  ok(/^due in /.test(cell) && near(cell, tk.sla.first_response.seconds_left), 'the queue row shows the SLA time left to the nearest due',
    { cell, seconds_left: tk.sla.first_response.seconds_left });
  await p1.goto(`${BASE}/tickets/${num}`);
  await p1.waitForSelector('[data-testid=sla-panel]');
  const panel = await p1.textContent('[data-testid=sla-panel]');
  const fr = await p1.textContent('[data-sla-target=first_response]'), rs = await p1.textContent('[data-sla-target=resolution]');
  ok(panel.includes('Urgent UI') && fr.startsWith('First response: due in ') && near(fr, tk.sla.first_response.seconds_left) &&
    rs.startsWith('Resolution: due in ') && near(rs, tk.sla.resolution.seconds_left),
    'the ticket panel shows the SLA policy and the time left of each target', { panel, sla: tk.sla });
  const reason = (await p1.textContent('[data-testid=priority-reason] p')).trim();
  ok(!!tk.priority_reason?.en && reason === tk.priority_reason.en, 'the panel shows the priority reason in English', { reason, api: tk.priority_reason });
  // canned response: rendered for this ticket, inserted into the reply
  const c = await post(p1, '/api/v1/canned', { title: 'Looking into it', body: 'Hello {{customer.name}}, we are on ticket {{ticket.number}}.' });
  ok(c.status === 201, 'a canned response is created', c);
  await p1.reload();
  await p1.waitForSelector('[data-testid=canned]');
  await p1.fill('textarea[aria-label="Reply"]', '');
  await p1.selectOption('[data-testid=canned]', String(c.body.id));
  await p1.waitForFunction(() => document.querySelector('textarea[aria-label="Reply"]').value.includes('we are on ticket'));
  const text = await p1.inputValue('textarea[aria-label="Reply"]');
  ok(text === `Hello Ops, we are on ticket ${num}.`, 'the reply editor inserts the rendered canned response', text);
  await p1.fill('textarea[aria-label="Reply"]', '');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'ticket-sla.png'), fullPage: true });
  // a Japanese agent (of the Support group) sees the Japanese reason and labels
  const support = (await api(p1, '/api/v1/groups')).groups.find((g) => g.name === 'Support')?.id;
  const moved = await send(p1, 'PATCH', `/api/v1/tickets/${num}`, { group_id: support });
  ok(moved.status === 200, 'the ticket is moved to the Support group', moved.status);
  const kctx = await newAgentContext('ja-JP');
  const pk = await kctx.newPage();
  await login(pk, 'kenji@example.com', 'second-agent-pw');
  await pk.goto(`${BASE}/tickets/${num}`);
  await pk.waitForSelector('[data-testid=priority-reason] p');
  const ja = (await pk.textContent('[data-testid=priority-reason] p')).trim();
  ok(!!tk.priority_reason?.ja && ja === tk.priority_reason.ja, 'a Japanese agent sees the reason in Japanese', { ja, api: tk.priority_reason });
  ok((await pk.textContent('[data-testid=sla-panel]')).includes('初回応答: 残り'), 'and the SLA timers in Japanese');
  await kctx.close();
});

// The admin pages: an admin creates and edits through the forms, the
// API shows the result; refusals (bad placeholders, bad JSON, bad rules,
// bad holiday lines, duplicate names) are shown by the form. A non-admin
// has no admin menu, a direct navigation is refused (and so is the API),
// Japanese labels render, and an agent sets their mail notifications.
// The browser logs each 4xx answer as a console error: those the tests
// cause on purpose are taken out (and counted) by expectRefused().
const expectRefused = (what, pathPart, count) => {
  const mine = consoleErrors.filter((e) => e.url.includes(pathPart));
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.url.includes(pathPart)));
  ok(mine.length === count, `${what}: the browser logged only the ${count} refusal(s) asked for`, mine);
};
const formError = async (page, section) => (await page.waitForSelector(`section[data-testid=${section}] [data-testid=form-error]`)).textContent();
const inSection = (section, sel) => `section[data-testid=${section}] ${sel}`;
await step('admin pages', async () => {
  // templates: a bad placeholder is refused in the form; a good text is stored
  await p1.goto(`${BASE}/admin`);
  await p1.click('nav.tabs a[data-section=templates]');
  await p1.click('tr[data-template="ack/en"] button:has-text("Edit")');
  await p1.fill(inSection('templates', 'input[name=subject]'), 'Got it {{customer.password}}');
  await p1.click(inSection('templates', 'button[type=submit]'));
  ok((await formError(p1, 'templates')).includes('customer.password'), 'templates: an unknown placeholder is refused and named in the form');
  await p1.fill(inSection('templates', 'input[name=subject]'), '{{ticket.token}} We have your mail: {{ticket.subject}}');
  await p1.click(inSection('templates', 'button[type=submit]'));
  await p1.waitForSelector('tr[data-template="ack/en"] strong:has-text("Customized")');
  const tpl = (await api(p1, '/api/v1/admin/templates/ack/en'));
  ok(tpl.customized && tpl.subject === '{{ticket.token}} We have your mail: {{ticket.subject}}', 'templates: the admin\'s subject is stored (API)', tpl);
  expectRefused('templates', '/api/v1/admin/templates/ack/en', 1);
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'admin-templates.png'), fullPage: true });
  await p1.click('tr[data-template="ack/en"] button:has-text("Delete")');
  await p1.click('tr[data-template="ack/en"] button:has-text("Really delete?")');
  await p1.waitForSelector('tr[data-template="ack/en"] :has-text("Built-in")');
  ok(!(await api(p1, '/api/v1/admin/templates/ack/en')).customized, 'templates: restoring the built-in text (API)');

  // canned responses: create, edit, delete
  await p1.click('nav.tabs a[data-section=canned]');
  await p1.fill(inSection('canned', '[name=title]'), 'お問い合わせありがとうございます');
  await p1.fill(inSection('canned', '[name=body]'), '{{customer.name}} 様、確認いたします。');
  await p1.click(inSection('canned', 'button[type=submit]'));
  const cannedRow = await p1.waitForSelector(inSection('canned', 'tr:has-text("お問い合わせありがとうございます")'));
  const cid = Number(await cannedRow.getAttribute('data-id'));
  let canned = (await api(p1, '/api/v1/canned')).canned.find((c) => c.id === cid);
  ok(canned?.body === '{{customer.name}} 様、確認いたします。', 'canned: created through the form (API)', canned);
  await p1.click(inSection('canned', `tr[data-id="${cid}"] button:has-text("Edit")`));
  await p1.fill(inSection('canned', '[name=title]'), 'お問い合わせ (改)');
  await p1.click(inSection('canned', 'button[type=submit]'));
  await p1.waitForSelector(inSection('canned', 'td:has-text("お問い合わせ (改)")'));
  canned = (await api(p1, '/api/v1/canned')).canned.find((c) => c.id === cid);
  ok(canned?.title === 'お問い合わせ (改)', 'canned: edited through the form (API)', canned);
  await p1.click(inSection('canned', `tr[data-id="${cid}"] button:has-text("Delete")`));
  await p1.click(inSection('canned', `tr[data-id="${cid}"] button:has-text("Really delete?")`));
  await p1.waitForSelector(inSection('canned', `tr[data-id="${cid}"]`), { state: 'detached' });
  ok(!(await api(p1, '/api/v1/canned')).canned.some((c) => c.id === cid), 'canned: deleted through the page (API)');

  // mailboxes: mado.conf's address is listed; an admin adds one through
  // the form (a bad address refused under it first) and sees it listed
  await p1.click('nav.tabs a[data-section=mailbox]');
  await p1.waitForSelector(inSection('mailboxes', 'tr:has-text("support@localhost")'));
  ok((await (await p1.waitForSelector('section[data-testid=mailbox] table')).textContent()).includes('support@localhost'),
    'mailboxes: mado.conf\'s address is listed, and is the reply address of the settings');
  await p1.fill(inSection('mailboxes', '[name=address]'), 'sales@@example.com');
  await p1.click(inSection('mailboxes', 'button[type=submit]'));
  ok((await formError(p1, 'mailboxes')).includes('plain email address'), 'mailboxes: a bad address is refused under the form');
  await p1.fill(inSection('mailboxes', '[name=address]'), 'Sales@Example.com');
  await p1.fill(inSection('mailboxes', '[name=name]'), '営業チーム');
  await p1.selectOption(inSection('mailboxes', 'select[name=group_id]'), { label: 'Support' });
  await p1.click(inSection('mailboxes', 'button[type=submit]'));
  const mbRow = await p1.waitForSelector(inSection('mailboxes', 'tr:has-text("sales@example.com")'));
  const mbText = await mbRow.textContent();
  ok(mbText.includes('営業チーム') && mbText.includes('Support'), 'mailboxes: the new address is listed with its name and group', mbText);
  const mb = (await api(p1, '/api/v1/admin/mailboxes')).mailboxes.find((m) => m.address === 'sales@example.com');
  ok(mb?.name === '営業チーム' && mb.group === 'Support' && mb.active === true, 'mailboxes: created through the form (API)', mb);
  expectRefused('mailboxes', '/api/v1/admin/mailboxes', 1);

  // SLA: a calendar with holidays, a policy using it, an automation
  await p1.click('nav.tabs a[data-section=sla]');
  await p1.fill(inSection('calendars', '[name=name]'), '東京オフィス');
  await p1.fill(inSection('calendars', '[name=hours]'), 'mon-fri 09:00-12:00,13:00-18:00');
  await p1.fill(inSection('calendars', '[name=holidays]'), '2026-12-29 年末休業\n29 December');
  await p1.click(inSection('calendars', 'button[type=submit]'));
  ok((await formError(p1, 'calendars')).includes('2'), 'calendars: a bad holiday line is refused with its line number');
  await p1.fill(inSection('calendars', '[name=holidays]'), '2026-12-29 年末休業\n2026-12-30 年末休業');
  await p1.click(inSection('calendars', 'button[type=submit]'));
  await p1.waitForSelector(inSection('calendars', 'td:has-text("東京オフィス")'));
  const cal = (await api(p1, '/api/v1/admin/calendars')).items.find((c) => c.name === '東京オフィス');
  ok(cal?.hours === 'mon-fri 09:00-12:00,13:00-18:00' && cal.holidays.length === 2 && cal.holidays[0].name === '年末休業' && cal.jp_holidays,
    'calendars: created with hours and holidays through the form (API)', cal);
  await p1.fill(inSection('sla-policies', '[name=name]'), 'VIP high');
  await p1.selectOption(inSection('sla-policies', '[name=match_priority]'), 'high');
  await p1.fill(inSection('sla-policies', '[name=match_tier]'), 'vip');
  await p1.selectOption(inSection('sla-policies', '[name=calendar_id]'), { label: '東京オフィス' });
  await p1.fill(inSection('sla-policies', '[name=first_response_seconds]'), '60');
  await p1.fill(inSection('sla-policies', '[name=resolution_seconds]'), '480');
  await p1.click(inSection('sla-policies', 'button[type=submit]'));
  await p1.waitForSelector(inSection('sla-policies', 'td:has-text("VIP high")'));
  const pol = (await api(p1, '/api/v1/admin/sla-policies')).items.find((x) => x.name === 'VIP high');
  ok(pol?.match_priority === 'high' && pol.match_tier === 'vip' && pol.calendar_id === cal.id && pol.first_response_seconds === 3600 &&
    pol.resolution_seconds === 28800 && pol.match_type === null, 'SLA policies: created through the form, minutes as seconds (API)', pol);
  // a second policy of the same name: the server's 409 is shown
  await p1.fill(inSection('sla-policies', '[name=name]'), 'VIP high');
  await p1.click(inSection('sla-policies', 'button[type=submit]'));
  const dup = await formError(p1, 'sla-policies');
  ok(dup.length > 0, 'SLA policies: a duplicate name is refused in the form', dup);
  await p1.click(inSection('sla-policies', `tr[data-id="${pol.id}"] button:has-text("Edit")`));
  ok(await p1.inputValue(inSection('sla-policies', '[name=first_response_seconds]')) === '60', 'SLA policies: the edit form shows the target in minutes');
  await p1.fill(inSection('sla-policies', '[name=name]'), 'VIP high (edited)');
  await p1.fill(inSection('sla-policies', '[name=warn_seconds]'), '15');
  await p1.click(inSection('sla-policies', 'button[type=submit]'));
  await p1.waitForSelector(inSection('sla-policies', 'td:has-text("VIP high (edited)")'));
  const pol2 = (await api(p1, '/api/v1/admin/sla-policies')).items.find((x) => x.id === pol.id);
  ok(pol2?.name === 'VIP high (edited)' && pol2.warn_seconds === 900 && pol2.calendar_id === cal.id, 'SLA policies: edited through the form (API)', pol2);
  await p1.selectOption(inSection('automations', '[name=kind]'), 'escalate');
  await p1.fill(inSection('automations', '[name=name]'), 'Escalate breaches');
  await p1.selectOption(inSection('automations', '[name=set_priority]'), 'urgent');
  await p1.click(inSection('automations', 'button[type=submit]'));
  await p1.waitForSelector(inSection('automations', 'td:has-text("Escalate breaches")'));
  const au = (await api(p1, '/api/v1/admin/automations')).items.find((x) => x.name === 'Escalate breaches');
  ok(au?.kind === 'escalate' && au.on_sla === 'breach' && au.set_priority === 'urgent', 'automations: created through the form (API)', au);
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'admin-sla.png'), fullPage: true });
  // a policy for a tier nobody has yet: free entry, checked in the page, then saved and shown
  await p1.fill(inSection('sla-policies', '[name=name]'), 'Gold urgent');
  await p1.selectOption(inSection('sla-policies', '[name=match_priority]'), 'urgent');
  await p1.fill(inSection('sla-policies', '[name=match_tier]'), ' gold');
  await p1.fill(inSection('sla-policies', '[name=first_response_seconds]'), '30');
  await p1.fill(inSection('sla-policies', '[name=resolution_seconds]'), '240');
  await p1.click(inSection('sla-policies', 'button[type=submit]'));
  ok((await formError(p1, 'sla-policies')).startsWith('Customer tier: 1 to 64 bytes'), 'SLA policies: a bad tier is refused in the form, with the reason');
  await p1.fill(inSection('sla-policies', '[name=match_tier]'), 'gold');
  await p1.click(inSection('sla-policies', 'button[type=submit]'));
  await p1.waitForSelector(inSection('sla-policies', 'td:has-text("Gold urgent")'));
  const gold = (await api(p1, '/api/v1/admin/sla-policies')).items.find((x) => x.name === 'Gold urgent');
  ok(gold?.match_tier === 'gold' && gold.match_priority === 'urgent' && gold.first_response_seconds === 1800,
    'SLA policies: a policy for a new tier is saved (API)', gold);
  const goldCell = await p1.waitForSelector('section[data-testid=tier-matrix] tr[data-tier="gold"] td[data-prio="urgent"]');
  ok((await goldCell.textContent()).includes('Gold urgent') && (await goldCell.textContent()).includes('30′ / 240′'),
    'the tier × priority table shows the new tier with its targets', await goldCell.textContent());
  ok((await p1.textContent('section[data-testid=tier-matrix] tr[data-tier="vip"] td[data-prio="high"]')).includes('VIP high (edited)'),
    'the table shows the VIP high policy in its cell');
  ok((await api(p1, '/api/v1/admin/tiers')).tiers.some((x) => x.tier === 'gold' && x.policies === 1), 'the new tier is listed among the tiers in use (API)');
  const tierChoices = await p1.$$eval('datalist#dl-match_tier option', (os) => os.map((o) => o.value));
  ok(tierChoices.includes('standard') && tierChoices.includes('gold'), 'the tier field offers the tiers in use', tierChoices);
  await p1.click(inSection('sla-policies', `tr[data-id="${pol.id}"] button:has-text("Delete")`));
  await p1.click(inSection('sla-policies', `tr[data-id="${pol.id}"] button:has-text("Really delete?")`));
  await p1.waitForSelector(inSection('sla-policies', `tr[data-id="${pol.id}"]`), { state: 'detached' });
  ok(!(await api(p1, '/api/v1/admin/sla-policies')).items.some((x) => x.id === pol.id), 'SLA policies: deleted through the page (API)');
  expectRefused('SLA policies', '/api/v1/admin/sla-policies', 1);

  // triggers, advanced view: JSON checked in the page, the rule by the server, then stored
  await p1.click('nav.tabs a[data-section=triggers]');
  await p1.fill(inSection('triggers', '[name=name]'), 'Tag refunds');
  await p1.click(inSection('triggers', '[data-testid=view-json]'));
  await p1.fill(inSection('triggers', '[name=rule]'), '{"if": ');
  await p1.click(inSection('triggers', 'button[type=submit]'));
  ok((await formError(p1, 'triggers')).startsWith('Not valid JSON'), 'triggers: text that is not JSON is refused in the page');
  await p1.fill(inSection('triggers', '[name=rule]'), JSON.stringify({ if: { field: 'subject', op: 'contains', value: 'refund' }, then: [{ nope: 1 }] }));
  await p1.click(inSection('triggers', 'button[type=submit]'));
  await p1.waitForFunction(() => /nope/.test(document.querySelector('section[data-testid=triggers] [data-testid=form-error]')?.textContent ?? ''));
  ok(true, 'triggers: a rule the server cannot run is refused with its reason');
  const rule = { on: ['created'], if: { field: 'subject', op: 'contains', value: 'refund' }, then: [{ add_tags: ['refund'] }] };
  await p1.fill(inSection('triggers', '[name=rule]'), JSON.stringify(rule));
  await p1.click(inSection('triggers', 'button[type=submit]'));
  await p1.waitForSelector(inSection('triggers', 'td:has-text("Tag refunds")'));
  const trg = (await api(p1, '/api/v1/rules?kind=trigger')).rules.find((r) => r.name === 'Tag refunds');
  ok(trg?.kind === 'trigger' && trg.enabled && JSON.stringify(trg.rule.then) === JSON.stringify(rule.then), 'triggers: created through the JSON view (API)', trg);
  expectRefused('triggers', '/api/v1/rules', 1);

  // the builder: subject contains 請求 → priority high + group Billing
  const ed = (sel) => inSection('triggers', `[data-testid=rule-editor] ${sel}`);
  await p1.fill(ed('[name=name]'), '請求 → Billing');
  ok(await p1.$(ed('[data-testid=builder]')) !== null, 'a new trigger opens in the builder');
  await p1.selectOption(ed('select[name="/if.field"]'), 'subject');
  await p1.selectOption(ed('select[name="/if.op"]'), 'contains');
  await p1.fill(ed('input[name="/if.value0"]'), '請求');
  await p1.selectOption(ed('select[name="then.0.set0.field"]'), 'priority');
  await p1.selectOption(ed('select[name="then.0.set0.value"]'), 'high');
  await p1.click(ed('button:has-text("+ Action")'));
  await p1.selectOption(ed('select[name="then.1.type"]'), 'group');
  await p1.selectOption(ed('select[name="then.1.group"]'), 'Billing');
  await p1.click(ed('button[type=submit]'));
  await p1.waitForSelector(inSection('triggers', 'td:has-text("請求 → Billing")'));
  const built = (await api(p1, '/api/v1/rules?kind=trigger')).rules.find((r) => r.name === '請求 → Billing');
  ok(JSON.stringify(built?.rule) === JSON.stringify({ on: ['created'], if: { field: 'subject', op: 'contains', value: '請求' },
    then: [{ set: { priority: 'high' } }, { group: 'Billing' }] }), 'triggers: the builder saves the rule it shows (API)', built);

  // test it on the Japanese ticket (subject 請求書の金額について): nothing changes
  const before = await api(p1, `/api/v1/tickets/${jaNumber}`);
  await p1.click(inSection('triggers', `tr[data-id="${built.id}"] button:has-text("Edit")`));
  await p1.waitForSelector(ed('[data-testid=builder]'));
  await p1.fill(ed('input[name=test-ticket]'), String(jaNumber));
  await p1.click(ed('[data-testid=run-test]'));
  const verdict = await (await p1.waitForSelector(ed('[data-testid=test-verdict]'))).textContent();
  ok(verdict.startsWith('Matches') && verdict.includes("'請求' in subject"), 'the dry run says the rule matches the ticket, and why', verdict);
  ok((await p1.textContent(ed('[data-testid=cond][data-path="/if"] [data-testid=cond-mark]'))) === '✓', 'the builder marks the condition that holds');
  const sim = await p1.textContent(ed('[data-testid=test-simulation]'));
  ok((before.priority === 'high' || sim.includes(`priority: ${before.priority} → high`)) && /Billing|group/.test(sim),
    'the dry run lists the changes the actions would make', sim);
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'admin-trigger-test.png'), fullPage: true });
  const after = await api(p1, `/api/v1/tickets/${jaNumber}`);
  ok(after.priority === before.priority && after.group_id === before.group_id && after.updated_at === before.updated_at,
    'the dry run changed nothing on the ticket (API)', { before: [before.priority, before.group_id], after: [after.priority, after.group_id] });
  await p1.fill(ed('input[name=test-ticket]'), '99999');
  await p1.click(ed('[data-testid=run-test]'));
  ok((await formError(p1, 'triggers')).includes('#99999'), 'testing on a ticket that does not exist says so');
  expectRefused('rule test', '/api/v1/rules/test', 1);

  // a rule built elsewhere, shown in the builder and saved unchanged: the same JSON
  const odd = { if: { any: [{ field: 'tags', value: ['vip', 'gold'], op: 'in' }, { not: { field: 'business_hours', value: true, calendar: '東京オフィス' } },
    { all: [{ field: 'customer.recent_tickets', op: 'gte', value: 3, days: 7 }, { field: 'priority', op: 'gte', value: 'high' }] }] },
  on: ['updated', 'customer_replied'], then: [{ notify: { agents: ['ann@example.com'] } }, { assign: 'auto' }, { add_tags: ['watch'] }] };
  const oddR = await post(p1, '/api/v1/rules', { kind: 'trigger', name: 'Odd shape', rule: odd });
  ok(oddR.status === 201, 'a rule with nested any/all/not is created through the API', oddR);
  await p1.goto(`${BASE}/admin/triggers`);
  await p1.click(inSection('triggers', `tr[data-id="${oddR.body.rule.id}"] button:has-text("Edit")`));
  await p1.waitForSelector(ed('[data-testid=builder] [data-testid=group-not]'));
  ok((await p1.$$(ed('[data-testid=cond]'))).length === 4, 'the builder shows its four conditions, nested');
  await p1.click(ed('button[type=submit]'));
  await p1.waitForSelector(ed('h3:has-text("New")'));
  const oddAfter = (await api(p1, '/api/v1/rules?kind=trigger')).rules.find((r) => r.id === oddR.body.rule.id);
  ok(JSON.stringify(oddAfter.rule) === JSON.stringify(odd), 'saved from the builder unchanged, the rule is the same JSON', oddAfter.rule);

  // order, switch off, clone, delete
  let names = (await api(p1, '/api/v1/rules?kind=trigger')).rules.map((r) => r.name);
  await p1.click(inSection('triggers', `tr[data-id="${built.id}"] [data-testid=up]`));
  await p1.waitForFunction(() => document.querySelector('section[data-testid=triggers] tbody tr')?.textContent.includes('請求 → Billing'));
  names = (await api(p1, '/api/v1/rules?kind=trigger')).rules.map((r) => r.name);
  ok(names[0] === '請求 → Billing', 'a trigger moved up runs first (API)', names);
  await p1.click(inSection('triggers', `tr[data-id="${trg.id}"] input[name=row-enabled]`));
  await p1.waitForFunction((id) => !document.querySelector(`section[data-testid=triggers] tr[data-id="${id}"] input[name=row-enabled]`)?.checked, trg.id);
  ok((await api(p1, `/api/v1/rules/${trg.id}`)).rule.enabled === false, 'a trigger switched off in the list (API)');
  await p1.click(inSection('triggers', `tr[data-id="${trg.id}"] button:has-text("Clone")`));
  await p1.waitForSelector(inSection('triggers', 'td:has-text("Tag refunds (copy)")'));
  const copy = (await api(p1, '/api/v1/rules?kind=trigger')).rules.find((r) => r.name === 'Tag refunds (copy)');
  ok(copy && !copy.enabled && JSON.stringify(copy.rule) === JSON.stringify(trg.rule), 'a clone has the same rule, switched off (API)', copy);
  await p1.click(inSection('triggers', `tr[data-id="${copy.id}"] button:has-text("Delete")`));
  await p1.click(inSection('triggers', `tr[data-id="${copy.id}"] button:has-text("Really delete?")`));
  await p1.waitForSelector(inSection('triggers', `tr[data-id="${copy.id}"]`), { state: 'detached' });
  ok(!(await api(p1, '/api/v1/rules?kind=trigger')).rules.some((r) => r.id === copy.id), 'a trigger deleted in the list (API)');
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'admin-triggers.png'), fullPage: true });

  // the rule built in the page works: a matching mail becomes a ticket in Billing, priority high
  const billing = (await api(p1, '/api/v1/groups')).groups.find((g) => g.name === 'Billing');
  execFileSync(process.env.MADO_BIN, ['-w', WS, 'ingest'], { input: 'From: Keiri <keiri@example.co.jp>\nTo: support@localhost\n' +
    `Subject: =?UTF-8?B?${Buffer.from('3月分の請求について').toString('base64')}?=\nMessage-ID: <bill-ui-1@example.co.jp>\n` +
    'Date: Mon, 23 Nov 2026 12:00:00 +0900\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nご確認ください。\n' });
  let billed = null;
  for (let i = 0; i < 50 && !billed; i++) {
    const n = execFileSync('sqlite3', [path.join(WS, 'mado.db'), `SELECT ticket_id FROM messages WHERE message_id = 'bill-ui-1@example.co.jp'`]).toString().trim();
    if (n) billed = await api(p1, `/api/v1/tickets/${n}`);
    else await p1.waitForTimeout(200);
  }
  ok(billed?.group_id === billing.id && billed.priority === 'high', 'a mail with 請求 in its subject becomes a ticket in Billing with priority high', billed);

  // the admin pages in Japanese
  const me = (await api(p1, '/api/v1/session')).agent_id;
  await send(p1, 'PATCH', `/api/v1/agents/${me}`, { language: 'ja' });
  await p1.goto(`${BASE}/admin/sla`);
  await p1.waitForSelector('section[data-testid=sla-policies] h2');
  // the calendars' list arrives after the headings: wait for its rows
  await p1.waitForFunction(() => document.querySelector('.admin')?.textContent.includes('休業日 2 日'), null, { timeout: 10000 })
    .catch(() => {});
  const jaText = await p1.textContent('.admin');
  ok(jaText.includes('SLA と営業時間') && jaText.includes('SLA ポリシー') && jaText.includes('営業時間カレンダー') && jaText.includes('休業日 2 日'),
    'the admin pages render in Japanese', jaText.slice(0, 300));
  if (SHOTS) await p1.screenshot({ path: path.join(SHOTS, 'admin-sla-ja.png'), fullPage: true });
  await p1.fill(inSection('sla-policies', '[name=name]'), 'ランク違い');
  await p1.fill(inSection('sla-policies', '[name=match_tier]'), 'gold ');
  await p1.click(inSection('sla-policies', 'button[type=submit]'));
  ok((await formError(p1, 'sla-policies')).startsWith('顧客ランク: 1〜64 バイト'), 'a bad tier is refused in Japanese for the Japanese admin');
  await p1.click('nav.tabs a[data-section=triggers]');
  await p1.click(inSection('triggers', `tr[data-id="${built.id}"] button:has-text("編集")`));
  await p1.fill(inSection('triggers', 'input[name=test-ticket]'), String(jaNumber));
  await p1.click(inSection('triggers', '[data-testid=run-test]'));
  const jaVerdict = await (await p1.waitForSelector(inSection('triggers', '[data-testid=test-verdict]'))).textContent();
  const jaRules = await p1.textContent('section[data-testid=triggers]');
  ok(jaVerdict.startsWith('一致します') && jaVerdict.includes('件名に「請求」') && jaRules.includes('すべてを満たす') && jaRules.includes('グループを移す'),
    'the rule builder and its dry run in Japanese', jaVerdict);
  // the mailboxes in Japanese, a refusal too
  await p1.goto(`${BASE}/admin/mailbox`);
  await p1.waitForSelector(inSection('mailboxes', 'tr:has-text("sales@example.com")'));
  const mbJa = await p1.textContent('.admin');
  ok(['メールボックス', 'アドレス', '表示名', '新しいチケットのグループ', '有効', 'メール設定 (mado.conf)'].every((w) => mbJa.includes(w)),
    'the mailbox page renders in Japanese', mbJa.slice(0, 300));
  await p1.fill(inSection('mailboxes', '[name=address]'), 'sales@example.com');
  await p1.click(inSection('mailboxes', 'button[type=submit]'));
  ok((await formError(p1, 'mailboxes')) === 'このアドレスのメールボックスは既にあります', 'mailboxes: a duplicate is refused in Japanese');
  expectRefused('mailboxes (ja)', '/api/v1/admin/mailboxes', 1);
  await send(p1, 'PATCH', `/api/v1/agents/${me}`, { language: 'en-US' });

  // an agent: no admin menu, a direct navigation refused, the API too;
  // their notification settings in the profile
  const kctx = await newAgentContext('ja-JP');
  const pk = await kctx.newPage();
  await login(pk, 'kenji@example.com', 'second-agent-pw');
  ok((await pk.$$('header.top a[href="/admin"]')).length === 0, 'an agent has no admin menu');
  await pk.goto(`${BASE}/admin/sla`);
  ok((await (await pk.waitForSelector('[data-testid=refused]')).textContent()) === 'このページは管理者だけが開けます。',
    'an agent navigating to an admin page is told (in Japanese) that only admins may');
  const refused = [];
  for (const p of ['/api/v1/admin/sla-policies', '/api/v1/admin/templates', '/api/v1/admin/calendars', '/api/v1/rules?kind=trigger', '/api/v1/admin/mailbox',
    '/api/v1/admin/tiers'])
    refused.push((await kctx.request.get(BASE + p)).status());
  ok(refused.every((s) => s === 403), 'the API refuses the agent every admin list (403)', refused);
  await pk.click('a[data-testid=me]');
  await pk.waitForSelector('[data-testid=notify]');
  ok((await pk.textContent('[data-testid=notify] legend')) === 'メール通知', 'the profile shows the notification settings in Japanese');
  await pk.uncheck('input[name="notify.assigned"]');
  await pk.click('form button[type=submit]');
  await pk.waitForSelector('.toast:has-text("保存しました")');
  const n = await api(pk, '/api/v1/me/notifications');
  ok(n.assigned === false && n.mention === true && n.new_in_group === true, 'an agent turns off the "assigned" mail (API)', n);
  if (SHOTS) await pk.screenshot({ path: path.join(SHOTS, 'profile-ja.png'), fullPage: true });
  await kctx.close();
});

const appCsp = () => cspViolations.filter((v) => !v.url.includes('/api/v1/messages/'));
ok(appCsp().length === 0, 'no CSP violations from the app', appCsp());
ok(consoleErrors.length === 0 && pageErrors.length === 0, 'no console errors', { consoleErrors, pageErrors });

await step('hostile mail', async () => {
  const before = outside.length;
  await p1.goto(`${BASE}/tickets/${hostileNumber}`);
  await p1.waitForSelector('article.msg');
  ok((await p1.textContent('article.msg pre.text')).includes('formatted version'), 'the text part is shown by default');
  await p1.click('[data-testid=toggle-html]');
  const frameEl = await p1.waitForSelector('iframe.mailhtml');
  ok((await frameEl.getAttribute('sandbox')) === '', 'the HTML is in an iframe sandboxed without allow-scripts / allow-same-origin');
  const frame = await frameEl.contentFrame();
  await frame.waitForSelector('text=悪意のある請求');
  ok(true, 'the hostile HTML is displayed');
  await frame.click('a:has-text("click me")', { timeout: 3000 }).catch(() => {});
  await frame.click('text=second', { timeout: 3000 }).catch(() => {});
  await p1.waitForTimeout(1500);
  console.log('# framed document: ' + (await frame.content()).replace(/\n/g, ' ').slice(0, 1500));
  ok(p1.url().endsWith(`/tickets/${hostileNumber}`), 'the page was not navigated away (meta refresh, links, forms)');
  ok(outside.length === before && outside.length === 0, 'no request left 127.0.0.1', outside);
  ok(markers.length === 0, 'no script ran (console markers)', markers);
  ok(dialogs.length === 0, 'no dialog opened', dialogs);
  ok(await frame.evaluate(() => document.scripts.length) === 0, 'the framed document has no script elements');
  ok(pageErrors.length === 0 && consoleErrors.filter((e) => !e.url.includes('/api/v1/messages/')).length === 0, 'the app logged no error', { consoleErrors, pageErrors });
  // remote images load only when the agent asks (the request is aborted here)
  ok(await p1.isVisible('[data-testid=load-images]'), 'the blocked remote image is announced');
  const asked = p1.waitForRequest('http://evil.example/track.png', { timeout: 10000 });
  await p1.click('[data-testid=load-images]');
  await asked;
  await p1.waitForTimeout(500);
  ok(outside.length > 0 && outside.every((u) => u === 'http://evil.example/track.png'), 'after "Load images" the remote image is requested, nothing else', outside);
  ok(markers.length === 0 && dialogs.length === 0, 'still no script and no dialog', { markers, dialogs });
  await p1.keyboard.press('c');
  await p1.waitForSelector('.tickethead .badge.st-resolved');
  ok((await api(p1, `/api/v1/tickets/${hostileNumber}`)).status === 'resolved', 'c resolves the ticket');
});

await step('session expiry', async () => {
  await p1.goto(`${BASE}/tickets/${enNumber}`);
  await p1.waitForSelector('[data-testid=subject]');
  execFileSync('sqlite3', [path.join(WS, 'mado.db'), 'DELETE FROM sessions']);
  consoleErrors.splice(0);
  // the next API request (this change's, or the page's presence beat) is refused
  await p1.selectOption('section.panel >> label:has-text("Priority") >> select', 'high', { timeout: 5000 }).catch(() => {});
  await p1.waitForSelector('#login-message');
  ok((await p1.textContent('#login-message')).includes('expired'), 'an expired session returns to the login page with a message');
  ok(p1.url() === `${BASE}/tickets/${enNumber}`, 'keeping the page the agent was on', p1.url());
  ok(!(await p1.isVisible('.toast.bad')), 'with no error message besides');
  const refused = consoleErrors.splice(0);
  ok(refused.length >= 1 && refused.every((e) => e.text.includes('401')), 'the browser logged only the refused request(s)', refused);
  await fillLogin(p1, 'ann@example.com', 'first-agent-pw');
  await p1.waitForSelector('[data-testid=subject]');
  ok((await p1.textContent('[data-testid=subject]')) === 'Printer on fire', 'signing in again returns to that ticket');
  await p1.click('#logout');
  await p1.waitForSelector('#login-message');
  const bye = await p1.textContent('#login-message');
  ok(bye.includes('signed out'), 'logout returns to the login page', bye);
  const s = await p1.evaluate(async () => (await fetch('/api/v1/session')).status);
  ok(s === 401, 'and the session is gone on the server', s);
});

await finish();
