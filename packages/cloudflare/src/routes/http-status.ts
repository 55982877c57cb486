// The status table lives in @orrery/protocol (ERROR_CODES); import from there.
export { errorBody, statusOf } from "@orrery/protocol";
