/*
 * Tests for src/mail/sanitize.c: the HTML sanitizer and the text rendition.
 *
 * Hostile inputs are table-driven: each vector is sanitized and the output
 * is checked by out_hostile(), a strict scanner of our own output format
 * (every '<' opens an allow-listed tag whose attributes are allow-listed,
 * double-quoted, and carry only safe URLs), plus a per-vector list of
 * strings that must not appear anywhere. Benign inputs and the text
 * rendition are compared exactly. Then the caps: each must give
 * MADO_ELIMIT (and leave the output buffer as it was), and 100,000 levels of
 * nesting must neither crash nor come out deeper than max_depth.
 */
#include "mail/sanitize.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize_allow.h"
#include "tap.h"

/* ------------------------------------------------ output scanner */

static bool in_list(const char *const *l, const char *s, size_t n)
{
	for (; *l; l++)
		if (strlen(*l) == n && strncmp(*l, s, n) == 0)
			return true;
	return false;
}

static bool has_ci(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

/* NULL if out is in our safe format, else why not. */
static const char *out_hostile(const char *out)
{
	const char *p = out;

	if (strstr(out, "<!") || strstr(out, "<?"))
		return "comment, doctype or processing instruction";
	while ((p = strchr(p, '<'))) {
		const char *name;
		size_t n;
		p++;
		if (*p == '/')
			p++;
		name = p;
		while (isalnum((unsigned char)*p))
			p++;
		n = (size_t)(p - name);
		if (!n || !in_list(sanitize_ok_tags, name, n))
			return "tag not allow-listed";
		for (;;) {
			const char *an, *v;
			size_t anl, vl;
			if (*p == '>')
				break;
			if (*p != ' ')
				return "malformed tag";
			an = ++p;
			while (isalnum((unsigned char)*p) || *p == '-')
				p++;
			anl = (size_t)(p - an);
			if (!anl || !in_list(sanitize_ok_attrs, an, anl))
				return "attribute not allow-listed";
			if (p[0] != '=' || p[1] != '"')
				return "attribute not double-quoted";
			v = p + 2;
			p = strchr(v, '"');
			if (!p)
				return "unterminated attribute";
			vl = (size_t)(p - v);
			p++;
			if (memchr(v, '<', vl) || memchr(v, '>', vl))
				return "unescaped < or > in attribute";
			if (has_ci(v, vl, "javascript") || has_ci(v, vl, "vbscript") ||
			    has_ci(v, vl, "expression") || has_ci(v, vl, "url(") ||
			    has_ci(v, vl, "data:text") || has_ci(v, vl, "@import"))
				return "dangerous attribute value";
			if (anl == 4 && strncmp(an, "href", 4) == 0 &&
			    strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0 &&
			    strncasecmp(v, "mailto:", 7) != 0)
				return "href scheme";
			if (anl == 3 && strncmp(an, "src", 3) == 0 &&
			    strncasecmp(v, "cid:", 4) != 0 && strncasecmp(v, "data:image/", 11) != 0)
				return "src scheme";
		}
	}
	return NULL;
}

/* ------------------------------------------------ helpers */

static mado_status san(const char *in, struct buf *b)
{
	buf_reset(b);
	return html_sanitize(in, strlen(in), NULL, b);
}

static mado_status txt(const char *in, struct buf *b)
{
	buf_reset(b);
	return html_to_text(in, strlen(in), NULL, b);
}

static const char *str(const struct buf *b)
{
	return b->p ? b->p : "";
}

/* ------------------------------------------------ hostile vectors */

struct vec {
	const char *name;
	const char *in;
	const char *absent[4];   /* must not appear, case-insensitive */
};

static const struct vec hostile[] = {
	{ "script tag", "<script>alert(1)</script>hi", { "alert", "script" } },
	{ "script upper case", "<SCRIPT SRC=//x.y/a.js></SCRIPT>hi", { "script", "x.y" } },
	{ "img onerror", "<img src=x onerror=alert(1)>", { "onerror", "<img" } },
	{ "img onerror remote", "<img src=\"https://x.y/a.png\" onerror=\"alert(1)\">", { "onerror", " src=" } },
	{ "slash separated attrs", "<img/src/onerror=alert(1)>", { "onerror" } },
	{ "body onload", "<body onload=alert(1)>x</body>", { "onload", "<body" } },
	{ "javascript href", "<a href=\"javascript:alert(1)\">x</a>", { "javascript", "<a" } },
	{ "javascript tab", "<a href=\"java\tscript:alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript newline", "<a href=\"java\nscript:alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript entity tab", "<a href=\"java&#x09;script:alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript entities", "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript named entity", "<a href=\"javascript&colon;alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript upper case", "<a href=\"JaVaScRiPt:alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript leading space", "<a href=\" \x01 javascript:alert(1)\">x</a>", { "script:", "<a" } },
	{ "javascript control inside", "<a href=\"jav\x01" "ascript:alert(1)\">x</a>", { "script:", "<a" } },
	{ "vbscript href", "<a href=\"vbscript:msgbox(1)\">x</a>", { "vbscript", "<a" } },
	{ "data text/html href", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", { "data:", "<a" } },
	{ "data svg img", "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", { "svg", "<img" } },
	{ "svg onload", "<svg onload=alert(1)><circle r=1></svg>ok", { "svg", "onload" } },
	{ "svg script", "<svg><script>alert(1)</script></svg>", { "script", "svg" } },
	{ "svg a xlink", "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>", { "javascript", "xlink" } },
	{ "math", "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", { "math", "javascript" } },
	{ "math mglyph style mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", { "onerror", "<style" } },
	{ "style element", "<style>body{background:url(javascript:alert(1))}</style>x", { "<style", "javascript" } },
	{ "style url", "<p style=\"background:url(javascript:alert(1))\">x</p>", { "url(", "javascript" } },
	{ "style expression", "<p style=\"width:expression(alert(1))\">x</p>", { "expression" } },
	{ "style import", "<p style=\"@import 'http://x.y/a.css'\">x</p>", { "import" } },
	{ "style escapes", "<p style=\"background:u\\72l(x)\">x</p>", { "\\", "background" } },
	{ "style comment", "<p style=\"color:red;/**/position:fixed\">x</p>", { "position", "/*" } },
	{ "style position", "<p style=\"position:fixed;top:0;left:0\">x</p>", { "position", "top:" } },
	{ "style invented property", "<p style=\"border-colmoz-binding:x;margin-foo:1px;color:red\">x</p>", { "binding", "margin-foo" } },
	{ "style behavior", "<p style=\"behavior:url(x.htc);-moz-binding:url(x.xml#a)\">x</p>", { "behavior", "binding" } },
	{ "style breakout", "<p style='color:red\" onclick=\"alert(1)'>x</p>", { "onclick" } },
	{ "base href", "<base href=\"javascript:alert(1)//\"><a href=\"/x\">x</a>", { "<base", "javascript" } },
	{ "meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", { "<meta", "refresh" } },
	{ "link stylesheet", "<link rel=stylesheet href=\"http://x.y/a.css\">", { "<link", "stylesheet" } },
	{ "form formaction", "<form><button formaction=\"javascript:alert(1)\">go</button></form>", { "formaction", "<form" } },
	{ "input autofocus", "<input autofocus onfocus=alert(1)>", { "<input", "onfocus" } },
	{ "iframe srcdoc", "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>", { "iframe", "srcdoc" } },
	{ "object data", "<object data=\"javascript:alert(1)\"></object>", { "<object", "javascript" } },
	{ "embed", "<embed src=\"javascript:alert(1)\">", { "<embed", "javascript" } },
	{ "noscript mxss", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", { "<img", "<noscript" } },
	{ "noscript in body mxss", "x<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", { "<img", "<noscript" } },
	{ "style img trick", "<style><img src=x onerror=alert(1)></style>", { "<img", "<style" } },
	{ "xmp", "<xmp><img src=x onerror=alert(1)></xmp>", { "<img", "xmp" } },
	{ "textarea", "<textarea><img src=x onerror=alert(1)></textarea>", { "<img", "textarea" } },
	{ "title", "<title><img src=x onerror=alert(1)></title>", { "<img" } },
	{ "noembed", "<noembed><img src=x onerror=alert(1)></noembed>", { "<img" } },
	{ "plaintext", "<plaintext><img src=x onerror=alert(1)>", { "<img", "plaintext" } },
	{ "template", "<template><img src=x onerror=alert(1)></template>", { "<img", "template" } },
	{ "nested comment", "<!--<img src=x onerror=alert(1)>-->", { "<img", "<!--" } },
	{ "comment breakout", "<!-- --!><img src=x onerror=alert(1)> -->", { "onerror" } },
	{ "ie conditional", "<!--[if IE]><script>alert(1)</script><![endif]-->", { "script", "[if" } },
	{ "cdata", "<![CDATA[<img src=x onerror=alert(1)>]]>", { "onerror", "<img" } },
	{ "cdata in svg", "<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>", { "onerror" } },
	{ "processing instruction", "<?xml-stylesheet href=\"javascript:alert(1)\"?>x", { "<?", "javascript" } },
	{ "unclosed tag", "<img src=x onerror=alert(1)//", { "onerror" } },
	{ "unclosed attr", "<a href=\"https://ok.example/\" onclick=\"alert(1)>x", { "onclick" } },
	{ "id clobbering", "<form id=test></form><img id=location name=cookie src=\"cid:x\">", { " id=", " name=" } },
	{ "name clobbering", "<a name=\"getElementById\" href=\"https://x.y/\">x</a>", { " name=" } },
	{ "srcset", "<img src=\"cid:a\" srcset=\"javascript:alert(1) 1x\">", { "srcset", "javascript" } },
	{ "background attr", "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>", { "background", "javascript" } },
	{ "target and rel injection", "<a href=\"https://x.y/\" target=\"_self\" rel=\"opener\">x</a>", { "_self", "opener\"" } },
	{ "data attribute spoof", "<img src=\"cid:a\" data-mado-remote-src=\"javascript:alert(1)\">", { "javascript" } },
	{ "attr quote breakout", "<p title='\" onmouseover=\"alert(1)'>x</p>", { "onmouseover=\"" } },
	{ "attribute with backtick", "<p title=``onmouseover=alert(1)>x</p>", { " onmouseover=" } },
	{ "frameset", "<frameset onload=alert(1)><frame src=\"javascript:alert(1)\"></frameset>", { "frame", "javascript" } },
	{ "applet", "<applet code=\"x.class\"><param name=a value=b></applet>", { "applet", "param" } },
	{ "a in svg foreignobject", "<svg><foreignObject><a href=\"javascript:alert(1)\">x</a></foreignObject></svg>", { "javascript" } },
	{ "table foster parenting", "<table><img src=x onerror=alert(1)><tr><td>x</td></tr></table>", { "onerror" } },
	{ "select mxss", "<select><template><style><img src=x onerror=alert(1)></style></template></select>", { "onerror", "<img" } },
	{ "isindex", "<isindex action=\"javascript:alert(1)\" type=image>", { "javascript" } },
	{ "event on allowed tag", "<p onclick=alert(1) onmouseover=alert(1)>x</p>", { "onclick", "onmouseover" } },
	{ "keygen autofocus", "<keygen autofocus onfocus=alert(1)>", { "onfocus" } },
	{ "video poster", "<video poster=javascript:alert(1)><source onerror=alert(1)></video>", { "video", "onerror" } },
	{ "area href", "<map><area href=\"javascript:alert(1)\"></map>", { "javascript", "area" } },
	{ "href with entity newline", "<a href=\"javas&NewLine;cript:alert(1)\">x</a>", { "cript:" } },
	{ "fullwidth scheme", "<a href=\"\xef\xbd\x8a" "avascript:alert(1)\">x</a>", { "avascript" } },
};

static void test_hostile(void)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		const struct vec *v = &hostile[i];
		size_t len = strlen(v->in);
		const char *why;
		buf_reset(&b);
		mado_status st = html_sanitize(v->in, len, NULL, &b);
		if (!ok(st == MADO_OK, "hostile %s: sanitized", v->name))
			continue;
		why = out_hostile(str(&b));
		if (!ok(!why, "hostile %s: output format (%s)", v->name, why ? why : "clean"))
			diag("out: %s", str(&b));
		bool clean = true;
		for (size_t k = 0; k < 4 && v->absent[k]; k++)
			if (has_ci(str(&b), b.len, v->absent[k])) {
				diag("'%s' found in: %s", v->absent[k], str(&b));
				clean = false;
			}
		ok(clean, "hostile %s: nothing dangerous left", v->name);
	}
	/* a NUL inside a tag name: the length, not strlen, bounds the input */
	static const char nul[] = "<scr\0ipt>alert(1)</script>x";
	buf_reset(&b);
	is_int(html_sanitize(nul, sizeof nul - 1, NULL, &b), MADO_OK, "hostile NUL in tag name");
	ok(!out_hostile(str(&b)) && !has_ci(str(&b), b.len, "<scr"),
	   "hostile NUL in tag name: nothing dangerous left");
	buf_free(&b);
}

/* ------------------------------------------------ benign, exact */

struct pair {
	const char *name;
	const char *in;
	const char *want;
};

static const struct pair benign[] = {
	{ "formatting", "<p>Hello <b>bold</b>, <i>it</i>, <u>u</u>, <s>s</s>, <strong>st</strong> <em>em</em> <sub>1</sub><sup>2</sup></p>",
	  "<p>Hello <b>bold</b>, <i>it</i>, <u>u</u>, <s>s</s>, <strong>st</strong> <em>em</em> <sub>1</sub><sup>2</sup></p>" },
	{ "full document", "<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body><p>x</p></body></html>",
	  "<p>x</p>" },
	{ "text escaped", "a &lt;b&gt; &amp; \"c\" 'd'", "a &lt;b&gt; &amp; \"c\" 'd'" },
	{ "link", "<a href=\"https://example.com/a?b=1&amp;c=2\" onclick=\"x()\" title=\"T\">go</a>",
	  "<a href=\"https://example.com/a?b=1&amp;c=2\" title=\"T\" target=\"_blank\" rel=\"noopener noreferrer\">go</a>" },
	{ "mailto link", "<a href=\"mailto:support@example.com\">mail</a>",
	  "<a href=\"mailto:support@example.com\" target=\"_blank\" rel=\"noopener noreferrer\">mail</a>" },
	{ "link whitespace cleaned", "<a href=\" https://exa\tmple.com/ \">x</a>",
	  "<a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>" },
	{ "relative link unwrapped", "<a href=\"/x\">rel</a> <a href=\"#top\">frag</a> <a name=\"n\">anchor</a>",
	  "rel frag anchor" },
	{ "table", "<table border=\"1\" cellpadding=\"2\" width=\"100%\" class=\"t\"><tr><th colspan=\"2\" onclick=\"x\">H</th></tr><tr><td valign=\"top\" bgcolor=\"#ffeeee\" width=\"50\">a</td><td nowrap>b</td></tr></table>",
	  "<table border=\"1\" cellpadding=\"2\" width=\"100%\"><tbody><tr><th colspan=\"2\">H</th></tr><tr><td valign=\"top\" bgcolor=\"#ffeeee\" width=\"50\">a</td><td nowrap=\"\">b</td></tr></tbody></table>" },
	{ "bad attribute values dropped", "<td width=\"50;x\"><table width=\"expression(1)\" bgcolor=\"red;x\"><tr><td colspan=\"2x\">a</td></tr></table>",
	  "<table><tbody><tr><td>a</td></tr></tbody></table>" },
	{ "japanese", "<p>お問い合わせありがとうございます。<br>担当：山田</p>",
	  "<p>お問い合わせありがとうございます。<br>担当：山田</p>" },
	{ "font", "<font face=\"ＭＳ ゴシック\" color=\"#ff0000\" size=\"+1\" onclick=\"x\">f</font>",
	  "<font face=\"ＭＳ ゴシック\" color=\"#ff0000\" size=\"+1\">f</font>" },
	{ "cid image kept", "<img src=\"cid:logo@example.com\" alt=\"Logo\" width=\"120\" height=\"40\">",
	  "<img src=\"cid:logo@example.com\" alt=\"Logo\" width=\"120\" height=\"40\">" },
	{ "remote image converted", "<img src=\"https://cdn.example.com/p.gif?u=1&amp;t=2\" width=\"1\" alt=\"\">",
	  "<img data-mado-remote-src=\"https://cdn.example.com/p.gif?u=1&amp;t=2\" width=\"1\" alt=\"\">" },
	{ "data png kept", "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
	  "<img src=\"data:image/png;base64,iVBORw0KGgo=\">" },
	{ "image without source dropped", "a<img alt=\"x\">b<img src=\"/rel.png\">c", "abc" },
	{ "style filtered", "<p style=\"COLOR: Red; position: absolute; font-family: 'Meiryo', sans-serif;\n margin:0  auto; background-image:url(x)\">s</p>",
	  "<p style=\"color: Red; font-family: &#39;Meiryo&#39;, sans-serif; margin: 0 auto\">s</p>" },
	{ "style rgb and important", "<span style=\"color: rgb(0, 0, 255) !important; border-top: 1px solid #ccc\">s</span>",
	  "<span style=\"color: rgb(0, 0, 255) !important; border-top: 1px solid #ccc\">s</span>" },
	{ "style all bad dropped", "<span style=\"position:fixed\">s</span>", "<span>s</span>" },
	{ "lists", "<ul type=\"disc\"><li>a</li><li>b</li></ul><ol start=\"3\"><li value=\"5\">c</li></ol>",
	  "<ul type=\"disc\"><li>a</li><li>b</li></ul><ol start=\"3\"><li value=\"5\">c</li></ol>" },
	{ "blockquote cite", "<blockquote type=\"cite\" cite=\"mid:x\">q</blockquote>",
	  "<blockquote type=\"cite\">q</blockquote>" },
	{ "unknown unwrapped", "<o:p>word</o:p><custom-el x=\"1\">c</custom-el><marquee>m</marquee>", "wordcm" },
	{ "pre newline kept", "<pre>\n\nx</pre>", "<pre>\n\nx</pre>" },
	{ "globals", "<div dir=\"rtl\" lang=\"ja-JP\" align=\"center\" title=\"a&quot;b\">x</div>",
	  "<div dir=\"rtl\" lang=\"ja-JP\" align=\"center\" title=\"a&quot;b\">x</div>" },
	{ "void elements", "a<br/>b<hr noshade size=\"1\">c<wbr>d", "a<br>b<hr noshade=\"\" size=\"1\">c<wbr>d" },
	{ "form content dropped", "<form action=\"x\">secret<input value=\"v\"></form>after", "after" },
	{ "ruby", "<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>",
	  "<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>" },
	{ "empty", "", "" },
};

static void test_benign(void)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof benign / sizeof *benign; i++) {
		mado_status st = san(benign[i].in, &b);
		is_int(st, MADO_OK, "benign %s: status", benign[i].name);
		is_str(str(&b), benign[i].want, "benign %s", benign[i].name);
		ok(!out_hostile(str(&b)), "benign %s: output format", benign[i].name);
	}
	buf_free(&b);
}

