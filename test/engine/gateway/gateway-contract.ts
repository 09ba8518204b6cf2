/**
 * The contract every `WhatsAppGateway` adapter meets, run by each adapter's test
 * against its backend (the playground itself, or a fake gateway on loopback).
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WhatsAppGateway } from "../../../src/engine/gateway/whatsapp-gateway.js";

/** One adapter wired to its backend for one test. */
export interface GatewayUnderTest {
  gateway: WhatsAppGateway;
  /** A customer chat in the form the engine passes (phone digits). */
  chat: string;
  /** An inbound message id that can be marked read. */
  inboundId: string;
  /** The texts the backend received, oldest first. */
  receivedTexts(): string[];
  close(): Promise<void>;
}

/** Runs the gateway contract against `setup()`. */
export function runGatewayContract(name: string, setup: () => Promise<GatewayUnderTest>): void {
  describe(`${name} (WhatsAppGateway contract)`, () => {
    let subject: GatewayUnderTest;

    beforeEach(async () => {
      subject = await setup();
    });

    afterEach(async () => {
      await subject.close();
    });

    it("should deliver the text and return the gateway's id for it", async () => {
      const result = await subject.gateway.send({ to: subject.chat, text: "Hello from Closer" });
      expect(result.gatewayMessageId).toMatch(/\S/);
      expect(subject.receivedTexts()).toEqual(["Hello from Closer"]);
    });

    it("should give every send its own id", async () => {
      const first = await subject.gateway.send({ to: subject.chat, text: "one" });
      const second = await subject.gateway.send({ to: subject.chat, text: "two" });
      expect(first.gatewayMessageId).not.toBe(second.gatewayMessageId);
      expect(subject.receivedTexts()).toEqual(["one", "two"]);
    });

    it("should carry non-ASCII text unchanged", async () => {
      const text = "Halo Kak 👋 harga Rp 150.000 — ada warna biru & <merah>?";
      await subject.gateway.send({ to: subject.chat, text, inReplyTo: subject.inboundId });
      expect(subject.receivedTexts()).toEqual([text]);
    });

    it("should mark an inbound message read and toggle typing without error", async () => {
      await expect(subject.gateway.markRead(subject.chat, subject.inboundId)).resolves.toBeUndefined();
      await expect(subject.gateway.setTyping(subject.chat, true)).resolves.toBeUndefined();
      await expect(subject.gateway.setTyping(subject.chat, false)).resolves.toBeUndefined();
    });

    it("should report itself connected", async () => {
      await expect(subject.gateway.health()).resolves.toMatchObject({ connected: true });
    });
  });
}
