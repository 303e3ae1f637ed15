import { DomainError } from '../../errors/domainError';
import { normaliseEmail } from '../userEmail/decider';
import { type CalendarReader, rulesRoleOf } from './access';
import type { CalendarCommand } from './commands';
import type { AccessScope, CalendarStreamEvent } from './events';
import { type CalendarDetails, type CalendarState, ruleIDOf } from './state';

const notFound = () => new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');

/**
 * The calendar as its actor may manage it. Whoever cannot see it learns nothing (404, never 403: its
 * existence is not revealed); whoever sees it but is no owner is refused (403).
 */
function requireOwner(state: CalendarState, actor: CalendarReader): CalendarDetails {
  // The rules' role, not the events' one: a subscribed calendar's owner manages it though nobody writes its events.
  const role = rulesRoleOf(state, actor);
  if (state.status === 'absent' || state.status === 'deleted' || role === 'none') throw notFound();
  if (role !== 'owner') throw new DomainError('NOT_OWNER', 'only an owner of the calendar may do this');
  return state;
}

/** A primary calendar's first written fact is its creation, whatever the first decision about it is. */
function creationIfImplicit(state: CalendarState): CalendarStreamEvent[] {
  if (state.status !== 'implicitPrimary') return [];
  const { calendarID, ownerID, summary, description, timeZone } = state;
  return [{ type: 'CalendarCreated', data: { calendarID, ownerID, primary: true, summary, description, timeZone } }];
}

/** A person always owns their own primary calendar (as in Google): readers may rely on it without reading its rules. */
function requireNotPrimaryOwnersRule(calendar: CalendarDetails, ruleID: string): void {
  if (calendar.primary && ruleID === ruleIDOf({ type: 'user', userID: calendar.ownerID })) {
    throw new DomainError('PRIMARY_CALENDAR', 'the owner of a primary calendar stays its owner', [{ path: 'ruleID', message: "the primary calendar's owner" }]);
  }
}

const ownersAfter = (calendar: CalendarDetails, ruleID: string, role: string | undefined) =>
  Object.values(calendar.rules).filter((rule) => (rule.ruleID === ruleID ? role : rule.role) === 'owner' && rule.scope.type !== 'default').length;

function normalisedScope(scope: AccessScope): AccessScope {
  return scope.type === 'email' ? { type: 'email', email: normaliseEmail(scope.email) } : scope;
}

