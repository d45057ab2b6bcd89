// STUB: replaced by the page's own implementation (issue 13).
import { Page } from '../components.js';

export function SecurityPage() {
  return <Page title="SecurityPage">{null}</Page>;
}
