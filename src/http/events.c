/*
 * The live-event bus: who is subscribed (one struct sub per open
 * GET /api/v1/events stream), what each still has to receive (a bounded
 * byte queue of ready SSE frames), and who is present on which ticket.
 *
 * Streams never hold a pool thread. A stream's read callback copies out
 * what is queued; when nothing is, it parks the connection
 * (MHD_suspend_connection, from inside the callback as libmicrohttpd
 * requires) and marks the sub suspended, both under the bus lock. Whoever
 * queues bytes for a suspended sub clears the mark under the lock and
 * wakes the connection after releasing it: a parked connection cannot be
 * closed or freed until it is woken, and only the one who cleared the mark
 * wakes it, so the pointer stays valid. A client that does not read lets
 * its queue grow to EVENTS_QUEUE_MAX, then its stream ends (it reconnects).
 *
 * Visibility is checked per event and per subscriber with that
 * subscriber's viewer, through the same store condition as everything
 * else, outside the bus lock (the list is snapshotted by sub id first).
 *
 * Publishers: events_publish() (the write endpoints, after commit), the
 * drainer (events_after_drain(): tails the audit trail for what intake
 * wrote, so core/intake.c stays unaware of HTTP), and presence. One thread
 * here sends keep-alive comments to idle streams every
 * EVENTS_KEEPALIVE_SECONDS and expires presence.
 *
 * Presence is memory only: it is ephemeral by nature (30 s), and a
 * restart that forgets it loses nothing an agent's next refresh does not
 * restore.
 */
#include "http/events.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/server_internal.h"
#include "store/store_search.h"
#include "store/workspace.h"

struct sub {
	struct sub *next;
	uint64_t id;
	struct events *ev;
	struct store_viewer viewer;
	bool agent;
	int64_t owner;          /* agent id, or -customer id */
	void *conn;
	struct buf q;           /* SSE frames not yet read */
	size_t qoff;
	bool closed, suspended;
	double last_write;
};

struct presence {
	int64_t ticket_id, agent_id;
	char email[128];
	char state[16];
	double expires;
};

struct events {
	struct server *srv;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool thread_started, closed;
	struct sub *subs;
	size_t nsubs;
	uint64_t next_sub, seq;
	struct presence *pres;
	size_t npres;
	int64_t feed_last;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- queues (bus lock held) ---- */

/* Queue bytes for s; true when the caller must wake s->conn afterwards. */
static bool enqueue(struct sub *s, const char *p, size_t n)
{
	if (s->closed)
		return false;
	if (s->qoff && s->qoff >= s->q.len / 2) {
		memmove(s->q.p, s->q.p + s->qoff, s->q.len - s->qoff);
		s->q.len -= s->qoff;
		s->qoff = 0;
	}
	if (s->q.len - s->qoff + n > EVENTS_QUEUE_MAX || buf_append(&s->q, p, n))
		s->closed = true;   /* too slow: end it, the client reconnects */
	s->last_write = mono();
	if (!s->suspended)
		return false;
	s->suspended = false;
	return true;
}

struct wake_list {
	void **conns;
	size_t n, cap;
};

static void wake_add(struct wake_list *w, void *conn)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		void **p = realloc(w->conns, cap * sizeof *p);
		if (!p)
			return;   /* cannot happen in practice; the keep-alive wakes it later */
		w->conns = p;
		w->cap = cap;
	}
	w->conns[w->n++] = conn;
}

/* Bus lock NOT held. */
static void wake_all(struct wake_list *w)
{
	for (size_t i = 0; i < w->n; i++)
		server_conn_resume(w->conns[i]);
	free(w->conns);
	w->conns = NULL;
	w->n = w->cap = 0;
}

/* ---- the stream callbacks (run on the connection's pool thread) ---- */

static ssize_t sub_read(void *ctx, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct sub *s = ctx;
	struct events *ev = s->ev;
	pthread_mutex_lock(&ev->mu);
	size_t avail = s->q.len - s->qoff;
	if (avail) {
		size_t n = avail < max ? avail : max;
		memcpy(out, s->q.p + s->qoff, n);
		s->qoff += n;
		if (s->qoff == s->q.len) {
			buf_reset(&s->q);
			s->qoff = 0;
		}
		pthread_mutex_unlock(&ev->mu);
		return (ssize_t)n;
	}
	if (s->closed) {
		pthread_mutex_unlock(&ev->mu);
		return HTTP_STREAM_END;
	}
	s->suspended = true;
	server_conn_suspend(s->conn);
	pthread_mutex_unlock(&ev->mu);
	return 0;
}

