import { calendarReaderFromUser, DomainError, listedRole, userDecider, userStreamName } from '@datebook/shared-kernel';
import {
  caldavName,
  caldavPrecondition,
  childrenNamed,
  DavError,
  davName,
  isNamed,
  readDavXml,
  readRequestBody,
  resourceMustBeNull,
  sameName,
  sendMultistatus,
  statusLine,
  xmlDocument,
  type XmlElement,
  xmlNode,
} from '@datebook/shared-kernel/dav';
import { readCalendar } from '@datebook/shared-kernel/ports';
import type { Request, Response } from 'express';
import type { CalendarService } from '../calendars/calendarService';
import { type CommandContext, handleCommand, loadStream } from '../commandHandling/handleCommand';
import { allowsEvents, type CollectionChanges, isComponentSet, OWNERS_ONLY, type PropertyOutcome, propertyChange } from './collectionProperties';
import { collectionHref } from './davWriteTargets';

/** A MKCALENDAR or PROPPATCH body is a few properties: far less than the XML reader's own limit. */
const COLLECTION_BODY_LIMIT = 256 * 1024;

export interface CollectionWriteDependencies {
  calendars: CalendarService;
  zoneOf(userID: string): Promise<string>;
}

/** The `D:prop` children of each `D:set` / `D:remove` of a body, in document order (RFC 4918 §9.2: applied in that order). */
function instructions(root: XmlElement): { element: XmlElement; remove: boolean }[] {
  return root.children.flatMap((instruction) => {
    const remove = isNamed(instruction, davName('remove'));
    if (!remove && !isNamed(instruction, davName('set'))) return [];
    return childrenNamed(instruction, davName('prop')).flatMap((prop) => prop.children.map((element) => ({ element, remove })));
  });
}

/** Sets the person's own colour for the calendar (their calendar list, on their User stream). */
async function setColor(deps: CollectionWriteDependencies, calendarID: string, color: string | null, context: CommandContext): Promise<void> {
  const userID = context.actorID;
  const [user, calendar] = await Promise.all([loadStream(deps.calendars.store, userStreamName(userID), userDecider), readCalendar(deps.calendars.store, calendarID)]);
  const role = listedRole(calendar.state, calendarReaderFromUser(user.state, userID));
  await handleCommand(
    deps.calendars.store, userStreamName(userID), userDecider,
    { type: 'ChangeCalendarListEntry', data: { userID, calendarID, listedRole: role, changes: { color } } }, context, user,
  );
}

/** The asked resourcetype of an extended MKCOL makes a calendar (RFC 5689 §3: DAV:collection and CALDAV:calendar). */
const makesCalendar = (resourcetype: XmlElement) => resourcetype.children.some((type) => isNamed(type, caldavName('calendar')));

/**
 * MKCALENDAR (RFC 4791 §5.3.1), or an extended MKCOL asking for a calendar (RFC 5689, as DAVx5 sends it): a new
 * calendar at `/dav/calendars/<uuid>/`, owned by the asker, made through the Calendar aggregate as POST /calendars
 * makes one, with the properties the body sets (name, description, zone, and the asker's own colour for it).
 * Nothing may be there already (405, DAV:resource-must-be-null), a deleted calendar included: its id stays its own.
 */
