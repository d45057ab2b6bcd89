/**
 * A refusal the operator can act on: an unknown user, a duplicate name, a bad value. Its
 * message is one plain line, shown as is by the CLI; anything else thrown is a bug.
 */
export class TallyError extends Error {
  constructor(
    readonly code: TallyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TallyError';
  }
}

/**
 * A change refused because its idempotency key names another change already in the ledger
 * (keys are one namespace, whichever surface made the entry): nothing was written.
 */
export class IdempotencyKeyTaken extends TallyError {
  constructor(readonly key: string) {
    super('conflict', 'the idempotency key was used before for another change; nothing changed');
    this.name = 'IdempotencyKeyTaken';
  }
}

export type TallyErrorCode =
  // The value cannot be right whatever the database holds (its form, its range): a usage
  // error. Every other code is a refusal by the data or the state of the database.
  | 'invalid_value'
  | 'not_found'
  | 'already_exists'
  | 'not_initialized'
  | 'conflict'
  | 'schema_too_new';