/* Re-sanitizing our own output must change nothing: the tree we wrote is
 * the tree a parser reads back. */
static void test_idempotent(void)
{
	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof benign / sizeof *benign; i++) {
		/* remote images lose src by design; <pre> gains a newline */
		if (strstr(benign[i].in, "<pre>") || strstr(benign[i].want, "remote-src"))
			continue;
		san(benign[i].in, &a);
		san(str(&a), &b);
		is_str(str(&b), str(&a), "idempotent: %s", benign[i].name);
	}
	buf_free(&a);
	buf_free(&b);
}

/* ------------------------------------------------ text rendition */

static const struct pair texts[] = {
	{ "paragraphs", "<p>Hello <b>world</b></p><p>Second   para\n  wraps</p>",
	  "Hello world\n\nSecond para wraps" },
	{ "document head dropped", "<html><head><title>T</title><style>p{}</style></head><body><div>a</div><div>b</div><script>var x;</script></body></html>",
	  "a\nb" },
	{ "line breaks squeezed", "a<br>b<br><br><br><br>c", "a\nb\n\nc" },
	{ "lists", "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><p>after</p>",
	  "- one\n- two\n  - nested\n\nafter" },
	{ "links", "<a href=\"https://example.com/x\">click here</a> and <a href=\"https://example.com/\">https://example.com</a>, <a href=\"mailto:a@example.com\">a@example.com</a> <a href=\"javascript:x\">js</a>",
	  "click here <https://example.com/x> and https://example.com, a@example.com js" },
	{ "links in a list", "<ul><li><a href=\"https://a.example/\">https://a.example/</a></li><li> <a href=\"https://b.example/\">B</a></li></ul>",
	  "- https://a.example/\n- B <https://b.example/>" },
	{ "link in a table cell", "<table><tr><td>x</td><td><a href=\"mailto:a@example.com\">a@example.com</a></td></tr></table>",
	  "x\ta@example.com" },
	{ "image link", "<a href=\"http://x.example/\"><img src=\"a.png\"></a>", "<http://x.example/>" },
	{ "entities", "&lt;tag&gt; &amp; &copy; &#x3042;", "<tag> & \xc2\xa9 \xe3\x81\x82" },
	{ "nbsp does not collapse", "a&nbsp;&nbsp;&nbsp;b", "a   b" },
	{ "japanese line breaks vanish", "<p>日本語の\nテキスト、\n改行</p><p>English\nwords</p>",
	  "日本語のテキスト、改行\n\nEnglish words" },
	{ "japanese mail", "<div>山田様</div><div><br></div><div>いつもお世話になっております。</div><div>よろしくお願いいたします。</div>",
	  "山田様\n\nいつもお世話になっております。\nよろしくお願いいたします。" },
	{ "table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td></td><td>d</td></tr></table>",
	  "a\tb\nc\td" },
	{ "pre kept", "<p>x</p><pre>  code\n    indented</pre>after", "x\n\n  code\n    indented\n\nafter" },
	{ "headings and quote", "<h1>Title</h1>text<blockquote>quoted</blockquote>end",
	  "Title\n\ntext\n\nquoted\n\nend" },
	{ "hostile content dropped", "<style>.a{}</style><script>alert(1)</script>visible<noscript>ns</noscript><svg><text>svg</text></svg><math><mi>m</mi></math><template>t</template><select><option>o</option></select>",
	  "visible" },
	{ "form text kept", "<form>Name: <input value=\"x\"><button>Send</button></form>", "Name: Send" },
	{ "trimmed", "\n\n   <p>  x  </p>  \n\n", "x" },
	{ "empty", "", "" },
};

