/**
 * Merges VCALENDAR objects rendered a chunk at a time into one (RFC 5545 §3.4, §3.6): the first one's
 * calendar properties, then each time zone once, then every other component in order. A zone rendered
 * by several chunks (each spelling out the transitions its own events span) keeps the union of their
 * observances, ordered by onset, so it covers every event of the file.
 */
export class CalendarObjectMerge {
  private header: string[] | undefined;
  private readonly zones = new Map<string, { properties: string[]; observances: Map<string, string> }>();
  private readonly components: string[] = [];

  /** Adds one rendered VCALENDAR (CRLF lines, folded). */
  add(calendar: string): this {
    const lines = calendar.split('\r\n');
    if (lines.at(-1) === '') lines.pop();
    const header: string[] = [];
    for (let i = 1; i < lines.length - 1; ) {
      const line = lines[i] as string;
      if (!line.startsWith('BEGIN:')) {
        header.push(line);
        i += 1;
        continue;
      }
      const end = `END:${line.slice('BEGIN:'.length)}`;
      let j = i + 1;
      while (j < lines.length - 1 && lines[j] !== end) j += 1;
      const block = lines.slice(i, j + 1);
      if (line === 'BEGIN:VTIMEZONE') this.addZone(block);
      else this.components.push(block.join('\r\n'));
      i = j + 1;
    }
    this.header ??= header;
    return this;
  }

  private addZone(block: string[]): void {
    const tzid = block.find((line) => line.startsWith('TZID'));
    if (!tzid) return;
    let zone = this.zones.get(tzid);
    if (!zone) {
      zone = { properties: [], observances: new Map() };
      this.zones.set(tzid, zone);
    }
    const inner = block.slice(1, -1);
    const properties: string[] = [];
    for (let i = 0; i < inner.length; ) {
      const line = inner[i] as string;
      if (!line.startsWith('BEGIN:')) {
        properties.push(line);
        i += 1;
        continue;
      }
      let j = i + 1;
      while (j < inner.length && inner[j] !== `END:${line.slice('BEGIN:'.length)}`) j += 1;
      const observance = inner.slice(i, j + 1).join('\r\n');
      zone.observances.set(observance, observance);
      i = j + 1;
    }
    if (zone.properties.length === 0) zone.properties = properties;
  }

  /** The merged VCALENDAR as the pieces it is made of (CRLF-terminated), `extraHeader` lines after the first one's calendar properties. */
  pieces(extraHeader: string[] = []): string[] {
    const onset = (observance: string) => /\r\nDTSTART[^:]*:([^\r]*)/.exec(observance)?.[1] ?? '';
    const zones = [...this.zones.values()].map(({ properties, observances }) => [
      'BEGIN:VTIMEZONE', ...properties, ...[...observances.values()].sort((a, b) => (onset(a) < onset(b) ? -1 : onset(a) > onset(b) ? 1 : 0)), 'END:VTIMEZONE',
    ].join('\r\n'));
    const header = this.header ?? ['VERSION:2.0', 'PRODID:-//Datebook//Datebook//EN'];
    return [...['BEGIN:VCALENDAR', ...header, ...extraHeader], ...zones, ...this.components, 'END:VCALENDAR'].map((piece) => `${piece}\r\n`);
  }

  /** The merged VCALENDAR as one text. */
  toString(extraHeader: string[] = []): string {
    return this.pieces(extraHeader).join('');
  }
}
