// RFC 5545 iCalendar: reading (content lines, components, values, time zones, VEVENT → draft) and writing
// (TEXT, folding, DATE/DATE-TIME, VTIMEZONE, a calendar object for an audience).
export { DEFAULT_ICALENDAR_LIMITS, type ICalendarLimits, MAX_OVERRIDES_PER_EVENT } from './limits';
export { ICalendarSyntaxError } from './syntaxError';
export { readContentLines, lexContentLine, paramOf, type ContentLine, type ContentLineParam } from './contentLines';
export { readComponents, propertyOf, propertiesOf, type ICalComponent } from './components';
export { escapeText, unescapeText, textAsWritten } from './textValue';
export { foldLine } from './fold';
export { basicDate, basicLocal, durationOfMinutes, readDateOrDateTime, readDuration, utcDateTime, type DurationValue } from './dateValues';
export { addressOf, participantsOf } from './participants';
export { ianaOfWindowsZone } from './windowsZones';
export { VTimezoneRules } from './vtimezoneRules';
export { ZoneResolver, type ResolvedZone } from './zoneResolution';
export { buildVTimezone, localDateTime, offsetMinutes, offsetTransitions, type Transition } from './vtimezone';
export { recurrenceProperty } from './recurrenceProperties';
export type { DraftAttendee, DraftOverride, EventDraft, ParsedCalendarObjects, ParticipationStatus, SkippedEvent } from './eventDraft';
export { parseCalendarObjects, type ParseOptions } from './parseCalendarObjects';
export { renderCalendarObject } from './renderCalendarObject';
export type { RenderAudience, RenderInput, RenderOptions } from './renderInput';
