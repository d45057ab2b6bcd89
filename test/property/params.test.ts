/**
 * Property-based tests of the parameter parsers (spec section 1): query strings and form bodies,
 * JSON objects, multipart fields, and the content-type dispatch in front of them. No exception
 * escapes any of them, whatever the input; what a client library encodes comes back unchanged;
 * what is broken is refused with the spec's fault, never thrown.
 */
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { API_ERRORS } from '../../src/domain/api-errors.js';
import { parseJsonObject } from '../../src/http/body/json-object.js';
import { parseMultipart } from '../../src/http/body/multipart.js';
import { MAX_BODY_BYTES, parseBodyInto } from '../../src/http/body/request-body.js';
import { parseUrlEncoded } from '../../src/http/body/url-encoded.js';

const RUNS = { numRuns: 1000 };

/** Any well-formed text: every code point, control characters included, no lone surrogate. */
const text = (maxLength = 24): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: fc.constantFrom('&', '=', '+', '%', ' ', '"', '\\', '\r', '\n', ';', '-', 'a', 'é', '😀'), maxLength }),
  );
/** Any string at all, lone surrogates included: what a buggy caller could pass. */
const anyString = fc.oneof(text(), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }));
/** A list of name/value pairs, with repeated names likely. */
const pairs = (value = text()): fc.Arbitrary<[string, string][]> =>
  fc.array(fc.tuple(fc.oneof(fc.constantFrom('username', 'currency', 'hash', 'a'), text(8)), value), { maxLength: 8 });

/** The map a list of pairs stands for: a repeated name keeps its last value. */
const lastWins = (list: readonly (readonly [string, string])[]): Map<string, string> => new Map(list);

function urlEncoded(input: string): Map<string, string> | undefined {
  const into = new Map<string, string>();
  return parseUrlEncoded(input, into) ? into : undefined;
}

function jsonObject(input: string): Map<string, string> | undefined {
  const into = new Map<string, string>();
  return parseJsonObject(input, into) ? into : undefined;
}

/**
 * An independent check of one form component: every `%` starts two hex digits, and the bytes
 * (raw characters as UTF-8, escapes as themselves) are valid UTF-8.
 */
