// STUB: replaced by the page's own implementation (issue 13).
import { Page } from '../components.js';

export function HashPage() {
  return <Page title="HashPage">{null}</Page>;
}
