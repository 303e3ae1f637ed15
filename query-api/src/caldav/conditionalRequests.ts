/** The entity tags of an If-Match / If-None-Match header (RFC 9110 §13.1.1, §13.1.2), or '*'. */
function tagsOf(header: string): '*' | string[] {
  if (header.trim() === '*') return '*';
  return header.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}

/** Weak comparison (RFC 9110 §8.8.3.2): W/"x" and "x" match. */
const opaque = (tag: string) => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** If-None-Match (RFC 9110 §13.1.2): whether the client's copy is current, so a GET answers 304. */
export function noneMatchSatisfied(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = tagsOf(header);
  return tags === '*' || tags.some((tag) => opaque(tag) === opaque(etag));
}

/** If-Match (RFC 9110 §13.1.1, strong comparison): false when the client's condition fails (412). */
export function matchSatisfied(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const tags = tagsOf(header);
  return tags === '*' || tags.some((tag) => !tag.startsWith('W/') && tag === etag);
}
