import type { ContentLine } from './contentLines';
import type { ICalendarLimits } from './limits';
import { ICalendarSyntaxError } from './syntaxError';

/** A component (RFC 5545 §3.4, §3.6): its properties and subcomponents, in file order. */
export interface ICalComponent {
  /** Upper case: VCALENDAR, VEVENT, VTIMEZONE, STANDARD, DAYLIGHT, VALARM, … */
  name: string;
  /** Line of its BEGIN. */
  line: number;
  properties: ContentLine[];
  components: ICalComponent[];
}

const COMPONENT_NAME = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Groups content lines into components by BEGIN/END, checking that every END closes the innermost open
 * component and every BEGIN is closed. The top level holds VCALENDAR objects only (RFC 5545 §3.4; a
 * stream may hold several, §3.4 "iCalendar stream").
 */
export function readComponents(lines: readonly ContentLine[], limits: Pick<ICalendarLimits, 'maxEvents' | 'maxNesting' | 'maxPropertiesPerComponent'>): ICalComponent[] {
  const calendars: ICalComponent[] = [];
  const open: ICalComponent[] = [];
  let events = 0;
  for (const line of lines) {
    const current = open[open.length - 1];
    if (line.name === 'BEGIN') {
      const name = line.value.trim().toUpperCase();
      if (!COMPONENT_NAME.test(name)) throw new ICalendarSyntaxError(line.line, `BEGIN names no component: "${line.value.slice(0, 64)}"`);
      if (current === undefined && name !== 'VCALENDAR') throw new ICalendarSyntaxError(line.line, `expected BEGIN:VCALENDAR, found BEGIN:${name}`);
      if (current !== undefined && name === 'VCALENDAR') throw new ICalendarSyntaxError(line.line, 'BEGIN:VCALENDAR inside another component');
      if (open.length >= limits.maxNesting) throw new ICalendarSyntaxError(line.line, `components nested deeper than ${limits.maxNesting}`);
      if (name === 'VEVENT' && ++events > limits.maxEvents) throw new ICalendarSyntaxError(line.line, `more than ${limits.maxEvents} VEVENT components`);
      const component: ICalComponent = { name, line: line.line, properties: [], components: [] };
      if (current === undefined) calendars.push(component);
      else current.components.push(component);
      open.push(component);
    } else if (line.name === 'END') {
      const name = line.value.trim().toUpperCase();
      if (current === undefined) throw new ICalendarSyntaxError(line.line, `END:${name.slice(0, 64)} closes no component`);
      if (name !== current.name) throw new ICalendarSyntaxError(line.line, `END:${name.slice(0, 64)} does not close BEGIN:${current.name} of line ${current.line}`);
      open.pop();
    } else {
      if (current === undefined) throw new ICalendarSyntaxError(line.line, `property ${line.name} outside any component`);
      if (current.properties.length >= limits.maxPropertiesPerComponent) {
        throw new ICalendarSyntaxError(line.line, `more than ${limits.maxPropertiesPerComponent} properties in ${current.name} of line ${current.line}`);
      }
      current.properties.push(line);
    }
  }
  const unclosed = open[open.length - 1];
  if (unclosed !== undefined) throw new ICalendarSyntaxError(unclosed.line, `BEGIN:${unclosed.name} is never closed`);
  if (calendars.length === 0) throw new ICalendarSyntaxError(1, 'no VCALENDAR object');
  return calendars;
}

/** The first property of that name, or undefined. */
export function propertyOf(component: ICalComponent, name: string): ContentLine | undefined {
  for (const property of component.properties) if (property.name === name) return property;
  return undefined;
}

export function propertiesOf(component: ICalComponent, name: string): ContentLine[] {
  return component.properties.filter((property) => property.name === name);
}