function componentIsValid(component: string): boolean {
  const bytes: number[] = [];
  for (let i = 0; i < component.length; ) {
    if (component[i] === '%') {
      const hex = component.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return false;
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(component.codePointAt(i)!);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return isUtf8(Buffer.from(bytes));
}

describe('query strings and form bodies (parseUrlEncoded)', () => {
  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(anyString, (input) => {
        const into = new Map<string, string>();
        assert.equal(typeof parseUrlEncoded(input, into), 'boolean');
      }),
      RUNS,
    );
  });

  it('gives back what encodeURIComponent encoded, the last value of a repeated name winning', () => {
    fc.assert(
      fc.property(pairs(), fc.boolean(), (list, bareNames) => {
        const encoded = list
          .map(([name, value]) => (bareNames && value === '' && name !== '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`))
          .join('&');
        assert.deepEqual(urlEncoded(encoded), lastWins(list));
      }),
      RUNS,
    );
  });

  it('gives back what URLSearchParams encoded (+ for a space), with stray & anywhere', () => {
    fc.assert(
      fc.property(pairs(), fc.array(fc.nat(12), { maxLength: 3 }), (list, strayAt) => {
        let encoded = new URLSearchParams(list).toString();
        for (const at of strayAt) {
          // Anywhere but inside an escape or between the escapes of one UTF-8 sequence.
          if (encoded[at] !== '%' && encoded[at - 1] !== '%' && encoded[at - 2] !== '%') encoded = encoded.slice(0, at) + '&' + encoded.slice(at);
        }
        // A stray & may split a pair: compare with the WHATWG parser instead of the list.
        const whatwg = lastWins([...new URLSearchParams(encoded)]);
        assert.deepEqual(urlEncoded(encoded), whatwg);
        if (strayAt.length === 0) assert.deepEqual(urlEncoded(encoded), lastWins(list));
      }),
      RUNS,
    );
  });

  it('agrees with the WHATWG URLSearchParams parser on every text it accepts', () => {
    const formish = fc.string({ unit: fc.oneof(fc.constantFrom('%', '&', '=', '+', '2', 'C', '3', 'a', 'F', 'E', '8', '0'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 });
    fc.assert(
      fc.property(formish, (input) => {
        const parsed = urlEncoded(input);
        if (parsed !== undefined) assert.deepEqual(parsed, lastWins([...new URLSearchParams(input)]));
      }),
      RUNS,
    );
  });

  it('refuses (returns false) exactly when some component has a bad escape or is not UTF-8', () => {
    const escapes = fc.oneof(
      fc.constantFrom('%', '%4', '%ZZ', '%G0', '%FF', '%C3', '%C3%28', '%E2%82', '%ED%A0%80', '%C0%AF', '%F4%90%80%80', '%80'),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `%${a.toString(16).padStart(2, '0')}%${b.toString(16)}`),
    );
    const piece = fc.oneof(escapes, text(6).map(encodeURIComponent), fc.constantFrom('&', '=', '+', 'a'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')), (input) => {
        const components = input.split('&').flatMap((pair) => {
          if (pair === '') return [];
          const equals = pair.indexOf('=');
          return equals === -1 ? [pair] : [pair.slice(0, equals), pair.slice(equals + 1)];
        });
        const expectOk = components.every(componentIsValid);
        assert.equal(urlEncoded(input) !== undefined, expectOk, JSON.stringify(input));
      }),
      RUNS,
    );
  });

  it('keeps values exactly as sent: no trimming, no case folding', () => {
    fc.assert(
      fc.property(text(), (value) => {
        assert.equal(urlEncoded(`username=${encodeURIComponent(value)}`)?.get('username'), value);
      }),
      RUNS,
    );
  });
});

/** Generates JSON numbers as text, as a client would write them (`1.50`, `-0`, `1e400`). */
const jsonNumber = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,25}$/)),
    fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
    fc.option(fc.stringMatching(/^[eE][+-]?[0-9]{1,3}$/), { nil: undefined }),
  )
  .map(([negative, whole, fraction, exponent]) => `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : '.' + fraction}${exponent ?? ''}`);

type JsonMember = readonly [name: string, source: string, expected: string];

