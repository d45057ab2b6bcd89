/** Username rules of spec section 8. */

export const MAX_USERNAME_LENGTH = 128;

// Printable ASCII: already NFC, and lower-cased by ASCII rules alone. The hot path looks up
// nearly every name through this test, so ordinary names never pay for normalisation.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The form a username is stored and shown in: Unicode NFC, so that the precomposed and the
 * decomposed spellings of `José` are one name, as a client typing either one means.
 */
export function normalizeUsername(username: string): string {
  return PRINTABLE_ASCII.test(username) ? username : username.normalize('NFC');
}

/**
 * The key a username is unique and looked up by: the Unicode lower case of its NFC form, as
 * Kolmisoft's case-insensitive MySQL collation behaves for the letters clients send. Lower
 * casing can leave a string that is no longer NFC (`İ` becomes `i` and a combining dot), so
 * the result is normalised again.
 */
export function usernameKey(username: string): string {
  if (PRINTABLE_ASCII.test(username)) return username.toLowerCase();
  return username.normalize('NFC').toLowerCase().normalize('NFC');
}

/**
 * The key a name had before keys were made from NFC (its plain lower case), when that differs
 * from usernameKey: a user the NFC migration left apart from another (two spellings of one
 * name, see planUsernameRepairs) still holds it, and is looked up by it first, so each spelling
 * keeps reaching its own customer until the operator renames one. Undefined for most names.
 */
export function legacyUsernameKey(username: string): string | undefined {
  if (PRINTABLE_ASCII.test(username)) return undefined;
  const legacy = username.toLowerCase();
  return legacy === usernameKey(username) ? undefined : legacy;
}

/** Finds by the name's old key first when it has one (see legacyUsernameKey), then by its key. */
export async function findByUsername<T>(username: string, find: (key: string) => Promise<T | undefined>): Promise<T | undefined> {
  // The names clients send are nearly always printable ASCII: one test, one look-up.
  if (PRINTABLE_ASCII.test(username)) return find(username.toLowerCase());
  const legacy = legacyUsernameKey(username);
  return (legacy === undefined ? undefined : await find(legacy)) ?? find(usernameKey(username));
}

// Characters a new username cannot hold: they are invisible, reorder the text around them,
// break lines, or (U+FFFD) stand for a byte that could not be read. Cc is every C0 and C1
// control, Cf every format character (bidirectional controls, zero-width characters, BOM...).
const REFUSED_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\uFFFD]/u;

/**
 * A name typed for a new user or a rename: "alice " would look like "alice" in every listing
 * (and Kolmisoft's MySQL compares them equal). Names brought over by an import keep their
 * spaces, so that an export always imports back.
 */
export function typedUsernameProblem(username: string): string | undefined {
  return usernameProblem(username) ?? (username.trim() !== username ? 'a username cannot begin or end with a space' : undefined);
}

/** Why a username cannot be stored, or undefined when it can. Lengths count characters of the NFC form. */
export function usernameProblem(username: string): string | undefined {
  if (!username.isWellFormed()) return 'a username must be valid Unicode text';
  const refused = REFUSED_CHARACTER.exec(username);
  if (refused !== null) return `a username cannot contain ${describeCharacter(refused[0])}`;
  const length = [...normalizeUsername(username)].length;
  if (length === 0) return 'a username cannot be empty';
  if (length > MAX_USERNAME_LENGTH) return `a username has at most ${MAX_USERNAME_LENGTH} characters`;
  return undefined;
}

/** `U+202E (a bidirectional control)`: names a character without writing it, since most refused ones are invisible. */
function describeCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  return `${codePoint(code)} (${characterKind(code, character)})`;
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function characterKind(code: number, character: string): string {
  if (code === 0xfffd) return 'the replacement character, which stands for an unreadable byte';
  if (/\p{Cc}/u.test(character)) return 'a control character';
  if (code === 0x061c || code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
    return 'a bidirectional control';
  }
  if ((code >= 0x200b && code <= 0x200d) || code === 0x2060 || code === 0xfeff) return 'a zero-width character';
  if (code === 0x2028 || code === 0x2029) return 'a line or paragraph separator';
  return 'an invisible format character';
}

/**
 * A stored username for a message: characters that new names refuse (and old names may still
 * hold) are written as `<U+202E>`, so a line on a terminal shows what is there.
 */
export function printableUsername(username: string): string {
  return username.replace(new RegExp(REFUSED_CHARACTER.source, 'gu'), (character) => `<${codePoint(character.codePointAt(0)!)}>`);
}

/** A stored user's name and key, as the username migration and `tally verify` read them. */
export interface StoredUsername {
  readonly id: number;
  readonly username: string;
  readonly usernameKey: string;
}

/** True when a stored user's name is not NFC or its key is not the key of its name. */
export function isStaleUsername(user: StoredUsername): boolean {
  return normalizeUsername(user.username) !== user.username || usernameKey(user.username) !== user.usernameKey;
}

/** Two users whose names one key now stands for: the first is stale, and both are left as they were. */
export interface UsernameCollision {
  readonly user: StoredUsername;
  readonly with: StoredUsername;
}

export interface UsernameRepairPlan {
  /** Stale users given their NFC name and its key. */
  readonly renames: readonly StoredUsername[];
  /** Stale users left as they were, each with a user it collides with. */
  readonly collisions: readonly UsernameCollision[];
}

/**
 * Plans the repair of stale users. `holders` gives, for each new key, the users whose stored key
 * it is now. A user whose new key someone else holds or wants is left alone, and so is that
 * other user: two spellings that collide are reported, never merged.
 */
export function planUsernameRepairs(stale: readonly StoredUsername[], holders: ReadonlyMap<string, readonly StoredUsername[]>): UsernameRepairPlan {
  const wanting = new Map<string, StoredUsername[]>();
  for (const user of stale) {
    const key = usernameKey(user.username);
    const list = wanting.get(key);
    if (list === undefined) wanting.set(key, [user]);
    else list.push(user);
  }
  const staleIds = new Set(stale.map((user) => user.id));
  const partners = new Map<number, StoredUsername>();
  for (const user of stale) {
    const key = usernameKey(user.username);
    const others = [...(holders.get(key) ?? []), ...wanting.get(key)!].filter((other) => other.id !== user.id);
    if (others.length === 0) continue;
    if (!partners.has(user.id)) partners.set(user.id, others.reduce((a, b) => (a.id <= b.id ? a : b)));
    for (const other of others) if (staleIds.has(other.id) && !partners.has(other.id)) partners.set(other.id, user);
  }
  return {
    renames: stale
      .filter((user) => !partners.has(user.id))
      .map((user) => ({ id: user.id, username: normalizeUsername(user.username), usernameKey: usernameKey(user.username) })),
    collisions: stale.flatMap((user) => {
      const other = partners.get(user.id);
      return other === undefined ? [] : [{ user, with: other }];
    }),
  };
}
