import { pollUntil } from '@datebook/shared-kernel/testing';
import type request from 'supertest';

export interface MatrixPerson {
  userID: string;
  auth: { Authorization: string };
}

export interface MatrixSystem {
  http(): ReturnType<typeof request>;
  /** A new signed-in person (the production profile's are not verified: rules name them by userID). */
  signUp(name: string): Promise<MatrixPerson>;
}

type Role = 'none' | 'freeBusyReader' | 'reader' | 'writer' | 'owner';
type Visibility = 'default' | 'private';
/** What one person gets from one operation: the status, and for reads whether they saw details or a busy block. */
type Seen = number | 'absent' | 'busy' | 'full';

/**
 * The authorization matrix of the sharing issue: every role × visibility × operation over the HTTP API, each
 * cell the answer the role table says (404 and nothing for who may not see, busy blocks for free/busy readers
 * and for readers of private events, writes for writers and owners, sharing for owners only).
 */
const EXPECTED: Record<string, (role: Role, visibility: Visibility) => Seen> = {
  view: (role, visibility) => (role === 'none' ? 'absent' : role === 'freeBusyReader' || (role === 'reader' && visibility === 'private') ? 'busy' : 'full'),
  details: (role, visibility) => (role === 'none' || role === 'freeBusyReader' ? 404 : role === 'reader' && visibility === 'private' ? 'busy' : 'full'),
  sync: (role, visibility) => (role === 'none' ? 'absent' : role === 'freeBusyReader' || (role === 'reader' && visibility === 'private') ? 'busy' : 'full'),
  history: (role) => (role === 'writer' || role === 'owner' ? 200 : 404),
  notifications: (role) => (role === 'writer' || role === 'owner' ? 200 : 404),
  freeBusy: (role) => (role === 'none' ? 'absent' : 'busy'),
  write: (role) => (role === 'none' || role === 'freeBusyReader' ? 404 : role === 'reader' ? 403 : 200),
  move: (role) => (role === 'none' || role === 'freeBusyReader' ? 404 : role === 'reader' ? 403 : 200),
  share: (role) => (role === 'none' ? 404 : role === 'owner' ? 201 : 403),
};

export async function accessMatrixScenario(sys: MatrixSystem): Promise<void> {
  const owner = await sys.signUp('matrix-owner');
  const bystander = await sys.signUp('matrix-bystander');
  const roles: Role[] = ['none', 'freeBusyReader', 'reader', 'writer', 'owner'];
  const people = new Map<Role, MatrixPerson>();
  for (const role of roles) people.set(role, await sys.signUp(`matrix-${role}`));
  const created = await sys.http().post('/calendars').set(owner.auth).send({ summary: 'Matrix' });
  const calendarID: string = created.body.calendarID;
  for (const role of roles.filter((r) => r !== 'none')) {
    const res = await sys.http().post(`/calendars/${calendarID}/acl`).set(owner.auth).send({ role, scope: { type: 'user', userID: people.get(role)!.userID } });
    if (res.status !== 201) throw new Error(`sharing as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const day = '2032-02-02';
  const events = new Map<Visibility, string>();
  for (const [i, visibility] of (['default', 'private'] as const).entries()) {
    const booked = await sys.http().post('/events').set(owner.auth).send({
      calendarID, title: `Matrix ${visibility}`, location: 'Room 7', startTime: `${day}T0${8 + i}:00:00Z`, endTime: `${day}T0${8 + i}:30:00Z`, visibility,
    });
    if (booked.status !== 201) throw new Error(`booking: ${booked.status} ${JSON.stringify(booked.body)}`);
    events.set(visibility, booked.body.eventID);
  }
  const window = { from: `${day}T00:00:00Z`, to: `${day}T23:00:00Z` };
  const viewOf = async (person: MatrixPerson) => {
    const res = await sys.http().get('/events').query(window).set(person.auth);
    return res.body.events as { eventID: string; busy?: boolean; title?: string; location?: string }[];
  };
  // Every grant and both events reach every view before the cells are read.
  await pollUntil(async () => (await viewOf(people.get('freeBusyReader')!)).length === 2 && (await viewOf(people.get('owner')!)).length === 2, {
    timeoutMs: 60_000, pollMs: 50, what: 'the matrix calendar in its readers’ views',
  });

  const shown = (item: { busy?: boolean; title?: string; location?: string } | undefined): Seen => {
    if (!item) return 'absent';
    if (item.busy) return item.title === undefined && item.location === undefined ? 'busy' : 500;
    return item.title !== undefined ? 'full' : 500;
  };
  const operations: Record<string, (person: MatrixPerson, eventID: string) => Promise<Seen>> = {
    view: async (person, eventID) => shown((await viewOf(person)).find((item) => item.eventID === eventID)),
    details: async (person, eventID) => {
      const res = await sys.http().get(`/events/${eventID}`).set(person.auth);
      return res.status === 200 ? shown(res.body) : res.status;
    },
    sync: async (person, eventID) => {
      const res = await sys.http().get('/sync').query({ maxResults: 2500 }).set(person.auth);
      return shown((res.body.items as { eventID: string; busy?: boolean; title?: string; location?: string }[] | undefined)?.find((item) => item.eventID === eventID));
    },
    history: async (person, eventID) => (await sys.http().get(`/events/${eventID}/history`).set(person.auth)).status,
    notifications: async (person, eventID) => (await sys.http().get(`/events/${eventID}/notifications`).set(person.auth)).status,
    freeBusy: async (person, eventID) => {
      const res = await sys.http().post('/freebusy').set(person.auth).send({ from: window.from, to: window.to, calendarIDs: [calendarID] });
      const busy = (res.body.calendars as { calendarID: string; busy: { start: string }[] }[] | undefined)?.find((c) => c.calendarID === calendarID)?.busy;
      const visibility = [...events].find(([, id]) => id === eventID)?.[0];
      const start = `${day}T0${visibility === 'private' ? 9 : 8}:00:00.000Z`;
      return busy?.some((b) => new Date(b.start).toISOString() === start) ? 'busy' : 'absent';
    },
    write: async (person, eventID) => (await sys.http().put(`/events/${eventID}`).set(person.auth).send({ location: 'Room 8' })).status,
    move: async (person, eventID) => {
      const res = await sys.http().post(`/events/${eventID}/move`).set(person.auth).send({ calendarID });
      return res.status;
    },
    share: async (person) => {
      const res = await sys.http().post(`/calendars/${calendarID}/acl`).set(person.auth).send({ role: 'reader', scope: { type: 'user', userID: bystander.userID } });
      return res.status;
    },
  };

  const got: string[] = [];
  const wanted: string[] = [];
  for (const [operation, run] of Object.entries(operations)) {
    for (const role of roles) {
      for (const [visibility, eventID] of events) {
        got.push(`${operation} ${role} ${visibility}: ${await run(people.get(role)!, eventID)}`);
        wanted.push(`${operation} ${role} ${visibility}: ${EXPECTED[operation]!(role, visibility)}`);
      }
    }
  }
  if (JSON.stringify(got) !== JSON.stringify(wanted)) {
    const differences = got.filter((line, i) => line !== wanted[i]).map((line) => `${line} (wanted ${wanted[got.indexOf(line)]?.split(': ')[1]})`);
    throw new Error(`the access matrix differs:\n${differences.join('\n')}`);
  }
}
