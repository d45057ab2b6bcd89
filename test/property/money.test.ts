/**
 * Property-based tests of exact money (spec section 5): parsing, formatting, rounding half away
 * from zero and conversion, each against the digit-string reference in oracles.ts. Values run up
 * to 36 significant digits, far past 2^53: any detour through a JavaScript number would show.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatExact,
  formatMoney,
  formatRate,
  formatRounded,
  isMoneyInRange,
  moneyDecimal,
  multiply,
  parseDecimal,
  parseMoney,
  parseRate,
  parseStoredMoney,
  type Decimal,
} from '../../src/domain/money.js';
import { multiplyTexts, plainText, referenceParseMoney, referenceParseRate, roundText, scanDecimal, valueAt } from '../support/spec-oracle.js';

const RUNS = { numRuns: 2000 };
const LIMIT = 10n ** 18n; // 10^12 whole units in millionths
const inRangeMicros = fc.oneof(
  fc.bigInt(-LIMIT + 1n, LIMIT - 1n),
  fc.bigInt(-1000n, 1000n),
  fc.constantFrom(0n, 1n, -1n, 5000n, -5000n, 4999n, 1005000n, -1005000n, LIMIT - 1n, -LIMIT + 1n, 9_007_199_254_740_993n),
);
const digits = fc.integer({ min: 0, max: 10 });
/** Any exact decimal: up to 36 significant digits, scale 0 to 30. */
const decimal: fc.Arbitrary<Decimal> = fc.record({
  units: fc.oneof(fc.bigInt(-(10n ** 36n), 10n ** 36n), fc.bigInt(-100000n, 100000n)),
  scale: fc.integer({ min: 0, max: 30 }),
});
/** A positive rate as the spec allows it: up to 12 whole digits and 12 significant fractional ones. */
const rateText = fc
  .tuple(fc.stringMatching(/^(?:0|[1-9][0-9]{0,11})$/), fc.nat(18), fc.stringMatching(/^[0-9]{0,11}[1-9]$/))
  .map(([whole, zeros, significant]) => (whole === '0' ? `0.${'0'.repeat(zeros)}${significant}` : `${whole}.${significant}`))
  .filter((text) => referenceParseRate(text) !== undefined);

describe('formatting and parsing money round-trips exactly', () => {
  it('formatMoney then parseMoney gives back the same millionths, for every amount in range', () => {
    fc.assert(
      fc.property(inRangeMicros, (micros) => {
        const text = formatMoney(micros);
        assert.equal(text, plainText(micros, 6).replace(/0+$/, '').replace(/\.$/, '.0'));
        assert.deepEqual(parseMoney(text), { ok: true, value: micros });
        assert.equal(parseStoredMoney(text), micros);
        assert.equal(isMoneyInRange(micros), true);
      }),
      RUNS,
    );
  });

  it('formatRounded at 6 places (no rounding needed) parses back to the same amount', () => {
    fc.assert(
      fc.property(inRangeMicros, (micros) => {
        const text = formatRounded(moneyDecimal(micros), 6);
        assert.deepEqual(parseMoney(text), { ok: true, value: micros });
      }),
      RUNS,
    );
  });

  it('formatExact then parseDecimal gives back the same value, at any scale', () => {
    fc.assert(
      fc.property(decimal, (value) => {
        const text = formatExact(value);
        assert.match(text, /^-?(?:0|[1-9][0-9]*)\.(?:0|[0-9]*[1-9])$/, 'a plain decimal with at least one fractional digit');
        const parsed = parseDecimal(text, 30);
        assert.ok(parsed.ok);
        assert.equal(valueAt(text, 31), valueAt(plainText(value.units, value.scale), 31));
      }),
      RUNS,
    );
  });

  it('formatRate writes a canonical rate that parseRate reads back to the same value', () => {
    fc.assert(
      fc.property(rateText, fc.nat(4), (text, extraZeros) => {
        const parsed = parseRate(text + (text.includes('.') ? '0'.repeat(extraZeros) : ''));
        assert.ok(parsed.ok, text);
        const canonical = formatRate(parsed.value);
        assert.match(canonical, /^(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$/, 'no trailing zeros, no lone point');
        assert.equal(valueAt(canonical, 40), valueAt(text, 40));
        assert.deepEqual(parseRate(canonical), parsed);
      }),
      RUNS,
    );
  });
});

describe('rounding half away from zero (spec section 5)', () => {
  it('formatRounded agrees with digit-by-digit rounding, for every value and 0 to 10 places', () => {
    fc.assert(
      fc.property(decimal, digits, (value, places) => {
        assert.equal(formatRounded(value, places), roundText(plainText(value.units, value.scale), places));
      }),
      RUNS,
    );
  });

  it('ties (a 5 then zeros) always go away from zero, in both signs', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 20n), digits, fc.nat(6), fc.boolean(), (kept, places, zeros, negative) => {
        // kept.5000 at `places` places, written at scale places + 1 + zeros.
        const scale = places + 1 + zeros;
        const magnitude = (kept * 10n + 5n) * 10n ** BigInt(zeros);
        const value: Decimal = { units: negative ? -magnitude : magnitude, scale };
        const expected = plainText((negative ? -1n : 1n) * (kept + 1n), places);
        assert.equal(formatRounded(value, places), expected);
      }),
      RUNS,
    );
  });

  it('the rounded value is within half a unit of the last place, with exactly `digits` places and no -0', () => {
    fc.assert(
      fc.property(decimal, digits, (value, places) => {
        const text = formatRounded(value, places);
        assert.match(text, places === 0 ? /^-?(?:0|[1-9][0-9]*)$/ : new RegExp(`^-?(?:0|[1-9][0-9]*)\\.[0-9]{${places}}$`));
        assert.ok(!/^-0(?:\.0*)?$/.test(text), `a signed zero: ${text}`);
        const scale = Math.max(places, value.scale) + 1;
        const difference = valueAt(text, scale) - valueAt(plainText(value.units, value.scale), scale);
        const half = 5n * 10n ** BigInt(scale - places - 1);
        assert.ok(difference <= half && difference >= -half, `${text} is more than half a unit from the value`);
        if (difference === half || difference === -half) {
          // A tie: the result is farther from zero than the value.
          assert.ok((value.units >= 0n) === (difference > 0n), `a tie rounded towards zero: ${text}`);
        }
      }),
      RUNS,
    );
  });

  it('matches the spec examples and stays exact where toFixed is not', () => {
    const examples: [string, number, string][] = [
      ['1.005', 2, '1.01'], ['2.675', 2, '2.68'], ['-1.005', 2, '-1.01'], ['-0.001', 2, '0.00'], ['26', 4, '26.0000'],
    ];
    for (const [input, places, expected] of examples) {
      const parsed = parseDecimal(input, 30);
      assert.ok(parsed.ok);
      assert.equal(formatRounded(parsed.value, places), expected);
      assert.equal(roundText(input, places), expected, 'the reference agrees with the spec');
    }
  });
});

