const ASCII = /^[\x00-\x7f]*$/;

// PostgreSQL's jsonb keeps an object's keys shorter first, then in byte order (its own normal form).
const asciiKeyOrder = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
function byteKeyOrder(a: string, b: string): number {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length - y.length || Buffer.compare(x, y);
}

/**
 * A value as it reads back after being stored in a jsonb column: undefined members left out (as JSON
 * leaves them) and every object's keys in jsonb's order. A state folded in memory is handed on in this
 * form, so what is decided from it (who is listed first, whose e-mail a sender's limit holds back) is
 * the same as when each event was handled on its own, from the state stored by the one before.
 */
export function storedForm<T>(value: T): T {
  return copy(value) as T;
}

/**
 * What `copy` made: already in stored form. States are folded into new objects, never changed in place,
 * so a state folded from one in stored form shares its unchanged parts, which are handed on as they are:
 * a series with hundreds of changed occurrences is not copied whole after each of a batch's events.
 */
const inStoredForm = new WeakSet<object>();

function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (inStoredForm.has(value)) return value;
  const result = Array.isArray(value) ? value.map((item) => (item === undefined ? null : copy(item))) : copyObject(value as Record<string, unknown>);
  inStoredForm.add(result as object);
  return result;
}

function copyObject(source: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(source);
  const order = keys.every((key) => ASCII.test(key)) ? asciiKeyOrder : byteKeyOrder;
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = order(keys[i - 1] as string, keys[i] as string) < 0;
  if (!sorted) keys.sort(order);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const member = source[key];
    if (member !== undefined) result[key] = copy(member);
  }
  return result;
}
