/** How far back a copy of a user's view reaches: reads of older windows always go to PostgreSQL. Default 400 days. */
export const VIEW_COPY_RETENTION_MS = 400 * 86_400_000;

/**
 * Where the query side asks for a user's calendar view to be copied from the read model, after a read
 * found it missing. The query side only asks; the projector (the views' one writer) takes the requests
 * and copies (see `calendarViewCopier`). Asking is best effort: a lost request is asked again by a later miss.
 */
export interface ViewCopyRequests {
  request(userID: string): Promise<void>;
}
