// STUB: replaced by the page's own implementation (issue 13).
import { Page } from '../components.js';

export function UserPage(_: { id: string }) {
  return <Page title="UserPage">{null}</Page>;
}
