"""python3-caldav (Debian's package) driven against a CalDAV server, one step per subcommand.

Run with Debian's interpreter: /usr/bin/python3 caldav_client.py <step> [options]. The server's address and
the credentials come from the environment (DAV_URL, DAV_USER, DAV_PASSWORD), never from the command line, so
no password shows in a process list. Each step prints one JSON object on stdout that the test asserts on;
a step that cannot go on raises, and the traceback (and, with DAV_DEBUG=1, every request and answer the
library logged) goes to stderr.
"""

import argparse
import json
import logging
import os
import sys
from datetime import datetime, timezone

import caldav
from caldav.elements import dav
from caldav.lib import error

# A bound on what one step may list, so a misbehaving server cannot make the step run away.
MAX_ITEMS = 1000


def client():
    return caldav.DAVClient(url=os.environ["DAV_URL"], username=os.environ["DAV_USER"], password=os.environ["DAV_PASSWORD"], timeout=30)


def utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def header(response, name):
    """A response header, whatever its case (DAVResponse keeps requests' case-insensitive headers)."""
    value = response.headers.get(name)
    return value if value is None else str(value)


def text(response):
    raw = response.raw
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


def uids_of(objects):
    found = []
    for obj in objects[:MAX_ITEMS]:
        component = obj.icalendar_component
        found.append(str(component.get("UID")))
    return sorted(found)


def discover(_args):
    """RFC 6764/4791 discovery as the library does it: current-user-principal at DAV_URL, then the calendar home."""
    with client() as dav_client:
        principal = dav_client.principal()
        home = principal.calendar_home_set
        calendars = [{"url": str(c.url), "name": c.get_display_name()} for c in principal.calendars()[:MAX_ITEMS]]
        return {"principal": str(principal.url), "home": str(home.url), "calendars": calendars}


def event_text(uid, summary, start, end):
    return "\r\n".join([
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Datebook tests//python3-caldav//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20300101T000000Z",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SUMMARY:{summary}",
        "X-DATEBOOK-TEST:kept verbatim",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ])


def roundtrip(args):
    """Create, find in its week (and not in the next), update with the ETag, a stale update, delete."""
    steps = {}
    with client() as dav_client:
        calendar = dav_client.calendar(url=args.calendar)
        created = calendar.save_event(event_text(args.uid, "Planning", "20300604T080000Z", "20300604T090000Z"))
        steps["createdUrl"] = str(created.url)
        fetched = dav_client.request(str(created.url))
        steps["get"] = {"status": fetched.status, "etag": header(fetched, "ETag"), "body": text(fetched)}
        etag = header(fetched, "ETag")

        week = calendar.search(start=utc("2030-06-03T00:00:00Z"), end=utc("2030-06-10T00:00:00Z"), event=True)
        next_week = calendar.search(start=utc("2030-06-10T00:00:00Z"), end=utc("2030-06-17T00:00:00Z"), event=True)
        steps["weekUids"] = uids_of(week)
        steps["nextWeekUids"] = uids_of(next_week)
        # The deprecated date_search is what older scripts still call; it must find the same.
        steps["dateSearchUids"] = uids_of(calendar.date_search(utc("2030-06-03T00:00:00Z"), utc("2030-06-10T00:00:00Z")))

        headers = {"Content-Type": 'text/calendar; charset="utf-8"'}
        updated = dav_client.put(str(created.url), event_text(args.uid, "Planning (moved)", "20300605T080000Z", "20300605T090000Z"), {**headers, "If-Match": etag})
        steps["update"] = {"status": updated.status, "etag": header(updated, "ETag")}
        refetched = dav_client.request(str(created.url))
        steps["afterUpdate"] = {"status": refetched.status, "etag": header(refetched, "ETag"), "body": text(refetched)}

        # The first ETag is stale now: a client that did not see the update must not overwrite it (RFC 4791 §5.3.4, RFC 7232 §3.1).
        stale = dav_client.put(str(created.url), event_text(args.uid, "Planning (stale)", "20300606T080000Z", "20300606T090000Z"), {**headers, "If-Match": etag})
        steps["staleUpdate"] = {"status": stale.status}
        after_stale = dav_client.request(str(created.url))
        steps["afterStale"] = {"status": after_stale.status, "etag": header(after_stale, "ETag"), "body": text(after_stale)}

        # A create over an existing resource with If-None-Match: * must fail too (RFC 4791 §5.3.2).
        clobber = dav_client.put(str(created.url), event_text(args.uid, "Planning (clobbered)", "20300606T080000Z", "20300606T090000Z"), {**headers, "If-None-Match": "*"})
        steps["createOverExisting"] = {"status": clobber.status}

        created.delete()
        gone = dav_client.request(str(created.url))
        steps["afterDelete"] = {"status": gone.status}
        steps["weekUidsAfterDelete"] = uids_of(calendar.search(start=utc("2030-06-03T00:00:00Z"), end=utc("2030-06-10T00:00:00Z"), event=True))
    return steps


def sync(args):
    """RFC 6578 sync-collection through the library: every member without a token, the changes since one with it."""
    with client() as dav_client:
        calendar = dav_client.calendar(url=args.calendar)
        objects = calendar.objects_by_sync_token(sync_token=args.token, load_objects=False)
        changed, deleted = [], []
        for obj in list(objects)[:MAX_ITEMS]:
            try:
                obj.load()
            except error.NotFoundError:
                deleted.append(str(obj.url))
                continue
            component = obj.icalendar_component
            changed.append({"url": str(obj.url), "uid": str(component.get("UID")), "summary": str(component.get("SUMMARY")), "etag": obj.props.get(dav.GetEtag.tag)})
        return {"token": objects.sync_token, "changed": sorted(changed, key=lambda c: c["uid"]), "deleted": sorted(deleted)}


def main():
    parser = argparse.ArgumentParser()
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("discover")
    p = steps.add_parser("roundtrip")
    p.add_argument("--calendar", required=True)
    p.add_argument("--uid", required=True)
    p = steps.add_parser("sync")
    p.add_argument("--calendar", required=True)
    p.add_argument("--token")
    args = parser.parse_args()
    if os.environ.get("DAV_DEBUG") == "1":
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    result = {"discover": discover, "roundtrip": roundtrip, "sync": sync}[args.step](args)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
