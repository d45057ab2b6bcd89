/**
 * The console's pages and their addresses: one table read by the browser (which page to show)
 * and by the admin listener (which paths answer the console's page, so that a reload or a
 * bookmark works, while every other path stays a 404). Pure: no DOM, no Node.
 */
export type ConsolePage = 'sign-in' | 'home' | 'users' | 'user' | 'ledger' | 'currencies' | 'currency' | 'settings' | 'security' | 'hash' | 'import' | 'audit';

export interface ConsoleRoute {
  readonly page: ConsolePage;
  /** The path's own values: `id` of a user, `code` of a currency. */
  readonly params: Readonly<Record<string, string>>;
}

const PAGES: readonly { readonly page: ConsolePage; readonly pattern: RegExp; readonly params: readonly string[] }[] = [
  { page: 'home', pattern: /^\/$/, params: [] },
  { page: 'sign-in', pattern: /^\/sign-in$/, params: [] },
  { page: 'users', pattern: /^\/users$/, params: [] },
  { page: 'user', pattern: /^\/users\/(\d{1,19})$/, params: ['id'] },
  { page: 'ledger', pattern: /^\/ledger$/, params: [] },
  { page: 'currencies', pattern: /^\/currencies$/, params: [] },
  { page: 'currency', pattern: /^\/currencies\/([A-Za-z0-9]{1,10})$/, params: ['code'] },
  { page: 'settings', pattern: /^\/settings$/, params: [] },
  { page: 'security', pattern: /^\/security$/, params: [] },
  { page: 'hash', pattern: /^\/hash$/, params: [] },
  { page: 'import', pattern: /^\/import$/, params: [] },
  { page: 'audit', pattern: /^\/audit$/, params: [] },
];

/** The page a path (without its query) shows, or undefined when the console has no such page. */
export function matchConsolePath(path: string): ConsoleRoute | undefined {
  for (const { page, pattern, params } of PAGES) {
    const match = pattern.exec(path);
    if (match === null) continue;
    const values: Record<string, string> = {};
    params.forEach((name, index) => (values[name] = match[index + 1]!));
    return { page, params: values };
  }
  return undefined;
}

/** The address of a page, with an optional query (empty values are left out). */
export function consolePath(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}
