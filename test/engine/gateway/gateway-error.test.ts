import { describe, expect, it } from "vitest";
import {
  GatewayError,
  gatewayErrorFromHttp,
  gatewayUnreachable,
  redactPhoneNumbers,
} from "../../../src/engine/gateway/gateway-error.js";
import { CloserError, ERROR_CODES } from "../../../src/errors.js";

describe("GatewayError", () => {
  it("should be a CloserError whose status comes from the registry", () => {
    const error = new GatewayError("gateway_rate_limited", "slow down", { gateway: "gowa" });
    expect(error).toBeInstanceOf(CloserError);
    expect(error.name).toBe("GatewayError");
    expect(error.status).toBe(ERROR_CODES.gateway_rate_limited.status);
  });

  it.each([
    ["gateway_unreachable", true],
    ["gateway_rate_limited", true],
    ["gateway_rejected", false],
  ] as const)("should make %s retryable: %s", (code, retryable) => {
    expect(new GatewayError(code, "x", { gateway: "waha" }).retryable).toBe(retryable);
  });

  it("should keep the cause and put only safe fields in details", () => {
    const cause = new Error("socket hang up");
    const error = new GatewayError("gateway_rejected", "no", {
      gateway: "gowa",
      httpStatus: 400,
      gatewayCode: "INVALID_JID",
      gatewayMessage: "Phone 6289685028129@s.whatsapp.net is not on whatsapp",
      cause,
    });
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({
      gateway: "gowa",
      httpStatus: 400,
      gatewayCode: "INVALID_JID",
      gatewayMessage: "Phone …8129@s.whatsapp.net is not on whatsapp",
      retryAfterMs: null,
      longPause: false,
      authProblem: false,
      timedOut: false,
    });
  });
});

describe("gatewayErrorFromHttp", () => {
  it.each([
    [429, "gateway_rate_limited", false],
    [408, "gateway_unreachable", false],
    [500, "gateway_unreachable", false],
    [504, "gateway_unreachable", false],
    [400, "gateway_rejected", false],
    [404, "gateway_rejected", false],
    [401, "gateway_rejected", true],
    [403, "gateway_rejected", true],
  ])("should map HTTP %i to %s (authProblem %s)", (httpStatus, code, authProblem) => {
    const error = gatewayErrorFromHttp({ gateway: "waha", httpStatus });
    expect(error).toMatchObject({ code, authProblem, httpStatus });
  });

  it("should carry Retry-After and treat a long pause as rate limiting whatever the status", () => {
    expect(gatewayErrorFromHttp({ gateway: "gowa", httpStatus: 429, retryAfterMs: 30_000 })).toMatchObject({
      retryAfterMs: 30_000,
    });
    expect(gatewayErrorFromHttp({ gateway: "cloud", httpStatus: 400, longPause: true })).toMatchObject({
      code: "gateway_rate_limited",
      longPause: true,
    });
  });
});

describe("gatewayUnreachable", () => {
  it("should name the system error undici wraps in its cause", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const error = gatewayUnreachable("gowa", new TypeError("fetch failed", { cause }));
    expect(error).toMatchObject({ code: "gateway_unreachable", gatewayCode: "ECONNREFUSED", timedOut: false });
    expect(error.message).toBe("GOWA unreachable: ECONNREFUSED");
  });

  it("should mark a timeout", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(gatewayUnreachable("cloud", timeout)).toMatchObject({ gatewayCode: "TIMEOUT", timedOut: true });
  });
});

describe("redactPhoneNumbers", () => {
  it("should mask every long digit run to its last four digits", () => {
    expect(redactPhoneNumbers("Message sent to +6289685028129 and 15551234567@c.us")).toBe(
      "Message sent to …8129 and …4567@c.us",
    );
  });

  it("should leave short numbers such as codes and ports alone", () => {
    expect(redactPhoneNumbers("error 463 on port 3000")).toBe("error 463 on port 3000");
  });

  it("should cap the length", () => {
    expect(redactPhoneNumbers("x".repeat(1000)).length).toBeLessThanOrEqual(301);
  });
});
