/**
 * The XML writer for API answers (spec section 6): the declaration, a newline, the root,
 * children indented by two spaces, one element per line, LF line ends and a final LF.
 */
import type { ApiError } from '../domain/api-errors.js';

/** An element: a name and either its text or its child elements. */
export type XmlElement = readonly [name: string, content: string | readonly XmlElement[]];

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function xmlDocument(root: string, children: readonly XmlElement[]): string {
  return DECLARATION + renderElement([root, children], '');
}

/** The document of an API error: `<error>` inside its envelope. */
export function errorDocument(error: ApiError): string {
  const [root, ...inner] = error.envelope;
  let content: readonly XmlElement[] = [['error', error.text]];
  for (const name of inner.reverse()) content = [[name, content]];
  return xmlDocument(root, content);
}

function renderElement([name, content]: XmlElement, indent: string): string {
  if (typeof content === 'string') return `${indent}<${name}>${escapeXml(content)}</${name}>\n`;
  let out = `${indent}<${name}>\n`;
  for (const child of content) out += renderElement(child, indent + '  ');
  return `${out}${indent}</${name}>\n`;
}

const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ENTITIES[c] ?? c) : text;
}
