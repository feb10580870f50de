// The server-sent event stream (/api/v1/events): one EventSource for the
// app; components subscribe to the event types they show. The stream has
// no replay, so whenever it opens (the first time too: a ticket may have
// changed between a list's fetch and the stream's start) subscribers are
// told to reload.
import { api } from './api';

export interface LiveEvent { type: string; ticket_id: number; agent_id?: number; email?: string; state?: string }

type Fn = (e: LiveEvent) => void;
const subs = new Set<Fn>();
let es: EventSource | null = null;
// A refused stream (429: the agent's other tabs, or connections the server
// has not yet seen close, hold the streams allowed) is not retried by the
// browser: we retry, waiting longer each time (2 s doubling to 60 s).
let retryTimer = 0;
let backoff = 2000;

export function liveStart(): void {
  if (es) return;
  es = new EventSource('/api/v1/events');
  es.onopen = () => {
    backoff = 2000;
    subs.forEach((f) => f({ type: 'reconnected', ticket_id: 0 }));
  };
  es.onerror = () => {
    if (!es || es.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    es = null;
    retryTimer = window.setTimeout(liveStart, backoff);
    backoff = Math.min(backoff * 2, 60000);
    // a stream refused because the session ended: the probe's 401 says so
    api('GET', '/api/v1/session').catch(() => {});
  };
  for (const type of ['ticket.created', 'ticket.updated', 'ticket.replied', 'ticket.noted', 'presence']) {
    es.addEventListener(type, (m) => {
      let data: LiveEvent;
      try {
        data = JSON.parse((m as MessageEvent).data);
      } catch {
        return;
      }
      subs.forEach((f) => f(data));
    });
  }
}

export function liveStop(): void {
  clearTimeout(retryTimer);
  es?.close();
  es = null;
}

export function subscribe(fn: Fn): () => void {
  subs.add(fn);
  return () => void subs.delete(fn);
}
