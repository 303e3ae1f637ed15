/**
 * Configuration files of the calendar clients the tests drive, as a person would write them (see the
 * README's "Use it from your calendar app"): vdirsyncer pairing Datebook with a folder of .ics files, and
 * khal reading that folder.
 */

/** TOML-ish string as vdirsyncer's config reads it (a JSON string literal is valid there). */
const quoted = (value: string) => JSON.stringify(value);

/**
 * vdirsyncer (https://vdirsyncer.pimutils.org/en/stable/config.html): the server's root URL, from which it
 * finds the person's calendars itself (current-user-principal, calendar-home-set, or /.well-known/caldav);
 * `collections = ["from a"]` syncs every calendar the server lists into a folder of its own under `localDir`.
 */
export function vdirsyncerConfig(options: { statusDir: string; localDir: string; url: string; username: string; password: string }): string {
  return [
    '[general]',
    `status_path = ${quoted(options.statusDir)}`,
    '',
    '[pair datebook]',
    'a = "datebook_remote"',
    'b = "datebook_local"',
    'collections = ["from a"]',
    '',
    '[storage datebook_remote]',
    'type = "caldav"',
    `url = ${quoted(options.url)}`,
    `username = ${quoted(options.username)}`,
    `password = ${quoted(options.password)}`,
    '',
    '[storage datebook_local]',
    'type = "filesystem"',
    `path = ${quoted(options.localDir)}`,
    'fileext = ".ics"',
    '',
  ].join('\n');
}

/**
 * khal (https://khal.readthedocs.io/en/latest/configure.html) on one vdir, with fixed ISO formats so the
 * listing can be compared line by line, in `timeZone` (the zone the person lives in).
 */
export function khalConfig(options: { calendarDir: string; databasePath: string; timeZone: string }): string {
  return [
    '[calendars]',
    '[[datebook]]',
    `path = ${options.calendarDir}`,
    'type = calendar',
    '',
    '[locale]',
    'timeformat = %H:%M',
    'dateformat = %Y-%m-%d',
    'longdateformat = %Y-%m-%d',
    'datetimeformat = %Y-%m-%d %H:%M',
    'longdatetimeformat = %Y-%m-%d %H:%M',
    `local_timezone = ${options.timeZone}`,
    `default_timezone = ${options.timeZone}`,
    'firstweekday = 0',
    '',
    '[sqlite]',
    `path = ${options.databasePath}`,
    '',
  ].join('\n');
}

/** One line per event of `khal list`: its date, times (empty for all-day events) and title. */
export const KHAL_LINE_FORMAT = '{start-date} {start-time}-{end-time} {title}';
