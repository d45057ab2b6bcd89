/** exchange_rate_update, spec section 10: sets a currency's rate, keeping a history of changes. */
import { API_ERRORS } from '../../domain/api-errors.js';
import { normalizeCurrencyCode } from '../../domain/currency.js';
import { EXCHANGE_RATE_UPDATE } from '../../domain/api-methods.js';
import { parseRate } from '../../domain/money.js';
import { checkWriteAccess, refusalOrReusedHash } from '../write-access.js';
import { errorReply, xmlReply, type ApiMethod } from '../api-method.js';
import { xmlDocument } from '../xml.js';

const SUCCESS = xmlDocument('page', [['status', [['success', 'Currency successfully updated']]]]);

export const exchangeRateUpdate: ApiMethod = {
  descriptor: EXCHANGE_RATE_UPDATE,
  async handle({ method, params, client, requestId }, { config, store, guard, refreshConfig }) {
    const { settings } = config;
    const access = await checkWriteAccess(settings, method, params, EXCHANGE_RATE_UPDATE.hash, store, guard);
    if (access.denied) return errorReply(access.denied);
    const { authorization } = access;

    const code = normalizeCurrencyCode(params.get('currency') ?? '');
    if (code === undefined) return errorReply(await refusalOrReusedHash(API_ERRORS.currencyNotFound, authorization, store));
    const rate = parseRate(params.get('rate') ?? '');
    if (!rate.ok) {
      const known = (await store.listCurrencies()).some((currency) => currency.code === code && !currency.isSystem);
      return errorReply(await refusalOrReusedHash(known ? API_ERRORS.exchangeRateInvalid : API_ERRORS.currencyNotFound, authorization, store));
    }
    const outcome = await store.updateRate(code, rate.value, { source: 'api', name: params.get('u') ?? '', client, requestId }, authorization);
    if (outcome === 'hash_reused') return errorReply(API_ERRORS.incorrectHash);
    if (outcome === 'not_found') return errorReply(API_ERRORS.currencyNotFound);
    await refreshConfig(); // this node answers with the new rate at once; others within a poll
    return xmlReply(SUCCESS, 'rate_updated');
  },
};
