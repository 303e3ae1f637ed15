/**
 * Why a message to a reply address is not applied. Each is permanent: the same message would be refused
 * again, so the SMTP answer is a 5xx and the sender's mail system tells its user (see smtpReplies.ts).
 */
export type RefusalReason =
  /** No text/calendar part (or attached .ics): a person wrote to the address. */
  | 'NOT_ITIP'
  /** The calendar part is not readable iCalendar. */
  | 'UNREADABLE_CALENDAR'
  /** RFC 5546 §3.2.7 COUNTER: proposing another time is not taken by mail; answer or write to the organizer. */
  | 'COUNTER_NOT_ACCEPTED'
  /** Any METHOD but REPLY (REQUEST, REFRESH, DECLINECOUNTER, ...). */
  | 'NOT_A_REPLY'
  /** No VEVENT, VEVENTs of different UIDs, or one without exactly one ATTENDEE. */
  | 'MALFORMED_REPLY'
  /** The token was made for no attendee of the event (or for no event at all). */
  | 'FORGED_TOKEN'
  /** The token is good, for another attendee of the event than the one the REPLY names. */
  | 'WRONG_ATTENDEE'
  /** The token is good but its event does not exist (any more, in this store). */
  | 'UNKNOWN_EVENT'
  /** The VEVENT's UID is not the event's (iCalUIDOf). */
  | 'UID_MISMATCH'
  /** The REPLY answers an older version of the event (RFC 5546 §2.1.5): its SEQUENCE is below the current one. */
  | 'STALE_SEQUENCE'
  /** A SEQUENCE Datebook never sent. */
  | 'UNKNOWN_SEQUENCE'
  /** The address was invited once, and no longer is (or answers as the organizer). */
  | 'NOT_AN_ATTENDEE'
  /** PARTSTAT other than ACCEPTED, DECLINED, TENTATIVE (NEEDS-ACTION, DELEGATED, none). */
  | 'UNSUPPORTED_PARTSTAT'
  /** RECURRENCE-ID that names no occurrence of the series, or one answer per occurrence from a guest invited by address. */
  | 'NO_SUCH_OCCURRENCE'
  | 'EVENT_CANCELLED';

export interface Refusal {
  reason: RefusalReason;
  /** What went wrong, for the log. */
  detail: string;
}

export class ReplyRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'ReplyRefused';
  }
}

export function refuse(reason: RefusalReason, detail: string): never {
  throw new ReplyRefused(reason, detail);
}
