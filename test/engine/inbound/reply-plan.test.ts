import { describe, expect, it } from "vitest";
import type { MessageContent } from "../../../src/engine/gateway/index.js";
import { replyPlanFor } from "../../../src/engine/inbound/index.js";

const media = { mimeType: "image/jpeg", size: 100, mediaId: "m1", fileName: null, viewOnce: false };

describe("replyPlanFor", () => {
  it.each<[string, MessageContent, string, { mode: string; template: string | null }]>([
    ["text", { kind: "text" }, "hi", { mode: "intent", template: null }],
    ["an image with a caption", { kind: "image", media }, "how much?", { mode: "intent", template: null }],
    ["an image without caption", { kind: "image", media }, "", { mode: "kind", template: "media" }],
    [
      "a view-once photo",
      { kind: "image", media: { ...media, viewOnce: true } },
      "",
      { mode: "kind", template: "media" },
    ],
    ["a sticker", { kind: "sticker", media }, "", { mode: "kind", template: "media" }],
    ["a voice note", { kind: "voice", media }, "", { mode: "kind", template: "voice" }],
    ["an audio file", { kind: "audio", media }, "", { mode: "kind", template: "voice" }],
    [
      "a location",
      { kind: "location", latitude: 1, longitude: 2, name: null, address: null, live: false },
      "",
      { mode: "kind", template: "location" },
    ],
    ["a contact card", { kind: "contact", names: ["Ana"] }, "", { mode: "kind", template: "contact" }],
    [
      "an order",
      { kind: "order", items: [], itemCount: 2, total: 178, currency: "USD" },
      "",
      { mode: "order", template: "order" },
    ],
    [
      "a product inquiry",
      { kind: "product_inquiry", productId: "dutch-oven" },
      "still available?",
      { mode: "intent", template: null },
    ],
  ])("answers %s as planned", (_name, content, text, expected) => {
    expect(replyPlanFor(content, text)).toMatchObject(expected);
  });

  it("reads no words into a message without any (the stage does not move on a photo)", () => {
    expect(replyPlanFor({ kind: "image", media }, "").text).toBe("");
  });

  it.each([
    ["a stop payload", "STOP_PROMOTIONS", "Not now"],
    ["a stop title", null, "Stop promotions"],
    ["an unsubscribe title", "b2", "Unsubscribe"],
  ])("treats a button with %s as an opt-out", (_name, replyId, title) => {
    expect(replyPlanFor({ kind: "interactive_reply", replyId }, title).optOutButton).toBe(true);
  });

  it("does not treat an ordinary button as an opt-out", () => {
    expect(replyPlanFor({ kind: "interactive_reply", replyId: "price" }, "How much is it?").optOutButton).toBe(false);
  });
});
