import { randomUUID } from 'node:crypto';
import { type AccessScope, DomainError, normaliseEmail, ruleIDOf, userEmailDecider, userEmailStreamName } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc } from '@datebook/shared-kernel/http';
import { readUserState } from '@datebook/shared-kernel/ports';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type CommandContext, type CommandResult, loadStream } from '../commandHandling/handleCommand';
import { CalendarIDParams, ChangeCalendarBody, ChangeRuleBody, CreateCalendarBody, CreateRuleBody, RuleParams } from './calendar.requests';
import type { CalendarService } from './calendarService';

const notFound = { 404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one you may see' } };
const notOwner = { 403: { description: 'NOT_OWNER: you may see the calendar but only its owners manage it' } };
const written = ['ETag'] as const;
export const calendarRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/calendars', operationId: 'createCalendar', summary: 'Create a secondary calendar; you own it', body: CreateCalendarBody, responses: { 201: { description: 'Created', schema: z.object({ calendarID: z.string(), version: z.number() }), headers: ['Location', ...written] } } },
  { method: 'patch', path: '/calendars/{calendarID}', operationId: 'changeCalendar', summary: 'Rename, describe or re-zone a calendar (owners)', body: ChangeCalendarBody, responses: { 200: { description: 'Changed', schema: z.object({ calendarID: z.string(), version: z.number() }), headers: written }, ...notOwner, ...notFound } },
  { method: 'delete', path: '/calendars/{calendarID}', operationId: 'deleteCalendar', summary: 'Delete a secondary calendar (owners); its events leave every view', responses: { 204: { description: 'Deleted' }, ...notOwner, ...notFound, 409: { description: 'PRIMARY_CALENDAR: a primary calendar cannot be deleted' } } },
  { method: 'post', path: '/calendars/{calendarID}/acl', operationId: 'shareCalendar', summary: 'Share a calendar: give a person (by userID or e-mail; an address with no account yet gets it when it signs up) or everyone a role (owners)', body: CreateRuleBody, responses: { 201: { description: 'Shared (or the rule for that scope changed)', schema: z.object({ ruleID: z.string(), role: z.string(), version: z.number() }) }, 400: { description: 'An unknown role or scope, an invalid e-mail, or sharing with yourself (names the field)' }, ...notOwner, ...notFound, 409: { description: 'LAST_OWNER: the calendar would have no owner' } } },
  { method: 'patch', path: '/calendars/{calendarID}/acl/{ruleID}', operationId: 'changeSharing', summary: "Change a rule's role (owners)", body: ChangeRuleBody, responses: { 200: { description: 'Changed', schema: z.object({ ruleID: z.string(), role: z.string(), version: z.number() }) }, ...notOwner, ...notFound, 409: { description: 'LAST_OWNER' } } },
  { method: 'delete', path: '/calendars/{calendarID}/acl/{ruleID}', operationId: 'revokeSharing', summary: 'Remove a rule (owners); it stops applying at once', responses: { 204: { description: 'Revoked (or there was no such rule)' }, ...notOwner, ...notFound, 409: { description: 'LAST_OWNER' } } },
];

/** An address an account confirmed names that account; any other address keeps its rule until an account confirms it. */
async function scopeOf(service: CalendarService, scope: z.infer<typeof CreateRuleBody>['scope']): Promise<AccessScope> {
  if (scope.type === 'default') return scope;
  if (scope.userID !== undefined) {
    if ((await readUserState(service.store, scope.userID)).status !== 'registered') {
      throw new DomainError('UNKNOWN_USERS', 'no such user', [{ path: 'scope.userID', message: `no user ${scope.userID}` }]);
    }
    return { type: 'user', userID: scope.userID };
  }
  const email = scope.email as string;
  const { state } = await loadStream(service.store, userEmailStreamName(email), userEmailDecider);
  const owner = state.status === 'claimed' ? await readUserState(service.store, state.claim.userID) : undefined;
  // Only an account that confirmed the address stands for it: anyone can sign up with someone else's address.
  const confirmed = owner?.status === 'registered' && owner.emailVerified && owner.email === normaliseEmail(email);
  return confirmed && state.status === 'claimed' ? { type: 'user', userID: state.claim.userID } : { type: 'email', email };
}

