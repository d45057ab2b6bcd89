/** Currencies and their exchange rates: list, add or change, rate history (spec admin-api.md section 4). */
import Type from 'typebox';
import { currencyHistory, listCurrencies, putCurrency } from '../../admin/currencies.js';
import { operation } from '../operation.js';
import { Page, Rate } from '../schemas.js';
import { currencyView, CurrencySchema, rateChangeView, RateChangeSchema } from '../views.js';

const CurrencyCodeParams = Type.Object(
  { code: Type.String({ description: 'A currency code: 3 to 5 letters or digits (any case).', examples: ['EUR'] }) },
  { additionalProperties: false },
);

export const currencyOperations = [
  operation({
    id: 'listCurrencies',
    method: 'GET',
    path: '/admin/v1/currencies',
    access: 'viewer',
    tag: 'Currencies',
    summary: 'Every currency',
    description: 'The system currency among them (`system`: true, rate 1), inactive ones included.',
    answers: {
      200: {
        description: 'Every currency, by code.',
        schema: Page(CurrencySchema, 'currencies'),
      },
    },
    problems: [],
    async handle({ deps }) {
      const currencies = await listCurrencies(deps.store);
      return { status: 200, json: { data: currencies.map(currencyView), next_cursor: null } };
    },
  }),
  operation({
    id: 'putCurrency',
    method: 'PUT',
    path: '/admin/v1/currencies/{code}',
    access: 'admin',
    tag: 'Currencies',
    summary: 'Add or change a currency',
    description:
      "Adds the currency (201) or changes it (200), recording the rate change. The Kolmisoft API of this node answers the new rate at once, every other node within its next refresh. The system currency's rate is always 1, and it cannot be made inactive.",
    params: CurrencyCodeParams,
    body: Type.Object(
      {
        rate: Rate,
        name: Type.Optional(Type.String({ description: 'Display name: 1 to 64 printable characters.', examples: ['Euro'] })),
        active: Type.Optional(Type.Boolean({ description: 'Listed as active (an inactive currency still converts).' })),
      },
      { additionalProperties: false },
    ),
    example: { rate: '0.92', name: 'Euro', active: true },
    answers: {
      201: { description: 'The new currency.', schema: CurrencySchema },
      200: { description: 'The currency as changed.', schema: CurrencySchema },
    },
    problems: ['invalid', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ params, body, actor, deps }) {
      const saved = await putCurrency(
        deps.store,
        { code: params.code, rate: body.rate, ...(body.name !== undefined && { name: body.name }), ...(body.active !== undefined && { active: body.active }) },
        actor,
      );
      // This node's Kolmisoft API reads rates from memory: reloaded now rather than at the next poll.
      await deps.liveConfig.refresh();
      return { status: saved.created ? 201 : 200, json: currencyView(saved.currency), outcome: saved.created ? 'currency_added' : 'currency_changed' };
    },
  }),
  operation({
    id: 'listRateChanges',
    method: 'GET',
    path: '/admin/v1/currencies/{code}/history',
    access: 'viewer',
    tag: 'Currencies',
    summary: "A currency's rate changes",
    description: 'Newest first, each with who made it, from where and in which request.',
    params: CurrencyCodeParams,
    answers: { 200: { description: 'Every rate change of the currency, newest first (one page).', schema: Page(RateChangeSchema, 'rate changes') } },
    problems: ['invalid', 'not_found'],
    async handle({ params, deps }) {
      const { changes } = await currencyHistory(deps.store, params.code);
      return { status: 200, json: { data: [...changes].reverse().map(rateChangeView), next_cursor: null } };
    },
  }),
];
