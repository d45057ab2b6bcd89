// STUB: replaced by the page's own implementation (issue 13).
import { Page } from '../components.js';

export function AuditPage() {
  return <Page title="AuditPage">{null}</Page>;
}
