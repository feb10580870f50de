// Japanese and English. The language is the agent's (profile), else the
// browser's (navigator.language); dates are shown in the agent's time
// zone with Intl.DateTimeFormat. Every string a user reads is here.

export type Lang = 'en' | 'ja';

const en = {
  'app.name': 'Mado',
  'login.title': 'Sign in to Mado', 'login.email': 'Email', 'login.password': 'Password',
  'login.submit': 'Sign in', 'login.bad': 'Wrong email or password.',
  'login.limited': 'Too many attempts. Try again later.', 'login.expired': 'Your session has expired. Please sign in again.',
  'login.loggedout': 'You have signed out.',
  'nav.queue': 'Queue', 'nav.customers': 'Customers', 'nav.orgs': 'Organizations', 'nav.admin': 'Admin',
  'nav.profile': 'Profile', 'nav.logout': 'Sign out', 'nav.search': 'Search tickets…', 'nav.help': 'Shortcuts (?)',
  'view.mine': 'My open tickets', 'view.unassigned': 'Unassigned', 'view.group': 'My group', 'view.pending': 'Pending',
  'view.breaching': 'Breaching soon', 'view.all': 'All tickets', 'view.saved': 'Saved views',
  'view.save': 'Save as view', 'view.name': 'View name', 'view.delete': 'Delete view',
  'view.breaching.hint': 'Unsolved tickets whose SLA target falls due within 4 hours or is overdue, soonest first (tickets without an SLA policy never appear here).',
  't.repliedmeanwhile': 'A reply ({n}) was sent on this ticket while you were writing: read it above first.',
  'common.ok': 'OK', 'q.selectall': 'Select all', 't.removetag': 'Remove tag {tag}', 't.pickmsg': 'Message {n}',
  'org.domain': 'Domain', 'prof.browser': '{l} (the browser\'s)', 'prof.tzbrowser': 'UTC ({z}, the browser\'s)',
  'tier.standard': 'Standard', 'tier.premium': 'Premium', 'tier.vip': 'VIP',
  'actor.system': 'system', 'actor.customer': 'customer {who}', 'actor.agent': '{who}', 'actor.rule': 'rule #{who}',
  'ev.bounce': 'bounced', 'ev.delivery': 'delivery', 'ev.notify': 'notified', 'ev.routing': 'routed', 'ev.sla': 'SLA',
  'ev.triage': 'triaged', 'ev.trigger': 'trigger ran', 'ev.ack': 'acknowledgement sent', 'ev.automation': 'automation',
  'ev.queuedto': 'queued for {to}',
  'q.total': '{n} tickets', 'q.more': 'Load more', 'q.empty': 'No tickets match.', 'q.loading': 'Loading…',
  'q.updates': 'New activity — refresh', 'q.selected': '{n} selected',
  'f.status': 'Status', 'f.priority': 'Priority', 'f.assignee': 'Assignee', 'f.group': 'Group', 'f.tag': 'Tag',
  'f.mailbox': 'Mailbox',
  'f.sort': 'Sort', 'f.any': 'Any', 'f.me': 'Me', 'f.none': 'Nobody', 'f.unsolved': 'Unsolved',
  'sort.-created': 'Newest', 'sort.created': 'Oldest', 'sort.-updated': 'Recently updated',
  'sort.updated': 'Least recently updated', 'sort.-priority': 'Highest priority', 'sort.priority': 'Lowest priority',
  'col.subject': 'Subject', 'col.requester': 'Requester', 'col.status': 'Status', 'col.priority': 'Priority',
  'col.assignee': 'Assignee', 'col.updated': 'Updated', 'col.sla': 'SLA',
  'bulk.assign': 'Assign to…', 'bulk.status': 'Set status…', 'bulk.tag': 'Add tag', 'bulk.merge': 'Merge into #',
  'bulk.apply': 'Apply', 'bulk.done': '{n} tickets updated', 'bulk.failed': '{n} could not be changed',
  'status.new': 'New', 'status.open': 'Open', 'status.pending': 'Pending', 'status.on-hold': 'On hold',
  'status.resolved': 'Resolved', 'status.closed': 'Closed',
  'prio.low': 'Low', 'prio.normal': 'Normal', 'prio.high': 'High', 'prio.urgent': 'Urgent',
  'type.question': 'Question', 'type.incident': 'Incident', 'type.request': 'Request', 'type.problem': 'Problem',
  'type.alarm': 'Alarm',
  'sla.due': 'due in {t}', 'sla.over': 'overdue {t}', 'sla.first': 'First response', 'sla.resolution': 'Resolution',
  'sla.next': 'Next response', 'sla.paused': 'paused', 'sla.pausedleft': 'paused, {t} left', 'sla.breached': 'breached',
  'sla.met': 'met', 'sla.metlate': 'met late', 'sla.policy': 'SLA', 't.canned': 'Canned response', 't.canned.pick': 'Insert canned response…',
  't.properties': 'Properties', 't.type': 'Type', 't.tags': 'Tags', 't.addtag': 'Add tag', 't.fields': 'Custom fields',
  't.reasons': 'Why this priority', 't.customer': 'Customer', 't.tier': 'Tier', 't.other': 'Other tickets',
  't.noother': 'No other tickets.', 't.history': 'History', 't.attachments': 'Attachments',
  't.showhtml': 'Show formatted (HTML)', 't.showtext': 'Show text', 't.quoted': 'Show quoted text',
  't.hidequoted': 'Hide quoted text', 't.remote': 'Remote images are blocked.', 't.loadimages': 'Load images',
  't.note': 'Internal note', 't.reply': 'Reply', 't.send': 'Send reply', 't.addnote': 'Add note',
  't.cc': 'Cc', 't.attach': 'Attach files', 't.sent': 'Reply queued for sending.', 't.noted': 'Note added.',
  't.viewing': '{who} is viewing', 't.replying': '{who} is replying', 't.collision':
    '{who} is replying to this ticket right now. Send anyway?', 't.sendanyway': 'Send anyway',
  't.merge': 'Merge into #', 't.link': 'Link to #', 't.split': 'Split selected messages', 't.splitsubject':
    'Subject of the new ticket', 't.actions': 'Merge / link / split', 't.merged': 'Merged into #{n}',
  't.links': 'Linked', 't.children': 'Child tickets', 't.parent': 'Parent', 't.saved': 'Saved',
  't.notfound': 'Ticket not found.', 't.assignme': 'Assign to me', 't.close': 'Close ticket',
  't.internal': 'internal', 't.from': 'from', 't.to': 'to', 't.back': 'Back to queue',
  'search.title': 'Search', 'search.results': '{n} results', 'search.more': 'more than {n} results',
  'search.none': 'Nothing found.', 'search.recent': 'Short words: searched the newest messages only.',
  'cust.title': 'Customers', 'cust.filter': 'Email or name starts with…', 'cust.tickets': 'Tickets',
  'cust.language': 'Language', 'cust.tz': 'Time zone', 'cust.org': 'Organization',
  'org.title': 'Organizations', 'org.filter': 'Domain or name starts with…', 'org.customers': 'Customers',
  'org.shared': 'Customers see each other\'s tickets', 'org.count': 'Customers',
  'prof.title': 'Your profile', 'prof.name': 'Name', 'prof.language': 'Language', 'prof.tz': 'Time zone',
  'prof.available': 'Available for new tickets', 'prof.save': 'Save',
  'admin.title': 'Administration', 'admin.agents': 'Agents', 'admin.groups': 'Groups', 'admin.fields': 'Custom fields',
  'admin.role': 'Role', 'admin.create': 'Create', 'admin.members': 'Members', 'admin.addmember': 'Add member',
  'admin.key': 'Key', 'admin.label': 'Label', 'admin.options': 'Options (comma-separated)', 'admin.disabled': 'Disabled',
  'admin.tab.people': 'Agents & groups', 'admin.tab.templates': 'Mail templates', 'admin.tab.canned': 'Canned responses',
  'admin.tab.mailbox': 'Mailbox', 'admin.tab.sla': 'SLA & business hours', 'admin.tab.triggers': 'Triggers',
  'admin.refused': 'Only administrators can open this page.', 'admin.edit': 'Edit', 'admin.delete': 'Delete',
  'admin.confirmdelete': 'Really delete?', 'admin.new': 'New', 'admin.editing': 'Editing: {name}',
  'admin.deleted': 'Deleted', 'admin.enabled': 'Enabled', 'admin.position': 'Order', 'admin.name': 'Name',
  'admin.badjson': 'Not valid JSON: {m}', 'admin.empty': 'None yet.',
  'tpl.name': 'Template', 'tpl.language': 'Language', 'tpl.subject': 'Subject', 'tpl.body': 'Body',
  'tpl.customized': 'Customized', 'tpl.builtin': 'Built-in', 'tpl.reset': 'Restore built-in text',
  'tpl.placeholders': 'Placeholders', 'tpl.ack': 'Acknowledgement', 'tpl.reply': 'Agent reply',
  'tpl.status': 'Status (pending)', 'tpl.resolved': 'Resolved', 'tpl.reminder': 'Reminder',
  'canned.title': 'Title', 'canned.body': 'Text',
  'mbox.addresses': 'Support addresses', 'mbox.reply': 'Reply address', 'mbox.msgid': 'Message-ID domain',
  'mbox.fromname': 'Sender name', 'mbox.charset': 'Charset', 'mbox.token': 'Ticket token in subjects',
  'mbox.hint': 'These settings live in mado.conf (docs/configuration.md): change them there and restart mado serve. Reply address and sender name are the default mailbox\'s (the first active one).',
  'mbox.title': 'Mailboxes', 'mbox.address': 'Address', 'mbox.name': 'Display name', 'mbox.replyaddr': 'Send from (empty: the address)',
  'mbox.group': 'Group for new tickets', 'mbox.active': 'Active', 'mbox.settings': 'Mail settings (mado.conf)',
  'cal.title': 'Business-hours calendars', 'cal.tz': 'Time zone', 'cal.hours': 'Hours', 'cal.jp': 'Japanese public holidays',
  'cal.holidays': 'Holidays (one a line: YYYY-MM-DD name)', 'cal.count': '{n} holidays', 'cal.hol': 'Holidays', 'cal.around': 'Around the clock (UTC)',
  'cal.badline': 'Line {n}: write YYYY-MM-DD and a name',
  'pol.title': 'SLA policies', 'pol.tier': 'Customer tier', 'pol.calendar': 'Calendar',
  'pol.first': 'First response (minutes)', 'pol.next': 'Next response (minutes)', 'pol.resolution': 'Resolution (minutes)',
  'pol.warn': 'Warn before (minutes)', 'pol.match': 'Applies to', 'pol.targets': 'Targets',
  'auto.title': 'Automations', 'auto.kind': 'Kind', 'auto.kind.remind_pending': 'Remind a pending customer',
  'auto.kind.auto_close': 'Close after a while', 'auto.kind.escalate': 'Escalate on SLA', 'auto.after': 'After (minutes)',
  'auto.onsla': 'On SLA', 'auto.warning': 'warning', 'auto.breach': 'breach', 'auto.setprio': 'Raise priority to',
  'auto.setgroup': 'Move to group', 'auto.notify': 'Notify a supervisor', 'auto.message': 'Reminder text',
  'rk.trigger': 'Triggers', 'rk.priority': 'Priority rules', 'rk.category': 'Category rules', 'rk.routing': 'Routing rules',
  'rk.trigger.hint': 'Run in order on new tickets, updates and customer replies; each fires at most once per change.',
  'rk.priority.hint': 'Every matching rule counts: the ticket gets the highest level among them.',
  'rk.category.hint': 'The first matching rule names the category.',
  'rk.routing.hint': 'The first matching rule names the group; the group\'s strategy picks the agent.',
  'ev.r.created': 'ticket created', 'ev.r.updated': 'ticket updated', 'ev.r.customer_replied': 'customer replied',
  'rf.subject': 'Subject', 'rf.body': 'Body', 'rf.text': 'Subject or body', 'rf.status': 'Status', 'rf.priority': 'Priority',
  'rf.type': 'Type', 'rf.channel': 'Channel', 'rf.category': 'Category', 'rf.language': 'Language', 'rf.group': 'Group',
  'rf.assignee': 'Assignee', 'rf.tags': 'Tags', 'rf.to': 'To (mailbox)', 'rf.customer.email': 'Customer email',
  'rf.customer.name': 'Customer name', 'rf.customer.tier': 'Customer tier', 'rf.customer.language': 'Customer language',
  'rf.organization.domain': 'Organization domain', 'rf.organization.name': 'Organization name',
  'rf.organization.tier': 'Organization tier', 'rf.customer.recent_tickets': 'Customer\'s recent tickets',
  'rf.time': 'Time of day', 'rf.business_hours': 'Business hours', 'rf.custom': 'Custom field',
  'ro.is': 'is', 'ro.is_not': 'is not', 'ro.in': 'is one of', 'ro.contains': 'contains', 'ro.not_contains': 'does not contain',
  'ro.regex': 'matches regex', 'ro.gte': 'at least', 'ro.lte': 'at most', 'ro.within': 'within',
  'ra.set': 'Set', 'ra.assign': 'Assign to', 'ra.group': 'Move to group', 'ra.add_tags': 'Add tags', 'ra.remove_tags': 'Remove tags',
  'ra.note': 'Add internal note', 'ra.notify': 'Notify agents', 'ra.mail': 'Mail the customer', 'ra.webhook': 'Call webhook',
  'rb.all': 'All of these hold', 'rb.any': 'Any of these holds', 'rb.not': 'Not (this must not hold)',
  'rb.addcond': '+ Condition', 'rb.addgroup': '+ Group', 'rb.addaction': '+ Action', 'rb.addvalue': '+ value',
  'rb.addfield': '+ field', 'rb.remove': 'Remove', 'rb.when': 'Conditions', 'rb.then': 'Actions',
  'rb.always': 'No conditions: the rule applies to every ticket.', 'rb.days': 'in the last (days)',
  'rb.ticketcal': 'the ticket\'s SLA calendar', 'rb.inside': 'inside', 'rb.outside': 'outside',
  'rb.auto': 'automatic (group strategy)', 'rb.subject': 'Subject', 'rb.body': 'Body', 'rb.message': 'Message',
  'rb.placeholders': 'Placeholders: {{number}}, {{subject}}, {{customer.name}}, {{ticket.url}} and those of the mail templates.',
  'rule.builder': 'Builder', 'rule.json': 'Advanced (JSON)',
  'rule.nobuilder': 'The builder cannot show this rule exactly: edit it as JSON.', 'rule.clone': 'Clone',
  'rule.copy': '{name} (copy)', 'rule.up': 'Move up', 'rule.down': 'Move down', 'rule.does': 'Does',
  'rule.setprio': 'Set priority to', 'rule.reason': 'Own reason text', 'rule.reason_en': 'Reason (English)',
  'rule.reason_ja': 'Reason (Japanese)', 'rule.category': 'Category', 'rule.group': 'Send to group',
  'test.title': 'Test this rule', 'test.ticket': 'Ticket #', 'test.event': 'Event', 'test.run': 'Test',
  'test.needticket': 'Give a ticket number.', 'test.noticket': 'There is no ticket #{n}.',
  'test.match': 'Matches', 'test.nomatch': 'Does not match', 'test.noevent': 'not run on this event',
  'test.changes': 'Would change', 'test.notes': 'Internal notes', 'test.notifications': 'Agents notified',
  'test.mails': 'Mails to the customer', 'test.webhooks': 'Webhooks', 'test.skipped': 'Would not do',
  'test.nothing': 'Nothing would change.', 'test.nowrite': 'A dry run: nothing was changed.',
  'pol.badtier': 'Customer tier: 1 to 64 bytes on one line, without blanks at either end.',
  'pol.matrix': 'Targets by tier and priority', 'pol.anytier': 'any tier',
  'pol.matrixhint': 'The policy that applies to a ticket of each tier and priority (first response / resolution), ignoring policies limited to a type or group.',
  'pol.nopolicy': 'no SLA',
  'trg.title': 'Triggers', 'trg.rule': 'Rule (JSON: on, if, then — docs/workflow.md)', 'trg.on': 'Runs on',
  'prof.notify': 'Email notifications', 'prof.n.new_in_group': 'A ticket is put in my group',
  'prof.n.assigned': 'A ticket is assigned to me', 'prof.n.customer_replied': 'A customer writes again on my ticket',
  'prof.n.mention': 'Someone mentions me in a note',
  'help.title': 'Keyboard shortcuts', 'help.j': 'Next ticket', 'help.k': 'Previous ticket',
  'help.o': 'Open ticket', 'help.x': 'Select ticket', 'help.r': 'Reply', 'help.n': 'Internal note',
  'help.a': 'Assign to me', 'help.c': 'Close (resolve) ticket', 'help.slash': 'Search', 'help.u': 'Back to the queue',
  'help.q': 'This help', 'help.esc': 'Close / leave the editor',
  'err.generic': 'Something went wrong: {m}', 'err.network': 'The server cannot be reached.',
  'common.save': 'Save', 'common.cancel': 'Cancel', 'common.close': 'Close', 'common.none': '—',
  'common.unassigned': 'Unassigned', 'common.nogroup': 'No group',
  'ev.created': 'created', 'ev.message': 'mail received', 'ev.field': 'changed', 'ev.note': 'internal note',
  'ev.mention': 'mentioned', 'ev.reply': 'replied', 'ev.merge': 'merged', 'ev.link': 'linked', 'ev.split': 'split',
  'ev.system': 'system',
};

