import { describe, expect, it } from "vitest";
import { lintTemplate, literalText } from "../../src/strategies/template-lint.js";

describe("lintTemplate", () => {
  it.each([
    {
      name: "root paths",
      source: "Hi {{customer.firstName}}, {{product.name}} is {{product.price}} at {{shop.name}}.",
    },
    {
      name: "#if, #unless and else chains",
      source:
        "{{#if offer}}{{offer.percent}}{{else if product}}{{product.price}}{{else}}-{{/if}}{{#unless product.inStock}}out{{/unless}}",
    },
    {
      name: "#each over products, with this, @index and @root",
      source:
        "{{#each products}}{{@index}}. {{name}} {{this.price}} for {{@root.customer.name}}{{#if @first}}!{{/if}}{{/each}}",
    },
    { name: "#each over a list of strings", source: "{{#each product.features}}• {{this}}\n{{/each}}" },
    { name: "../ from inside a block", source: "{{#each products}}{{../shop.name}}: {{name}}{{/each}}" },
    { name: "#with", source: "{{#with product}}{{name}} {{price}}{{else}}none{{/with}}" },
    { name: "block params", source: "{{#each products as |item i|}}{{i}} {{item.name}}{{/each}}" },
    {
      name: "join and list length",
      source: '{{join customer.interests ", "}} {{#if customer.concerns.length}}x{{/if}} {{products.0.name}}',
    },
    {
      name: "comments and includeZero",
      source: "{{! note }}{{!-- long note --}}{{#if product.stock includeZero=true}}x{{/if}}",
    },
  ])("should accept $name", ({ source }) => {
    expect(lintTemplate(source).issues).toEqual([]);
  });

  it.each([
    {
      name: "a misspelt root",
      source: "Hi {{custmer.name}}",
      line: 1,
      column: 6,
      message: "unknown template variable custmer.name (did you mean customer.name?)",
    },
    {
      name: "a misspelt field",
      source: "\n\n  {{product.prise}}",
      line: 3,
      column: 5,
      message: "unknown template variable product.prise (did you mean product.price?)",
    },
    {
      name: "a root path inside #each",
      source: "{{#each products}}\n{{customer.name}}{{/each}}",
      line: 2,
      column: 3,
      message:
        "unknown template variable customer.name (inside {{#each products}} names refer to the item; write @root.customer.name)",
    },
    {
      name: "a field the item lacks",
      source: "{{#each products}}{{stok}}{{/each}}",
      line: 1,
      column: 21,
      message: "unknown template variable stok (did you mean stock?)",
    },
    {
      name: "a prototype property",
      source: "{{constructor.name}}",
      line: 1,
      column: 3,
      message: "unknown template variable constructor.name",
    },
    {
      name: "__proto__",
      source: "{{customer.__proto__}}",
      line: 1,
      column: 3,
      message: "unknown template variable customer.__proto__",
    },
    {
      name: "a path into a text value",
      source: "{{product.name.first}}",
      line: 1,
      column: 3,
      message: "unknown template variable product.name.first",
    },
    {
      name: "../ above the root",
      source: "{{../shop.name}}",
      line: 1,
      column: 3,
      message: "../shop.name goes above the top of the template context",
    },
    {
      name: "@index outside #each",
      source: "{{@index}}",
      line: 1,
      column: 3,
      message: "@index is only available inside {{#each}}",
    },
    {
      name: "an unknown data variable",
      source: "{{@user}}",
      line: 1,
      column: 3,
      message: "unknown template variable @user",
    },
    {
      name: "an unknown helper",
      source: "{{upper product.name}}",
      line: 1,
      column: 1,
      message: "unknown template helper upper",
    },
    {
      name: "a helper in a subexpression",
      source: "{{#if (eq product.stock 1)}}x{{/if}}",
      line: 1,
      column: 7,
      message: "unknown template helper eq",
    },
    {
      name: "an unknown block helper",
      source: "{{#product}}{{name}}{{/product}}",
      line: 1,
      column: 1,
      message: "unknown block helper #product (use #if, #unless, #each or #with)",
    },
    {
      name: "a block helper used inline",
      source: "{{if product}}",
      line: 1,
      column: 1,
      message: "if is a block helper; write {{#if …}}…{{/if}}",
    },
    {
      name: "#if without an argument",
      source: "{{#if}}x{{/if}}",
      line: 1,
      column: 1,
      message: "{{#if}} needs exactly one argument",
    },
    {
      name: "#each over a non-list",
      source: "{{#each customer}}x{{/each}}",
      line: 1,
      column: 9,
      message: "#each needs a list; customer is not a list",
    },
    {
      name: "#with on a value",
      source: "{{#with shop.name}}x{{/with}}",
      line: 1,
      column: 9,
      message: "#with needs an object; shop.name is not one",
    },
    {
      name: "an object printed whole",
      source: "{{product}}",
      line: 1,
      column: 3,
      message: "product is an object; name one of its fields, e.g. product.id",
    },
    {
      name: "a list printed whole",
      source: "{{customer.interests}}",
      line: 1,
      column: 3,
      message:
        'customer.interests is a list; write {{join customer.interests ", "}} or {{#each customer.interests}}…{{/each}}',
    },
    {
      name: "join on a non-list",
      source: "{{join product.name}}",
      line: 1,
      column: 8,
      message: "join needs a list; product.name is not a list",
    },
    {
      name: "a partial",
      source: "{{> footer}}",
      line: 1,
      column: 1,
      message: "partials and decorators are not supported in reply templates",
    },
    {
      name: "an unclosed block",
      source: "Hi\n{{#if product}}\n{{product.name}}\n",
      line: 2,
      column: 1,
      message: "unclosed block helper {{#if}}: add {{/if}}",
    },
    {
      name: "the inline block left open among standalone ones",
      source: "{{#if product}}\nA {{#if offer}}B\n{{/if}}\n",
      line: 2,
      column: 3,
      message: "unclosed block helper {{#if}}: add {{/if}}",
    },
    {
      name: "a block closed by another helper",
      source: "x\n{{#each products}}{{/if}}",
      line: 2,
      column: 4,
      message: "{{#each}} is closed by {{/if}}",
    },
    {
      name: "a broken mustache",
      source: "a\nb {{ product.name",
      line: 2,
      column: 1,
      message: "template syntax error: Expecting 'ID', got 'INVALID'",
    },
  ])("should reject $name", ({ source, line, column, message }) => {
    const { issues } = lintTemplate(source);
    expect(issues).toContainEqual({ line, column, message });
  });

  it("should report every problem in a template, not only the first", () => {
    const { issues } = lintTemplate("{{custmer.name}} {{product.prise}}\n{{upper shop.name}}");
    expect(issues.map((issue) => issue.line)).toEqual([1, 1, 2]);
  });
});

describe("literalText", () => {
  it("should return the text outside mustaches, inside blocks too", () => {
    const { ast } = lintTemplate("Only $5 {{#if product}}for {{product.name}} at $9{{else}}none{{/if}}!");
    expect(literalText(ast!)).toEqual(["Only $5 ", "for ", " at $9", "none", "!"]);
  });
});
