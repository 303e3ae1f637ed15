/**
 * Where a secret address is reached: `<PUBLIC_URL>/feeds/<token>.ics`, and the same as `webcal://` (the
 * scheme calendar apps register for, a de-facto convention with no RFC: the app fetches it over http(s)).
 */
export function feedAddresses(publicUrl: string, token: string): { url: string; webcalUrl: string } {
  const url = `${publicUrl.replace(/\/+$/, '')}/feeds/${token}.ics`;
  return { url, webcalUrl: url.replace(/^https?:\/\//i, 'webcal://') };
}
