import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventIDForICalUID } from '@datebook/shared-kernel';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import {
  appPasswordFor, basicAuth, clientEnv, davRequest, DEBIAN_PYTHON, described, type ListeningSystem, memberOf, missingClients, type Person, responsesOf, runClient,
  startListeningSystem, untilCollection,
} from './davClients';

const SCRIPT = join(__dirname, 'clients', 'caldav_client.py');

interface SyncResult {
  token: string;
  changed: { url: string; uid: string; summary: string; etag: string | null }[];
  deleted: string[];
}

/**
 * python3-caldav (Debian's package, in Debian's interpreter) against a whole Datebook on `label`: discovery
 * from the server's root URL, the calendar list, create / query a week / update with the ETag / a stale
 * update (412) / delete, and sync-collection reporting what was changed through the REST API. The library
 * signs in with HTTP Basic, the person's address and an app password, as a calendar app would.
 */
export function pythonCaldavScenario(label: string, open: () => Promise<SqlDatabase>, close: (db: SqlDatabase) => Promise<void>): void {
  const missing = missingClients([{ program: DEBIAN_PYTHON, pythonModule: 'caldav' }]);
  if (missing) {
    describe(`python3-caldav against Datebook on ${label}`, () => {
      it.skip(`skipped: ${missing}`, () => undefined);
    });
    return;
  }

  describe(`python3-caldav against Datebook on ${label}`, () => {
    let db: SqlDatabase;
    let sys: ListeningSystem;
    let ann: Person;
    let password: string;
    let home: string;
    let family: string;
    let primaryPath: string;

    /** One step of the client script; its JSON result, or a failure with everything the client said. */
    async function client<T>(args: string[], credentials: { user: string; password: string } = { user: ann.email, password }): Promise<T> {
      const run = await runClient(DEBIAN_PYTHON, [SCRIPT, ...args], {
        env: clientEnv(home, { DAV_URL: `${sys.baseUrl}/`, DAV_USER: credentials.user, DAV_PASSWORD: credentials.password, DAV_DEBUG: '1' }),
        timeoutMs: 60_000,
      });
      if (run.code !== 0) throw new Error(`python3-caldav ${args[0]} failed: ${described(run)}`);
      return JSON.parse(run.stdout) as T;
    }
    const authorization = () => basicAuth(ann.email, password);

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'datebook-python-caldav-'));
      db = await open();
      sys = await startListeningSystem(db);
      ann = await sys.signUp('ann');
      password = await appPasswordFor(sys, ann, 'python3-caldav');
      const created = await sys.http().post('/calendars').set(ann.auth).send({ summary: 'Family' });
      expect(created.status).toBe(201);
      family = created.body.calendarID;
      primaryPath = `/dav/calendars/${ann.userID}/`;
      // A calendar made through REST reaches the CalDAV calendar home through the projection: wait for it.
      let last = '';
      await pollUntil(async () => {
        const home = await davRequest(sys.baseUrl, 'PROPFIND', '/dav/calendars/', { authorization: authorization(), depth: '1', body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>' });
        last = `${home.status} ${home.text.slice(0, 1500)}`;
        const paths = responsesOf(home.text).map((r) => new URL(r.href, sys.baseUrl).pathname);
        return paths.includes(primaryPath) && paths.includes(`/dav/calendars/${family}/`);
      }, { timeoutMs: 10_000, what: () => `both calendars in the calendar home (last PROPFIND: ${last})` });
    }, 60_000);
    afterAll(async () => {
      await sys?.close();
      if (db) await close(db);
      rmSync(home, { recursive: true, force: true });
    });

    it('discovers the principal and the calendar home from the server root and lists the person’s calendars', async () => {
      const found = await client<{ principal: string; home: string; calendars: { url: string; name: string }[] }>(['discover']);
      expect(new URL(found.principal).pathname).toBe(`/dav/principals/${ann.userID}/`);
      expect(new URL(found.home).pathname).toBe('/dav/calendars/');
      const byPath = new Map(found.calendars.map((c) => [new URL(c.url).pathname, c.name]));
      expect([...byPath.keys()].sort()).toEqual([primaryPath, `/dav/calendars/${family}/`].sort());
      expect(byPath.get(`/dav/calendars/${family}/`)).toBe('Family');
    }, 60_000);

    it('refuses the account password: apps sign in with an app password only', async () => {
      const run = await runClient(DEBIAN_PYTHON, [SCRIPT, 'discover'], {
        env: clientEnv(home, { DAV_URL: `${sys.baseUrl}/`, DAV_USER: ann.email, DAV_PASSWORD: 'a good password' }), timeoutMs: 60_000,
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/AuthorizationError/);
    }, 60_000);

    it('creates an event, finds it in its week, updates it with its ETag, refuses a stale ETag with 412 and deletes it', async () => {
      const uid = `planning-${Date.now()}@python-caldav.test`;
      const steps = await client<{
        createdUrl: string; get: { status: number; etag: string | null; body: string }; weekUids: string[]; nextWeekUids: string[]; dateSearchUids: string[];
        update: { status: number; etag: string | null }; afterUpdate: { status: number; etag: string | null; body: string }; staleUpdate: { status: number };
        afterStale: { status: number; etag: string | null; body: string }; createOverExisting: { status: number }; afterDelete: { status: number }; weekUidsAfterDelete: string[];
      }>(['roundtrip', '--calendar', `${sys.baseUrl}${primaryPath}`, '--uid', uid]);

      // Every step at once, so a failure shows the whole exchange as the client saw it.
      const summary = (body: string | undefined) => /^SUMMARY:(.*?)\r?$/m.exec(unfold(body ?? ''))?.[1];
      expect({
        get: steps.get.status,
        // A strong ETag (RFC 4791 §5.3.4 wants one on GET), never a weak W/"…".
        strongETag: /^"[^"]+"$/.test(steps.get.etag ?? ''),
        uid: unfold(steps.get.body ?? '').includes(`UID:${uid}`),
        summary: summary(steps.get.body),
        unknownPropertyKept: /^X-DATEBOOK-TEST:kept verbatim\r?$/m.test(unfold(steps.get.body ?? '')),
        inItsWeek: steps.weekUids.includes(uid),
        inTheNextWeek: steps.nextWeekUids.includes(uid),
        inDateSearch: steps.dateSearchUids.includes(uid),
        update: [200, 204].includes(steps.update.status) ? 'done' : steps.update.status,
        afterUpdate: [steps.afterUpdate.status, summary(steps.afterUpdate.body)],
        etagChanged: steps.afterUpdate.etag !== steps.get.etag,
        staleUpdate: steps.staleUpdate.status,
        afterStale: [steps.afterStale.status, summary(steps.afterStale.body), steps.afterStale.etag === steps.afterUpdate.etag],
        createOverExisting: steps.createOverExisting.status,
        afterDelete: steps.afterDelete.status,
        inItsWeekAfterDelete: steps.weekUidsAfterDelete.includes(uid),
      }).toEqual({
        get: 200, strongETag: true, uid: true, summary: 'Planning', unknownPropertyKept: true, inItsWeek: true, inTheNextWeek: false, inDateSearch: true,
        update: 'done', afterUpdate: [200, 'Planning (moved)'], etagChanged: true, staleUpdate: 412, afterStale: [200, 'Planning (moved)', true], createOverExisting: 412,
        afterDelete: 404, inItsWeekAfterDelete: false,
      });

      // A PUT is a command like any other: the event's history shows what the client did, in the domain's events.
      const history = await sys.http().get(`/events/${eventIDForICalUID(ann.userID, uid)}/history`).set(ann.auth);
      expect(history.status).toBe(200);
      const types = (history.body.history as { type: string }[]).map((e) => e.type);
      expect(types[0]).toBe('CalendarEventScheduled');
      expect(types).toContain('CalendarEventCancelled');
      expect(types.length).toBeGreaterThanOrEqual(3);
    }, 60_000);

    it('reports in sync-collection the changes made through the REST API since its token', async () => {
      // An initial sync (no token) lists the members and no removed ones (RFC 6578 §3.4), so not the deleted event above.
      const initial = await client<SyncResult>(['sync', '--calendar', `${sys.baseUrl}${primaryPath}`]);
      expect(initial.deleted).toEqual([]);
      expect(initial.token).toMatch(/^http/);

      const book = (title: string, day: number) => sys.http().post('/events').set(ann.auth)
        .send({ title, startTime: `2030-06-0${day}T10:00:00Z`, endTime: `2030-06-0${day}T11:00:00Z` });
      const [kept, cancelled] = [await book('Booked through REST', 4), await book('Cancelled through REST', 5)];
      expect([kept.status, cancelled.status]).toEqual([201, 201]);
      const projected = await untilCollection(sys.baseUrl, primaryPath, authorization(), (s) => !!memberOf(s.members, kept.body.eventID) && !!memberOf(s.members, cancelled.body.eventID), 'both REST bookings as members of the collection');

      const first = await client<SyncResult>(['sync', '--calendar', `${sys.baseUrl}${primaryPath}`, '--token', initial.token]);
      expect(first.changed.map((c) => [c.uid, c.summary])).toEqual([
        [`${kept.body.eventID}@datebook`, 'Booked through REST'], [`${cancelled.body.eventID}@datebook`, 'Cancelled through REST'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)));
      expect(first.deleted).toEqual([]);
      expect(first.token).not.toBe(initial.token);

      const renamed = await sys.http().put(`/events/${kept.body.eventID}`).set(ann.auth).send({ title: 'Renamed through REST' });
      expect(renamed.status).toBe(200);
      expect((await sys.http().delete(`/events/${cancelled.body.eventID}`).set(ann.auth)).status).toBe(204);
      const keptBefore = memberOf(projected.members, kept.body.eventID)![1];
      await untilCollection(sys.baseUrl, primaryPath, authorization(), (s) => !memberOf(s.members, cancelled.body.eventID) && memberOf(s.members, kept.body.eventID)?.[1] !== keptBefore, 'the rename and the cancellation in the collection');

      const second = await client<SyncResult>(['sync', '--calendar', `${sys.baseUrl}${primaryPath}`, '--token', first.token]);
      expect(second.changed.map((c) => [c.uid, c.summary])).toEqual([[`${kept.body.eventID}@datebook`, 'Renamed through REST']]);
      expect(second.deleted.map((url) => decodeURIComponent(new URL(url).pathname))).toEqual([expect.stringContaining(cancelled.body.eventID)]);

      // Nothing changed since: an empty answer with a token (RFC 6578 §3.5).
      const third = await client<SyncResult>(['sync', '--calendar', `${sys.baseUrl}${primaryPath}`, '--token', second.token]);
      expect(third).toEqual(expect.objectContaining({ changed: [], deleted: [] }));
    }, 90_000);
  });
}

/** RFC 5545 §3.1: content lines may be folded anywhere; assertions read them unfolded. */
function unfold(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '');
}
