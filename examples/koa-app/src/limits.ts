/**
 * Every limit of the notes service in one place. The timeouts can be shortened through the
 * environment (the tests do, to try slow clients in a second instead of half a minute).
 */
const ms = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

export const limits = {
  /** A JSON request body; past it the parser stops reading and the answer is 413. */
  jsonBodyBytes: 1024 * 1024,
  /** `GET /notes`: notes per page without `?limit=`, and the most `?limit=` may ask for. */
  pageDefault: 100,
  pageMax: 1000,
  /** A note, in UTF-16 code units as JavaScript counts them. */
  titleMax: 200,
  bodyMax: 100_000,
  tagsMax: 20,
  tagMax: 50,
  /** Ids are Postgres `serial` (int4): nothing above this can exist, so it is never sent to the database. */
  idMax: 2_147_483_647,
  /** Time for a client to send all request headers: bounds slowloris. */
  headersTimeoutMs: ms('HEADERS_TIMEOUT_MS', 10_000),
  /** Time for a client to send the whole request, body included: bounds slow bodies. */
  requestTimeoutMs: ms('REQUEST_TIMEOUT_MS', 30_000),
  /** On SIGTERM/SIGINT, how long in-flight requests may take before their connections are cut. */
  shutdownTimeoutMs: ms('SHUTDOWN_TIMEOUT_MS', 10_000),
};
