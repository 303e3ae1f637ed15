/** Logs name a mailbox by its first letter and domain: enough to tell messages apart, not to harvest addresses. */
export function redactEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address.charAt(0)}***${address.slice(at)}`;
}
