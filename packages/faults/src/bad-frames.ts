/**
 * Generated bad input for the live-query socket: every frame is wrong in one known way, and
 * says how the server must answer it (docs/protocol.md, "Errors"): an `error` frame or a
 * failed `mutationResult` with a given code. Seeded, so a run can be repeated exactly.
 */
export interface BadFrame {
  readonly kind: string;
  readonly data: string | Buffer;
  /** Sent as a text frame (a Buffer too, when it is meant to be text that is not UTF-8). */
  readonly text: boolean;
  /** `error` frame, or failed `mutationResult` (a frame that parsed but whose call was refused). */
  readonly answer: "error" | "mutationResult";
  readonly code: string;
}

/** mulberry32: a small, fast, seedable PRNG (good enough to vary test input). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIB = 1024 * 1024;
const WRONG_VALUES: unknown[] = [7, -1.5, true, false, null, [], ["x"], {}, { a: 1 }, ""];
/** Well-formed names of no function (NOT_FOUND), and names not of the form `module:export` (INVALID_ARGUMENT). */
const UNKNOWN_FUNCTIONS = ["nope:nothing", "tasks:nope", "counters:reset", "admin/users:list", "_x:$y"];
const MALFORMED_NAMES = [
  "tasks:",
  ":list",
  "tasks",
  "tasks:list:extra",
  "täsks:lïst",
  "../x:y",
  "a b:c",
  "tasks::list",
];

/**
 * Arguments each refused by the function's validator (or its handler's own check). Only
 * functions any anonymous caller may run: the example app's tasks need a signed-in user.
 */
const INVALID_MUTATION_ARGS: [string, unknown][] = [
  ["counters:increment", { name: 5 }],
  ["counters:increment", {}],
  ["counters:increment", { name: ["a"] }],
  ["counters:increment", { name: "c", by: "1" }],
  ["counters:increment", { name: "c", by: 1.5 }],
  ["counters:increment", { name: { $int64: "1" } }],
  ["counters:increment", { name: { $int64: "not a number" } }],
  ["counters:increment", { name: { $bytes: "@@@" } }],
  ["orders:upsert", { customer: "c", total: "12", status: "open" }],
  ["orders:upsert", { customer: "c", total: 1, status: "open", id: "not-an-id" }],
  ["orders:upsert", { total: 1, status: "open" }],
  ["orders:addToTotal", { id: 42, amount: 1 }],
  ["orders:addToTotal", { amount: 1 }],
];
const INVALID_QUERY_ARGS: [string, unknown][] = [
  ["counters:get", { name: 5 }],
  ["counters:get", {}],
  ["counters:get", { name: ["a"] }],
  ["counters:get", { name: null }],
  ["orders:byCustomer", { customer: { nested: true } }],
  ["orders:byCustomer", { customer: { $int64: "1" } }],
];

