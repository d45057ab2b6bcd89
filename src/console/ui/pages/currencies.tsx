// STUB: replaced by the page's own implementation (issue 13).
import { Page } from '../components.js';

export function CurrenciesPage() {
  return <Page title="Currencies">{null}</Page>;
}

export function CurrencyPage({ code }: { code: string }) {
  return <Page title={code}>{null}</Page>;
}
