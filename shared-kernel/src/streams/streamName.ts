/** Stream names are `<Category>-<id>`; built and parsed only here so every process agrees. */
export type StreamCategory = 'CalendarEvent' | 'Calendar' | 'User' | 'UserEmail' | 'Schedule';

export function streamName(category: StreamCategory, id: string): string {
  return `${category}-${id}`;
}

export function parseStreamName(name: string): { category: string; id: string } {
  const dash = name.indexOf('-');
  if (dash <= 0) return { category: name, id: '' };
  return { category: name.slice(0, dash), id: name.slice(dash + 1) };
}
