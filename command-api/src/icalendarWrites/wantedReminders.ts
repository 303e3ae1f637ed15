import type { EventReminders, ReminderOverride } from '@datebook/shared-kernel';

const key = (r: ReminderOverride) => `${r.method}:${r.minutes}`;
const sameSet = (a: readonly ReminderOverride[], b: readonly ReminderOverride[]) => {
  const left = new Set(a.map(key));
  const right = new Set(b.map(key));
  return left.size === right.size && [...left].every((k) => right.has(k));
};

/**
 * The actor's reminders a draft's VALARMs ask for, or undefined for no change. VALARMs equal to the
 * actor's defaults (which an export may write for "use my defaults") keep the defaults. Without VALARMs,
 * CalDAV means "none" for reminders of the person's own (the client's copy had them, and they removed
 * them), and nothing for defaults (an export that leaves defaults out cannot be told from a removal);
 * an import without VALARMs says nothing.
 */
export function wantedReminders(
  read: ReminderOverride[] | null,
  current: EventReminders | undefined,
  defaults: readonly ReminderOverride[],
  mode: 'import' | 'caldav',
): EventReminders | undefined {
  const usesDefaults = current === undefined || current.useDefault;
  if (read === null) {
    // Defaults may or may not have been written as VALARMs (the export's choice): their absence changes nothing.
    if (mode === 'import' || usesDefaults || current === undefined || current.overrides.length === 0) return undefined;
    return { useDefault: false, overrides: [] };
  }
  if (usesDefaults ? sameSet(read, defaults) : sameSet(read, current?.overrides ?? [])) return undefined;
  return { useDefault: false, overrides: read };
}
