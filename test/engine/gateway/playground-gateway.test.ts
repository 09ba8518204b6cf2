import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/engine/clock.js";
import { PlaygroundGateway } from "../../../src/engine/gateway/playground-gateway.js";
import { runGatewayContract } from "./gateway-contract.js";

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

runGatewayContract("PlaygroundGateway", async () => {
  const gateway = new PlaygroundGateway({ clock: new ManualClock(START) });
  return {
    gateway,
    chat: "15550001111",
    inboundId: "pg-in-1",
    receivedTexts: () => gateway.sent().map((sent) => sent.text),
    close: async () => {},
  };
});

describe("PlaygroundGateway", () => {
  it("should number its sends pg-1, pg-2, … and stamp them with the clock", async () => {
    const clock = new ManualClock(START);
    const gateway = new PlaygroundGateway({ clock });
    await gateway.send({ to: "a", text: "first" });
    clock.advance(1500);
    await gateway.send({ to: "b", text: "second", inReplyTo: "in-7" });
    expect(gateway.sent()).toEqual([
      { gatewayMessageId: "pg-1", to: "a", text: "first", inReplyTo: null, at: START },
      { gatewayMessageId: "pg-2", to: "b", text: "second", inReplyTo: "in-7", at: START + 1500 },
    ]);
    expect(gateway.sent("b").map((sent) => sent.text)).toEqual(["second"]);
  });

  it("should tell listeners about sends, per chat when asked, until they unsubscribe", async () => {
    const gateway = new PlaygroundGateway({ clock: new ManualClock(START) });
    const all: string[] = [];
    const onlyA: string[] = [];
    const stopAll = gateway.onSend((sent) => all.push(sent.text));
    gateway.onSend((sent) => onlyA.push(sent.text), "a");
    await gateway.send({ to: "a", text: "1" });
    await gateway.send({ to: "b", text: "2" });
    stopAll();
    await gateway.send({ to: "a", text: "3" });
    expect(all).toEqual(["1", "2"]);
    expect(onlyA).toEqual(["1", "3"]);
  });

  it("should resolve nextSend with the next reply in that chat", async () => {
    const gateway = new PlaygroundGateway({ clock: new ManualClock(START) });
    const next = gateway.nextSend("a");
    await gateway.send({ to: "b", text: "elsewhere" });
    await gateway.send({ to: "a", text: "here" });
    await expect(next).resolves.toMatchObject({ to: "a", text: "here" });
  });

  it("should reject nextSend when nothing is sent in time", async () => {
    const gateway = new PlaygroundGateway();
    await expect(gateway.nextSend("a", { timeoutMs: 10 })).rejects.toThrow(/no playground send to a within 10 ms/);
  });

  it("should still record the send when a listener throws", async () => {
    const gateway = new PlaygroundGateway();
    gateway.onSend(() => {
      throw new Error("page gone");
    });
    await expect(gateway.send({ to: "a", text: "kept" })).resolves.toEqual({ gatewayMessageId: "pg-1" });
    expect(gateway.sent()).toHaveLength(1);
  });

  it("should show typing until the reply is sent, and remember read messages", async () => {
    const gateway = new PlaygroundGateway();
    await gateway.markRead("a", "in-1");
    await gateway.setTyping("a", true);
    expect(gateway.isTyping("a")).toBe(true);
    await gateway.send({ to: "a", text: "done" });
    expect(gateway.isTyping("a")).toBe(false);
    expect(gateway.wasRead("in-1")).toBe(true);
    expect(gateway.wasRead("in-2")).toBe(false);
  });
});