type Key = keyof typeof en;

const ja: Record<Key, string> = {
  'app.name': 'Mado',
  'login.title': 'Mado にサインイン', 'login.email': 'メールアドレス', 'login.password': 'パスワード',
  'login.submit': 'サインイン', 'login.bad': 'メールアドレスまたはパスワードが違います。',
  'login.limited': '試行回数が多すぎます。しばらくしてからお試しください。',
  'login.expired': 'セッションの有効期限が切れました。もう一度サインインしてください。',
  'login.loggedout': 'サインアウトしました。',
  'nav.queue': 'キュー', 'nav.customers': '顧客', 'nav.orgs': '組織', 'nav.admin': '管理',
  'nav.profile': 'プロフィール', 'nav.logout': 'サインアウト', 'nav.search': 'チケットを検索…', 'nav.help': 'ショートカット (?)',
  'view.mine': '自分の未解決チケット', 'view.unassigned': '未割り当て', 'view.group': '自分のグループ', 'view.pending': '保留中',
  'view.breaching': 'SLA 期限間近', 'view.all': 'すべてのチケット', 'view.saved': '保存したビュー',
  'view.save': 'ビューとして保存', 'view.name': 'ビュー名', 'view.delete': 'ビューを削除',
  'view.breaching.hint': 'SLA の期限が 4 時間以内に来る、または過ぎた未解決チケット（期限の近い順。SLA ポリシーのないチケットは表示されません）。',
  't.repliedmeanwhile': '入力中にこのチケットへ返信（{n} 件）が送信されました。先に上の返信をご確認ください。',
  'common.ok': '実行', 'q.selectall': 'すべて選択', 't.removetag': 'タグ {tag} を外す', 't.pickmsg': 'メッセージ {n}',
  'org.domain': 'ドメイン', 'prof.browser': '{l}（ブラウザーの設定）', 'prof.tzbrowser': 'UTC（{z}、ブラウザーの設定）',
  'tier.standard': '標準', 'tier.premium': 'プレミアム', 'tier.vip': 'VIP',
  'actor.system': 'システム', 'actor.customer': '顧客 {who}', 'actor.agent': '{who}', 'actor.rule': 'ルール #{who}',
  'ev.bounce': '不達', 'ev.delivery': '配送', 'ev.notify': '通知', 'ev.routing': '振り分け', 'ev.sla': 'SLA',
  'ev.triage': '自動分類', 'ev.trigger': 'トリガー実行', 'ev.ack': '受付メール送信', 'ev.automation': '自動化',
  'ev.queuedto': '{to} 宛てに送信待ち',
  'q.total': '{n} 件', 'q.more': 'さらに読み込む', 'q.empty': '該当するチケットはありません。', 'q.loading': '読み込み中…',
  'q.updates': '新しい動きがあります — 更新', 'q.selected': '{n} 件選択中',
  'f.status': 'ステータス', 'f.priority': '優先度', 'f.assignee': '担当者', 'f.group': 'グループ', 'f.tag': 'タグ',
  'f.mailbox': 'メールボックス',
  'f.sort': '並び順', 'f.any': 'すべて', 'f.me': '自分', 'f.none': '未割り当て', 'f.unsolved': '未解決',
  'sort.-created': '新しい順', 'sort.created': '古い順', 'sort.-updated': '更新が新しい順',
  'sort.updated': '更新が古い順', 'sort.-priority': '優先度が高い順', 'sort.priority': '優先度が低い順',
  'col.subject': '件名', 'col.requester': '依頼者', 'col.status': 'ステータス', 'col.priority': '優先度',
  'col.assignee': '担当者', 'col.updated': '更新', 'col.sla': 'SLA',
  'bulk.assign': '担当者を設定…', 'bulk.status': 'ステータスを設定…', 'bulk.tag': 'タグを追加', 'bulk.merge': '統合先 #',
  'bulk.apply': '適用', 'bulk.done': '{n} 件を更新しました', 'bulk.failed': '{n} 件は変更できませんでした',
  'status.new': '新規', 'status.open': '対応中', 'status.pending': '保留中', 'status.on-hold': '待機中',
  'status.resolved': '解決済み', 'status.closed': '終了',
  'prio.low': '低', 'prio.normal': '通常', 'prio.high': '高', 'prio.urgent': '緊急',
  'type.question': '質問', 'type.incident': 'インシデント', 'type.request': '依頼', 'type.problem': '問題',
  'type.alarm': 'アラーム',
  'sla.due': '残り {t}', 'sla.over': '{t} 超過', 'sla.first': '初回応答', 'sla.resolution': '解決',
  'sla.next': '次回応答', 'sla.paused': '一時停止中', 'sla.pausedleft': '一時停止中 (残り {t})', 'sla.breached': '違反',
  'sla.met': '達成', 'sla.metlate': '期限後に達成', 'sla.policy': 'SLA', 't.canned': '定型文', 't.canned.pick': '定型文を挿入…',
  't.properties': 'プロパティ', 't.type': '種別', 't.tags': 'タグ', 't.addtag': 'タグを追加', 't.fields': 'カスタムフィールド',
  't.reasons': 'この優先度の理由', 't.customer': '顧客', 't.tier': 'ランク', 't.other': 'ほかのチケット',
  't.noother': 'ほかのチケットはありません。', 't.history': '履歴', 't.attachments': '添付ファイル',
  't.showhtml': '書式付きで表示 (HTML)', 't.showtext': 'テキストで表示', 't.quoted': '引用部分を表示',
  't.hidequoted': '引用部分を隠す', 't.remote': '外部画像はブロックされています。', 't.loadimages': '画像を読み込む',
  't.note': '社内メモ', 't.reply': '返信', 't.send': '返信を送信', 't.addnote': 'メモを追加',
  't.cc': 'Cc', 't.attach': 'ファイルを添付', 't.sent': '返信を送信キューに入れました。', 't.noted': 'メモを追加しました。',
  't.viewing': '{who} さんが閲覧中', 't.replying': '{who} さんが返信を作成中', 't.collision':
    '{who} さんがこのチケットに返信を作成中です。それでも送信しますか?', 't.sendanyway': 'それでも送信',
  't.merge': '統合先 #', 't.link': 'リンク先 #', 't.split': '選択したメッセージを分割', 't.splitsubject':
    '新しいチケットの件名', 't.actions': '統合 / リンク / 分割', 't.merged': '#{n} に統合済み',
  't.links': 'リンク', 't.children': '子チケット', 't.parent': '親チケット', 't.saved': '保存しました',
  't.notfound': 'チケットが見つかりません。', 't.assignme': '自分に割り当て', 't.close': 'チケットを解決',
  't.internal': '社内', 't.from': '差出人', 't.to': '宛先', 't.back': 'キューに戻る',
  'search.title': '検索', 'search.results': '{n} 件', 'search.more': '{n} 件以上',
  'search.none': '見つかりませんでした。', 'search.recent': '短い語のため、最新のメッセージのみを検索しました。',
  'cust.title': '顧客', 'cust.filter': 'メールアドレスまたは名前の先頭…', 'cust.tickets': 'チケット',
  'cust.language': '言語', 'cust.tz': 'タイムゾーン', 'cust.org': '組織',
  'org.title': '組織', 'org.filter': 'ドメインまたは名前の先頭…', 'org.customers': '顧客',
  'org.shared': '顧客どうしでチケットを共有', 'org.count': '顧客数',
  'prof.title': 'プロフィール', 'prof.name': '名前', 'prof.language': '言語', 'prof.tz': 'タイムゾーン',
  'prof.available': '新しいチケットを受け付ける', 'prof.save': '保存',
  'admin.title': '管理', 'admin.agents': 'エージェント', 'admin.groups': 'グループ', 'admin.fields': 'カスタムフィールド',
  'admin.role': '役割', 'admin.create': '作成', 'admin.members': 'メンバー', 'admin.addmember': 'メンバーを追加',
  'admin.key': 'キー', 'admin.label': 'ラベル', 'admin.options': '選択肢 (カンマ区切り)', 'admin.disabled': '無効',
  'admin.tab.people': 'エージェントとグループ', 'admin.tab.templates': 'メールテンプレート', 'admin.tab.canned': '定型文',
  'admin.tab.mailbox': 'メールボックス', 'admin.tab.sla': 'SLA と営業時間', 'admin.tab.triggers': 'トリガー',
  'admin.refused': 'このページは管理者だけが開けます。', 'admin.edit': '編集', 'admin.delete': '削除',
  'admin.confirmdelete': '本当に削除しますか?', 'admin.new': '新規作成', 'admin.editing': '編集中: {name}',
  'admin.deleted': '削除しました', 'admin.enabled': '有効', 'admin.position': '順序', 'admin.name': '名前',
  'admin.badjson': 'JSON として正しくありません: {m}', 'admin.empty': 'まだありません。',
  'tpl.name': 'テンプレート', 'tpl.language': '言語', 'tpl.subject': '件名', 'tpl.body': '本文',
  'tpl.customized': 'カスタマイズ済み', 'tpl.builtin': '標準', 'tpl.reset': '標準の文面に戻す',
  'tpl.placeholders': '差し込み項目', 'tpl.ack': '受付確認', 'tpl.reply': '担当者の返信',
  'tpl.status': 'ステータス (保留)', 'tpl.resolved': '解決', 'tpl.reminder': 'リマインダー',
  'canned.title': 'タイトル', 'canned.body': '本文',
  'mbox.addresses': 'サポートアドレス', 'mbox.reply': '返信元アドレス', 'mbox.msgid': 'Message-ID のドメイン',
  'mbox.fromname': '差出人名', 'mbox.charset': '文字コード', 'mbox.token': '件名のチケット番号',
  'mbox.hint': 'これらの設定は mado.conf にあります (docs/configuration.md)。変更したら mado serve を再起動してください。返信元アドレスと差出人名は既定のメールボックス (有効なものの最初) のものです。',
  'mbox.title': 'メールボックス', 'mbox.address': 'アドレス', 'mbox.name': '表示名', 'mbox.replyaddr': '送信元 (空欄: アドレスと同じ)',
  'mbox.group': '新しいチケットのグループ', 'mbox.active': '有効', 'mbox.settings': 'メール設定 (mado.conf)',
  'cal.title': '営業時間カレンダー', 'cal.tz': 'タイムゾーン', 'cal.hours': '営業時間', 'cal.jp': '日本の祝日',
  'cal.holidays': '休業日 (1 行に 1 日: YYYY-MM-DD 名前)', 'cal.count': '休業日 {n} 日', 'cal.hol': '休業日', 'cal.around': '24 時間 (UTC)',
  'cal.badline': '{n} 行目: YYYY-MM-DD と名前を書いてください',
  'pol.title': 'SLA ポリシー', 'pol.tier': '顧客ランク', 'pol.calendar': 'カレンダー',
  'pol.first': '初回応答 (分)', 'pol.next': '次回応答 (分)', 'pol.resolution': '解決 (分)',
  'pol.warn': '事前警告 (分)', 'pol.match': '対象', 'pol.targets': '目標',
  'auto.title': '自動処理', 'auto.kind': '種類', 'auto.kind.remind_pending': '保留中の顧客にリマインド',
  'auto.kind.auto_close': '一定時間後に終了', 'auto.kind.escalate': 'SLA でエスカレーション', 'auto.after': '経過時間 (分)',
  'auto.onsla': 'SLA の時点', 'auto.warning': '警告', 'auto.breach': '違反', 'auto.setprio': '優先度を上げる',
  'auto.setgroup': 'グループを移す', 'auto.notify': 'スーパーバイザーに通知', 'auto.message': 'リマインダーの本文',
  'rk.trigger': 'トリガー', 'rk.priority': '優先度ルール', 'rk.category': 'カテゴリルール', 'rk.routing': '振り分けルール',
  'rk.trigger.hint': '新規チケット・更新・顧客の返信のたびに順に実行されます。1 回の変更で各トリガーは最大 1 回です。',
  'rk.priority.hint': '一致したルールすべてが対象で、その中で最も高い優先度になります。',
  'rk.category.hint': '最初に一致したルールがカテゴリを決めます。',
  'rk.routing.hint': '最初に一致したルールがグループを決め、グループの方式で担当者が選ばれます。',
  'ev.r.created': 'チケット作成時', 'ev.r.updated': 'チケット更新時', 'ev.r.customer_replied': '顧客の返信時',
  'rf.subject': '件名', 'rf.body': '本文', 'rf.text': '件名または本文', 'rf.status': 'ステータス', 'rf.priority': '優先度',
  'rf.type': '種別', 'rf.channel': 'チャネル', 'rf.category': 'カテゴリ', 'rf.language': '言語', 'rf.group': 'グループ',
  'rf.assignee': '担当者', 'rf.tags': 'タグ', 'rf.to': '宛先 (メールボックス)', 'rf.customer.email': '顧客のメール',
  'rf.customer.name': '顧客名', 'rf.customer.tier': '顧客ランク', 'rf.customer.language': '顧客の言語',
  'rf.organization.domain': '組織のドメイン', 'rf.organization.name': '組織名',
  'rf.organization.tier': '組織ランク', 'rf.customer.recent_tickets': '顧客の最近のチケット数',
  'rf.time': '時間帯', 'rf.business_hours': '営業時間', 'rf.custom': 'カスタム項目',
  'ro.is': 'が次と等しい', 'ro.is_not': 'が次と等しくない', 'ro.in': 'が次のいずれか', 'ro.contains': 'が次を含む',
  'ro.not_contains': 'が次を含まない', 'ro.regex': 'が正規表現に一致', 'ro.gte': 'が次以上', 'ro.lte': 'が次以下', 'ro.within': 'が次の範囲内',
  'ra.set': '設定', 'ra.assign': '担当者を割り当て', 'ra.group': 'グループを移す', 'ra.add_tags': 'タグを追加', 'ra.remove_tags': 'タグを削除',
  'ra.note': '社内メモを追加', 'ra.notify': 'エージェントに通知', 'ra.mail': '顧客にメール', 'ra.webhook': 'Webhook を呼ぶ',
  'rb.all': 'すべてを満たす', 'rb.any': 'いずれかを満たす', 'rb.not': '否定 (これを満たさない)',
  'rb.addcond': '+ 条件', 'rb.addgroup': '+ グループ', 'rb.addaction': '+ アクション', 'rb.addvalue': '+ 値',
  'rb.addfield': '+ 項目', 'rb.remove': '削除', 'rb.when': '条件', 'rb.then': 'アクション',
  'rb.always': '条件なし: すべてのチケットに適用されます。', 'rb.days': '直近 (日)',
  'rb.ticketcal': 'チケットの SLA カレンダー', 'rb.inside': '営業時間内', 'rb.outside': '営業時間外',
  'rb.auto': '自動 (グループの方式)', 'rb.subject': '件名', 'rb.body': '本文', 'rb.message': 'メッセージ',
  'rb.placeholders': '差し込み: {{number}}、{{subject}}、{{customer.name}}、{{ticket.url}} とメールテンプレートのもの。',
  'rule.builder': 'ビルダー', 'rule.json': '詳細 (JSON)',
  'rule.nobuilder': 'このルールはビルダーで正確に表示できません。JSON で編集してください。', 'rule.clone': '複製',
  'rule.copy': '{name} (コピー)', 'rule.up': '上へ', 'rule.down': '下へ', 'rule.does': '内容',
  'rule.setprio': '優先度を設定', 'rule.reason': '理由の文言を指定', 'rule.reason_en': '理由 (英語)',
  'rule.reason_ja': '理由 (日本語)', 'rule.category': 'カテゴリ', 'rule.group': '振り分け先グループ',
  'test.title': 'このルールをテスト', 'test.ticket': 'チケット番号', 'test.event': 'タイミング', 'test.run': 'テスト',
  'test.needticket': 'チケット番号を入力してください。', 'test.noticket': 'チケット #{n} はありません。',
  'test.match': '一致します', 'test.nomatch': '一致しません', 'test.noevent': 'このタイミングでは実行されません',
  'test.changes': '変更内容', 'test.notes': '社内メモ', 'test.notifications': '通知するエージェント',
  'test.mails': '顧客へのメール', 'test.webhooks': 'Webhook', 'test.skipped': '実行されないもの',
  'test.nothing': '何も変わりません。', 'test.nowrite': 'ドライラン: 何も変更していません。',
  'pol.badtier': '顧客ランク: 1〜64 バイトの 1 行で、前後に空白を入れないでください。',
  'pol.matrix': 'ランク・優先度ごとの目標', 'pol.anytier': 'すべてのランク',
  'pol.matrixhint': '各ランク・優先度のチケットに適用されるポリシー (初回応答 / 解決)。種別やグループで絞ったポリシーは除きます。',
  'pol.nopolicy': 'SLA なし',
  'trg.title': 'トリガー', 'trg.rule': 'ルール (JSON: on, if, then — docs/workflow.md)', 'trg.on': '実行タイミング',
  'prof.notify': 'メール通知', 'prof.n.new_in_group': '自分のグループにチケットが入ったとき',
  'prof.n.assigned': 'チケットが自分に割り当てられたとき', 'prof.n.customer_replied': '担当チケットに顧客が再度書き込んだとき',
  'prof.n.mention': '社内メモでメンションされたとき',
  'help.title': 'キーボードショートカット', 'help.j': '次のチケット', 'help.k': '前のチケット',
  'help.o': 'チケットを開く', 'help.x': 'チケットを選択', 'help.r': '返信', 'help.n': '社内メモ',
  'help.a': '自分に割り当て', 'help.c': 'チケットを解決', 'help.slash': '検索', 'help.u': 'キューに戻る',
  'help.q': 'このヘルプ', 'help.esc': '閉じる / エディタを離れる',
  'err.generic': 'エラーが発生しました: {m}', 'err.network': 'サーバーに接続できません。',
  'common.save': '保存', 'common.cancel': 'キャンセル', 'common.close': '閉じる', 'common.none': '—',
  'common.unassigned': '未割り当て', 'common.nogroup': 'グループなし',
  'ev.created': '作成', 'ev.message': 'メール受信', 'ev.field': '変更', 'ev.note': '社内メモ',
  'ev.mention': 'メンション', 'ev.reply': '返信', 'ev.merge': '統合', 'ev.link': 'リンク', 'ev.split': '分割',
  'ev.system': 'システム',
};