export function calendarRoutes(deps: { calendars: CalendarService; clock: () => Date; zoneOf(userID: string): Promise<string> }): Router {
  const router = Router();
  const { calendars } = deps;
  const context = (req: Request): CommandContext => ({ actorID: authenticatedUser(req), now: deps.clock(), correlationId: req.correlationId });
  const calendarIDOf = (req: Request) => {
    const { calendarID } = parseInput(CalendarIDParams, req.params, 'params');
    return calendarID === 'primary' ? authenticatedUser(req) : calendarID;
  };
  const versioned = (res: Response, result: CommandResult<unknown, unknown>) => {
    res.setHeader('ETag', `"${result.version ?? 0}"`);
    return result.version ?? 0;
  };

  router.post('/calendars', async (req, res) => {
    const body = parseInput(CreateCalendarBody, req.body, 'body');
    const ownerID = authenticatedUser(req);
    const calendarID = randomUUID();
    const timeZone = body.timeZone ?? (await deps.zoneOf(ownerID));
    const result = await calendars.run(calendarID, { type: 'CreateCalendar', data: { calendarID, ownerID, summary: body.summary, description: body.description ?? null, timeZone } }, context(req));
    res.status(201).location(`/calendars/${calendarID}`).json({ calendarID, version: versioned(res, result) });
  });

  router.patch('/calendars/:calendarID', async (req, res) => {
    const calendarID = calendarIDOf(req);
    const changes = parseInput(ChangeCalendarBody, req.body, 'body');
    const actor = await calendars.actor(authenticatedUser(req));
    const result = await calendars.run(calendarID, { type: 'ChangeCalendar', data: { actor, changes } }, context(req));
    res.json({ calendarID, version: versioned(res, result) });
  });

  router.delete('/calendars/:calendarID', async (req, res) => {
    const calendarID = calendarIDOf(req);
    const actor = await calendars.actor(authenticatedUser(req));
    versioned(res, await calendars.run(calendarID, { type: 'DeleteCalendar', data: { actor } }, context(req)));
    res.status(204).end();
  });

  router.post('/calendars/:calendarID/acl', async (req, res) => {
    const calendarID = calendarIDOf(req);
    const body = parseInput(CreateRuleBody, req.body, 'body');
    const [actor, scope] = await Promise.all([calendars.actor(authenticatedUser(req)), scopeOf(calendars, body.scope)]);
    const result = await calendars.run(calendarID, { type: 'GrantAccess', data: { actor, scope, role: body.role } }, context(req));
    // One rule per scope, named by it (the decider files an address normalised).
    const ruleID = ruleIDOf(scope.type === 'email' ? { type: 'email', email: normaliseEmail(scope.email) } : scope);
    const rule = result.state.status === 'absent' ? undefined : result.state.rules[ruleID];
    if (!rule) throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
    res.status(201).location(`/calendars/${calendarID}/acl/${encodeURIComponent(rule.ruleID)}`).json({ ruleID: rule.ruleID, role: rule.role, version: versioned(res, result) });
  });

  router.patch('/calendars/:calendarID/acl/:ruleID', async (req, res) => {
    const calendarID = calendarIDOf(req);
    const { ruleID } = parseInput(RuleParams, req.params, 'params');
    const { role } = parseInput(ChangeRuleBody, req.body, 'body');
    const actor = await calendars.actor(authenticatedUser(req));
    const result = await calendars.run(calendarID, { type: 'ChangeAccess', data: { actor, ruleID, role } }, context(req));
    res.json({ ruleID, role, version: versioned(res, result) });
  });

  router.delete('/calendars/:calendarID/acl/:ruleID', async (req, res) => {
    const calendarID = calendarIDOf(req);
    const { ruleID } = parseInput(RuleParams, req.params, 'params');
    const actor = await calendars.actor(authenticatedUser(req));
    versioned(res, await calendars.run(calendarID, { type: 'RevokeAccess', data: { actor, ruleID } }, context(req)));
    res.status(204).end();
  });

  return router;
}