describe('conversion: balance × rate, rounded (spec sections 4 and 5)', () => {
  it('formatRounded(multiply(balance, rate)) is the exact product rounded, for the largest balances and rates', () => {
    fc.assert(
      fc.property(inRangeMicros, rateText, digits, (micros, rate, places) => {
        const parsedRate = parseRate(rate);
        assert.ok(parsedRate.ok);
        const product = multiply(moneyDecimal(micros), parsedRate.value);
        const exact = multiplyTexts(plainText(micros, 6), rate);
        assert.equal(valueAt(formatExact(product), 40), valueAt(exact, 40));
        assert.equal(formatRounded(product, places), roundText(exact, places));
      }),
      RUNS,
    );
  });

  it('multiply is exact and commutative', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const ab = multiply(a, b);
        const ba = multiply(b, a);
        assert.equal(valueAt(formatExact(ab), 60), valueAt(formatExact(ba), 60));
        assert.equal(valueAt(formatExact(ab), 60), valueAt(multiplyTexts(plainText(a.units, a.scale), plainText(b.units, b.scale)), 60));
      }),
      { numRuns: 500 },
    );
  });

  it('never goes through a JavaScript number: 17 to 36 significant digits come out exact', () => {
    const huge = fc.bigInt(10n ** 17n, LIMIT - 1n);
    fc.assert(
      fc.property(huge, fc.boolean(), (micros, negative) => {
        const value = negative ? -micros : micros;
        const text = formatMoney(value);
        fc.pre(String(Number(text)) !== text.replace(/\.0$/, '')); // only samples a double cannot hold
        assert.equal(text, plainText(value, 6).replace(/0+$/, '').replace(/\.$/, '.0'));
        assert.equal(formatRounded(moneyDecimal(value), 10), plainText(value * 10000n, 10));
      }),
      RUNS,
    );
  });
});

describe('parsing arbitrary text', () => {
  /** Texts close to decimals, and anything at all. */
  const candidate = fc.oneof(
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-', '+', 'e', ' ', ',', '٣', '０', '_'), maxLength: 30 }),
    fc.stringMatching(/^[+-]?[0-9]{0,14}(?:\.[0-9]{0,9})?$/),
    fc.stringMatching(/^[+-]?0{0,60}[0-9]{0,4}(?:\.[0-9]{0,4}0{0,60})?$/),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
    fc.constantFrom('', '.', '-', '+', '-.', '1e3', 'NaN', 'Infinity', '0x10', '1_000', '999999999999.999999', '1000000000000', '-999999999999.9999995'),
  );

  it('parseMoney never throws and accepts exactly the plain decimals in range with at most 6 significant fractional digits', () => {
    fc.assert(
      fc.property(candidate, (text) => {
        const parsed = parseMoney(text);
        const expected = referenceParseMoney(text);
        if (expected === undefined) assert.equal(parsed.ok, false, `${JSON.stringify(text)} should be refused`);
        else assert.deepEqual(parsed, { ok: true, value: expected }, JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('parseMoney refuses with the right reason', () => {
    fc.assert(
      fc.property(candidate, (text) => {
        const parsed = parseMoney(text);
        if (parsed.ok) return;
        const scanned = text.length <= 64 ? scanDecimal(text) : undefined;
        if (scanned === undefined) assert.equal(parsed.problem, 'not-a-decimal');
        else if (scanned.fraction.replace(/0+$/, '').length > 6) assert.equal(parsed.problem, 'too-many-fraction-digits');
        else assert.equal(parsed.problem, 'out-of-range');
      }),
      { numRuns: 5000 },
    );
  });

  it('parseRate never throws and accepts exactly the positive rates the spec allows', () => {
    fc.assert(
      fc.property(fc.oneof(candidate, rateText), (text) => {
        const parsed = parseRate(text);
        const expected = referenceParseRate(text);
        if (expected === undefined) assert.equal(parsed.ok, false, `${JSON.stringify(text)} should be refused`);
        else assert.deepEqual(parsed, { ok: true, value: expected }, JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('parseDecimal never throws, for any scale limit', () => {
    fc.assert(
      fc.property(candidate, fc.integer({ min: 0, max: 40 }), (text, maxScale) => {
        const parsed = parseDecimal(text, maxScale);
        if (parsed.ok) assert.ok(parsed.value.scale <= maxScale);
      }),
      RUNS,
    );
  });
});
