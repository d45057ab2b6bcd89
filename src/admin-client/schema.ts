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
         * @description `balance` is the opening balance in the system currency (zero when absent), written as the user's first ledger entry. With an Idempotency-Key, a replay answers the first answer again.
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
    "/admin/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics
         * @description Users, the total of balances and ledger entries (the whole database); requests answered and failed authentications in the last minute and hour, on this node (both listeners); client addresses blocked now.
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
            }[];
            /** @description On GET /admin/v1/session only: false while no operator exists yet. */
            operators_exist?: boolean;
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
                 *       "balance": "10.5"
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