/** A builder of frames of one kind: how to make one, given the PRNG and a fresh id. */
type Maker = (rand: () => number, id: string) => BadFrame;

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const text = (rand: () => number, length: number) =>
  Array.from({ length }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join("");
const error = (kind: string, data: string, code: string): BadFrame => ({
  kind,
  data,
  text: true,
  answer: "error",
  code,
});

/** A value nested `depth` deep: `[[[…]]]` or `{"a":{"a":…}}`. */
function nested(depth: number, arrays: boolean): string {
  return arrays
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

const MAKERS: [weight: number, make: Maker][] = [
  [
    8,
    (rand) => ({
      kind: "random bytes (binary)",
      data: Buffer.from(
        Array.from({ length: 1 + Math.floor(rand() * 2048) }, () => Math.floor(rand() * 256)),
      ),
      text: false,
      answer: "error",
      code: "BAD_FRAME",
    }),
  ],
  [8, (rand) => error("not JSON", `~${text(rand, 1 + Math.floor(rand() * 300))}`, "BAD_FRAME")],
  [
    6,
    (rand, id) => {
      const whole = JSON.stringify({
        type: "subscribe",
        id,
        query: "counters:get",
        args: { name: text(rand, 20) },
      });
      return error(
        "truncated JSON",
        whole.slice(0, 1 + Math.floor(rand() * (whole.length - 2))),
        "BAD_FRAME",
      );
    },
  ],
  [
    5,
    (rand) =>
      error(
        "JSON, not an object",
        JSON.stringify(pick(rand, [[1, 2], 42, "subscribe", null, true, [{ type: "ping" }]])),
        "BAD_MESSAGE",
      ),
  ],
  [
    3,
    (rand) =>
      error(
        "deep nesting (whole frame)",
        nested(5_000 + Math.floor(rand() * 95_000), rand() < 0.5),
        "BAD_MESSAGE",
      ),
  ],
  [
    3,
    (rand, id) => ({
      kind: "deep nesting (mutation args)",
      data: `{"type":"mutate","requestId":"${id}","mutation":"counters:increment","args":{"name":${nested(1_000 + Math.floor(rand() * 50_000), rand() < 0.5)}}}`,
      text: true,
      answer: "mutationResult",
      code: "INVALID_ARGUMENT",
    }),
  ],
  [
    2,
    (rand, id) =>
      error(
        "deep nesting (subscribe args)",
        `{"type":"subscribe","id":"${id}","query":"counters:get","args":{"name":${nested(pick(rand, [65, 1_000, 20_000, 100_000]), rand() < 0.5)}}}`,
        "LIMIT_EXCEEDED",
      ),
  ],
  [
    2,
    (rand, id) => {
      const huge = "x".repeat(100_000 + Math.floor(rand() * 800_000));
      const [data, code] = pick(rand, [
        [JSON.stringify({ type: huge }), "BAD_MESSAGE"],
        [JSON.stringify({ type: "subscribe", id: huge, query: "counters:get" }), "BAD_MESSAGE"],
        [JSON.stringify({ type: "mutate", requestId: id, mutation: huge, args: {} }), "BAD_MESSAGE"],
        [
          JSON.stringify({ type: "subscribe", id, query: "counters:get", args: { name: huge } }),
          "LIMIT_EXCEEDED",
        ],
      ] as const);
      return error("huge string", data, code);
    },
  ],
  [
    2,
    (rand, id) => ({
      kind: "huge string (mutation args, wrong type beside it)",
      data: JSON.stringify({
        type: "mutate",
        requestId: id,
        mutation: "counters:increment",
        args: { name: "x".repeat(100_000 + Math.floor(rand() * 800_000)), by: "1" },
      }),
      text: true,
      answer: "mutationResult",
      code: "INVALID_ARGUMENT",
    }),
  ],
  [
    14,
    (rand, id) => {
      const templates: Record<string, Record<string, unknown>> = {
        subscribe: { type: "subscribe", id, query: "counters:get", args: { name: "x" } },
        unsubscribe: { type: "unsubscribe", id },
        mutate: {
          type: "mutate",
          requestId: id,
          mutation: "counters:increment",
          args: { name: "x" },
          clientId: "c",
        },
      };
      const message = { ...pick(rand, Object.values(templates)) };
      const field = pick(
        rand,
        Object.keys(message).filter((k) => k !== "type" || rand() < 0.3),
      );
      // Any object is a well-typed `args`: only the other wrong values are wrong there.
      message[field] = pick(
        rand,
        WRONG_VALUES.filter(
          (v) => !(field === "args" && typeof v === "object" && v !== null && !Array.isArray(v)),
        ),
      );
      return error(`wrong type in "${field}"`, JSON.stringify(message), "BAD_MESSAGE");
    },
  ],
  [
    4,
    (rand, id) =>
      error(
        'wrong type in "hash"',
        JSON.stringify({
          type: "subscribe",
          id,
          query: "counters:get",
          args: { name: "x" },
          hash: pick(rand, [5, "NOT-A-HASH", "x".repeat(17), [], null]),
        }),
        "BAD_MESSAGE",
      ),
  ],
  [
    4,
    (rand, id) =>
      error(
        "unknown message type",
        JSON.stringify({ type: pick(rand, ["dance", "PING", "subscribe ", "", "mutation"]), id }),
        "BAD_MESSAGE",
      ),
  ],
  [
    4,
    (_rand, id) =>
      error(
        "id over 128 characters",
        JSON.stringify({
          type: "subscribe",
          id: `${id}${"i".repeat(129)}`,
          query: "counters:get",
          args: { name: "x" },
        }),
        "BAD_MESSAGE",
      ),
  ],
  [
    4,
    (rand, id) =>
      error(
        "unknown function (subscribe)",
        JSON.stringify({ type: "subscribe", id, query: pick(rand, UNKNOWN_FUNCTIONS), args: {} }),
        "NOT_FOUND",
      ),
  ],
  [
    4,
    (rand, id) => ({
      kind: "unknown function (mutate)",
      data: JSON.stringify({
        type: "mutate",
        requestId: id,
        mutation: pick(rand, UNKNOWN_FUNCTIONS),
        args: {},
      }),
      text: true,
      answer: "mutationResult",
      code: "NOT_FOUND",
    }),
  ],
  [
    2,
    (rand, id) =>
      error(
        "malformed function name (subscribe)",
        JSON.stringify({ type: "subscribe", id, query: pick(rand, MALFORMED_NAMES), args: {} }),
        "INVALID_ARGUMENT",
      ),
  ],
  [
    2,
    (rand, id) => ({
      kind: "malformed function name (mutate)",
      data: JSON.stringify({
        type: "mutate",
        requestId: id,
        mutation: pick(rand, MALFORMED_NAMES),
        args: {},
      }),
      text: true,
      answer: "mutationResult",
      code: "INVALID_ARGUMENT",
    }),
  ],
  [
    8,
    (rand, id) => {
      const [mutation, args] = pick(rand, INVALID_MUTATION_ARGS);
      return {
        kind: "args that fail validation (mutate)",
        data: JSON.stringify({ type: "mutate", requestId: id, mutation, args }),
        text: true,
        answer: "mutationResult",
        code: "INVALID_ARGUMENT",
      };
    },
  ],
  [
    6,
    (rand, id) => {
      const [query, args] = pick(rand, INVALID_QUERY_ARGS);
      return error(
        "args that fail validation (subscribe)",
        JSON.stringify({ type: "subscribe", id, query, args }),
        "INVALID_ARGUMENT",
      );
    },
  ],
  [
    3,
    (_rand, id) =>
      error(
        "a mutation subscribed as a query",
        JSON.stringify({ type: "subscribe", id, query: "counters:increment", args: {} }),
        "INVALID_ARGUMENT",
      ),
  ],
  [
    3,
    (_rand, id) => ({
      kind: "a query sent as a mutation",
      data: JSON.stringify({ type: "mutate", requestId: id, mutation: "counters:get", args: { name: "x" } }),
      text: true,
      answer: "mutationResult",
      code: "INVALID_ARGUMENT",
    }),
  ],
  [
    4,
    (_rand, id) =>
      error("unsubscribe of an unknown id", JSON.stringify({ type: "unsubscribe", id }), "UNKNOWN_ID"),
  ],
  [
    3,
    () =>
      error(
        "duplicate subscription id",
        JSON.stringify({ type: "subscribe", id: "held", query: "counters:get", args: { name: "held" } }),
        "DUPLICATE_ID",
      ),
  ],
  [
    1,
    (rand) =>
      error(
        "frame over 1 MiB",
        JSON.stringify({ type: "ping", pad: "x".repeat(MIB + Math.floor((rand() * MIB) / 2)) }),
        "FRAME_TOO_LARGE",
      ),
  ],
];

const TOTAL_WEIGHT = MAKERS.reduce((sum, [weight]) => sum + weight, 0);

/** The `n`-th bad frame of a socket's stream (ids unique per socket). */
export function badFrame(rand: () => number, n: number): BadFrame {
  let roll = rand() * TOTAL_WEIGHT;
  for (const [weight, make] of MAKERS) {
    roll -= weight;
    if (roll < 0) return make(rand, `bad-${n}`);
  }
  return MAKERS[0]![1](rand, `bad-${n}`);
}

/** How many kinds of bad frame the generator makes. */
export const BAD_FRAME_KINDS = MAKERS.length;
