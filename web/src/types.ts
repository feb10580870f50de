// Shapes of the API's JSON (docs/api/*.md). SLA state (docs/api/sla.md,
// src/core/sla.c sla_view) and triage (docs/workflow.md) may be null.

export interface Person { email: string; name: string }

// One SLA target: its due time, when it was met, and the seconds left
// (null once met, when not running, or without a due time).
export interface SlaTarget {
  due: string | null; met_at: string | null; breached: boolean; seconds_left: number | null;
}

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTargetName = (typeof SLA_TARGETS)[number];

export interface Sla {
  policy: { id: number; name: string }; breached: boolean;
  paused: boolean; paused_at: string | null; paused_seconds: number;
  first_response?: SlaTarget; next_response?: SlaTarget; resolution?: SlaTarget;
}

export interface LocalizedText { en?: string; ja?: string }

export interface Canned { id: number; title: string; body: string; created_by?: unknown }

export interface TicketRow {
  number: number; subject: string; status: string; priority: string; type: string;
  channel: string; customer: Person; organization: string | null;
  created_at: string; updated_at: string; message_count: number;
  group_id?: number | null; assignee_id?: number | null; tags?: string[];
  merged_into?: number | null; parent_id?: number | null;
  sla?: Sla | null; priority_reason?: LocalizedText | null;
  category?: string | null; language?: string | null;
}

export interface Message {
  id: number; direction: 'in' | 'out'; from: Person; to: Person[]; cc: Person[];
  subject: string; date: string; received_at: string; text: string; html: string;
  kind: string; hygiene: string; truncated: boolean;
}

export interface Attachment {
  id: number; message: number; filename: string; content_type: string; size: number;
  inline: boolean; stored: boolean; url?: string;
}

export interface TicketEvent {
  id: number; actor: string; kind: string; field: string; old: string | null; new: string | null; at: string;
}

export interface Note {
  id: number; agent: { id: number; email: string; name: string }; body: string; created_at: string;
}

export interface Ticket extends TicketRow {
  participants: (Person & { role: string })[];
  messages: Message[]; attachments: Attachment[]; events: TicketEvent[];
  custom_fields?: Record<string, unknown>; links?: number[]; children?: number[]; notes?: Note[];
}

export interface Agent {
  id: number; email: string; name: string; role: string; language: string; time_zone: string;
  available: boolean; disabled: boolean; groups: number[];
}

export interface Group { id: number; name: string; members: number[] }

export interface Field { id: number; key: string; label: string; type: string; options?: string[] }

export interface SavedView { id: number; name: string; shared: boolean; mine: boolean; query: Record<string, string> }

export interface Presence { agent_id: number; email: string; state: string }

export interface Segment { text: string; hit?: boolean }