export async function makeCalendar(deps: CollectionWriteDependencies, req: Request, res: Response, calendarID: string, context: CommandContext): Promise<void> {
  const href = collectionHref(calendarID);
  const extended = req.method === 'MKCOL';
  if ((await readCalendar(deps.calendars.store, calendarID)).state.status !== 'absent') throw resourceMustBeNull('a calendar already exists at this URL');
  const body = await readRequestBody(req, COLLECTION_BODY_LIMIT);
  // Only calendars live here: a plain MKCOL (no body) would make a plain collection (RFC 5689 §3.3: DAV:valid-resourcetype).
  if (extended && body.length === 0) throw new DavError(403, 'only calendars are made here: send an extended MKCOL with a CALDAV:calendar resourcetype', xmlNode(davName('valid-resourcetype')));
  const changes: CollectionChanges = {};
  if (body.length > 0) {
    const root = await readDavXml(body);
    const rootName = extended ? davName('mkcol') : caldavName('mkcalendar');
    if (!isNamed(root, rootName)) throw new DavError(400, `the body of a ${req.method} is a ${rootName.local} element`);
    let calendarType = !extended;
    for (const { element, remove } of instructions(root)) {
      if (isNamed(element, davName('resourcetype'))) {
        calendarType = makesCalendar(element);
        continue;
      }
      if (isComponentSet(element)) {
        if (!allowsEvents(element)) throw caldavPrecondition(403, 'supported-calendar-component', 'a calendar here holds events (VEVENT)');
        continue;
      }
      const change = propertyChange(element, remove);
      // RFC 4791 §5.3.1: a property that cannot be set fails the whole request; others this server does not keep are passed over.
      if ('changes' in change) Object.assign(changes, change.changes);
      else if (change.status === 409) throw new DavError(403, `${element.local}: ${change.reason}`);
    }
    if (!calendarType) throw new DavError(403, 'only calendars are made here (resourcetype CALDAV:calendar)', xmlNode(davName('valid-resourcetype')));
  }
  const ownerID = context.actorID;
  const timeZone = changes.timeZone ?? (await deps.zoneOf(ownerID));
  try {
    await deps.calendars.run(calendarID, {
      type: 'CreateCalendar',
      data: { calendarID, ownerID, summary: changes.summary ?? 'Calendar', description: changes.description ?? null, timeZone },
    }, context);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'CALENDAR_ID_TAKEN') throw resourceMustBeNull('a calendar already exists at this URL');
    throw error;
  }
  if (changes.color != null) await setColor(deps, calendarID, changes.color, context);
  res.status(201).location(href).setHeader('Cache-Control', 'no-store');
  res.end();
}

/**
 * PROPPATCH of a collection (RFC 4918 §9.2): every instruction or none. The calendar's name, description and
 * zone are its owners' (the Calendar aggregate decides, as PATCH /calendars/:id); its colour is the asker's own,
 * on their calendar list (as PATCH /users/me/calendarList/:id). Answers 207 with each property's status: 200 for
 * all when applied, else the failing ones' (403, 409) and 424 for the rest, nothing applied.
 */
export async function patchCollection(deps: CollectionWriteDependencies, req: Request, res: Response, calendarID: string, isOwner: boolean, context: CommandContext): Promise<void> {
  const href = collectionHref(calendarID);
  const root = await readDavXml(await readRequestBody(req, COLLECTION_BODY_LIMIT));
  if (!isNamed(root, davName('propertyupdate'))) throw new DavError(400, 'the body of a PROPPATCH is a DAV:propertyupdate element');
  const asked = instructions(root);
  if (asked.length === 0) throw new DavError(400, 'the PROPPATCH sets or removes no property');
  const outcomes: PropertyOutcome[] = [];
  const changes: CollectionChanges = {};
  for (const { element, remove } of asked) {
    const change = propertyChange(element, remove);
    if (!('changes' in change)) outcomes.push({ name: element, status: change.status, reason: change.reason });
    else if (!isOwner && OWNERS_ONLY.some((name) => sameName(name, element))) outcomes.push({ name: element, status: 403, reason: 'only the calendar’s owners change it' });
    else {
      Object.assign(changes, change.changes);
      outcomes.push({ name: element, status: 200 });
    }
  }
  const failed = outcomes.some((outcome) => outcome.status !== 200);
  if (!failed) {
    const { color, ...details } = changes;
    if (Object.keys(details).length > 0) {
      const actor = await deps.calendars.actor(context.actorID);
      await deps.calendars.run(calendarID, { type: 'ChangeCalendar', data: { actor, changes: details } }, context);
    }
    if (color !== undefined) await setColor(deps, calendarID, color, context);
  }
  const byStatus = new Map<number, PropertyOutcome[]>();
  for (const outcome of outcomes) {
    // RFC 4918 §9.2: when one fails, the others answer 424 Failed Dependency.
    const status = failed && outcome.status === 200 ? 424 : outcome.status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), outcome]);
  }
  const reasons = outcomes.flatMap((outcome) => ('reason' in outcome ? [`${outcome.name.local}: ${outcome.reason}`] : []));
  const response = xmlNode(
    davName('response'),
    xmlNode(davName('href'), href),
    ...[...byStatus].map(([status, group]) =>
      xmlNode(davName('propstat'), xmlNode(davName('prop'), ...group.map((outcome) => xmlNode({ ns: outcome.name.ns, local: outcome.name.local }))), xmlNode(davName('status'), statusLine(status)))),
    reasons.length > 0 && xmlNode(davName('responsedescription'), reasons.join('; ')),
  );
  res.setHeader('Cache-Control', 'no-store');
  sendMultistatus(res, xmlDocument(xmlNode(davName('multistatus'), response)));
}