static void sub_free(void *ctx)
{
	struct sub *s = ctx;
	struct events *ev = s->ev;
	pthread_mutex_lock(&ev->mu);
	for (struct sub **pp = &ev->subs; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			ev->nsubs--;
			break;
		}
	pthread_mutex_unlock(&ev->mu);
	buf_free(&s->q);
	free(s);
}

void events_subscribe(struct http_req *req, struct http_resp *resp)
{
	struct events *ev = req->srv->events;
	bool agent = req->who.agent_id > 0;
	int64_t owner = agent ? req->who.agent_id : -req->who.customer_id;
	struct sub *s = calloc(1, sizeof *s);
	if (!s) {
		http_error(resp, 503, "unavailable", "out of memory");
		return;
	}
	s->ev = ev;
	s->agent = agent;
	s->owner = owner;
	s->conn = req->conn;
	s->viewer.all = req->who.role >= ROLE_SUPERVISOR;
	s->viewer.agent_id = req->who.agent_id;
	s->viewer.customer_id = req->who.customer_id;
	buf_init(&s->q, 0);
	static const char hello[] = "retry: 3000\n: connected\n\n";
	buf_append(&s->q, hello, sizeof hello - 1);
	s->last_write = mono();

	pthread_mutex_lock(&ev->mu);
	size_t mine = 0;
	for (struct sub *o = ev->subs; o; o = o->next)
		mine += o->owner == owner;
	const char *refuse = ev->closed ? "shutting down"
	                     : ev->nsubs >= EVENTS_MAX_STREAMS ? "too many event streams"
	                     : mine >= EVENTS_MAX_STREAMS_PER_USER ? "too many event streams for this user"
	                     : NULL;
	if (!refuse) {
		s->id = ++ev->next_sub;
		s->next = ev->subs;
		ev->subs = s;
		ev->nsubs++;
	}
	pthread_mutex_unlock(&ev->mu);
	if (refuse) {
		buf_free(&s->q);
		free(s);
		http_error(resp, ev->closed ? 503 : 429, "too_many_streams", refuse);
		return;
	}
	resp->status = 200;
	resp->content_type = "text/event-stream; charset=utf-8";
	http_header_add(resp, req, "X-Accel-Buffering", "no");
	resp->stream.read = sub_read;
	resp->stream.free = sub_free;
	resp->stream.ctx = s;
}

/* ---- publishing ---- */

struct snap {
	uint64_t id;
	struct store_viewer viewer;
	bool agent;
	bool visible;
};

static bool same_viewer(const struct store_viewer *a, const struct store_viewer *b)
{
	return a->all == b->all && a->agent_id == b->agent_id && a->customer_id == b->customer_id;
}

static char *frame(uint64_t seq, const char *type, json_t *data, size_t *len)
{
	char *js = json_dumps(data, JSON_COMPACT);
	if (!js)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)seq, type, js);
	free(js);
	*len = b.len;
	return buf_steal(&b);
}

/*
 * Deliver one event about ticket_id. data: the agents' JSON object
 * (borrowed); customers get {type, ticket_id} unless agents_only.
 * st: a connection of the calling thread, for the visibility checks.
 */
static void deliver(struct events *ev, struct store *st, const char *type, int64_t ticket_id, json_t *data,
                    bool agents_only)
{
	pthread_mutex_lock(&ev->mu);
	if (ev->closed || !ev->nsubs) {
		pthread_mutex_unlock(&ev->mu);
		return;
	}
	size_t n = 0;
	struct snap *sn = calloc(ev->nsubs, sizeof *sn);
	if (sn)
		for (struct sub *s = ev->subs; s; s = s->next)
			if (!agents_only || s->agent)
				sn[n++] = (struct snap){ .id = s->id, .viewer = s->viewer, .agent = s->agent };
	uint64_t seq = ++ev->seq;
	pthread_mutex_unlock(&ev->mu);

	bool any = false;
	for (size_t i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < i && !same_viewer(&sn[k].viewer, &sn[i].viewer); k++)
			;
		if (k < i) {
			sn[i].visible = sn[k].visible;
		} else {
			struct mado_err err;
			bool vis = false;
			if (store_ticket_visible(st, &sn[i].viewer, ticket_id, &vis, &err))
				vis = false;   /* cannot tell: do not tell */
			sn[i].visible = vis;
		}
		any |= sn[i].visible;
	}
	if (!any) {
		free(sn);
		return;
	}
	size_t alen = 0, clen = 0;
	char *afr = frame(seq, type, data, &alen);
	json_t *cdata = json_pack("{s:s, s:I}", "type", type, "ticket_id", (json_int_t)ticket_id);
	char *cfr = cdata ? frame(seq, type, cdata, &clen) : NULL;
	json_decref(cdata);

	struct wake_list w = { 0 };
	pthread_mutex_lock(&ev->mu);
	for (struct sub *s = ev->subs; s && !ev->closed; s = s->next)
		for (size_t i = 0; i < n; i++) {
			if (sn[i].id != s->id || !sn[i].visible)
				continue;
			const char *f = s->agent ? afr : cfr;
			if (f && enqueue(s, f, s->agent ? alen : clen))
				wake_add(&w, s->conn);
			break;
		}
	pthread_mutex_unlock(&ev->mu);
	wake_all(&w);
	free(afr);
	free(cfr);
	free(sn);
}

