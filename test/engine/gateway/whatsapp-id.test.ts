import { describe, expect, it } from "vitest";
import {
  isGroupLike,
  lidOf,
  parseJid,
  phoneOf,
  unansweredChatReason,
} from "../../../src/engine/gateway/whatsapp-id.js";

describe("parseJid", () => {
  it.each([
    ["6289876543210@s.whatsapp.net", "phone", "6289876543210"],
    ["6289876543210:12@s.whatsapp.net", "phone", "6289876543210"],
    ["6289876543210.0:3@s.whatsapp.net", "phone", "6289876543210"],
    ["11111111111@c.us", "phone", "11111111111"],
    ["16505551234", "phone", "16505551234"],
    ["+16505551234", "phone", "16505551234"],
    ["251556368777322@lid", "lid", "251556368777322@lid"],
    ["120363025246125888@g.us", "group", "120363025246125888"],
    ["status@broadcast", "broadcast", "status"],
    ["120363025246125999@newsletter", "newsletter", "120363025246125999"],
    ["US.13491208655302741918", "unknown", "US.13491208655302741918"],
    ["abc@c.us", "unknown", "abc"],
  ])("should read %s as %s", (jid, kind, user) => {
    expect(parseJid(jid)).toEqual({ kind, user });
  });
});

describe("whatsapp id helpers", () => {
  it("should give the phone only for phone ids and the lid only for lids", () => {
    expect(phoneOf("11111111111@c.us")).toBe("11111111111");
    expect(phoneOf("251556368777322@lid")).toBeNull();
    expect(lidOf("251556368777322@lid")).toBe("251556368777322@lid");
    expect(lidOf("11111111111@c.us")).toBeNull();
    expect(phoneOf(undefined)).toBeNull();
  });

  it("should answer people and explain everything else", () => {
    expect(unansweredChatReason("11111111111@c.us")).toBeNull();
    expect(unansweredChatReason("251556368777322@lid")).toBeNull();
    expect(unansweredChatReason("1203@g.us")).toBe("group chat");
    expect(unansweredChatReason("status@broadcast")).toBe("broadcast or status update");
    expect(unansweredChatReason("1203@newsletter")).toBe("newsletter");
    expect(isGroupLike("1203@g.us")).toBe(true);
    expect(isGroupLike("1@c.us")).toBe(false);
  });
});
