// Shapes of the API's JSON (docs/api/*.md). Fields that other issues add
// (SLA, priority reasons) are optional: the UI shows them when present.

export interface Person { email: string; name: string }

export interface Sla {
  due_at?: string; first_response_due_at?: string; resolution_due_at?: string;
  next_due_at?: string; breached?: boolean; policy?: string;
}

export interface TicketRow {
  number: number; subject: string; status: string; priority: string; type: string;
  channel: string; customer: Person; organization: string | null;
  created_at: string; updated_at: string; message_count: number;
  group_id?: number | null; assignee_id?: number | null; tags?: string[];
  merged_into?: number | null; parent_id?: number | null;
  sla?: Sla | Sla[] | null; sla_due_at?: string | null; priority_reason?: string;
  priority_reasons?: string[] | { reason?: string; text?: string }[];
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
