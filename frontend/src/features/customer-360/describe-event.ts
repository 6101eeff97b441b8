import type { TimelineEntry } from './api/get-timeline';

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Coded reasons (`non_payment`) read as words; free-text reasons stay as they were written. */
function readable(reason: string | null): string | null {
  return reason !== null && /^[a-z]+(_[a-z]+)+$/.test(reason) ? reason.replaceAll('_', ' ') : reason;
}

/** One line an agent can read for a timeline event: "Order ORD-000012 submitted". */
export function describeEvent(entry: TimelineEntry): string {
  const payload = (entry.payload ?? {}) as Record<string, unknown>;
  const [entity, ...verbParts] = entry.event_type.split('.');
  const verb = verbParts.join(' ').replaceAll('_', ' ');
  const label =
    text(payload.number) ??
    text(payload.summary) ??
    text(payload.name) ??
    text(payload.username) ??
    `#${entry.entity_id}`;
  const noun = (entity ?? entry.entity_type).replaceAll('_', ' ');
  const sentence = `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${label} ${verb}`.trim();
  const reason = readable(text(payload.reason) ?? text(payload.decision_reason));
  const note = text(payload.note);
  const why = [reason, note].filter((part) => part !== null).join(': ');
  return why === '' ? sentence : `${sentence} — ${why}`;
}

/** Who did it, readable: the user's or client's name when the API knows it; `system` is the server. */
export function describeActor(actor: string | null | undefined, name?: string | null): string {
  if (name != null && name !== '') return name;
  if (actor == null) return 'unknown';
  if (actor === 'system') return 'ispbill';
  if (actor.startsWith('api_client:')) return `API client ${actor.slice('api_client:'.length)}`;
  if (actor.startsWith('user:')) return `user ${actor.slice('user:'.length)}`;
  return actor;
}