static json_t *event_data(const char *type, int64_t ticket_id, const char *extra)
{
	json_t *d = NULL;
	if (extra) {
		d = json_loads(extra, 0, NULL);
		if (d && !json_is_object(d)) {
			json_decref(d);
			d = NULL;
		}
	}
	if (!d)
		d = json_object();
	json_object_set_new(d, "type", json_string(type));
	json_object_set_new(d, "ticket_id", json_integer(ticket_id));
	return d;
}

void events_publish(struct server *srv, const char *type, int64_t ticket_id, const char *json)
{
	struct mado_err err;
	struct store *st = server_thread_store(srv, &err);
	if (!st || !srv->events)
		return;
	bool agents_only = strcmp(type, "ticket.created") && strcmp(type, "ticket.updated") &&
	                   strcmp(type, "ticket.replied");
	json_t *d = event_data(type, ticket_id, json);
	deliver(srv->events, st, type, ticket_id, d, agents_only);
	json_decref(d);
}

/* ---- what intake wrote: the audit trail since the last look ---- */

struct feed_ctx {
	struct events *ev;
	struct store *st;
	int64_t created[64];   /* tickets created in this pass: their first message is no news */
	size_t ncreated;
};

static void on_feed(void *vctx, const struct store_feed_item *it)
{
	struct feed_ctx *fc = vctx;
	bool created = strcmp(it->kind, "created") == 0;
	if (!created)
		for (size_t i = 0; i < fc->ncreated; i++)
			if (fc->created[i] == it->ticket_id)
				return;
	if (created && fc->ncreated < sizeof fc->created / sizeof fc->created[0])
		fc->created[fc->ncreated++] = it->ticket_id;
	const char *type = created ? "ticket.created" : "ticket.updated";
	json_t *d = event_data(type, it->ticket_id, created ? NULL : "{\"change\":\"message\"}");
	deliver(fc->ev, fc->st, type, it->ticket_id, d, false);
	json_decref(d);
}

void events_after_drain(struct server *srv, struct store *st)
{
	struct events *ev = srv->events;
	if (!ev || !st)
		return;
	struct feed_ctx fc = { .ev = ev, .st = st };
	for (int round = 0; round < 100; round++) {
		struct arena *a = arena_new();
		if (!a)
			return;
		int64_t last = ev->feed_last;   /* only the drainer touches feed_last */
		struct mado_err err;
		mado_status r = store_feed_since(st, a, ev->feed_last, 500, on_feed, &fc, &last, &err);
		arena_free(a);
		bool more = last != ev->feed_last;
		ev->feed_last = last;
		if (r || !more)
			break;
	}
}

/* ---- presence ---- */

static json_t *presence_json(const struct presence *p, const char *state, double now)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s}", "ticket_id", (json_int_t)p->ticket_id, "agent_id",
	                      (json_int_t)p->agent_id, "email", p->email, "state", state);
	if (o && now > 0)
		json_object_set_new(o, "expires_in", json_integer((json_int_t)(p->expires - now + 0.5)));
	return o;
}

static void presence_publish(struct events *ev, struct store *st, const struct presence *p,
                             const char *state)
{
	json_t *d = presence_json(p, state, 0);
	if (!d)
		return;
	json_object_set_new(d, "type", json_string("presence"));
	deliver(ev, st, "presence", p->ticket_id, d, true);
	json_decref(d);
}

