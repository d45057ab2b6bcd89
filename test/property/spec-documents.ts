/**
 * The spec's documents, written out from the spec text (sections 1, 3, 6 and 10), and a small
 * well-formedness checker for the byte layout of section 6. Nothing here imports from src/.
 */
import assert from 'node:assert/strict';

export const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const XML_TYPE = 'text/xml; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

/** Transport faults (spec section 1): status → the `<status><error>` text. */
export const TRANSPORT_FAULTS: ReadonlyMap<number, string> = new Map([
  [400, 'Malformed request'],
  [404, 'There is no such API'],
  [405, 'Method not allowed'],
  [413, 'Request too large'],
  [415, 'Unsupported content type'],
  [431, 'Request too large'],
]);

/** Every HTTP status the spec lets the API answer with. */
export const SPEC_STATUSES: ReadonlySet<number> = new Set([200, ...TRANSPORT_FAULTS.keys()]);

/** HTTP 200 errors, by envelope (sections 3 and 10). */
export const STATUS_ERRORS = ['API Requests are disabled', 'GET Requests are disabled', 'API must have Secret Key', 'Incorrect hash', 'Bad login'] as const;
export const PAGE_ERRORS = ['Feature disabled', 'User was not found', 'User balance not updated', 'Duplicate transaction_id'] as const;
export const PAGE_STATUS_ERRORS = ['Currency was not found', 'Exchange rate is invalid'] as const;

export type Envelope = 'status' | 'page' | 'page/status';

const escapeText = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** An error document, byte for byte as the spec shows it. */
export function specErrorDocument(envelope: Envelope, text: string): string {
  if (envelope === 'page/status') {
    return `${DECLARATION}<page>\n  <status>\n    <error>${escapeText(text)}</error>\n  </status>\n</page>\n`;
  }
  return `${DECLARATION}<${envelope}>\n  <error>${escapeText(text)}</error>\n</${envelope}>\n`;
}

export function transportFaultDocument(status: number): string {
  const text = TRANSPORT_FAULTS.get(status);
  assert.ok(text !== undefined, `${status} is not a transport fault of the spec`);
  return specErrorDocument('status', text);
}

export function balanceDocument(balance: string, currency?: string): string {
  const currencyLine = currency === undefined ? '' : `  <currency>${escapeText(currency)}</currency>\n`;
  return `${DECLARATION}<page>\n  <balance>${balance}</balance>\n${currencyLine}</page>\n`;
}

export const RATE_UPDATED_DOCUMENT = `${DECLARATION}<page>\n  <status>\n    <success>Currency successfully updated</success>\n  </status>\n</page>\n`;

// ---------------------------------------------------------------------------------------------
// Well-formedness, independent of the project's writer.

