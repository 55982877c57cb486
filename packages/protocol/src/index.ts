export { base64ToBytes, bytesToBase64 } from "./base64";
export { type EncodedResult, encodeResult, encodeTransition, encodeUpdate } from "./encoded-result";
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorLayer,
  type HttpErrorStatus,
  isErrorCode,
  type ProtocolErrorCode,
} from "./error-codes";
export {
  type ActionReference,
  type AnyFunctionReference,
  type ApiFromModules,
  type AppApi,
  createApi,
  type FunctionArgs,
  type FunctionKind,
  type FunctionReference,
  type FunctionReturn,
  type FunctionShape,
  functionName,
  functionReference,
  type MutationReference,
  type QueryReference,
} from "./function-reference";
export { errorBody, statusOf } from "./http-error";
export { OrreryError, wireErrorOf } from "./orrery-error";
export type { PaginationOptions, PaginationResult } from "./pagination";
export {
  type ClientMessage,
  encodeClientMessage,
  encodeServerMessage,
  HEARTBEAT_REQUEST,
  HEARTBEAT_RESPONSE,
  MAX_FRAME_BYTES,
  MAX_ID_LENGTH,
  MAX_SUBSCRIBE_ARGS_BYTES,
  MAX_TOKEN_LENGTH,
  type ParseResult,
  parseClientMessage,
  parseServerMessage,
  type QueryUpdate,
  type ServerMessage,
  type WireError,
} from "./protocol";
export { hashResult, RESULT_HASH } from "./result-hash";
export {
  readSubprotocols,
  SUBPROTOCOL,
  subprotocolsFor,
  TOKEN_SUBPROTOCOL_PREFIX,
} from "./subprotocol";
export { utf8LongerThan } from "./utf8-length";
export {
  decodeTagged,
  type EncodeOptions,
  encodeTagged,
  fromWire,
  isPlainObject,
  MAX_VALUE_DEPTH,
  nestsDeeperThan,
  toWire,
  type WireValue,
} from "./wire-value";
