import { childNamed, davName, isNamed, type MultistatusResponse, type PropStat, type QName, clarkName, unreadableXml, type XmlElement, xmlNode, type XmlNode } from '@datebook/shared-kernel/dav';

/** What a PROPFIND (RFC 4918 §9.1) or a REPORT asks of each resource. */
export type PropRequest =
  | { kind: 'allprop'; include: QName[] }
  | { kind: 'propname' }
  | { kind: 'prop'; names: QName[]; elements: XmlElement[] };

export const ALLPROP: PropRequest = { kind: 'allprop', include: [] };

const nameOf = (element: XmlElement): QName => ({ ns: element.ns, local: element.local });

/** A `D:prop` element's children: the properties asked for (with their own content, e.g. calendar-data's expand). */
export function propsOf(prop: XmlElement): PropRequest {
  return { kind: 'prop', names: prop.children.map(nameOf), elements: prop.children };
}

/** The request of a PROPFIND body; an empty body asks for allprop (RFC 4918 §9.1). */
export function propfindRequestOf(root: XmlElement | undefined): PropRequest {
  if (!root) return ALLPROP;
  if (!isNamed(root, davName('propfind'))) throw unreadableXml('the body of a PROPFIND is a DAV:propfind element');
  const prop = childNamed(root, davName('prop'));
  if (prop) return propsOf(prop);
  if (childNamed(root, davName('propname'))) return { kind: 'propname' };
  if (childNamed(root, davName('allprop'))) {
    const include = childNamed(root, davName('include'));
    return { kind: 'allprop', include: include ? include.children.map(nameOf) : [] };
  }
  throw unreadableXml('DAV:propfind holds DAV:prop, DAV:propname or DAV:allprop');
}

/** A property's value: its element's children, computed when asked (some cost a query or a render). */
type PropertyValue = ReadonlyArray<XmlNode | string> | (() => ReadonlyArray<XmlNode | string>);

/**
 * The properties one resource has, and which of them allprop lists (RFC 4918 §9.1: allprop is not every
 * property; CalDAV keeps calendar-data and the privilege sets out of it). A property that is not set
 * is answered 404 in its own propstat.
 */
export class PropertyTable {
  private readonly values = new Map<string, { name: QName; value: PropertyValue }>();
  private readonly inAllprop = new Set<string>();

  set(name: QName, value: PropertyValue, options: { allprop?: boolean } = {}): this {
    this.values.set(clarkName(name), { name, value });
    if (options.allprop !== false) this.inAllprop.add(clarkName(name));
    return this;
  }

  /** Sets it only when there is a value (an unset colour or description answers 404). */
  setIfPresent(name: QName, value: ReadonlyArray<XmlNode | string> | null | undefined, options: { allprop?: boolean } = {}): this {
    return value === null || value === undefined ? this : this.set(name, value, options);
  }

  has(name: QName): boolean {
    return this.values.has(clarkName(name));
  }

  /** The DAV:response for `href`; `minimal` (Prefer: return=minimal, RFC 8144 §2.1) leaves out the 404s. */
  responseFor(href: string, request: PropRequest, minimal = false): MultistatusResponse {
    const found: XmlNode[] = [];
    const missing: QName[] = [];
    const answer = (name: QName) => {
      const entry = this.values.get(clarkName(name));
      if (!entry) return missing.push(name);
      const value = typeof entry.value === 'function' ? entry.value() : entry.value;
      return found.push({ name: entry.name, children: value });
    };
    if (request.kind === 'propname') {
      for (const { name } of this.values.values()) found.push(xmlNode(name));
    } else if (request.kind === 'allprop') {
      for (const key of this.inAllprop) answer((this.values.get(key) as { name: QName }).name);
      for (const name of request.include) if (!this.inAllprop.has(clarkName(name))) answer(name);
    } else {
      const asked = new Set<string>();
      for (const name of request.names) {
        // A name asked twice is answered once.
        if (asked.has(clarkName(name))) continue;
        asked.add(clarkName(name));
        answer(name);
      }
    }
    const propstats: PropStat[] = [];
    if (found.length > 0) propstats.push({ status: 200, props: found });
    if (missing.length > 0 && !minimal) propstats.push({ status: 404, props: missing.map((name) => xmlNode(name)) });
    // A response names at least one propstat (RFC 4918 §14.24): asked for nothing known, minimally, it is an empty 200.
    if (propstats.length === 0) propstats.push({ status: 200, props: [] });
    return { href, propstats };
  }
}
