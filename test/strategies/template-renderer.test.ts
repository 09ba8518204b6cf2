import { describe, expect, it } from "vitest";
import { buildRenderContext, normalizeReply, renderReply, WHATSAPP_MAX_CHARS } from "../../src/strategies/index.js";
import { compileTemplate } from "../../src/strategies/template-renderer.js";
import { MID_JANUARY, TEST_CATALOG } from "./catalog-fixture.js";

const context = buildRenderContext({
  catalog: TEST_CATALOG,
  now: MID_JANUARY,
  customer: { name: "Sam <Lee>", stage: "intent", interests: ["coffee", "tea"] },
  product: "kettle",
});

describe("compileTemplate", () => {
  it("should render plain text: no HTML escaping, & stays &", () => {
    const render = compileTemplate("{{shop.name}} & friends say hi to {{customer.name}} \"quoted\" 'single'");
    expect(render(context)).toBe("Pots & Pans & friends say hi to Sam <Lee> \"quoted\" 'single'");
  });

  it("should never read through prototypes", () => {
    const render = compileTemplate(
      "[{{constructor.name}}][{{customer.constructor.name}}][{{__proto__}}][{{customer.__proto__.toString}}][{{#with customer}}{{constructor}}{{/with}}]",
    );
    expect(render(context)).toBe("[][][][][]");
  });

  it("should join lists with the join helper", () => {
    expect(compileTemplate('{{join customer.interests " and "}} / {{join customer.interests}}')(context)).toBe(
      "coffee and tea / coffee, tea",
    );
  });

  it("should compile when created, so a broken template fails at load and not with a customer", () => {
    expect(() => compileTemplate("{{#if product}}unclosed")).toThrow(/Parse error/);
    expect(() => compileTemplate("{{shout product.name}}")).toThrow(/unknown helper shout/);
    expect(() => compileTemplate("{{lookup products 0}}")).toThrow(/unknown helper lookup/);
  });
});

describe("renderReply", () => {
  const variant = {
    compiled: {
      default: compileTemplate("Default for {{customer.firstName}}."),
      price_question: compileTemplate("{{product.name}}: {{product.price}}"),
    },
  };

  it("should use the template of the intent", () => {
    expect(renderReply(variant, "price_question", context)).toBe("Kettle: $64.00");
  });

  it("should fall back to the default template for an intent without one, or no intent", () => {
    expect(renderReply(variant, "shipping_question", context)).toBe("Default for Sam.");
    expect(renderReply(variant, null, context)).toBe("Default for Sam.");
  });

  it("should not take an inherited property for an intent", () => {
    expect(renderReply(variant, "constructor", context)).toBe("Default for Sam.");
  });
});

describe("normalizeReply", () => {
  it("should collapse three or more line breaks, doubled spaces and trailing spaces, and trim", () => {
    expect(normalizeReply("\n\n Hi  there ,\r\n\r\n\r\n\nHow are you ?  \n\n")).toBe("Hi there,\n\nHow are you?");
  });

  it("should keep a reply within WhatsApp's limit, cut at a word", () => {
    const long = "word ".repeat(2000);
    const reply = normalizeReply(long);
    expect(reply.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
    expect(reply.endsWith("word…")).toBe(true);
  });
});
