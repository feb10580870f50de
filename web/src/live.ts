// The server-sent event stream (/api/v1/events): one EventSource for the
// app; components subscribe to the event types they show. The stream has
// no replay, so whenever it opens (the first time too: a ticket may have
// changed between a list's fetch and the stream's start) subscribers are
// told to reload.
export interface LiveEvent { type: string; ticket_id: number; agent_id?: number; email?: string; state?: string }

type Fn = (e: LiveEvent) => void;
const subs = new Set<Fn>();
let es: EventSource | null = null;

export function liveStart(): void {
  if (es) return;
  es = new EventSource('/api/v1/events');
  es.onopen = () => subs.forEach((f) => f({ type: 'reconnected', ticket_id: 0 }));
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
  es?.close();
  es = null;
}

export function subscribe(fn: Fn): () => void {
  subs.add(fn);
  return () => void subs.delete(fn);
}