void events_presence_set(struct server *srv, int64_t ticket_id, int64_t agent_id, const char *email,
                         const char *state, int ttl)
{
	struct events *ev = srv->events;
	bool left = strcmp(state, "left") == 0;
	double now = mono();
	struct presence snap = { 0 };
	bool changed = false;
	pthread_mutex_lock(&ev->mu);
	size_t i;
	for (i = 0; i < ev->npres; i++)
		if (ev->pres[i].ticket_id == ticket_id && ev->pres[i].agent_id == agent_id)
			break;
	if (i < ev->npres) {
		struct presence *p = &ev->pres[i];
		if (left) {
			snap = *p;
			ev->pres[i] = ev->pres[--ev->npres];
			changed = true;
		} else {
			changed = strcmp(p->state, state) != 0;
			snprintf(p->state, sizeof p->state, "%s", state);
			p->expires = now + ttl;
			snap = *p;
		}
	} else if (!left && ev->npres < PRESENCE_MAX) {
		if (!(ev->npres % 64)) {
			struct presence *np = realloc(ev->pres, (ev->npres + 64) * sizeof *np);
			if (np)
				ev->pres = np;
			else
				goto unlock;
		}
		struct presence *p = &ev->pres[ev->npres++];
		p->ticket_id = ticket_id;
		p->agent_id = agent_id;
		snprintf(p->email, sizeof p->email, "%s", email ? email : "");
		snprintf(p->state, sizeof p->state, "%s", state);
		p->expires = now + ttl;
		snap = *p;
		changed = true;
	}
unlock:
	pthread_mutex_unlock(&ev->mu);
	if (changed) {
		struct mado_err err;
		struct store *st = server_thread_store(srv, &err);
		if (st)
			presence_publish(ev, st, &snap, left ? "left" : snap.state);
	}
}

json_t *events_presence_get(struct server *srv, int64_t ticket_id)
{
	struct events *ev = srv->events;
	json_t *arr = json_array();
	double now = mono();
	pthread_mutex_lock(&ev->mu);
	for (size_t i = 0; i < ev->npres; i++)
		if (ev->pres[i].ticket_id == ticket_id && ev->pres[i].expires > now)
			json_array_append_new(arr, presence_json(&ev->pres[i], ev->pres[i].state, now));
	pthread_mutex_unlock(&ev->mu);
	return arr;
}

/* ---- the bus thread: keep-alives and presence expiry ---- */

static void *bus_thread(void *arg)
{
	struct events *ev = arg;
	static const char ka[] = ": keep-alive\n\n";
	pthread_mutex_lock(&ev->mu);
	while (!ev->closed) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&ev->cv, &ev->mu, &until);
		if (ev->closed)
			break;
		double now = mono();
		struct wake_list w = { 0 };
		for (struct sub *s = ev->subs; s; s = s->next)
			if (now - s->last_write >= EVENTS_KEEPALIVE_SECONDS && enqueue(s, ka, sizeof ka - 1))
				wake_add(&w, s->conn);
		struct presence gone[32];
		size_t ngone = 0;
		for (size_t i = 0; i < ev->npres && ngone < sizeof gone / sizeof gone[0];)
			if (ev->pres[i].expires <= now) {
				gone[ngone++] = ev->pres[i];
				ev->pres[i] = ev->pres[--ev->npres];
			} else {
				i++;
			}
		pthread_mutex_unlock(&ev->mu);
		wake_all(&w);
		if (ngone) {
			struct mado_err err;
			struct store *st = server_thread_store(ev->srv, &err);
			for (size_t i = 0; st && i < ngone; i++)
				presence_publish(ev, st, &gone[i], "left");
		}
		pthread_mutex_lock(&ev->mu);
	}
	pthread_mutex_unlock(&ev->mu);
	return NULL;
}

struct events *events_new(struct server *srv)
{
	struct events *ev = calloc(1, sizeof *ev);
	if (!ev)
		return NULL;
	ev->srv = srv;
	pthread_mutex_init(&ev->mu, NULL);
	pthread_cond_init(&ev->cv, NULL);
	/* Start the feed at the newest audit event: what was written before
	 * this server started is not news. */
	struct store *st;
	struct mado_err err;
	if (store_open(srv->ws->db_path, 5000, &st, &err) == MADO_OK) {
		store_feed_head(st, &ev->feed_last, &err);
		store_close(st);
	}
	if (pthread_create(&ev->thread, NULL, bus_thread, ev) == 0)
		ev->thread_started = true;
	return ev;
}

void events_shutdown(struct events *ev)
{
	if (!ev)
		return;
	struct wake_list w = { 0 };
	pthread_mutex_lock(&ev->mu);
	bool was = ev->closed;
	ev->closed = true;
	for (struct sub *s = ev->subs; s; s = s->next) {
		s->closed = true;
		if (s->suspended) {
			s->suspended = false;
			wake_add(&w, s->conn);
		}
	}
	pthread_cond_broadcast(&ev->cv);
	pthread_mutex_unlock(&ev->mu);
	wake_all(&w);
	if (!was && ev->thread_started) {
		pthread_join(ev->thread, NULL);
		ev->thread_started = false;
	}
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	events_shutdown(ev);
	/* streams still listed belong to a daemon that never ran or has
	 * stopped; their free callbacks have run or never will */
	pthread_mutex_destroy(&ev->mu);
	pthread_cond_destroy(&ev->cv);
	free(ev->pres);
	free(ev);
}