/** A member of a flat JSON object: its source text and the parameter value the spec says it gives. */
const jsonMember: fc.Arbitrary<JsonMember> = fc.tuple(
  fc.oneof(fc.constantFrom('username', 'currency', 'user_currency', 'balance'), text(8)),
  fc.oneof(
    text().map((value) => [JSON.stringify(value), value] as const),
    // Escapes any encoder may choose: \uXXXX for every unit, and \/.
    text(8).map((value) => [`"${Array.from({ length: value.length }, (_, i) => '\\u' + value.charCodeAt(i).toString(16).padStart(4, '0')).join('')}"`, value] as const),
    text(8).filter((value) => !/["\\\u0000-\u001f]/.test(value)).map((value) => [`"${value.replaceAll('/', '\\/')}"`, value] as const),
    jsonNumber.map((number) => [number, number] as const),
    fc.constantFrom(['true', '1'] as const, ['false', '0'] as const),
  ),
).map(([name, [source, expected]]) => [name, source, expected] as const);

const WS = fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  ');

describe('JSON bodies (parseJsonObject)', () => {
  it('never throws, whatever the text', () => {
    const jsonish = fc.oneof(
      anyString,
      fc.json(),
      fc.string({ unit: fc.constantFrom('{', '}', '"', ':', ',', '[', ']', '\\', 'u', '0', '1', '.', 'e', '-', 't', 'n', ' ', 'a', 'd8', 'D'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(jsonish, (input) => {
        assert.equal(typeof parseJsonObject(input, new Map()), 'boolean');
      }),
      RUNS,
    );
  });

  it('gives strings as decoded, numbers as their text, true/false as 1/0, the last repeated key winning', () => {
    fc.assert(
      fc.property(fc.array(jsonMember, { maxLength: 8 }), WS, WS, fc.boolean(), (members, before, inside, bom) => {
        const source = `${bom ? '\ufeff' : ''}${before}{${inside}${members.map(([name, value]) => `${JSON.stringify(name)}${inside}:${inside}${value}`).join(`${inside},${inside}`)}${inside}}${before}`;
        const expected = lastWins(members.map(([name, , value]) => [name, value] as const));
        assert.deepEqual(jsonObject(source), expected, source);
      }),
      RUNS,
    );
  });

  it('accepts only what JSON.parse accepts, with the same strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 2 }), fc.array(jsonMember, { maxLength: 4 }).map((m) => `{${m.map(([n, v]) => `${JSON.stringify(n)}:${v}`).join(',')}}`)), (input) => {
        const parsed = jsonObject(input);
        if (parsed === undefined) return;
        const reference: unknown = JSON.parse(input);
        assert.ok(typeof reference === 'object' && reference !== null && !Array.isArray(reference));
        const entries = Object.entries(reference as Record<string, unknown>);
        assert.deepEqual([...parsed.keys()].sort(), entries.map(([name]) => name).sort());
        for (const [name, value] of entries) {
          if (typeof value === 'string') assert.equal(parsed.get(name), value);
          else if (typeof value === 'boolean') assert.equal(parsed.get(name), value ? '1' : '0');
          else {
            assert.equal(typeof value, 'number');
            assert.equal(Number(parsed.get(name)), value, 'the text of a number means the same number');
          }
        }
      }),
      RUNS,
    );
  });

  it('accepts every flat object JSON.parse reads whose values are strings, numbers or booleans', () => {
    const flat = fc.dictionary(text(8), fc.oneof(text(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean()), { maxKeys: 6 });
    fc.assert(
      fc.property(flat, (object) => {
        const parsed = jsonObject(JSON.stringify(object));
        assert.ok(parsed !== undefined, JSON.stringify(object));
        for (const [name, value] of Object.entries(object)) {
          if (typeof value === 'string') assert.equal(parsed.get(name), value);
          else if (typeof value === 'boolean') assert.equal(parsed.get(name), value ? '1' : '0');
          else assert.equal(parsed.get(name), JSON.stringify(value));
        }
      }),
      RUNS,
    );
  });

  it('refuses null, arrays, objects and nested values anywhere, without throwing', () => {
    const bad = fc.constantFrom('null', '[]', '[1]', '{}', '{"a":1}', '[{"a":null}]', 'nul', 'tru', '01', '1.', '.5', '+1', 'NaN', '"\\ud800"', '"\\x"', "'a'");
    fc.assert(
      fc.property(fc.array(jsonMember, { maxLength: 4 }), fc.nat(4), text(8), bad, (members, at, name, value) => {
        const all = [...members.map(([n, v]) => `${JSON.stringify(n)}:${v}`)];
        all.splice(Math.min(at, all.length), 0, `${JSON.stringify(name)}:${value}`);
        assert.equal(jsonObject(`{${all.join(',')}}`), undefined);
      }),
      RUNS,
    );
  });

  it('refuses a top level that is not one object', () => {
    fc.assert(
      fc.property(fc.json(), (input) => {
        const value: unknown = JSON.parse(input);
        fc.pre(typeof value !== 'object' || value === null || Array.isArray(value));
        assert.equal(jsonObject(input), undefined);
      }),
      RUNS,
    );
  });
});

/** RFC 2046 boundary characters. */
const boundary = fc.oneof(
  fc.stringMatching(/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/),
  fc.stringMatching(/^[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]$/),
);
/** A field name that fits in a Content-Disposition header line. */
const fieldName = fc.oneof(fc.constantFrom('username', 'currency', 'hash'), text(10).filter((name) => !/[\r\n]/.test(name)));
const quote = (value: string): string => `"${value.replace(/["\\]/g, (c) => '\\' + c)}"`;

function multipartBody(
  boundaryText: string,
  parts: readonly { name: string; value: string; file?: string; extraHeader?: string; dispositionCase?: string }[],
  preamble = '',
): Buffer {
  const chunks: Buffer[] = [Buffer.from(preamble === '' ? '' : preamble + '\r\n', 'utf8')];
  for (const part of parts) {
    const disposition = `${part.dispositionCase ?? 'Content-Disposition'}: form-data; name=${quote(part.name)}${part.file === undefined ? '' : `; filename=${quote(part.file)}`}`;
    const headers = [disposition, ...(part.extraHeader === undefined ? [] : [part.extraHeader])].join('\r\n');
    chunks.push(Buffer.from(`--${boundaryText}\r\n${headers}\r\n\r\n`, 'utf8'), Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundaryText}--\r\n`, 'utf8'));
  return Buffer.concat(chunks);
}

const multipartPart = fc.record({
  name: fieldName,
  value: text(),
  extraHeader: fc.option(fc.constantFrom('Content-Type: text/plain; charset=utf-8', 'content-type: application/octet-stream', 'X-Other:  x'), { nil: undefined }),
  dispositionCase: fc.constantFrom('Content-Disposition', 'content-disposition', 'CONTENT-DISPOSITION'),
});

describe('multipart bodies (parseMultipart)', () => {
  it('never throws, whatever the bytes and boundary', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.array(fc.constantFrom('--XyZ', '--XyZ--', '\r\n', 'Content-Disposition: form-data; name="a"', '; filename="f"', '\r\n\r\n', 'value', ':', ' ', '\u00ff', '"', '\\'), { maxLength: 16 }).map((p) => Buffer.from(p.join(''), 'utf8')),
    );
    fc.assert(
      fc.property(bytes, fc.option(fc.oneof(fc.constant('XyZ'), fc.string({ maxLength: 80 })), { nil: undefined }), (body, b) => {
        const into = new Map<string, string>();
        assert.ok(['ok', 'malformed', 'file'].includes(parseMultipart(body, b, into)));
      }),
      RUNS,
    );
  });

  it('gives back every field as sent, the last repeated name winning', () => {
    fc.assert(
      fc.property(boundary, fc.array(multipartPart, { maxLength: 6 }), fc.constantFrom('', 'preamble text', 'x'), (b, parts, preamble) => {
        fc.pre(parts.every((part) => !part.value.includes(`\r\n--${b}`)) && !preamble.includes(`--${b}`));
        const into = new Map<string, string>();
        assert.equal(parseMultipart(multipartBody(b, parts, preamble), b, into), 'ok');
        assert.deepEqual(into, lastWins(parts.map((part) => [part.name, part.value] as const)));
      }),
      RUNS,
    );
  });

  it('calls any part with a filename a file, wherever it is', () => {
    fc.assert(
      fc.property(boundary, fc.array(multipartPart, { maxLength: 4 }), fc.nat(4), text(8), (b, parts, at, filename) => {
        const all: Parameters<typeof multipartBody>[1][number][] = [...parts];
        all.splice(Math.min(at, all.length), 0, { name: 'upload', value: 'data', file: filename.replace(/[\r\n]/g, '') });
        fc.pre(all.every((part) => !part.value.includes(`\r\n--${b}`)));
        assert.equal(parseMultipart(multipartBody(b, all), b, new Map()), 'file');
      }),
      RUNS,
    );
  });

  it('refuses field values that are not UTF-8 and bodies without their closing delimiter', () => {
    fc.assert(
      fc.property(boundary, fieldName, fc.uint8Array({ minLength: 1, maxLength: 12 }), (b, name, bytes) => {
        const value = Buffer.from(bytes);
        const body = Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name=${quote(name)}\r\n\r\n`), value, Buffer.from(`\r\n--${b}--\r\n`)]);
        fc.pre(!value.includes(`\r\n--${b}`));
        assert.equal(parseMultipart(body, b, new Map()), isUtf8(value) ? 'ok' : 'malformed');
        const truncated = body.subarray(0, body.length - `\r\n--${b}--\r\n`.length);
        assert.equal(parseMultipart(truncated, b, new Map()), 'malformed');
      }),
      RUNS,
    );
  });
});

