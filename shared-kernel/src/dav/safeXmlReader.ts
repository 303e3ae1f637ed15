import { SaxesParser } from 'saxes';
import { bodyTooLarge, DavError, unreadableXml } from './davError';
import type { XmlElement } from './xmlTree';

export interface XmlLimits {
  /** Bytes of the (decoded) body. */
  maxBytes: number;
  /** Nesting depth of elements; the deepest CalDAV filter is about 8. */
  maxDepth: number;
  /** Elements in the whole document (a multiget of 1,000 hrefs is ~1,000). */
  maxElements: number;
  /** Attributes of one element, namespace declarations included: a DAV element has a handful. */
  maxAttributesPerElement: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxElements: 10_000, maxAttributesPerElement: 64 };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Characters read between two turns of the event loop by readDavXml: a few ms of parsing (about 40 ms a MiB). */
const CHARS_PER_TURN = 64 * 1024;

/** The body as text, within the byte limit and only as UTF-8. */
function bodyText(body: Buffer | string, maxBytes: number): string {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bytes > maxBytes) throw bodyTooLarge(maxBytes);
  try {
    return typeof body === 'string' ? body : decoder.decode(body);
  } catch {
    throw unreadableXml('it is not UTF-8');
  }
}

/** A parser building the element tree as text is written to it, refusing what the limits and the rules below refuse. */
function davXmlParser(limits: XmlLimits) {
  const { maxDepth, maxElements, maxAttributesPerElement } = limits;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let attributes = 0;

  parser.on('doctype', () => {
    throw unreadableXml('a DOCTYPE is not accepted (no DTDs, no entities)');
  });
  parser.on('xmldecl', (declaration) => {
    const encoding = declaration.encoding?.toLowerCase();
    if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'us-ascii') throw unreadableXml(`encoding ${declaration.encoding} is not supported; send UTF-8`);
  });
  parser.on('opentagstart', () => {
    attributes = 0;
  });
  // Counted as each is read: thousands on one element (each a namespace to resolve) are refused before the tag ends.
  parser.on('attribute', () => {
    attributes += 1;
    if (attributes > maxAttributesPerElement) throw unreadableXml(`more than ${maxAttributesPerElement} attributes on one element`);
  });
  parser.on('opentag', (tag) => {
    elements += 1;
    if (elements > maxElements) throw unreadableXml(`more than ${maxElements} elements`);
    if (stack.length >= maxDepth) throw unreadableXml(`elements nested deeper than ${maxDepth}`);
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === '') attributes[attribute.local] = attribute.value;
    }
    const element: XmlElement = { ns: tag.uri, local: tag.local, attributes, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const appendText = (content: string) => {
    const current = stack.at(-1);
    if (current) current.text += content;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  parser.on('error', (error) => {
    throw unreadableXml(error.message);
  });

  const guarded = <T>(step: () => T): T => {
    try {
      return step();
    } catch (error) {
      if (error instanceof DavError) throw error;
      throw unreadableXml(error instanceof Error ? error.message : String(error));
    }
  };
  return {
    write(text: string): void {
      guarded(() => parser.write(text));
    },
    finish(): XmlElement {
      guarded(() => parser.close());
      if (!root) throw unreadableXml('there is no root element');
      return root;
    },
  };
}

/**
 * A request body as an element tree, read without ever declaring or resolving an entity: any DOCTYPE is
 * refused (400) the moment it is seen, so no external entity is fetched (XXE) and no entity expands
 * (billion laughs); a reference to any entity but XML's five predefined ones is a well-formedness
 * error (400). Only UTF-8 is read. Limits on bytes (413), depth, element and attribute counts (400) bound the work.
 */
export function parseDavXml(body: Buffer | string, limits: Partial<XmlLimits> = {}): XmlElement {
  const all = { ...DEFAULT_XML_LIMITS, ...limits };
  const parser = davXmlParser(all);
  parser.write(bodyText(body, all.maxBytes));
  return parser.finish();
}

/**
 * parseDavXml for a request's body, read CHARS_PER_TURN characters at a time with the event loop turning
 * between: a body of the full MiB takes tens of milliseconds to parse, too long to hold every other request.
 */
export async function readDavXml(body: Buffer | string, limits: Partial<XmlLimits> = {}): Promise<XmlElement> {
  const all = { ...DEFAULT_XML_LIMITS, ...limits };
  const text = bodyText(body, all.maxBytes);
  const parser = davXmlParser(all);
  let at = 0;
  while (at < text.length) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    // Never between the two halves of a surrogate pair: saxes reads characters, not UTF-16 units.
    let end = Math.min(at + CHARS_PER_TURN, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    parser.write(text.slice(at, end));
    at = end;
  }
  return parser.finish();
}
