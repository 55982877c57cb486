import { describe, expect, expectTypeOf, it } from "vitest";
import { ERROR_CODES, type ErrorCode, isErrorCode, type ProtocolErrorCode } from "./error-codes";
import { errorBody, statusOf } from "./http-error";
import { OrreryError, wireErrorOf } from "./orrery-error";

describe("the error table", () => {
  it("gives each code that answers HTTP its status, and 500 to the rest", () => {
    expect(statusOf("INVALID_ARGUMENT")).toBe(400);
    expect(statusOf("BAD_REQUEST")).toBe(400);
    expect(statusOf("UNAUTHORIZED")).toBe(401);
    expect(statusOf("UNAUTHENTICATED")).toBe(401);
    expect(statusOf("FORBIDDEN")).toBe(403);
    expect(statusOf("NOT_FOUND")).toBe(404);
    expect(statusOf("CONFLICT")).toBe(409);
    expect(statusOf("PAYLOAD_TOO_LARGE")).toBe(413);
    expect(statusOf("OUTCOME_UNKNOWN")).toBe(503);
    expect(statusOf("MAINTENANCE")).toBe(503);
    expect(statusOf("INTERNAL")).toBe(500);
    expect(statusOf("BAD_FRAME")).toBe(500);
    expect(statusOf("A_HANDLERS_OWN")).toBe(500);
    expect(statusOf("toString")).toBe(500);
    expect(errorBody("NOT_FOUND", "no route")).toEqual({ error: { code: "NOT_FOUND", message: "no route" } });
  });

  it("derives the code types from the table", () => {
    expectTypeOf<ProtocolErrorCode>().toEqualTypeOf<
      "BAD_FRAME" | "FRAME_TOO_LARGE" | "BAD_MESSAGE" | "DUPLICATE_ID" | "UNKNOWN_ID" | "LIMIT_EXCEEDED"
    >();
    expectTypeOf<"CLIENT_CLOSED">().toExtend<ErrorCode>();
    expect(isErrorCode("CONFLICT")).toBe(true);
    expect(isErrorCode("constructor")).toBe(false);
    expect(ERROR_CODES.MAINTENANCE.layer).toBe("function");
    expect(Object.keys(ERROR_CODES)).toHaveLength(22);
  });
});

describe("wireErrorOf", () => {
  it("keeps the table's codes and turns a driver's own into INTERNAL, keeping the message", () => {
    expect(wireErrorOf(new OrreryError("NOT_FOUND", "no task"))).toEqual({
      code: "NOT_FOUND",
      message: "no task",
    });
    const driver = Object.assign(new Error("duplicate key"), { code: "ER_DUP_ENTRY" });
    expect(wireErrorOf(driver)).toEqual({ code: "INTERNAL", message: "duplicate key" });
    expect(wireErrorOf(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toMatchObject({
      code: "INTERNAL",
    });
    expect(wireErrorOf("plain")).toEqual({ code: "INTERNAL", message: "plain" });
  });
});