/** Pure: what happens when `command` meets `state`. Intentions already satisfied yield no events. */
export function decide(command: CalendarCommand, state: CalendarState): CalendarStreamEvent[] {
  switch (command.type) {
    case 'CreateCalendar': {
      const c = command.data;
      if (state.status !== 'absent') {
        if (state.status !== 'implicitPrimary' && state.ownerID === c.ownerID) return [];
        throw new DomainError('CALENDAR_ID_TAKEN', 'a calendar with this id already exists', [{ path: 'calendarID', message: 'already taken' }]);
      }
      return [{ type: 'CalendarCreated', data: { ...c, primary: false } }];
    }

    case 'ChangeCalendar': {
      const { actor, changes } = command.data;
      const calendar = requireOwner(state, actor);
      const events: CalendarStreamEvent[] = [];
      const summary = changes.summary ?? calendar.summary;
      const description = changes.description === undefined ? calendar.description : changes.description;
      if (summary !== calendar.summary || description !== calendar.description) {
        events.push({ type: 'CalendarDetailsChanged', data: { calendarID: calendar.calendarID, summary, description, changedBy: actor.userID } });
      }
      if (changes.timeZone !== undefined && changes.timeZone !== calendar.timeZone) {
        events.push({ type: 'CalendarTimeZoneChanged', data: { calendarID: calendar.calendarID, timeZone: changes.timeZone, changedBy: actor.userID } });
      }
      return events.length === 0 ? [] : [...creationIfImplicit(state), ...events];
    }

    case 'DeleteCalendar': {
      if (state.status === 'deleted' && rulesRoleOf({ ...state, status: 'active' }, command.data.actor) === 'owner') return [];
      const calendar = requireOwner(state, command.data.actor);
      if (calendar.primary) throw new DomainError('PRIMARY_CALENDAR', 'a primary calendar cannot be deleted');
      return [{ type: 'CalendarDeleted', data: { calendarID: calendar.calendarID, deletedBy: command.data.actor.userID } }];
    }

    case 'GrantAccess': {
      const { actor, role } = command.data;
      const calendar = requireOwner(state, actor);
      const scope = normalisedScope(command.data.scope);
      const sharesWithActor =
        (scope.type === 'user' && scope.userID === actor.userID) ||
        (scope.type === 'email' && actor.email !== undefined && scope.email === normaliseEmail(actor.email));
      if (sharesWithActor) throw new DomainError('VALIDATION_FAILED', 'you cannot share a calendar with yourself', [{ path: 'scope', message: 'is you' }]);
      const ruleID = ruleIDOf(scope);
      const existing = calendar.rules[ruleID];
      if (existing?.role === role) return [];
      if (existing) requireNotPrimaryOwnersRule(calendar, ruleID);
      const calendarID = calendar.calendarID;
      // Google's acl.insert on a scope that has a rule changes that rule.
      const change: CalendarStreamEvent = existing
        ? { type: 'AccessChanged', data: { calendarID, ruleID, role, changedBy: actor.userID } }
        : { type: 'AccessGranted', data: { calendarID, ruleID, scope, role, grantedBy: actor.userID } };
      if (existing && ownersAfter(calendar, ruleID, role) === 0) throw lastOwner();
      return [...creationIfImplicit(state), change];
    }

    case 'ChangeAccess': {
      const { actor, ruleID, role } = command.data;
      const calendar = requireOwner(state, actor);
      const rule = calendar.rules[ruleID];
      if (!rule) throw new DomainError('RULE_NOT_FOUND', 'no such rule', [{ path: 'ruleID', message: 'not a rule of this calendar' }]);
      if (rule.role === role) return [];
      requireNotPrimaryOwnersRule(calendar, ruleID);
      if (rule.scope.type === 'default' && role === 'owner') throw new DomainError('VALIDATION_FAILED', 'everyone cannot own a calendar', [{ path: 'role', message: 'owner needs a user scope' }]);
      if (ownersAfter(calendar, ruleID, role) === 0) throw lastOwner();
      return [...creationIfImplicit(state), { type: 'AccessChanged', data: { calendarID: calendar.calendarID, ruleID, role, changedBy: actor.userID } }];
    }

    case 'RevokeAccess': {
      const { actor, ruleID } = command.data;
      const calendar = requireOwner(state, actor);
      if (!calendar.rules[ruleID]) return [];
      requireNotPrimaryOwnersRule(calendar, ruleID);
      if (ownersAfter(calendar, ruleID, undefined) === 0) throw lastOwner();
      return [...creationIfImplicit(state), { type: 'AccessRevoked', data: { calendarID: calendar.calendarID, ruleID, revokedBy: actor.userID } }];
    }

    case 'CreateFeed': {
      const { actor, feedID, tokenHash, createdAt } = command.data;
      const calendar = requireOwner(state, actor);
      const existing = calendar.feeds[feedID];
      if (existing) {
        if (existing.tokenHash === tokenHash) return [];
        throw new DomainError('CONCURRENCY_CONFLICT', 'a secret address with this id exists; try again');
      }
      if (Object.keys(calendar.feeds).length >= MAX_FEEDS) {
        throw new DomainError('TOO_MANY_FEEDS', `a calendar has at most ${MAX_FEEDS} secret addresses; revoke one first`, [{ path: 'calendarID', message: `${MAX_FEEDS} secret addresses already` }]);
      }
      return [...creationIfImplicit(state), { type: 'FeedCreated', data: { calendarID: calendar.calendarID, feedID, tokenHash, createdBy: actor.userID, createdAt } }];
    }

    case 'RevokeFeed': {
      const { actor, feedID } = command.data;
      const calendar = requireOwner(state, actor);
      if (!calendar.feeds[feedID]) return [];
      return [{ type: 'FeedRevoked', data: { calendarID: calendar.calendarID, feedID, revokedBy: actor.userID } }];
    }

    case 'SubscribeToCalendar': {
      const { url, ...c } = command.data;
      if (state.status !== 'absent') {
        if (state.status !== 'implicitPrimary' && state.ownerID === c.ownerID && state.subscription?.url === url) return [];
        throw new DomainError('CALENDAR_ID_TAKEN', 'a calendar with this id already exists', [{ path: 'calendarID', message: 'already taken' }]);
      }
      return [
        { type: 'CalendarCreated', data: { ...c, primary: false } },
        { type: 'SubscriptionSourceSet', data: { calendarID: c.calendarID, url, setBy: c.ownerID } },
      ];
    }

    case 'RecordSubscriptionSync': {
      if (state.status === 'absent' || state.status === 'deleted') throw notFound();
      const { subscription } = state;
      if (!subscription) throw new DomainError('NOT_A_SUBSCRIPTION', 'this calendar is not a subscription to a URL');
      const { etag, lastModified, contentHash, syncedAt } = command.data;
      if (subscription.contentHash === contentHash && subscription.etag === etag && subscription.lastModified === lastModified) return [];
      return [{ type: 'SubscriptionSynced', data: { calendarID: state.calendarID, etag, lastModified, contentHash, syncedAt } }];
    }
  }
}

/** Live secret addresses per calendar: enough to give one to each device or app, few enough to review. */
export const MAX_FEEDS = 10;

const lastOwner = () => new DomainError('LAST_OWNER', 'a calendar keeps at least one owner', [{ path: 'role', message: 'the last owner' }]);