static void test_text(void)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		mado_status st = txt(texts[i].in, &b);
		is_int(st, MADO_OK, "text %s: status", texts[i].name);
		is_str(str(&b), texts[i].want, "text %s", texts[i].name);
	}
	buf_free(&b);
}

/* ------------------------------------------------ caps */

static char *repeat(const char *unit, size_t n, size_t *len)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	*len = u * n;
	return s;
}

static size_t max_nesting(const char *s, const char *open, const char *close)
{
	size_t d = 0, max = 0, ol = strlen(open), cl = strlen(close);
	for (; *s; s++) {
		if (strncmp(s, open, ol) == 0 && ++d > max)
			max = d;
		else if (strncmp(s, close, cl) == 0 && d)
			d--;
	}
	return max;
}

static void test_caps(void)
{
	struct buf b;
	size_t len;
	char *deep;
	mado_status st;

	buf_init(&b, 0);

	/* input size */
	struct html_sanitize_opts small = { .max_input = 10 };
	buf_append_str(&b, "keep");
	st = html_sanitize("<p>0123456789</p>", 17, &small, &b);
	is_int(st, MADO_ELIMIT, "cap: max_input");
	is_str(str(&b), "keep", "cap: output untouched on error");
	st = html_to_text("<p>0123456789</p>", 17, &small, &b);
	is_int(st, MADO_ELIMIT, "cap: max_input (text)");

	/* element count */
	struct html_sanitize_opts few = { .max_nodes = 5 };
	st = html_sanitize("<b>1</b><b>2</b><b>3</b><b>4</b><b>5</b><b>6</b>", 48, &few, &b);
	is_int(st, MADO_ELIMIT, "cap: max_nodes");
	is_str(str(&b), "keep", "cap: output untouched after max_nodes");
	st = html_sanitize("<b>1</b><b>2</b><b>3</b>", 24, &few, &b);
	is_int(st, MADO_OK, "cap: under max_nodes passes");

	/* parser memory */
	struct html_sanitize_opts lean = { .max_memory = 64 << 10 };
	deep = repeat("<p a=1 b=2 c=3>x</p>", 5000, &len);
	st = html_sanitize(deep, len, &lean, &b);
	is_int(st, MADO_ELIMIT, "cap: max_memory");
	st = html_to_text(deep, len, &lean, &b);
	is_int(st, MADO_ELIMIT, "cap: max_memory (text)");
	free(deep);

	/* time: nested <div>s cost gumbo quadratic time; the deadline stops it */
	struct html_sanitize_opts quick = { .max_ms = 50, .max_nodes = 1000000 };
	deep = repeat("<div>", 100000, &len);
	st = html_sanitize(deep, len, &quick, &b);
	is_int(st, MADO_ELIMIT, "cap: max_ms on 100,000 nested <div>");
	free(deep);

	/* 100,000-deep nesting: no crash, output flattened to max_depth */
	struct html_sanitize_opts roomy = { .max_nodes = 1000000, .max_ms = 120000 };
	deep = repeat("<span>", 100000, &len);
	buf_reset(&b);
	st = html_sanitize(deep, len, &roomy, &b);
	is_int(st, MADO_OK, "deep: 100,000 nested <span>");
	is_int(max_nesting(str(&b), "<span>", "</span>"), HTML_SANITIZE_MAX_DEPTH,
	       "deep: output nesting capped at max_depth");
	buf_reset(&b);
	st = html_to_text(deep, len, &roomy, &b);
	is_int(st, MADO_OK, "deep: text of 100,000 nested <span>");
	free(deep);

	/* formatting elements: 400,000 levels, which overflow gumbo's own
	 * recursive destructor; we free without it */
	deep = repeat("<b><i><u><s>x", 25000, &len);
	buf_reset(&b);
	st = html_sanitize(deep, len, &roomy, &b);
	ok(st == MADO_OK || st == MADO_ELIMIT, "deep: 100,000 x <b><i><u><s> (%s)",
	   mado_status_name(st));
	free(deep);

	/* default caps turn away a huge element count before any walk */
	deep = repeat("<span>", 150000, &len);
	buf_reset(&b);
	st = html_sanitize(deep, len, NULL, &b);
	is_int(st, MADO_ELIMIT, "deep: 150,000 elements over the default max_nodes");
	free(deep);

	/* max_depth option */
	struct html_sanitize_opts shallow = { .max_depth = 2 };
	buf_reset(&b);
	st = html_sanitize("<div><p><b>x</b></p></div>", 26, &shallow, &b);
	is_str(str(&b), "<div><p>x</p></div>", "max_depth flattens deeper tags");

	/* bad arguments */
	is_int(html_sanitize(NULL, 3, NULL, &b), MADO_EINVAL, "NULL html with length");
	is_int(html_sanitize(NULL, 0, NULL, &b), MADO_OK, "NULL html, no length");

	/* an output buffer with a maximum reports ELIMIT */
	struct buf tiny;
	buf_init(&tiny, 8);
	is_int(html_sanitize("<p>long enough</p>", 18, NULL, &tiny), MADO_ELIMIT,
	       "output buffer maximum");
	is_int(tiny.len, 0, "output buffer left empty");
	buf_free(&tiny);

	buf_free(&b);
}

/* Invalid UTF-8 and NULs must come out as valid, escaped text. */
static void test_bytes(void)
{
	static const char in[] = "<p>a\xff\xfe b\0c \xe3\x81</p>";
	struct buf b;
	buf_init(&b, 0);
	is_int(html_sanitize(in, sizeof in - 1, NULL, &b), MADO_OK, "binary input sanitized");
	ok(!memchr(b.p, '\0', b.len), "no NUL in output");
	ok(!out_hostile(str(&b)), "binary input: output format");
	buf_reset(&b);
	is_int(html_to_text(in, sizeof in - 1, NULL, &b), MADO_OK, "binary input to text");
	buf_free(&b);
}

int main(void)
{
	test_hostile();
	test_benign();
	test_idempotent();
	test_text();
	test_caps();
	test_bytes();
	return done_testing();
}
