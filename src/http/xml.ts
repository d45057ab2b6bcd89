/**
 * The XML writer for API answers (spec section 6): the declaration, a newline, the root,
 * children indented by two spaces, one element per line, LF line ends and a final LF.
 */
import type { ApiError } from '../domain/api-errors.js';

/**
 * An element: a name, either its text or its child elements, and any attributes (in order).
 * An empty text is an empty element written out in full (`<comment></comment>`).
 */
export type XmlElement = readonly [name: string, content: string | readonly XmlElement[], attributes?: readonly (readonly [name: string, value: string])[]];

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Kolmisoft declares some whole documents standalone (payments_get's): the bytes say so too. */
const STANDALONE_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export interface DocumentOptions {
  readonly standalone?: boolean;
}

export function xmlDocument(root: string, children: readonly XmlElement[], options: DocumentOptions = {}): string {
  return xmlRoot([root, children], options);
}

/** A document whose root is any element, text-only included (`<error>User was not found</error>`). */
export function xmlRoot(root: XmlElement, { standalone = false }: DocumentOptions = {}): string {
  return (standalone ? STANDALONE_DECLARATION : DECLARATION) + renderElement(root, '');
}

/** The document of an API error: `<error>` inside its envelope, or alone as the root when it has none. */
export function errorDocument(error: ApiError): string {
  let content: XmlElement = ['error', error.text];
  for (const name of [...error.envelope].reverse()) content = [name, [content]];
  return xmlRoot(content, { standalone: error.standalone });
}

function renderElement([name, content, attributes = []]: XmlElement, indent: string): string {
  const open = name + attributes.map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join('');
  if (typeof content === 'string') return `${indent}<${open}>${escapeXml(content)}</${name}>\n`;
  let out = `${indent}<${open}>\n`;
  for (const child of content) out += renderElement(child, indent + '  ');
  return `${out}${indent}</${name}>\n`;
}

const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ENTITIES[c] ?? c) : text;
}
