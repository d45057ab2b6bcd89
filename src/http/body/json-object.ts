/**
 * application/json bodies: one object whose values are strings, numbers or booleans.
 *
 * A small parser of our own rather than JSON.parse, because the spec needs what JSON.parse
 * throws away: a number's text as written (`1.50` stays `1.50`, and money never becomes a
 * binary float), and a repeated key keeping its last value, as it does in forms.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER_SYNTAX = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Adds the members of the JSON object in `text` to `into`, `true`/`false` as `1`/`0`.
 * Returns false for anything else: broken JSON, or a value that is null, an array or an object.
 */
export function parseJsonObject(text: string, into: Map<string, string>): boolean {
  const parser = new FlatObjectParser(text);
  try {
    parser.parseInto(into);
    return true;
  } catch (error) {
    if (error instanceof MalformedJson) return false;
    throw error;
  }
}

class MalformedJson extends Error {}

class FlatObjectParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseInto(into: Map<string, string>): void {
    if (this.text.charCodeAt(0) === 0xfeff) this.position = 1; // a byte order mark is tolerated
    this.skipWhitespace();
    this.expect('{');
    this.skipWhitespace();
    if (this.peek() === '}') {
      this.position++;
    } else {
      for (;;) {
        this.skipWhitespace();
        const name = this.readString();
        this.skipWhitespace();
        this.expect(':');
        this.skipWhitespace();
        into.set(name, this.readScalar());
        this.skipWhitespace();
        if (this.peek() === ',') {
          this.position++;
          continue;
        }
        this.expect('}');
        break;
      }
    }
    this.skipWhitespace();
    if (this.position !== this.text.length) throw new MalformedJson();
  }

  private readScalar(): string {
    const c = this.peek();
    if (c === '"') return this.readString();
    if (c === 't') return this.readWord('true', '1');
    if (c === 'f') return this.readWord('false', '0');
    NUMBER_SYNTAX.lastIndex = this.position;
    const match = NUMBER_SYNTAX.exec(this.text);
    // null, arrays and objects land here too: none of them is a parameter value.
    if (match === null) throw new MalformedJson();
    this.position += match[0].length;
    return match[0];
  }

  private readWord(word: string, value: string): string {
    if (!this.text.startsWith(word, this.position)) throw new MalformedJson();
    this.position += word.length;
    return value;
  }

  private readString(): string {
    this.expect('"');
    let out = '';
    let runStart = this.position;
    for (;;) {
      if (this.position >= this.text.length) throw new MalformedJson();
      const code = this.text.charCodeAt(this.position);
      if (code === 0x22 /* " */) {
        out += this.text.slice(runStart, this.position);
        this.position++;
        break;
      }
      if (code < 0x20) throw new MalformedJson(); // raw control characters are not allowed
      if (code === 0x5c /* \ */) {
        out += this.text.slice(runStart, this.position) + this.readEscape();
        runStart = this.position;
        continue;
      }
      this.position++;
    }
    // A lone surrogate from \ud800 would reach the hash as U+FFFD: refuse it instead.
    if (!out.isWellFormed()) throw new MalformedJson();
    return out;
  }

  private readEscape(): string {
    const c = this.text[this.position + 1] ?? '';
    if (c === 'u') {
      const hex = this.text.slice(this.position + 2, this.position + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new MalformedJson();
      this.position += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const simple = SIMPLE_ESCAPES[c];
    if (simple === undefined) throw new MalformedJson();
    this.position += 2;
    return simple;
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.text[this.position] ?? '')) this.position++;
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) throw new MalformedJson();
    this.position++;
  }
}
