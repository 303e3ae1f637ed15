import { type QName, WELL_KNOWN_PREFIXES } from './davNames';

/** An element to write: a name, unprefixed attributes, and children (elements or text, escaped on output). */
export interface XmlNode {
  name: QName;
  attributes?: Readonly<Record<string, string>>;
  children?: ReadonlyArray<XmlNode | string>;
}

type Child = XmlNode | string | null | undefined | false;

/** `xmlNode(name, child, …)`: absent children (null, undefined, false) are left out, so conditions read inline. */
export function xmlNode(name: QName, ...children: Child[]): XmlNode {
  return { name, children: children.filter((c): c is XmlNode | string => c !== null && c !== undefined && c !== false) };
}

export function xmlNodeWithAttributes(name: QName, attributes: Record<string, string>, ...children: Child[]): XmlNode {
  return { ...xmlNode(name, ...children), attributes };
}

// XML 1.0 §2.2: these characters cannot appear in a document at all, not even as references; they are dropped.
// Lone surrogates are invalid too (a string with one cannot be encoded as UTF-8).
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<>"\r\n\t]/g;
const REFERENCES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

/**
 * Text content, escaped. CR is written as a reference: a parser would otherwise normalise CRLF to LF
 * (XML 1.0 §2.11), and iCalendar data inside calendar-data must come back byte for byte (RFC 5545 lines end in CRLF).
 */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(TEXT_SPECIAL, (c) => REFERENCES[c] as string);
}

export function escapeXmlAttribute(value: string): string {
  return value.replace(NOT_XML_CHAR, '').replace(ATTRIBUTE_SPECIAL, (c) => REFERENCES[c] as string);
}

const PREFIX_OF = new Map(WELL_KNOWN_PREFIXES.map(([prefix, ns]) => [ns, prefix]));
/** The declarations a document root carries, so elements in the well-known namespaces need none of their own. */
export const ROOT_NAMESPACE_DECLARATIONS = WELL_KNOWN_PREFIXES.map(([prefix, ns]) => ` xmlns:${prefix}="${escapeXmlAttribute(ns)}"`).join('');

/**
 * Writes elements under a root that declared ROOT_NAMESPACE_DECLARATIONS. A name in another namespace (a
 * property a client asked for that we do not know) declares a prefix of its own on its element; a name
 * without a namespace is written unprefixed with `xmlns=""`.
 */
export class XmlFragmentWriter {
  private readonly parts: string[] = [];
  private generated = 0;

  /** Appends an element (and its subtree). */
  node(node: XmlNode): this {
    this.write(node);
    return this;
  }

  /** Appends markup written elsewhere by this module (already well-formed). */
  raw(markup: string): this {
    this.parts.push(markup);
    return this;
  }

  /** Everything written so far, and a fresh start. */
  take(): string {
    const text = this.parts.join('');
    this.parts.length = 0;
    return text;
  }

  private write(node: XmlNode): void {
    const { tag, declaration } = this.tagOf(node.name);
    let open = `<${tag}${declaration}`;
    for (const [name, value] of Object.entries(node.attributes ?? {})) open += ` ${name}="${escapeXmlAttribute(value)}"`;
    const children = node.children ?? [];
    if (children.length === 0) {
      this.parts.push(`${open}/>`);
      return;
    }
    this.parts.push(`${open}>`);
    for (const child of children) {
      if (typeof child === 'string') this.parts.push(escapeXmlText(child));
      else this.write(child);
    }
    this.parts.push(`</${tag}>`);
  }

  private tagOf(name: QName): { tag: string; declaration: string } {
    const known = PREFIX_OF.get(name.ns);
    if (known !== undefined) return { tag: `${known}:${name.local}`, declaration: '' };
    if (name.ns === '') return { tag: name.local, declaration: ' xmlns=""' };
    const prefix = `x${this.generated++}`;
    return { tag: `${prefix}:${name.local}`, declaration: ` xmlns:${prefix}="${escapeXmlAttribute(name.ns)}"` };
  }
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** A whole document with `root` as its root element (declaring the well-known prefixes). */
export function xmlDocument(root: XmlNode): string {
  const body = new XmlFragmentWriter().node(root).take();
  // The root's own tag is `<P:local`; the declarations go right after it.
  const end = body.search(/[\s/>]/);
  return `${XML_DECLARATION}${body.slice(0, end)}${ROOT_NAMESPACE_DECLARATIONS}${body.slice(end)}`;
}
