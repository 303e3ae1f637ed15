import { type QName, sameName } from './davNames';

/** An element of a parsed request body: namespace-resolved, with its own text (text and CDATA, concatenated). */
export interface XmlElement extends QName {
  /** Attributes by local name; only unprefixed ones (CalDAV's `name`, `start`, `end`, `collation`, …) are kept. */
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  text: string;
}

/** The first child element with this name, if any. */
export function childNamed(element: XmlElement, name: QName): XmlElement | undefined {
  return element.children.find((child) => sameName(child, name));
}

/** Every child element with this name, in document order. */
export function childrenNamed(element: XmlElement, name: QName): XmlElement[] {
  return element.children.filter((child) => sameName(child, name));
}

/** The element's text without surrounding white space. */
export const trimmedText = (element: XmlElement): string => element.text.trim();

export const isNamed = (element: XmlElement, name: QName): boolean => sameName(element, name);
