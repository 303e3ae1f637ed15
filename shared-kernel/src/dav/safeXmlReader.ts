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
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxElements: 10_000 };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * A request body as an element tree, read without ever declaring or resolving an entity: any DOCTYPE is
 * refused (400) the moment it is seen, so no external entity is fetched (XXE) and no entity expands
 * (billion laughs); a reference to any entity but XML's five predefined ones is a well-formedness
 * error (400). Only UTF-8 is read. Limits on bytes (413), depth and element count (400) bound the work.
 */
export function parseDavXml(body: Buffer | string, limits: Partial<XmlLimits> = {}): XmlElement {
  const { maxBytes, maxDepth, maxElements } = { ...DEFAULT_XML_LIMITS, ...limits };
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bytes > maxBytes) throw bodyTooLarge(maxBytes);
  let text: string;
  try {
    text = typeof body === 'string' ? body : decoder.decode(body);
  } catch {
    throw unreadableXml('it is not UTF-8');
  }

  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;

  parser.on('doctype', () => {
    throw unreadableXml('a DOCTYPE is not accepted (no DTDs, no entities)');
  });
  parser.on('xmldecl', (declaration) => {
    const encoding = declaration.encoding?.toLowerCase();
    if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'us-ascii') throw unreadableXml(`encoding ${declaration.encoding} is not supported; send UTF-8`);
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

  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof DavError) throw error;
    throw unreadableXml(error instanceof Error ? error.message : String(error));
  }
  if (!root) throw unreadableXml('there is no root element');
  return root;
}
