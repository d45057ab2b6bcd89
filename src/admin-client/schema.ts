/**
 * The admin API's paths, operations and schemas as TypeScript types, generated from its OpenAPI
 * document by openapi-typescript. Do not edit: run `npm run generate:client`.
 */

export interface paths {
    "/admin/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in operator
         * @description The current operator and the session's csrf_token, so that a reloaded console carries on. Without a session: 401, with `operators_exist: false` while no operator exists yet.
         *
         *     **Role:** viewer or above.
         */
        get: operations["getSession"];
        put?: never;
        /**
         * Sign in
         * @description Checks a username and password and sets the session cookie (`HttpOnly`, `SameSite=Strict`, `Path=/`; `Secure` behind a trusted HTTPS proxy). A wrong name or password is counted by the throttle, and the two are never told apart.
         *
         *     **Role:** none (no credentials needed).
         */
        post: operations["createSession"];
        /**
         * Sign out
         * @description Ends the session and clears its cookie. A cookie request needs its X-CSRF-Token.
         *
         *     **Role:** viewer or above.
         */
        delete: operations["deleteSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List and search users
         * @description `q` matches a username prefix (any case), an exact id, or an exact uniquehash. Ordered by id, ascending; keyset-paged.
         *
         *     **Role:** viewer or above.
         */
        get: operations["listUsers"];
        put?: never;
        /**
         * Add a user
         * @description `balance` is the opening balance in the system currency (zero when absent), written as the user's first ledger entry. With an Idempotency-Key, a replay answers the first answer again, and the key becomes the opening entry's: a key any ledger entry carries already is a 409.
         *
         *     **Role:** admin or above.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One user
         * @description One user
         *
         *     **Role:** viewer or above.
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename, change the names or the currency of, close or reopen a user
         * @description All of it or nothing: every field is checked first (a name unique in any letter case and not the current one, first and last names by their rule, a known currency, a status that changes), then the whole change is written at once. A closed user keeps its ledger; every Kolmisoft method answers it as `User was not found`.
         *
         *     **Role:** admin or above.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/admin/v1/users/{id}/uniquehash": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new uniquehash for a user
         * @description A new random token; the old one stops working at once. Answers the user with its new `uniquehash`.
         *
         *     **Role:** admin or above.
         */
        post: operations["rotateUserToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users/{id}/adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Adjust a user's balance
         * @description Adds a signed, non-zero amount in the system currency as one ledger entry (source `admin`, naming the operator and the request). With an Idempotency-Key (the entry's key, in the namespace every surface shares), the same request again answers the first answer with 200 and changes nothing; the key used for anything else (another body, another user, a Kolmisoft `transaction_id`) is a 409. A closed user is a 409.
         *
         *     **Role:** admin or above.
         */
        post: operations["createAdjustment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/users/{id}/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's ledger
         * @description The user's entries, newest first (closed users included).
         *
         *     **Role:** viewer or above.
         */
        get: operations["listUserLedger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every ledger entry
         * @description Every entry, newest first, filtered by time, source, user and operator. With `Accept: text/csv` the same selection is streamed as CSV, without a limit (`limit` and `cursor` do not apply).
         *
         *     **Role:** viewer or above.
         */
        get: operations["listLedger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/ledger/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Totals of ledger entries
         * @description The totals of the whole selection that `GET /admin/v1/ledger` lists with the same filters (every page of it): how many entries, the sum of credits, of debits and the net, exact, in the system currency.
         *
         *     **Role:** viewer or above.
         */
        get: operations["summariseLedger"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/currencies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every currency
         * @description The system currency among them (`system`: true, rate 1), inactive ones included.
         *
         *     **Role:** viewer or above.
         */
        get: operations["listCurrencies"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/currencies/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Add or change a currency
         * @description Adds the currency (201) or changes it (200), recording the rate change. The Kolmisoft API of this node answers the new rate at once, every other node within its next refresh. The system currency's rate is always 1, and it cannot be made inactive.
         *
         *     **Role:** admin or above.
         */
        put: operations["putCurrency"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/currencies/{code}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A currency's rate changes
         * @description Newest first, each with who made it, from where and in which request.
         *
         *     **Role:** viewer or above.
         */
        get: operations["listRateChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every setting
         * @description Every setting of `tally settings list`, keyed by name, each as the server obeys it (a setting missing from the database reads as the safe value the server falls back to). Keys (`api_secret_key`, `signature_key`, `signature_key_previous`) only as `{"set":true|false}`. Each property's description says whether it is Kolmisoft's setting (and its Kolmisoft name) or Tally's own.
         *
         *     **Role:** viewer or above.
         */
        get: operations["listSettings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change settings
         * @description Any subset of the settings, each of the type GET answers it in; a key is given as its new value (a string) and is never answered back. Every value is checked first and all are written in one transaction: one bad value changes nothing (422 naming it, with the reason). This node obeys the change before answering; every other node within 250 ms. Answers every setting, as GET.
         *
         *     **Role:** owner or above.
         */
        patch: operations["updateSettings"];
        trace?: never;
    };
    "/admin/v1/settings/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a key
         * @description The value of `api_secret_key` (appended to every Kolmisoft hash) or `signature_key` (of HMAC request signatures), as `tally settings get NAME` prints it. Any other name, another setting included, is a 404.
         *
         *     **Role:** owner or above.
         */
        get: operations["getSecret"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/settings/secrets/{name}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a key
         * @description As `tally settings rotate-key NAME`. `api_secret_key`: a new random key at once, the old one refused from this answer on (every client needs the new one). `signature_key` rotates in two steps, so that no moment accepts neither key: a first call makes a new key while the old one is still accepted, a second call ends the overlap. The answer never holds the key: read it with GET /admin/v1/settings/secrets/{name}. Any other name is a 404.
         *
         *     **Role:** owner or above.
         */
        post: operations["rotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/throttle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Throttled client addresses
         * @description Every address with failed authentications counted or a block in force now, on any node; the most recent window first.
         *
         *     **Role:** viewer or above.
         */
        get: operations["listThrottledClients"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/throttle/{address}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unblock a client address
         * @description Forgets the address's failures and block: at once on this node, on every other node within its next refresh. Answers 204 also when nothing was held against it. Any form of the address the throttle counts as one is accepted (`::ffff:192.0.2.1` is `192.0.2.1`).
         *
         *     **Role:** admin or above.
         */
        delete: operations["unblockClient"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import users from CSV
         * @description The body is a file in `tally import`'s format (`text/csv`, at most 64 MiB): a header of `username,currency,balance` and optionally `id` and `uniquehash`, then one user a line; a balance is in the system currency. Every line is checked (alone, across the file, and against the database) before anything is written; then every row is written in one transaction. Each user's opening balance is a ledger entry with the source `import`, naming the operator.
         *
         *     `dry_run=true` checks and writes nothing.
         *
         *     **A bad line writes nothing** and answers 422: a problem document (`code` `invalid`) that is also the import report, with `ok: false`, `rows` (the data lines that passed the checks of the file alone), `error_count`, and `errors` listing the first 1000 bad lines as `{"field":"line N","line":N,"message":…}`. A refusal is an error status, not a 200 with `ok: false`, so that a client that checks only the status cannot take a refused import for a done one, and so that a refused import is not kept as the answer of its Idempotency-Key: the corrected file may be sent with the same key.
         *
         *     With an Idempotency-Key, a replay of the same body answers the first answer again (200) and imports nothing twice; a key already used for another request, or by a ledger entry of any surface, is a 409.
         *
         *     **Role:** admin or above.
         */
        post: operations["importUsers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check every balance against its ledger
         * @description `ok` is true when every balance equals the sum of its entries (and no two usernames collide, as `tally verify` reports). Changes nothing; a POST since it reads the whole ledger.
         *
         *     **Role:** viewer or above.
         */
        post: operations["verifyLedger"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/hash": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Kolmisoft's Generate hash
         * @description The `hash` a Kolmisoft API request needs with the configured api_secret_key, as `tally hash` prints it, and the `values` it covers in order (the key follows them, and never appears here). `uri` is a request URI (`/billing/api/user_balance_get?username=alice&currency=EUR`, with or without a scheme and host) or just its query (then the method is user_balance_get).
         *
         *     **Role:** viewer or above.
         */
        post: operations["generateHash"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every webhook endpoint
         * @description As `tally webhook list`: each endpoint with its events and state, never its secret. One page: `next_cursor` is always null.
         *
         *     **Role:** owner or above.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Add a webhook endpoint
         * @description As `tally webhook add URL --events LIST`. The URL is http:// or https://; loopback, link-local and private destinations are refused unless the setting `webhook_allow_private` is on.
         *
         *     **Role:** owner or above.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a webhook endpoint
         * @description As `tally webhook remove ID`: the endpoint and its pending deliveries.
         *
         *     **Role:** owner or above.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a webhook endpoint's secret
         * @description As `tally webhook rotate-secret ID`: the new secret is answered once; the old one keeps signing beside it for 24 hours, or until the next rotation.
         *
         *     **Role:** owner or above.
         */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics
         * @description Users, the total of balances and ledger entries (the whole database, read at most every 5 seconds); requests answered and failed authentications in the last minute and hour, on this node (both listeners); client addresses blocked now.
         *
         *     **Role:** viewer or above.
         */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log
         * @description Every change made through this API, the console or the CLI, newest first.
         *
         *     **Role:** owner or above.
         */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/operators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every operator
         * @description Every operator, by name, with its role and its tokens' labels; never a password hash nor a token. One page: `next_cursor` is always null.
         *
         *     **Role:** owner or above.
         */
        get: operations["listOperators"];
        put?: never;
        /**
         * Add an operator
         * @description As `tally operator add NAME --role ROLE`. The password (12 to 1024 characters) is kept only as a memory-hard hash and never answered. Make its API token with POST /admin/v1/operators/{name}/tokens or `tally operator token NAME`.
         *
         *     **Role:** owner or above.
         */
        post: operations["createOperator"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/operators/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove an operator
         * @description As `tally operator remove NAME`: the operator and its tokens; its sessions end. The last owner cannot be removed (409): make another operator an owner first.
         *
         *     **Role:** owner or above.
         */
        delete: operations["deleteOperator"];
        options?: never;
        head?: never;
        /**
         * Change an operator's role
         * @description As `tally operator role NAME ROLE`. The operator's open sessions and its tokens carry the new role from their next request. The last owner cannot be demoted (409): make another operator an owner first. The role it has already changes nothing.
         *
         *     **Role:** owner or above.
         */
        patch: operations["updateOperator"];
        trace?: never;
    };
    "/admin/v1/operators/{name}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make an API token
         * @description As `tally operator token NAME [--label TEXT]`: a new API token for the operator, in this answer only (only its digest is kept). Without a label (send `{}`) it is called `token-N`, the first N the operator has not used. A label it holds already is a 409.
         *
         *     **Role:** owner or above.
         */
        post: operations["createOperatorToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/operators/{name}/tokens/{label}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token
         * @description As `tally operator token-revoke NAME LABEL`: the token is refused from this answer on. An unknown operator or label is a 404.
         *
         *     **Role:** owner or above.
         */
        delete: operations["deleteOperatorToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description The OpenAPI 3.1 document of every operation; `/admin/docs` renders it for a browser.
         *
         *     **Role:** none (no credentials needed).
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An RFC 9457 problem document. */
        Problem: {
            /** @example /admin/docs#problem-invalid */
            type: string;
            /** @example Invalid request */
            title: string;
            /** @example 422 */
            status: number;
            /** @enum {unknown} */
            code: "malformed" | "unauthorized" | "forbidden" | "not_found" | "method_not_allowed" | "conflict" | "payload_too_large" | "unsupported_media_type" | "invalid" | "too_many_requests" | "internal";
            /** @example amount: must be a string */
            detail: string;
            errors?: {
                /** @example amount */
                field: string;
                /** @example must be a string */
                message: string;
                /**
                 * @description On POST /admin/v1/imports only: the CSV line at fault (1 is the header); `field` is then `line N`.
                 * @example 3
                 */
                line?: number;
            }[];
            /** @description On GET /admin/v1/session only: false while no operator exists yet. */
            operators_exist?: boolean;
            /**
             * @description On POST /admin/v1/imports only, for bad lines: the import report, refused.
             * @constant
             */
            ok?: false;
            /** @description On POST /admin/v1/imports only, for bad lines: the data lines that passed the file's own checks (one that conflicts with the database is counted and also listed in `errors`); none was written. */
            rows?: number;
            /** @description On POST /admin/v1/imports only, for bad lines: every bad line; `errors` lists the first 1000. */
            error_count?: number;
        };
    };
    responses: {
        /** @description Malformed request: The body is not valid JSON, or the request cannot be read. */
        Malformed: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-malformed",
                 *       "title": "Malformed request",
                 *       "status": 400,
                 *       "code": "malformed",
                 *       "detail": "The body is not valid JSON, or the request cannot be read."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Unauthorized: No valid credentials: send a bearer token or sign in for a session cookie. */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-unauthorized",
                 *       "title": "Unauthorized",
                 *       "status": 401,
                 *       "code": "unauthorized",
                 *       "detail": "No valid credentials: send a bearer token or sign in for a session cookie."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Forbidden: The operator's role does not allow this, or a cookie request lacks its X-CSRF-Token. */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-forbidden",
                 *       "title": "Forbidden",
                 *       "status": 403,
                 *       "code": "forbidden",
                 *       "detail": "The operator's role does not allow this, or a cookie request lacks its X-CSRF-Token."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Not found: No such resource, or no such path. */
        NotFound: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-not_found",
                 *       "title": "Not found",
                 *       "status": 404,
                 *       "code": "not_found",
                 *       "detail": "No such resource, or no such path."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Conflict: It exists already, the Idempotency-Key was used for another request, or the change conflicts with the current state. */
        Conflict: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-conflict",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "code": "conflict",
                 *       "detail": "It exists already, the Idempotency-Key was used for another request, or the change conflicts with the current state."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Payload too large: The body is over 1 MiB (64 MiB for imports). */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-payload_too_large",
                 *       "title": "Payload too large",
                 *       "status": 413,
                 *       "code": "payload_too_large",
                 *       "detail": "The body is over 1 MiB (64 MiB for imports)."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Unsupported media type: The body is not of the Content-Type the operation takes. */
        UnsupportedMediaType: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-unsupported_media_type",
                 *       "title": "Unsupported media type",
                 *       "status": 415,
                 *       "code": "unsupported_media_type",
                 *       "detail": "The body is not of the Content-Type the operation takes."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Invalid request: A field is missing, unknown, of the wrong type or out of range: `errors` names each one. */
        Invalid: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-invalid",
                 *       "title": "Invalid request",
                 *       "status": 422,
                 *       "code": "invalid",
                 *       "detail": "A field is missing, unknown, of the wrong type or out of range: `errors` names each one.",
                 *       "errors": [
                 *         {
                 *           "field": "amount",
                 *           "message": "must be a string (money and rates are strings holding an exact decimal)"
                 *         }
                 *       ]
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Too many requests: Too many failed authentications from this address; Retry-After says when to try again. */
        TooManyRequests: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-too_many_requests",
                 *       "title": "Too many requests",
                 *       "status": 429,
                 *       "code": "too_many_requests",
                 *       "detail": "Too many failed authentications from this address; Retry-After says when to try again."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Internal error: Something failed on the server; the request id in X-Request-Id finds it in the log. */
        Internal: {
            headers: {
                "X-Request-Id": components["headers"]["RequestId"];
                "Cache-Control": components["headers"]["CacheControl"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "/admin/docs#problem-internal",
                 *       "title": "Internal error",
                 *       "status": 500,
                 *       "code": "internal",
                 *       "detail": "Something failed on the server; the request id in X-Request-Id finds it in the log."
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The request's id: the client's own X-Request-Id when it is sane, else the server's. */
        RequestId: string;
        /** @description Seconds until the client may try again. */
        RetryAfter: number;
        /** @description Always `no-store`: answers may hold what only an operator may see. */
        CacheControl: "no-store";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operator. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        operator: {
                            /** @example ops */
                            username: string;
                            /**
                             * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                             * @enum {unknown}
                             */
                            role: "viewer" | "admin" | "owner";
                        };
                        /** @description Send it in X-CSRF-Token on every request but GET that the cookie signs in; null for a bearer token. */
                        csrf_token: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "ops",
                 *       "password": "correct horse battery staple"
                 *     }
                 */
                "application/json": {
                    /** @example ops */
                    username: string;
                    /** @example correct horse battery staple */
                    password: string;
                };
            };
        };
        responses: {
            /** @description Signed in; the cookie is set. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "operator": {
                     *         "username": "ops",
                     *         "role": "owner"
                     *       },
                     *       "csrf_token": "Zm9v…"
                     *     }
                     */
                    "application/json": {
                        operator: {
                            /** @example ops */
                            username: string;
                            /**
                             * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                             * @enum {unknown}
                             */
                            role: "viewer" | "admin" | "owner";
                        };
                        /** @description Send it in X-CSRF-Token on every request but GET that the cookie signs in; null for a bearer token. */
                        csrf_token: string | null;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    deleteSession: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                /** @description A username prefix, an id or a uniquehash. */
                q?: string;
                /** @description Only users of this status (both when absent). */
                status?: "active" | "closed";
                /** @description How many at most: 1 to 500 (default 50). */
                limit?: string;
                /** @description The `next_cursor` of the previous page (opaque). */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /**
                             * @description The Kolmisoft API's user_id.
                             * @example 1
                             */
                            id: number;
                            /** @example alice */
                            username: string;
                            /**
                             * @description Kolmisoft's `first_name`; empty when not given.
                             * @example Ada
                             */
                            first_name: string;
                            /**
                             * @description Kolmisoft's `last_name`; empty when not given.
                             * @example Lovelace
                             */
                            last_name: string;
                            /**
                             * @description The user's own currency.
                             * @example EUR
                             */
                            currency: string;
                            /**
                             * @description In the system currency.
                             * @example 26.5
                             */
                            balance: string;
                            /**
                             * @description In the user's own currency (the rate times the balance, exactly).
                             * @example 26.5
                             */
                            balance_in_currency: string;
                            /** @enum {unknown} */
                            status: "active" | "closed";
                            /**
                             * @description `admin` is a Kolmisoft admin login (`u=`), not an operator.
                             * @enum {unknown}
                             */
                            role: "user" | "admin";
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                            /**
                             * @description The user's own warning balance (`balance.low`); absent when the global one applies.
                             * @example 26.5
                             */
                            warning_balance?: string;
                            /**
                             * @description The user's token; only for the admin and owner roles.
                             * @example a1B2c3D4e5
                             */
                            uniquehash?: string;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body answers the first answer again and changes nothing; with another request, 409. */
                "Idempotency-Key"?: string;
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "alice",
                 *       "currency": "EUR",
                 *       "balance": "10.5",
                 *       "first_name": "Ada",
                 *       "last_name": "Lovelace"
                 *     }
                 */
                "application/json": {
                    /** @example alice */
                    username: string;
                    /**
                     * @description The system currency when absent.
                     * @example EUR
                     */
                    currency?: string;
                    /**
                     * @description Exact decimal in a string, in the system currency.
                     * @example 10.5
                     */
                    balance?: string;
                    /**
                     * @description At most 255 characters, no control characters; kept as given, spaces included. Empty clears it.
                     * @example Ada
                     */
                    first_name?: string;
                    /**
                     * @description At most 255 characters, no control characters; kept as given, spaces included. Empty clears it.
                     * @example Lovelace
                     */
                    last_name?: string;
                };
            };
        };
        responses: {
            /** @description A replay: the first answer again. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The Kolmisoft API's user_id.
                         * @example 1
                         */
                        id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description Kolmisoft's `first_name`; empty when not given.
                         * @example Ada
                         */
                        first_name: string;
                        /**
                         * @description Kolmisoft's `last_name`; empty when not given.
                         * @example Lovelace
                         */
                        last_name: string;
                        /**
                         * @description The user's own currency.
                         * @example EUR
                         */
                        currency: string;
                        /**
                         * @description In the system currency.
                         * @example 26.5
                         */
                        balance: string;
                        /**
                         * @description In the user's own currency (the rate times the balance, exactly).
                         * @example 26.5
                         */
                        balance_in_currency: string;
                        /** @enum {unknown} */
                        status: "active" | "closed";
                        /**
                         * @description `admin` is a Kolmisoft admin login (`u=`), not an operator.
                         * @enum {unknown}
                         */
                        role: "user" | "admin";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description The user's own warning balance (`balance.low`); absent when the global one applies.
                         * @example 26.5
                         */
                        warning_balance?: string;
                        /**
                         * @description The user's token; only for the admin and owner roles.
                         * @example a1B2c3D4e5
                         */
                        uniquehash?: string;
                    };
                };
            };
            /** @description The new user. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The Kolmisoft API's user_id.
                         * @example 1
                         */
                        id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description Kolmisoft's `first_name`; empty when not given.
                         * @example Ada
                         */
                        first_name: string;
                        /**
                         * @description Kolmisoft's `last_name`; empty when not given.
                         * @example Lovelace
                         */
                        last_name: string;
                        /**
                         * @description The user's own currency.
                         * @example EUR
                         */
                        currency: string;
                        /**
                         * @description In the system currency.
                         * @example 26.5
                         */
                        balance: string;
                        /**
                         * @description In the user's own currency (the rate times the balance, exactly).
                         * @example 26.5
                         */
                        balance_in_currency: string;
                        /** @enum {unknown} */
                        status: "active" | "closed";
                        /**
                         * @description `admin` is a Kolmisoft admin login (`u=`), not an operator.
                         * @enum {unknown}
                         */
                        role: "user" | "admin";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description The user's own warning balance (`balance.low`); absent when the global one applies.
                         * @example 26.5
                         */
                        warning_balance?: string;
                        /**
                         * @description The user's token; only for the admin and owner roles.
                         * @example a1B2c3D4e5
                         */
                        uniquehash?: string;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's numeric id (the Kolmisoft API's user_id). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The Kolmisoft API's user_id.
                         * @example 1
                         */
                        id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description Kolmisoft's `first_name`; empty when not given.
                         * @example Ada
                         */
                        first_name: string;
                        /**
                         * @description Kolmisoft's `last_name`; empty when not given.
                         * @example Lovelace
                         */
                        last_name: string;
                        /**
                         * @description The user's own currency.
                         * @example EUR
                         */
                        currency: string;
                        /**
                         * @description In the system currency.
                         * @example 26.5
                         */
                        balance: string;
                        /**
                         * @description In the user's own currency (the rate times the balance, exactly).
                         * @example 26.5
                         */
                        balance_in_currency: string;
                        /** @enum {unknown} */
                        status: "active" | "closed";
                        /**
                         * @description `admin` is a Kolmisoft admin login (`u=`), not an operator.
                         * @enum {unknown}
                         */
                        role: "user" | "admin";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description The user's own warning balance (`balance.low`); absent when the global one applies.
                         * @example 26.5
                         */
                        warning_balance?: string;
                        /**
                         * @description The user's token; only for the admin and owner roles.
                         * @example a1B2c3D4e5
                         */
                        uniquehash?: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The user's numeric id (the Kolmisoft API's user_id). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "alice2",
                 *       "currency": "USD",
                 *       "last_name": "King"
                 *     }
                 */
                "application/json": {
                    /** @example alice2 */
                    username?: string;
                    /** @example USD */
                    currency?: string;
                    /** @enum {unknown} */
                    status?: "active" | "closed";
                    /**
                     * @description At most 255 characters, no control characters; kept as given, spaces included. Empty clears it.
                     * @example Ada
                     */
                    first_name?: string;
                    /**
                     * @description At most 255 characters, no control characters; kept as given, spaces included. Empty clears it.
                     * @example King
                     */
                    last_name?: string;
                    /**
                     * @description The user's own warning balance in the system currency (`balance.low`); "" clears it, so the global `warning_balance` applies.
                     * @example 5.00
                     */
                    warning_balance?: string;
                };
            };
        };
        responses: {
            /** @description The user as changed. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The Kolmisoft API's user_id.
                         * @example 1
                         */
                        id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description Kolmisoft's `first_name`; empty when not given.
                         * @example Ada
                         */
                        first_name: string;
                        /**
                         * @description Kolmisoft's `last_name`; empty when not given.
                         * @example Lovelace
                         */
                        last_name: string;
                        /**
                         * @description The user's own currency.
                         * @example EUR
                         */
                        currency: string;
                        /**
                         * @description In the system currency.
                         * @example 26.5
                         */
                        balance: string;
                        /**
                         * @description In the user's own currency (the rate times the balance, exactly).
                         * @example 26.5
                         */
                        balance_in_currency: string;
                        /** @enum {unknown} */
                        status: "active" | "closed";
                        /**
                         * @description `admin` is a Kolmisoft admin login (`u=`), not an operator.
                         * @enum {unknown}
                         */
                        role: "user" | "admin";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description The user's own warning balance (`balance.low`); absent when the global one applies.
                         * @example 26.5
                         */
                        warning_balance?: string;
                        /**
                         * @description The user's token; only for the admin and owner roles.
                         * @example a1B2c3D4e5
                         */
                        uniquehash?: string;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    rotateUserToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The user's numeric id (the Kolmisoft API's user_id). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user, with its new uniquehash. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The Kolmisoft API's user_id.
                         * @example 1
                         */
                        id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description Kolmisoft's `first_name`; empty when not given.
                         * @example Ada
                         */
                        first_name: string;
                        /**
                         * @description Kolmisoft's `last_name`; empty when not given.
                         * @example Lovelace
                         */
                        last_name: string;
                        /**
                         * @description The user's own currency.
                         * @example EUR
                         */
                        currency: string;
                        /**
                         * @description In the system currency.
                         * @example 26.5
                         */
                        balance: string;
                        /**
                         * @description In the user's own currency (the rate times the balance, exactly).
                         * @example 26.5
                         */
                        balance_in_currency: string;
                        /** @enum {unknown} */
                        status: "active" | "closed";
                        /**
                         * @description `admin` is a Kolmisoft admin login (`u=`), not an operator.
                         * @enum {unknown}
                         */
                        role: "user" | "admin";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description The user's own warning balance (`balance.low`); absent when the global one applies.
                         * @example 26.5
                         */
                        warning_balance?: string;
                        /**
                         * @description The user's token; only for the admin and owner roles.
                         * @example a1B2c3D4e5
                         */
                        uniquehash?: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    createAdjustment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body answers the first answer again and changes nothing; with another request, 409. */
                "Idempotency-Key"?: string;
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The user's numeric id (the Kolmisoft API's user_id). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "amount": "-3.25",
                 *       "comment": "refund of a double charge"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description Signed, not zero, in the system currency: an exact decimal in a string.
                     * @example -3.333333
                     */
                    amount: string;
                    /**
                     * @description Why: at most 500 printable characters; kept in the ledger.
                     * @example goodwill credit, ticket 4411
                     */
                    comment: string;
                };
            };
        };
        responses: {
            /** @description A replay: the first answer again. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example 42 */
                        id: number;
                        /** @example 1 */
                        user_id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description A signed exact decimal in a string (never a JSON number): at most 6 fractional digits, no exponent.
                         * @example -3.333333
                         */
                        amount: string;
                        /**
                         * @description The user's balance once this entry applied.
                         * @example -3.333333
                         */
                        balance_after: string;
                        /**
                         * @description Where the change came from.
                         * @enum {unknown}
                         */
                        source: "cli" | "api" | "import" | "admin";
                        comment: string;
                        idempotency_key: string | null;
                        /** @description Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login. */
                        operator: string;
                        request_id: string | null;
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                    };
                };
            };
            /** @description The new ledger entry. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example 42 */
                        id: number;
                        /** @example 1 */
                        user_id: number;
                        /** @example alice */
                        username: string;
                        /**
                         * @description A signed exact decimal in a string (never a JSON number): at most 6 fractional digits, no exponent.
                         * @example -3.333333
                         */
                        amount: string;
                        /**
                         * @description The user's balance once this entry applied.
                         * @example -3.333333
                         */
                        balance_after: string;
                        /**
                         * @description Where the change came from.
                         * @enum {unknown}
                         */
                        source: "cli" | "api" | "import" | "admin";
                        comment: string;
                        idempotency_key: string | null;
                        /** @description Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login. */
                        operator: string;
                        request_id: string | null;
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listUserLedger: {
        parameters: {
            query?: {
                /** @description Only entries at or after this time (RFC 3339). */
                from?: string;
                /** @description Only entries before this time (RFC 3339). */
                to?: string;
                /** @description How many at most: 1 to 500 (default 50). */
                limit?: string;
                /** @description The `next_cursor` of the previous page (opaque). */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The user's numeric id (the Kolmisoft API's user_id). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @example 42 */
                            id: number;
                            /** @example 1 */
                            user_id: number;
                            /** @example alice */
                            username: string;
                            /**
                             * @description A signed exact decimal in a string (never a JSON number): at most 6 fractional digits, no exponent.
                             * @example -3.333333
                             */
                            amount: string;
                            /**
                             * @description The user's balance once this entry applied.
                             * @example -3.333333
                             */
                            balance_after: string;
                            /**
                             * @description Where the change came from.
                             * @enum {unknown}
                             */
                            source: "cli" | "api" | "import" | "admin";
                            comment: string;
                            idempotency_key: string | null;
                            /** @description Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login. */
                            operator: string;
                            request_id: string | null;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listLedger: {
        parameters: {
            query?: {
                /** @description Only entries at or after this time (RFC 3339). */
                from?: string;
                /** @description Only entries before this time (RFC 3339). */
                to?: string;
                /** @description Only entries from this surface. */
                source?: "cli" | "api" | "import" | "admin";
                /** @description Only this user's entries. */
                user_id?: string;
                /** @description Only entries made by this operator (or `cli:USER`, or a Kolmisoft login). */
                operator?: string;
                /** @description How many at most: 1 to 500 (default 50). */
                limit?: string;
                /** @description The `next_cursor` of the previous page (opaque). */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries, or with `Accept: text/csv` the whole selection as CSV. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @example 42 */
                            id: number;
                            /** @example 1 */
                            user_id: number;
                            /** @example alice */
                            username: string;
                            /**
                             * @description A signed exact decimal in a string (never a JSON number): at most 6 fractional digits, no exponent.
                             * @example -3.333333
                             */
                            amount: string;
                            /**
                             * @description The user's balance once this entry applied.
                             * @example -3.333333
                             */
                            balance_after: string;
                            /**
                             * @description Where the change came from.
                             * @enum {unknown}
                             */
                            source: "cli" | "api" | "import" | "admin";
                            comment: string;
                            idempotency_key: string | null;
                            /** @description Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login. */
                            operator: string;
                            request_id: string | null;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    summariseLedger: {
        parameters: {
            query?: {
                /** @description Only entries at or after this time (RFC 3339). */
                from?: string;
                /** @description Only entries before this time (RFC 3339). */
                to?: string;
                /** @description Only entries from this surface. */
                source?: "cli" | "api" | "import" | "admin";
                /** @description Only this user's entries. */
                user_id?: string;
                /** @description Only entries made by this operator (or `cli:USER`, or a Kolmisoft login). */
                operator?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The totals. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "entries": 3,
                     *       "credits": "40",
                     *       "debits": "-12.5",
                     *       "net": "27.5"
                     *     }
                     */
                    "application/json": {
                        /**
                         * @description Entries in the selection.
                         * @example 3
                         */
                        entries: number;
                        /**
                         * @description The sum of the positive amounts, in the system currency.
                         * @example 40
                         */
                        credits: string;
                        /**
                         * @description The sum of the negative amounts (zero or less), in the system currency.
                         * @example -12.5
                         */
                        debits: string;
                        /**
                         * @description credits + debits.
                         * @example 27.5
                         */
                        net: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listCurrencies: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every currency, by code. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @example EUR */
                            code: string;
                            /** @example Euro */
                            name: string;
                            /**
                             * @description Units of this currency per unit of the system currency; 1 for the system currency.
                             * @example 0.92
                             */
                            rate: string;
                            /** @description Only affects listings: an inactive currency still converts. */
                            active: boolean;
                            /** @description True for the system currency, in which balances are kept. */
                            system: boolean;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    putCurrency: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description A currency code: 3 to 5 letters or digits (any case). */
                code: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "rate": "0.92",
                 *       "name": "Euro",
                 *       "active": true
                 *     }
                 */
                "application/json": {
                    /**
                     * @description An exchange rate against the system currency, as an exact decimal in a string.
                     * @example 0.92
                     */
                    rate: string;
                    /**
                     * @description Display name: 1 to 64 printable characters.
                     * @example Euro
                     */
                    name?: string;
                    /** @description Listed as active (an inactive currency still converts). */
                    active?: boolean;
                };
            };
        };
        responses: {
            /** @description The currency as changed. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example EUR */
                        code: string;
                        /** @example Euro */
                        name: string;
                        /**
                         * @description Units of this currency per unit of the system currency; 1 for the system currency.
                         * @example 0.92
                         */
                        rate: string;
                        /** @description Only affects listings: an inactive currency still converts. */
                        active: boolean;
                        /** @description True for the system currency, in which balances are kept. */
                        system: boolean;
                    };
                };
            };
            /** @description The new currency. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example EUR */
                        code: string;
                        /** @example Euro */
                        name: string;
                        /**
                         * @description Units of this currency per unit of the system currency; 1 for the system currency.
                         * @example 0.92
                         */
                        rate: string;
                        /** @description Only affects listings: an inactive currency still converts. */
                        active: boolean;
                        /** @description True for the system currency, in which balances are kept. */
                        system: boolean;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listRateChanges: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A currency code: 3 to 5 letters or digits (any case). */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every rate change of the currency, newest first (one page). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @description Null when the change added the currency. */
                            old_rate: string | null;
                            /**
                             * @description An exchange rate against the system currency, as an exact decimal in a string.
                             * @example 0.92
                             */
                            new_rate: string;
                            /**
                             * @description Where the change came from.
                             * @enum {unknown}
                             */
                            source: "cli" | "api" | "import" | "admin";
                            /** @description Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login; empty for old changes. */
                            operator: string;
                            request_id: string | null;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The settings. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Answer API requests at all. Kolmisoft's `Allow_API`. */
                        allow_api: boolean;
                        /** @description Accept GET as well as POST. Kolmisoft's `Allow_GET_API`. */
                        allow_get_api: boolean;
                        /** @description Key appended to every hash. A key: only whether it is set. Kolmisoft's `API_Secret_Key`. */
                        api_secret_key: {
                            set: boolean;
                        };
                        /** @description Accept requests without a valid hash. Kolmisoft's `API_Disable_hash_checking`. */
                        disable_hash_checking: boolean;
                        /** @description Enable the balance methods. Kolmisoft's `Devices_Check_Ballance`. */
                        balance_get_enabled: boolean;
                        /** @description Allow payment_create to make payments. Kolmisoft's `API allow Payments`. */
                        payments_enabled: boolean;
                        /** @description Content-Type text/xml (on) or text/html (off). Kolmisoft's `XML_API_Extension`. */
                        xml_api_extension: boolean;
                        /** @description Fractional digits in balances (0-10). Kolmisoft's `Nice_Number_Digits`. */
                        number_digits: number;
                        /** @description Failed authentications per client and minute before 429 (0: off). 0 to 1000000. Tally's own (Kolmisoft has no such setting). */
                        auth_failure_limit: number;
                        /** @description Seconds a throttled client is answered 429. 1 to 86400. Tally's own (Kolmisoft has no such setting). */
                        auth_failure_cooldown: number;
                        /**
                         * @description Load balancers whose X-Forwarded-For is believed (addresses, CIDRs). Addresses and CIDR ranges; empty for none. Tally's own (Kolmisoft has no such setting).
                         * @example [
                         *       "10.0.0.0/8",
                         *       "192.168.1.10"
                         *     ]
                         */
                        trusted_proxies: string[];
                        /**
                         * @description HMAC request signatures: off, optional or required. Tally's own (Kolmisoft has no such setting).
                         * @enum {unknown}
                         */
                        signature_mode: "off" | "optional" | "required";
                        /** @description Key of the HMAC request signature. A key: only whether it is set. Tally's own (Kolmisoft has no such setting). */
                        signature_key: {
                            set: boolean;
                        };
                        /** @description Old signing key, accepted until a rotation ends. A key: only whether it is set. Tally's own (Kolmisoft has no such setting). */
                        signature_key_previous: {
                            set: boolean;
                        };
                        /**
                         * @description balance.low fires when a balance drops below this (empty: none; a user may set their own). A decimal amount in the system currency, as a string; "" for none. Kolmisoft's `Warning Balance`.
                         * @example 5.0
                         */
                        warning_balance: string;
                        /** @description Allow webhook endpoints on loopback, link-local and private addresses. Tally's own (Kolmisoft has no such setting). */
                        webhook_allow_private: boolean;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    updateSettings: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "allow_get_api": true,
                 *       "number_digits": 4,
                 *       "trusted_proxies": [
                 *         "10.0.0.0/8"
                 *       ]
                 *     }
                 */
                "application/json": {
                    /** @description Answer API requests at all. Kolmisoft's `Allow_API`. */
                    allow_api?: boolean;
                    /** @description Accept GET as well as POST. Kolmisoft's `Allow_GET_API`. */
                    allow_get_api?: boolean;
                    /** @description Key appended to every hash. Write-only: the new key, empty or at least 6 characters without control characters ("" clears it). Read it with GET /admin/v1/settings/secrets/{name}. Kolmisoft's `API_Secret_Key`. */
                    api_secret_key?: string;
                    /** @description Accept requests without a valid hash. Kolmisoft's `API_Disable_hash_checking`. */
                    disable_hash_checking?: boolean;
                    /** @description Enable the balance methods. Kolmisoft's `Devices_Check_Ballance`. */
                    balance_get_enabled?: boolean;
                    /** @description Allow payment_create to make payments. Kolmisoft's `API allow Payments`. */
                    payments_enabled?: boolean;
                    /** @description Content-Type text/xml (on) or text/html (off). Kolmisoft's `XML_API_Extension`. */
                    xml_api_extension?: boolean;
                    /** @description Fractional digits in balances (0-10). Kolmisoft's `Nice_Number_Digits`. */
                    number_digits?: number;
                    /** @description Failed authentications per client and minute before 429 (0: off). 0 to 1000000. Tally's own (Kolmisoft has no such setting). */
                    auth_failure_limit?: number;
                    /** @description Seconds a throttled client is answered 429. 1 to 86400. Tally's own (Kolmisoft has no such setting). */
                    auth_failure_cooldown?: number;
                    /**
                     * @description Load balancers whose X-Forwarded-For is believed (addresses, CIDRs). Addresses and CIDR ranges; empty for none. Tally's own (Kolmisoft has no such setting).
                     * @example [
                     *       "10.0.0.0/8",
                     *       "192.168.1.10"
                     *     ]
                     */
                    trusted_proxies?: string[];
                    /**
                     * @description HMAC request signatures: off, optional or required. Tally's own (Kolmisoft has no such setting).
                     * @enum {unknown}
                     */
                    signature_mode?: "off" | "optional" | "required";
                    /** @description Key of the HMAC request signature. Write-only: the new key, empty or at least 6 characters without control characters ("" clears it). Read it with GET /admin/v1/settings/secrets/{name}. Tally's own (Kolmisoft has no such setting). */
                    signature_key?: string;
                    /** @description Old signing key, accepted until a rotation ends. Write-only: the new key, empty or at least 6 characters without control characters ("" clears it). Tally's own (Kolmisoft has no such setting). */
                    signature_key_previous?: string;
                    /**
                     * @description balance.low fires when a balance drops below this (empty: none; a user may set their own). A decimal amount in the system currency, as a string; "" for none. Kolmisoft's `Warning Balance`.
                     * @example 5.0
                     */
                    warning_balance?: string;
                    /** @description Allow webhook endpoints on loopback, link-local and private addresses. Tally's own (Kolmisoft has no such setting). */
                    webhook_allow_private?: boolean;
                };
            };
        };
        responses: {
            /** @description Every setting, after the change. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Answer API requests at all. Kolmisoft's `Allow_API`. */
                        allow_api: boolean;
                        /** @description Accept GET as well as POST. Kolmisoft's `Allow_GET_API`. */
                        allow_get_api: boolean;
                        /** @description Key appended to every hash. A key: only whether it is set. Kolmisoft's `API_Secret_Key`. */
                        api_secret_key: {
                            set: boolean;
                        };
                        /** @description Accept requests without a valid hash. Kolmisoft's `API_Disable_hash_checking`. */
                        disable_hash_checking: boolean;
                        /** @description Enable the balance methods. Kolmisoft's `Devices_Check_Ballance`. */
                        balance_get_enabled: boolean;
                        /** @description Allow payment_create to make payments. Kolmisoft's `API allow Payments`. */
                        payments_enabled: boolean;
                        /** @description Content-Type text/xml (on) or text/html (off). Kolmisoft's `XML_API_Extension`. */
                        xml_api_extension: boolean;
                        /** @description Fractional digits in balances (0-10). Kolmisoft's `Nice_Number_Digits`. */
                        number_digits: number;
                        /** @description Failed authentications per client and minute before 429 (0: off). 0 to 1000000. Tally's own (Kolmisoft has no such setting). */
                        auth_failure_limit: number;
                        /** @description Seconds a throttled client is answered 429. 1 to 86400. Tally's own (Kolmisoft has no such setting). */
                        auth_failure_cooldown: number;
                        /**
                         * @description Load balancers whose X-Forwarded-For is believed (addresses, CIDRs). Addresses and CIDR ranges; empty for none. Tally's own (Kolmisoft has no such setting).
                         * @example [
                         *       "10.0.0.0/8",
                         *       "192.168.1.10"
                         *     ]
                         */
                        trusted_proxies: string[];
                        /**
                         * @description HMAC request signatures: off, optional or required. Tally's own (Kolmisoft has no such setting).
                         * @enum {unknown}
                         */
                        signature_mode: "off" | "optional" | "required";
                        /** @description Key of the HMAC request signature. A key: only whether it is set. Tally's own (Kolmisoft has no such setting). */
                        signature_key: {
                            set: boolean;
                        };
                        /** @description Old signing key, accepted until a rotation ends. A key: only whether it is set. Tally's own (Kolmisoft has no such setting). */
                        signature_key_previous: {
                            set: boolean;
                        };
                        /**
                         * @description balance.low fires when a balance drops below this (empty: none; a user may set their own). A decimal amount in the system currency, as a string; "" for none. Kolmisoft's `Warning Balance`.
                         * @example 5.0
                         */
                        warning_balance: string;
                        /** @description Allow webhook endpoints on loopback, link-local and private addresses. Tally's own (Kolmisoft has no such setting). */
                        webhook_allow_private: boolean;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `api_secret_key` or `signature_key`. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "api_secret_key",
                     *       "value": "q8Vd2mXr7Lp0sWk3"
                     *     }
                     */
                    "application/json": {
                        /** @enum {unknown} */
                        name: "api_secret_key" | "signature_key";
                        /** @description Empty when the key is not set. */
                        value: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    rotateSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description `api_secret_key` or `signature_key`. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the rotation did. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "signature_key",
                     *       "rotated": true,
                     *       "step": "started",
                     *       "previous_accepted": true
                     *     }
                     */
                    "application/json": {
                        /** @enum {unknown} */
                        name: "api_secret_key" | "signature_key";
                        /** @constant */
                        rotated: true;
                        /**
                         * @description `replaced`: a new api_secret_key, the old one refused at once. `started`: a new signature_key; the old one (if there was one) is still accepted until the next rotation ends the overlap. `ended`: the overlap ended, only the current signature_key is accepted.
                         * @enum {unknown}
                         */
                        step: "replaced" | "started" | "ended";
                        /** @description True while an old signature key is still accepted beside the new one. */
                        previous_accepted: boolean;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listThrottledClients: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The addresses. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /**
                             * @description A client address, or the bucket of a proxy hop that is no address.
                             * @example 192.0.2.7
                             */
                            address: string;
                            /** @description When its block ends; null while it is only counted. */
                            blocked_until: string | null;
                            /**
                             * @description Failed authentications in its current window.
                             * @example 3
                             */
                            failures: number;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    unblockClient: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description An IP address, or a bucket the list shows. */
                address: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Unblocked (or it was not blocked). */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    importUsers: {
        parameters: {
            query?: {
                /** @description `true` to check only (also 1/0, on/off, yes/no); `false` when absent. */
                dry_run?: string;
            };
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body answers the first answer again and changes nothing; with another request, 409. */
                "Idempotency-Key"?: string;
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example username,currency,balance,id,uniquehash
                 *     alice,EUR,10.5,,
                 *     bob,USD,0,7,
                 */
                "text/csv": string;
            };
        };
        responses: {
            /** @description A dry run that found every line good, or a replay of an import (its first answer again). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @description True when nothing was written because the request asked only for a check. */
                        dry_run: boolean;
                        /** @description Users imported (or, in a dry run, that would be). */
                        rows: number;
                        /** @description Always empty here: a file with a bad line answers 422 with its lines in the problem document. */
                        errors: {
                            line: number;
                            message: string;
                        }[];
                    };
                };
            };
            /** @description Imported. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "ok": true,
                     *       "dry_run": false,
                     *       "rows": 2,
                     *       "errors": []
                     *     }
                     */
                    "application/json": {
                        /** @constant */
                        ok: true;
                        /** @description True when nothing was written because the request asked only for a check. */
                        dry_run: boolean;
                        /** @description Users imported (or, in a dry run, that would be). */
                        rows: number;
                        /** @description Always empty here: a file with a bad line answers 422 with its lines in the problem document. */
                        errors: {
                            line: number;
                            message: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    verifyLedger: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "ok": true,
                     *       "users_checked": 1200,
                     *       "mismatches": []
                     *     }
                     */
                    "application/json": {
                        ok: boolean;
                        /** @example 1200 */
                        users_checked: number;
                        mismatches: {
                            /** @example 7 */
                            user_id: number;
                            /** @example alice */
                            username: string;
                            /**
                             * @description The stored balance.
                             * @example 26.5
                             */
                            balance: string;
                            /**
                             * @description The sum of its ledger entries.
                             * @example -3.333333
                             */
                            ledger_sum: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    generateHash: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "uri": "/billing/api/user_balance_get?username=alice&currency=EUR"
                 *     }
                 */
                "application/json": {
                    /** @example /billing/api/user_balance_get?username=alice&currency=EUR */
                    uri: string;
                };
            };
        };
        responses: {
            /** @description The hash. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description SHA-1 hex of the values then the key.
                         * @example 5f1b1c0c9d2c1f4f2ab5b0f4cd6f2b6a3c9e1d07
                         */
                        hash: string;
                        /** @example user_balance_get */
                        method: string;
                        /**
                         * @example [
                         *       "alice",
                         *       "EUR"
                         *     ]
                         */
                        values: string[];
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoints. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @example 1 */
                            id: number;
                            /** @example https://hooks.example.com/tally */
                            url: string;
                            /**
                             * @example [
                             *       "balance.low"
                             *     ]
                             */
                            events: ("balance.changed" | "balance.low" | "payment.created" | "user.created" | "user.closed" | "settings.changed")[];
                            /**
                             * @description `failing` after about three days of failed deliveries; `disabled` after an answer of 410.
                             * @enum {unknown}
                             */
                            state: "enabled" | "failing" | "disabled";
                            /** Format: date-time */
                            created_at: string;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "https://hooks.example.com/tally",
                 *       "events": [
                 *         "balance.low"
                 *       ]
                 *     }
                 */
                "application/json": {
                    /** @example https://hooks.example.com/tally */
                    url: string;
                    /**
                     * @description Event types: balance.changed, balance.low, payment.created, user.created, user.closed, settings.changed.
                     * @example [
                     *       "balance.low",
                     *       "balance.changed"
                     *     ]
                     */
                    events: string[];
                };
            };
        };
        responses: {
            /** @description The new endpoint and its secret. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example 1 */
                        id: number;
                        /** @example https://hooks.example.com/tally */
                        url: string;
                        /**
                         * @example [
                         *       "balance.low"
                         *     ]
                         */
                        events: ("balance.changed" | "balance.low" | "payment.created" | "user.created" | "user.closed" | "settings.changed")[];
                        /**
                         * @description `failing` after about three days of failed deliveries; `disabled` after an answer of 410.
                         * @enum {unknown}
                         */
                        state: "enabled" | "failing" | "disabled";
                        /** Format: date-time */
                        created_at: string;
                        /**
                         * @description The signing secret, `whsec_` and base64 (Standard Webhooks): shown in this answer only (the example is no real secret).
                         * @example whsec_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
                         */
                        secret: string;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The endpoint's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The endpoint's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new secret. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The signing secret, `whsec_` and base64 (Standard Webhooks): shown in this answer only (the example is no real secret).
                         * @example whsec_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
                         */
                        secret: string;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The figures. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description Every user, closed ones included.
                         * @example 1000
                         */
                        users: number;
                        /**
                         * @description The sum of every balance, in the system currency.
                         * @example 26.5
                         */
                        balance_total: string;
                        /** @example USD */
                        system_currency: string;
                        /** @example 5000 */
                        ledger_entries: number;
                        /** @description Counted by the node that answers. */
                        requests: {
                            /** @example 120 */
                            last_minute: number;
                            /** @example 7200 */
                            last_hour: number;
                        };
                        /** @description Counted by the node that answers. */
                        failed_authentications: {
                            /** @example 120 */
                            last_minute: number;
                            /** @example 7200 */
                            last_hour: number;
                        };
                        /**
                         * @description Client addresses blocked now.
                         * @example 0
                         */
                        blocked_clients: number;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listAudit: {
        parameters: {
            query?: {
                /** @description Only changes by this actor (exactly as listed). */
                operator?: string;
                /** @description Only entries at or after this time (RFC 3339). */
                from?: string;
                /** @description Only entries before this time (RFC 3339). */
                to?: string;
                /** @description How many at most: 1 to 500 (default 50). */
                limit?: string;
                /** @description The `next_cursor` of the previous page (opaque). */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @example 7 */
                            id: number;
                            /**
                             * @description Who: an operator's name, or `cli:` and the operating-system user.
                             * @example ops
                             */
                            operator: string;
                            /** @enum {unknown} */
                            source: "cli" | "api" | "import" | "admin";
                            /** @example balance.adjust */
                            action: string;
                            /**
                             * @description `user:ID`, `currency:CODE`, `setting:NAME`, `client:ADDRESS`, `operator:NAME` or `database`.
                             * @example user:1
                             */
                            target: string;
                            /** @description What changed, never a secret. */
                            detail: string | null;
                            /** @example 127.0.0.1 */
                            client: string | null;
                            request_id: string | null;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listOperators: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operators. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @example ops */
                            username: string;
                            /**
                             * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                             * @enum {unknown}
                             */
                            role: "viewer" | "admin" | "owner";
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            password_changed_at: string;
                            /** @description Its API tokens' labels; a token itself is shown once, when it is made. */
                            tokens: {
                                label: string;
                                /**
                                 * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                                 * @example 2026-12-01T18:20:44.123Z
                                 */
                                created_at: string;
                            }[];
                        }[];
                        /** @description Pass as `cursor` for the next page; null on the last one. */
                        next_cursor: string | null;
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    createOperator: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "ops",
                 *       "role": "admin",
                 *       "password": "correct horse battery staple"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description 1 to 64 letters, digits and . _ @ -, starting with a letter or digit; unique in any case.
                     * @example ops
                     */
                    username: string;
                    /**
                     * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                     * @enum {unknown}
                     */
                    role: "viewer" | "admin" | "owner";
                    /**
                     * @description 12 to 1024 characters.
                     * @example correct horse battery staple
                     */
                    password: string;
                };
            };
        };
        responses: {
            /** @description The new operator. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example ops */
                        username: string;
                        /**
                         * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                         * @enum {unknown}
                         */
                        role: "viewer" | "admin" | "owner";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        password_changed_at: string;
                        /** @description Its API tokens' labels; a token itself is shown once, when it is made. */
                        tokens: {
                            label: string;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    deleteOperator: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The operator's username (any case). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    updateOperator: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The operator's username (any case). */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "role": "viewer"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                     * @enum {unknown}
                     */
                    role: "viewer" | "admin" | "owner";
                };
            };
        };
        responses: {
            /** @description The operator with its new role. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example ops */
                        username: string;
                        /**
                         * @description viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.
                         * @enum {unknown}
                         */
                        role: "viewer" | "admin" | "owner";
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        created_at: string;
                        /**
                         * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                         * @example 2026-12-01T18:20:44.123Z
                         */
                        password_changed_at: string;
                        /** @description Its API tokens' labels; a token itself is shown once, when it is made. */
                        tokens: {
                            label: string;
                            /**
                             * @description RFC 3339 in UTC with milliseconds; finer stored times are truncated.
                             * @example 2026-12-01T18:20:44.123Z
                             */
                            created_at: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    createOperatorToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The operator's username (any case). */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "label": "deploy"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description 1 to 64 printable ASCII characters, no space at either end; unique per operator.
                     * @example deploy
                     */
                    label?: string;
                };
            };
        };
        responses: {
            /** @description The new token, shown this once. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description The label it is listed and revoked by.
                         * @example deploy
                         */
                        label: string;
                        /**
                         * @description The token itself, for `Authorization: Bearer`: shown in this answer only, kept as a digest (the example is no real token).
                         * @example tally_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
                         */
                        token: string;
                    };
                };
            };
            400: components["responses"]["Malformed"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    deleteOperatorToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description Required when the session cookie signs the request in: the session's csrf_token. */
                "X-CSRF-Token"?: string;
            };
            path: {
                /** @description The operator's username (any case). */
                name: string;
                /** @description The token's label, as the operator's `tokens` list it. */
                label: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Invalid"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["RequestId"];
                    "Cache-Control": components["headers"]["CacheControl"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        openapi: "3.1.0";
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            422: components["responses"]["Invalid"];
            500: components["responses"]["Internal"];
        };
    };
}