describe('the content-type dispatch (parseBodyInto)', () => {
  const ALLOWED = new Set<unknown>([undefined, API_ERRORS.malformedRequest, API_ERRORS.unsupportedContentType]);
  const contentType = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'multipart/form-data', 'multipart/form-data; boundary=XyZ', 'text/plain', 'application/xml', '', ';', 'multipart/form-data; boundary=""'),
    fc.string({ unit: 'binary-ascii', maxLength: 60 }),
  );

  it('never throws, and answers nothing, 400 or 415, whatever the bytes and content type', () => {
    const body = fc.oneof(fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)), anyString.map((s) => Buffer.from(s, 'utf8')));
    fc.assert(
      fc.property(body, contentType, (bytes, type) => {
        const into = new Map<string, string>();
        const fault = parseBodyInto(bytes, type, into);
        assert.ok(ALLOWED.has(fault), `unexpected ${JSON.stringify(fault)}`);
        if (bytes.length === 0) assert.equal(into.size, 0, 'an empty body adds nothing');
      }),
      RUNS,
    );
  });

  it('accepts an empty body with any content type and adds nothing', () => {
    fc.assert(
      fc.property(contentType, (type) => {
        const into = new Map([['username', 'alice']]);
        assert.equal(parseBodyInto(Buffer.alloc(0), type, into), undefined);
        assert.deepEqual(into, new Map([['username', 'alice']]));
      }),
      RUNS,
    );
  });

  it('answers 415 for a non-empty body of any other content type', () => {
    const other = fc.oneof(contentType, fc.constantFrom('application/x-www-form-urlencodedx', 'application/json5', 'multipart/mixed; boundary=XyZ', 'text/json'));
    fc.assert(
      fc.property(other, fc.uint8Array({ minLength: 1, maxLength: 40 }), (type, bytes) => {
        const media = (type ?? '').split(';', 1)[0]!.trim().toLowerCase();
        fc.pre(!['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data'].includes(media));
        assert.equal(parseBodyInto(Buffer.from(bytes), type, new Map()), API_ERRORS.unsupportedContentType);
      }),
      RUNS,
    );
  });

  it('reads form, JSON and multipart bodies over the query parameters, the body winning', () => {
    const kind = fc.oneof(
      fc.tuple(fc.constant('form' as const), fc.mixedCase(fc.constant('application/x-www-form-urlencoded'))),
      fc.tuple(fc.constant('json' as const), fc.mixedCase(fc.constant('application/json'))),
      fc.tuple(fc.constant('multipart' as const), fc.mixedCase(fc.constant('multipart/form-data'))),
    );
    const parameters = pairs();
    fc.assert(
      fc.property(parameters, parameters, kind, fc.constantFrom('', '; charset=UTF-8', ' ; charset=utf-8'), fc.boolean(), (query, sent, [form, media], suffix, quoted) => {
        fc.pre(sent.length > 0);
        const into = lastWins(query);
        let body = sent;
        let bytes: Buffer;
        let type = media + suffix;
        if (form === 'form') {
          bytes = Buffer.from(new URLSearchParams(body).toString(), 'utf8');
        } else if (form === 'json') {
          bytes = Buffer.from(`{${body.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(',')}}`, 'utf8');
        } else {
          body = body.map(([name, value]) => [name.replace(/[\r\n]/g, ''), value]);
          bytes = multipartBody('b0undary-7', body.map(([name, value]) => ({ name, value })));
          type = `${media}${suffix}; boundary=${quoted ? '"b0undary-7"' : 'b0undary-7'}`;
        }
        const expected = new Map([...into, ...lastWins(body)]);
        assert.equal(parseBodyInto(bytes, type, into), undefined);
        assert.deepEqual(into, expected);
      }),
      RUNS,
    );
  });

  it('refuses a form or JSON body that is not UTF-8 with 400', () => {
    const invalidUtf8 = fc.uint8Array({ minLength: 1, maxLength: 30 }).map((b) => Buffer.from(b)).filter((b) => !isUtf8(b));
    fc.assert(
      fc.property(invalidUtf8, fc.constantFrom('application/x-www-form-urlencoded', 'application/json'), (bytes, type) => {
        assert.equal(parseBodyInto(bytes, type, new Map()), API_ERRORS.malformedRequest);
      }),
      RUNS,
    );
  });

  it('keeps the body limit at 64 KiB (the server answers 413 above it)', () => {
    assert.equal(MAX_BODY_BYTES, 64 * 1024);
  });
});