export interface XmlNode {
  readonly name: string;
  /** Decoded text of a leaf element; undefined for an element with children. */
  readonly text: string | undefined;
  readonly children: readonly XmlNode[];
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
const OPEN = new RegExp(`^<(${NAME})>$`);
const CLOSE = new RegExp(`^</(${NAME})>$`);
const LEAF = new RegExp(`^<(${NAME})>([^<>]*)</(${NAME})>$`);
// Characters XML 1.0 does not allow in text (C0 controls but tab, LF and CR; U+FFFE, U+FFFF).
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const ENTITY = /&(amp|lt|gt|quot|apos);/g;

/**
 * Parses a document of the spec's layout (section 6) and throws an AssertionError naming the
 * first problem: the declaration and a newline, then one element per line, children indented by
 * two spaces per level, LF line ends only, a final LF, one root, tags that match, and text with
 * only the five escapes (no raw `&<>"'`).
 */
export function parseSpecXml(document: string): XmlNode {
  assert.ok(document.startsWith(DECLARATION), `no XML declaration line: ${JSON.stringify(document.slice(0, 60))}`);
  assert.ok(document.endsWith('\n'), 'no final LF');
  assert.ok(!document.includes('\r'), 'a CR in the document');
  assert.ok(document.isWellFormed(), 'a lone surrogate in the document');
  const lines = document.slice(DECLARATION.length, -1).split('\n');

  interface Open { name: string; children: XmlNode[] }
  const stack: Open[] = [];
  let root: XmlNode | undefined;
  lines.forEach((line, index) => {
    const where = `line ${index + 2} ${JSON.stringify(line)}`;
    assert.equal(root, undefined, `content after the root element at ${where}`);
    const indent = /^ */.exec(line)![0].length;
    const rest = line.slice(indent);
    let match: RegExpExecArray | null;
    if ((match = CLOSE.exec(rest)) !== null) {
      const open = stack.pop();
      assert.ok(open !== undefined, `a closing tag with nothing open at ${where}`);
      assert.equal(match[1], open.name, `mismatched closing tag at ${where}`);
      assert.equal(indent, 2 * stack.length, `wrong indentation at ${where}`);
      const node: XmlNode = { name: open.name, text: undefined, children: open.children };
      if (stack.length === 0) root = node;
      else stack.at(-1)!.children.push(node);
      return;
    }
    assert.equal(indent, 2 * stack.length, `wrong indentation at ${where}`);
    if ((match = OPEN.exec(rest)) !== null) {
      stack.push({ name: match[1]!, children: [] });
      return;
    }
    match = LEAF.exec(rest);
    assert.ok(match !== null, `not one element per line at ${where}`);
    assert.equal(match[1], match[3], `mismatched leaf tags at ${where}`);
    const raw = match[2]!;
    assert.ok(!/["']/.test(raw), `an unescaped quote at ${where}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(raw), `a bare & at ${where}`);
    assert.ok(!NOT_XML_CHAR.test(raw), `a character XML does not allow at ${where}`);
    const text = raw.replace(ENTITY, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[entity]!);
    const node: XmlNode = { name: match[1]!, text, children: [] };
    if (stack.length === 0) root = node;
    else stack.at(-1)!.children.push(node);
  });
  assert.equal(stack.length, 0, `unclosed element ${stack.at(-1)?.name}`);
  assert.ok(root !== undefined, 'no root element');
  return root;
}

/** The element names of a node's children, for shape checks. */
export const childNames = (node: XmlNode): string[] => node.children.map((child) => child.name);

/** A rounded balance at `digits` places, as section 5 prints it. */
export function roundedNumberSyntax(digits: number): RegExp {
  return digits === 0 ? /^-?(?:0|[1-9][0-9]*)$/ : new RegExp(`^-?(?:0|[1-9][0-9]*)\\.[0-9]{${digits}}$`);
}

/** True when a rounded balance text is a zero (which must carry no sign). */
export const isZeroText = (text: string): boolean => /^-?0(?:\.0*)?$/.test(text);

/** What kind of spec document a parsed HTTP 200 XML answer is; throws for anything else. */
export type DocumentKind =
  | { kind: 'error'; envelope: Envelope; text: string }
  | { kind: 'balance'; balance: string; currency: string | undefined }
  | { kind: 'balance_updated'; username: string; id: string; balance: string }
  | { kind: 'rate_updated' };

export function classifyDocument(root: XmlNode): DocumentKind {
  const only = root.children.length === 1 ? root.children[0]! : undefined;
  if (root.name === 'status' && only?.name === 'error' && only.text !== undefined) {
    assert.ok((STATUS_ERRORS as readonly string[]).includes(only.text), `not a <status> error of the spec: ${only.text}`);
    return { kind: 'error', envelope: 'status', text: only.text };
  }
  assert.equal(root.name, 'page', `unknown root element ${root.name}`);
  if (only?.name === 'error' && only.text !== undefined) {
    assert.ok((PAGE_ERRORS as readonly string[]).includes(only.text), `not a <page> error of the spec: ${only.text}`);
    return { kind: 'error', envelope: 'page', text: only.text };
  }
  if (only?.name === 'status' && only.text === undefined) {
    const inner = only.children.length === 1 ? only.children[0]! : undefined;
    if (inner?.name === 'error' && inner.text !== undefined) {
      assert.ok((PAGE_STATUS_ERRORS as readonly string[]).includes(inner.text), `not a <page><status> error of the spec: ${inner.text}`);
      return { kind: 'error', envelope: 'page/status', text: inner.text };
    }
    assert.equal(inner?.name, 'success', 'unknown <page><status> document');
    assert.equal(inner.text, 'Currency successfully updated');
    return { kind: 'rate_updated' };
  }
  if (only?.name === 'page') {
    assert.deepEqual(childNames(only), ['status', 'user']);
    assert.equal(only.children[0]!.text, 'User balance updated');
    const user = only.children[1]!;
    assert.deepEqual(childNames(user), ['username', 'id', 'balance']);
    const [username, id, balance] = user.children.map((child) => child.text ?? '');
    assert.match(id!, /^[1-9][0-9]*$/);
    assert.match(balance!, /^-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])$/, 'not a plain decimal with at least one fractional digit');
    return { kind: 'balance_updated', username: username!, id: id!, balance: balance! };
  }
  const names = childNames(root);
  assert.ok(
    names.length === 1 ? names[0] === 'balance' : names.length === 2 && names[0] === 'balance' && names[1] === 'currency',
    `unknown <page> document with children ${names.join(', ')}`,
  );
  const balance = root.children[0]!.text;
  assert.ok(balance !== undefined, '<balance> has children');
  const currency = root.children[1]?.text;
  if (root.children[1] !== undefined) assert.match(currency ?? '', /^[A-Z0-9]{3,5}$/, 'not a currency code');
  return { kind: 'balance', balance, currency };
}
