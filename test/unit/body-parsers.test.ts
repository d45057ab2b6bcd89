import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_ERRORS } from '../../src/domain/api-errors.js';
import { parseJsonObject } from '../../src/http/body/json-object.js';
import { parseMultipart } from '../../src/http/body/multipart.js';
import { parseBodyInto } from '../../src/http/body/request-body.js';
import { parseUrlEncoded } from '../../src/http/body/url-encoded.js';

function urlEncoded(text: string): Map<string, string> | undefined {
  const into = new Map<string, string>();
  return parseUrlEncoded(text, into) ? into : undefined;
}

function json(text: string): Map<string, string> | undefined {
  const into = new Map<string, string>();
  return parseJsonObject(text, into) ? into : undefined;
}

describe('query strings and form bodies', () => {
  it('decodes + as a space and percent escapes as UTF-8', () => {
    assert.deepEqual(urlEncoded('username=j%C3%BCrgen+x&currency=eur'), new Map([['username', 'jürgen x'], ['currency', 'eur']]));
  });

  it('keeps the last value of a repeated name', () => {
    assert.deepEqual(urlEncoded('a=1&a=2'), new Map([['a', '2']]));
  });

  it('reads a name without = as an empty value and skips empty pairs', () => {
    assert.deepEqual(urlEncoded('&a&&b=&c=3&'), new Map([['a', ''], ['b', ''], ['c', '3']]));
  });

  it('keeps values exactly as sent, spaces included', () => {
    assert.deepEqual(urlEncoded('username=%20alice%20'), new Map([['username', ' alice ']]));
  });

  it('refuses a bad percent escape or an escape that is not UTF-8', () => {
    for (const text of ['a=%', 'a=%4', 'a=%ZZ', 'a=%FF', 'a=%C3', '%ZZ=1', 'a=%ED%A0%80']) {
      assert.equal(urlEncoded(text), undefined, text);
    }
  });
});

describe('JSON bodies', () => {
  it('keeps a number as the text it has in the document', () => {
    assert.deepEqual(json('{"balance": 1.50, "id": -0, "big": 1e400}'), new Map([['balance', '1.50'], ['id', '-0'], ['big', '1e400']]));
  });

  it('turns true and false into 1 and 0', () => {
    assert.deepEqual(json('{"user_currency":true,"x":false}'), new Map([['user_currency', '1'], ['x', '0']]));
  });

  it('decodes string escapes, surrogate pairs included', () => {
    assert.deepEqual(json('{"u":"a\\"b\\\\c\\/\\n\\u00fc\\ud83d\\ude00"}'), new Map([['u', 'a"b\\c/\nü😀']]));
  });

  it('keeps the last value of a repeated key', () => {
    assert.deepEqual(json('{"a":"1","a":"2"}'), new Map([['a', '2']]));
  });

  it('accepts an empty object and surrounding whitespace', () => {
    assert.deepEqual(json(' \n{ } \t'), new Map());
  });

  it('refuses null, arrays, objects and anything that is not JSON', () => {
    for (const text of [
      '{"a":null}', '{"a":[1]}', '{"a":{}}', '[]', '"a"', '1', 'null', '', '{', '{"a":1,}', '{"a" 1}', "{'a':1}",
      '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":+1}', '{"a":tru}', '{"a":"\u0001"}', '{"a":"\\x"}', '{"a":"\\ud800"}',
      '{"a":1} x', '{"a":1}{}', '{a:1}', '{"a":NaN}',
    ]) {
      assert.equal(json(text), undefined, text);
    }
  });
});

describe('multipart bodies', () => {
  const boundary = 'XyZ';
  const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
  const body = (...parts: string[]) => Buffer.from(parts.join('') + `--${boundary}--\r\n`);

  it('reads fields, quoted names and UTF-8 values', () => {
    const into = new Map<string, string>();
    const result = parseMultipart(
      body(part('Content-Disposition: form-data; name="username"', 'jürgen'), part('content-disposition: form-data; name=currency', 'EUR')),
      boundary,
      into,
    );
    assert.equal(result, 'ok');
    assert.deepEqual(into, new Map([['username', 'jürgen'], ['currency', 'EUR']]));
  });

  it('tolerates a preamble and an epilogue', () => {
    const into = new Map<string, string>();
    const text = `preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${boundary}--\r\nepilogue`;
    assert.equal(parseMultipart(Buffer.from(text), boundary, into), 'ok');
    assert.deepEqual(into, new Map([['a', '1']]));
  });

  it('calls a part with a filename a file', () => {
    const into = new Map<string, string>();
    const result = parseMultipart(body(part('Content-Disposition: form-data; name="f"; filename="a.txt"', 'x')), boundary, into);
    assert.equal(result, 'file');
  });

  it('refuses a missing boundary, an unterminated body, a nameless part and invalid UTF-8', () => {
    assert.equal(parseMultipart(body(part('Content-Disposition: form-data; name="a"', '1')), undefined, new Map()), 'malformed');
    assert.equal(parseMultipart(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1`), boundary, new Map()), 'malformed');
    assert.equal(parseMultipart(body(part('Content-Disposition: form-data', '1')), boundary, new Map()), 'malformed');
    assert.equal(parseMultipart(body(part('Content-Disposition: attachment; name="a"', '1')), boundary, new Map()), 'malformed');
    const invalid = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n`), Buffer.from([0xff]), Buffer.from(`\r\n--${boundary}--`)]);
    assert.equal(parseMultipart(invalid, boundary, new Map()), 'malformed');
  });
});

describe('body dispatch by content type', () => {
  it('accepts an empty body with any content type', () => {
    assert.equal(parseBodyInto(Buffer.alloc(0), 'image/png', new Map()), undefined);
  });

  it('answers 415 for a non-empty body of another or no content type', () => {
    assert.equal(parseBodyInto(Buffer.from('a=1'), 'text/plain', new Map()), API_ERRORS.unsupportedContentType);
    assert.equal(parseBodyInto(Buffer.from('a=1'), undefined, new Map()), API_ERRORS.unsupportedContentType);
  });

  it('matches the media type without regard to case or parameters', () => {
    const into = new Map<string, string>();
    assert.equal(parseBodyInto(Buffer.from('a=1'), 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', into), undefined);
    assert.deepEqual(into, new Map([['a', '1']]));
  });

  it('refuses a form body that is not UTF-8', () => {
    assert.equal(parseBodyInto(Buffer.from([0x61, 0x3d, 0xff]), 'application/x-www-form-urlencoded', new Map()), API_ERRORS.malformedRequest);
  });
});
