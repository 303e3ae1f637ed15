import { addressPrincipalID } from '@datebook/shared-kernel';

/**
 * The ledger names every recipient by a UUID; someone with no account has only an address. This is the
 * id that stands for that address everywhere (shared-kernel's addressPrincipalID: a name-based UUID of the
 * address in its normal form), so the same address is the same recipient in every process and on every
 * redelivery, and an answer by mail from it (whose actor is this id) is theirs.
 */
export const addressRecipientID = (email: string): string => addressPrincipalID(email);
