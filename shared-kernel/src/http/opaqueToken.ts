import type { z } from 'zod';

/** A value as a token clients pass back without reading it (a page token): JSON in base64url (RFC 4648 §5). */
export function encodeOpaqueToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The value a token carries when it is one this server wrote: base64url, at most `maxChars` long, JSON
 * that `schema` accepts; undefined for anything else, which the caller refuses naming its field.
 */
export function decodeOpaqueToken<S extends z.ZodType>(token: string, schema: S, maxChars: number): z.infer<S> | undefined {
  if (token.length > maxChars || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
