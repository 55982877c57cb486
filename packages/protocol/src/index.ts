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
  MAX_FRAME_BYTES,
  MAX_ID_LENGTH,
  MAX_SUBSCRIBE_ARGS_BYTES,
  type ParseResult,
  parseClientMessage,
  parseServerMessage,
  type QueryUpdate,
  type ServerMessage,
  type WireError,
} from "./protocol";
export { hashResult, RESULT_HASH } from "./result-hash";
export {
  decodeTagged,
  type EncodeOptions,
  encodeTagged,
  fromWire,
  isPlainObject,
  toWire,
  type WireValue,
} from "./wire-value";
