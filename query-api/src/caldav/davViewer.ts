import { type CalendarListSettings, calendarListSettingsOf, type CalendarReader, calendarReaderFromUser } from '@datebook/shared-kernel';
import { type EventStore, readUserState } from '@datebook/shared-kernel/ports';

/** The signed-in person as the DAV tree needs them: who they are to calendar rules, their name, address and list settings. */
export interface DavViewer {
  userID: string;
  userName: string;
  email: string | null;
  reader: CalendarReader;
  settingsOf(calendarID: string): CalendarListSettings;
}

/** Read from their User stream (a caught-up fold: one small read), once per request. */
export async function davViewerOf(store: EventStore, userID: string): Promise<DavViewer> {
  const user = await readUserState(store, userID);
  const registered = user.status === 'registered' ? user : undefined;
  return {
    userID,
    userName: registered?.userName ?? '',
    email: registered?.email ?? null,
    reader: calendarReaderFromUser(user, userID),
    settingsOf: (calendarID) => calendarListSettingsOf(user, calendarID),
  };
}
