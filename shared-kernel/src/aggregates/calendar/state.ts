import type { AccessRole, AccessScope, CalendarStreamEvent } from './events';

export interface AccessRule {
  ruleID: string;
  scope: AccessScope;
  role: AccessRole;
}

/** A live secret address (revoked ones are forgotten): its token is known only by its hash. */
export interface Feed {
  feedID: string;
  tokenHash: string;
  createdBy: string;
  createdAt: string;
}

/** Where a subscribed calendar's events come from, and what its last import saw. */
export interface Subscription {
  url: string;
  etag: string | null;
  lastModified: string | null;
  contentHash: string | null;
  syncedAt: string | null;
}

export interface CalendarDetails {
  calendarID: string;
  ownerID: string;
  primary: boolean;
  summary: string;
  description: string | null;
  timeZone: string;
  /** Keyed by ruleID. */
  rules: Record<string, AccessRule>;
  /** Live secret addresses, keyed by feedID. */
  feeds: Record<string, Feed>;
  /** Set when the calendar is a subscription to an iCalendar URL (read-only for everyone). */
  subscription: Subscription | null;
}

/**
 * `implicitPrimary`: a person's primary calendar before anything was written to its stream (every account
 * has one, including those made before calendars existed). Its first decision writes CalendarCreated.
 */
export type CalendarState =
  | { status: 'absent' }
  | ({ status: 'implicitPrimary' } & CalendarDetails)
  | ({ status: 'active' } & CalendarDetails)
  | ({ status: 'deleted' } & CalendarDetails);

export const initialState = (): CalendarState => ({ status: 'absent' });

const PRIMARY_DEFAULT_RULE: AccessRule = { ruleID: 'default', scope: { type: 'default' }, role: 'freeBusyReader' };

/** What a primary calendar is before its owner changes it: theirs, and free/busy for everyone else (Google's domain default). */
export function implicitPrimaryState(owner: { userID: string; summary: string; timeZone: string }): CalendarState {
  return {
    status: 'implicitPrimary', calendarID: owner.userID, ownerID: owner.userID, primary: true,
    summary: owner.summary, description: null, timeZone: owner.timeZone, feeds: {}, subscription: null,
    rules: {
      [ruleIDOf({ type: 'user', userID: owner.userID })]: { ruleID: ruleIDOf({ type: 'user', userID: owner.userID }), scope: { type: 'user', userID: owner.userID }, role: 'owner' },
      default: PRIMARY_DEFAULT_RULE,
    },
  };
}

/** One rule per scope, named as Google names them ("user:…", "default"). */
export function ruleIDOf(scope: AccessScope): string {
  switch (scope.type) {
    case 'user': return `user:${scope.userID}`;
    case 'email': return `email:${scope.email}`;
    case 'default': return 'default';
  }
}

/** Applies facts; never validates, so every stream ever written still replays. */
export function evolve(state: CalendarState, event: CalendarStreamEvent): CalendarState {
  if (event.type === 'CalendarCreated') {
    const d = event.data;
    const ownerRule = ruleIDOf({ type: 'user', userID: d.ownerID });
    // A primary calendar starts shared as free/busy with everyone on this Datebook (a company domain's default).
    const inherited: Record<string, AccessRule> = d.primary ? { default: PRIMARY_DEFAULT_RULE } : {};
    return {
      status: 'active', ...d, feeds: {}, subscription: null,
      rules: { ...inherited, [ownerRule]: { ruleID: ownerRule, scope: { type: 'user', userID: d.ownerID }, role: 'owner' } },
    };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'CalendarDetailsChanged':
      return { ...state, summary: event.data.summary, description: event.data.description };
    case 'CalendarTimeZoneChanged':
      return { ...state, timeZone: event.data.timeZone };
    case 'CalendarDeleted':
      return { ...state, status: 'deleted' };
    case 'AccessGranted': {
      const { ruleID, scope, role } = event.data;
      return { ...state, rules: { ...state.rules, [ruleID]: { ruleID, scope, role } } };
    }
    case 'AccessChanged': {
      const rule = state.rules[event.data.ruleID];
      return rule ? { ...state, rules: { ...state.rules, [rule.ruleID]: { ...rule, role: event.data.role } } } : state;
    }
    case 'AccessRevoked': {
      const { [event.data.ruleID]: _revoked, ...rules } = state.rules;
      return { ...state, rules };
    }
    case 'FeedCreated': {
      const { feedID, tokenHash, createdBy, createdAt } = event.data;
      return { ...state, feeds: { ...state.feeds, [feedID]: { feedID, tokenHash, createdBy, createdAt } } };
    }
    case 'FeedRevoked': {
      const { [event.data.feedID]: _revoked, ...feeds } = state.feeds;
      return { ...state, feeds };
    }
    case 'SubscriptionSourceSet':
      return { ...state, subscription: { url: event.data.url, etag: null, lastModified: null, contentHash: null, syncedAt: null } };
    case 'SubscriptionSynced': {
      if (!state.subscription) return state;
      const { etag, lastModified, contentHash, syncedAt } = event.data;
      return { ...state, subscription: { ...state.subscription, etag, lastModified, contentHash, syncedAt } };
    }
  }
}

/**
 * `evolve` over many events at once, the same result: the rules are copied once for the whole run, not once
 * per event, so folding a calendar shared with 10,000 people is linear, not quadratic. The copy is this
 * function's own; neither `state` nor any earlier state is changed.
 */
export function evolveAll(state: CalendarState, events: readonly CalendarStreamEvent[]): CalendarState {
  let current = state;
  let ownRules: Record<string, AccessRule> | undefined;
  for (const event of events) {
    if (current.status === 'absent' || (event.type !== 'AccessGranted' && event.type !== 'AccessChanged' && event.type !== 'AccessRevoked')) {
      current = evolve(current, event);
      if (event.type === 'CalendarCreated') ownRules = undefined;
      continue;
    }
    if (!ownRules) {
      ownRules = { ...current.rules };
      current = { ...current, rules: ownRules };
    }
    const { ruleID } = event.data;
    if (event.type === 'AccessGranted') ownRules[ruleID] = { ruleID, scope: event.data.scope, role: event.data.role };
    else if (event.type === 'AccessChanged') {
      const rule = ownRules[ruleID];
      if (rule) ownRules[ruleID] = { ...rule, role: event.data.role };
    } else delete ownRules[ruleID];
  }
  return current;
}