const dicts: Record<Lang, Record<Key, string>> = { en, ja };

let lang: Lang = 'en';
let timeZone = 'UTC';

export function browserLang(): Lang {
  return (navigator.language || 'en').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

// (Each Intl.DateTimeFormat costs; the first one loads the zone data.)
let browserZone = '';
export function browserTimeZone(): string {
  return (browserZone ||= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

export function setLocale(l: Lang, tz: string): void {
  lang = l;
  if (tz !== timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      timeZone = tz;
    } catch {
      timeZone = 'UTC';
    }
  }
  document.documentElement.lang = l;
}

export function currentLang(): Lang {
  return lang;
}

export function currentTimeZone(): string {
  return timeZone;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = dicts[lang][key] ?? en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

// A label for a value of a known family (status.open, prio.high), or the value itself.
export function tv(family: 'status' | 'prio' | 'type' | 'sort' | 'ev' | 'tpl' | 'auto' | 'auto.kind' | 'tier', value: string): string {
  const k = `${family}.${value}` as Key;
  return k in en ? t(k) : value;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang + timeZone + JSON.stringify(opts);
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone, ...opts });
    fmtCache.set(key, f);
  }
  return f;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return fmt({ year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

// "3h 5m" / "3時間5分": a duration for SLA countdowns.
export function formatDuration(ms: number): string {
  const m = Math.max(0, Math.round(Math.abs(ms) / 60000));
  const d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
  if (lang === 'ja') return d ? `${d}日${h}時間` : h ? `${h}時間${mm}分` : `${mm}分`;
  return d ? `${d}d ${h}h` : h ? `${h}h ${mm}m` : `${mm}m`;
}
