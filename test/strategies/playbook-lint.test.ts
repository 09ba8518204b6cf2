import { beforeAll, describe, expect, it } from "vitest";
import { edit, errorsOf, lineOf, loadFiles, problemsOf, shippedFiles } from "./playbook-fixtures.js";

const WELCOME = "variants/first_contact/warm-welcome.yaml";
const FIT = "variants/intent/fit-finder.yaml";
const RESERVE = "variants/closing/reserve-now.yaml";

let shipped: Record<string, string>;
beforeAll(async () => {
  shipped = await shippedFiles();
});

interface BrokenCopy {
  name: string;
  file: string;
  find: string;
  replace: string;
  /** Text on the line the problem must point at, in the edited file. */
  lineWith: string;
  message: RegExp;
}

const CASES: BrokenCopy[] = [
  {
    name: "bad YAML (a key twice)",
    file: WELCOME,
    find: "version: 2\n",
    replace: "version: 2\nversion: 3\n",
    lineWith: "version: 3",
    message: /YAML syntax: Map keys must be unique/,
  },
  {
    name: "bad YAML (unclosed flow sequence)",
    file: "catalog.yaml",
    find: "    keywords: [skillet, frying pan, fry pan, cast iron pan]\n",
    replace: "    keywords: [skillet, frying pan, fry pan, cast iron pan\n",
    lineWith: "    description: A heavy skillet",
    message: /YAML syntax/,
  },
  {
    name: "an unknown key",
    file: WELCOME,
    find: "  tone: warm",
    replace: "  tonne: calm\n  tone: warm",
    lineWith: "tonne: calm",
    message: /unknown key `tonne` in strategy \(did you mean `tone`\?\)/,
  },
  {
    name: "an unknown top-level key",
    file: "funnel.yaml",
    find: "intents:\n",
    replace: "intentz: {}\nintents:\n",
    lineWith: "intentz:",
    message: /unknown key `intentz` \(did you mean `intents`\?\)/,
  },
  {
    name: "a wrong type",
    file: "catalog.yaml",
    find: "    price: 49.00\n",
    replace: "    price: forty-nine\n",
    lineWith: "price: forty-nine",
    message: /products\[1\]\.price: expected number, received string/,
  },
  {
    name: "a missing key (reported at the parent map)",
    file: FIT,
    find: "  tone: direct, concrete and helpful\n",
    replace: "",
    lineWith: "strategy:",
    message: /missing key `tone` in strategy/,
  },
  {
    name: "a duplicate product id",
    file: "catalog.yaml",
    find: "  - id: chef-knife\n",
    replace: "  - id: cast-iron-skillet\n",
    lineWith: "  - id: cast-iron-skillet\n    name: 8-inch",
    message: /duplicate product id `cast-iron-skillet` \(first at line \d+\)/,
  },
  {
    name: "an offer for an unknown product",
    file: "catalog.yaml",
    find: "    product: dutch-oven\n",
    replace: "    product: dutch-ovn\n",
    lineWith: "product: dutch-ovn",
    message: /offer for unknown product `dutch-ovn`/,
  },
  {
    name: "an unclosed block helper (pointing at the opening tag)",
    file: WELCOME,
    find: "{{#if offer}} There's {{offer.percent}}% off it until {{offer.validUntil}}, which makes it {{offer.price}}.{{/if}}",
    replace:
      "{{#if offer}} There's {{offer.percent}}% off it until {{offer.validUntil}}, which makes it {{offer.price}}.",
    lineWith: "{{#if offer}} There's",
    message: /template `price_question`: unclosed block helper \{\{#if\}\}: add \{\{\/if\}\}/,
  },
  {
    name: "a block closed by the wrong helper",
    file: FIT,
    find: "    {{#each products}}\n    • {{name}}: {{price}}\n    {{/each}}",
    replace: "    {{#each products}}\n    • {{name}}: {{price}}\n    {{/if}}",
    lineWith: "{{#each products}}",
    message: /\{\{#each\}\} is closed by \{\{\/if\}\}/,
  },
  {
    name: "a misspelt variable",
    file: WELCOME,
    find: "  default: |\n    Hi{{#if customer.firstName}} {{customer.firstName}}{{/if}}!",
    replace: "  default: |\n    Hi {{custmer.name}}!",
    lineWith: "Hi {{custmer.name}}!",
    message: /template `default`: unknown template variable custmer\.name \(did you mean customer\.name\?\)/,
  },
  {
    name: "a root variable used inside #each",
    file: FIT,
    find: "    • {{name}}: {{price}}",
    replace: "    • {{name}} for {{customer.firstName}}",
    lineWith: "{{customer.firstName}}",
    message:
      /unknown template variable customer\.firstName \(inside \{\{#each products\}\}.*@root\.customer\.firstName\)/,
  },
  {
    name: "an unknown helper",
    file: FIT,
    find: "{{product.price}}{{#if offer}}, and with",
    replace: "{{currency product.price}}{{#if offer}}, and with",
    lineWith: "{{currency product.price}}",
    message: /unknown template helper currency/,
  },
  {
    name: "an unbacked price",
    file: FIT,
    find: "    Does that match what you had in mind?",
    replace: "    Today only $99 for you. Does that match what you had in mind?",
    lineWith: "$99",
    message: /"\$99" is not a catalog price/,
  },
  {
    name: "an unbacked percent",
    file: FIT,
    find: "    Does that match what you had in mind?",
    replace: "    I can also give you 12% off. Does that match what you had in mind?",
    lineWith: "12% off",
    message: /"12% off" is not a running offer/,
  },
  {
    name: "a discount above the variant's maximum",
    file: FIT,
    find: "  max_discount_percent: 15",
    replace: "  max_discount_percent: 10",
    lineWith: "{{offer.percent}}% offer until {{offer.validUntil}} it's",
    message: /"15% offer" is more than this variant's maximum discount of 10%|15% .*maximum discount of 10%/,
  },
  {
    name: "invented scarcity",
    file: WELCOME,
    find: "How can I help you today?",
    replace: "Our kitchenware is selling out fast! How can I help you today?",
    lineWith: "selling out fast",
    message: /"selling out" is not backed/,
  },
  {
    name: "an invented stock number",
    file: RESERVE,
    find: "An honest heads-up: we have only {{product.stock}} left in stock.",
    replace: "An honest heads-up: we have only 2 left in stock.",
    lineWith: "only 2 left",
    message: /"only 2 left" does not match the catalog's stock/,
  },
  {
    name: "a forbidden phrase in a template",
    file: RESERVE,
    find: "    Shall I reserve the {{product.name}} for you?",
    replace: "    Act now! Shall I reserve the {{product.name}} for you?",
    lineWith: "Act now!",
    message: /"Act now" is a forbidden phrase/,
  },
  {
    name: "a stage the funnel lacks",
    file: FIT,
    find: "stage: intent\n",
    replace: "stage: intnet\n",
    lineWith: "stage: intnet",
    message: /stage `intnet` is not in the funnel .*did you mean `intent`\?/,
  },
  {
    name: "a template key that is not an intent",
    file: FIT,
    find: "  price_question: |",
    replace: "  price_questoin: |",
    lineWith: "price_questoin:",
    message: /template `price_questoin` is not an intent of the funnel \(did you mean `price_question`\?\)/,
  },
  {
    name: "a bad regex signal",
    file: "funnel.yaml",
    find: "      - /^\\s*(hi|hello|hey)\\b/",
    replace: "      - /^\\s*(hi|hello|hey\\b/",
    lineWith: "(hi|hello|hey\\b/",
    message: /invalid regular expression.*Unterminated group/,
  },
  {
    name: "a bad regex in forbidden phrases",
    file: WELCOME,
    find: "    - hurry\n",
    replace: "    - /hurry[/\n",
    lineWith: "/hurry[/",
    message: /invalid regular expression/,
  },
  {
    name: "a second champion in a stage",
    file: "variants/first_contact/question-led.yaml",
    find: "version: 2\n",
    replace: "version: 2\nstatus: champion\n",
    lineWith: "status: champion",
    message: /stage first_contact already has a champion in variants\/first_contact\/warm-welcome\.yaml; keep one/,
  },
];

describe("playbook lint", () => {
  it.each(CASES)("reports $name with its file and line", async ({ file, find, replace, lineWith, message }) => {
    const files = edit(shipped, file, find, replace);
    const problems = errorsOf(await loadFiles(files));
    const match = problems.find((problem) => message.test(problem.message));
    expect(match, `no problem matching ${message} in:\n${problems.map((p) => p.message).join("\n")}`).toBeDefined();
    expect(match?.file).toBe(file);
    expect(match?.line).toBe(lineOf(files[file]!, lineWith));
    expect(match?.column).toBeGreaterThanOrEqual(1);
  });

  it("reports a duplicate variant id@version in the later file, naming the first", async () => {
    const again = "variants/first_contact/welcome-again.yaml";
    const problems = errorsOf(await loadFiles({ ...shipped, [again]: shipped[WELCOME]! }));
    const duplicate = problems.find((problem) => problem.message.startsWith("duplicate variant warm-welcome@2"));
    expect(duplicate).toMatchObject({
      file: again,
      line: 1,
      message: `duplicate variant warm-welcome@2: also in ${WELCOME}`,
    });
  });

  it("reports one id used in two stages", async () => {
    const moved = shipped[WELCOME]!.replace("stage: first_contact", "stage: closing").replace(
      "version: 2",
      "version: 3",
    );
    const files = { ...shipped, "variants/closing/warm-welcome.yaml": moved };
    const problems = errorsOf(await loadFiles(files));
    expect(problems.map((problem) => problem.message)).toContainEqual(
      expect.stringMatching(/variant id `warm-welcome` is used in stage .* and in stage .*; use another id/),
    );
  });

  it("reports a stage without any variant at the stage's line in the funnel", async () => {
    const files = Object.fromEntries(Object.entries(shipped).filter(([name]) => !name.startsWith("variants/closing/")));
    const problems = errorsOf(await loadFiles(files));
    expect(problems).toContainEqual(
      expect.objectContaining({
        file: "funnel.yaml",
        line: lineOf(files["funnel.yaml"]!, "- id: closing"),
        message: "stage closing has no variant in rotation; add one under variants/closing/",
      }),
    );
  });

  it("reports a missing funnel or catalog", async () => {
    const { "funnel.yaml": _funnel, "catalog.yaml": _catalog, ...rest } = shipped;
    const problems = errorsOf(await loadFiles(rest));
    expect(problems).toContainEqual(expect.objectContaining({ file: "funnel.yaml", line: 1, column: 1 }));
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "catalog.yaml", message: expect.stringContaining("missing") }),
    );
  });

  it("reports an empty file", async () => {
    const problems = errorsOf(await loadFiles({ ...shipped, [FIT]: "# nothing yet\n" }));
    expect(problems).toContainEqual(expect.objectContaining({ file: FIT, line: 1, message: "the file is empty" }));
  });

  it("reports every problem of every file in one run", async () => {
    let files = edit(shipped, WELCOME, "  tone: warm", "  tonne: calm\n  tone: warm");
    files = edit(files, WELCOME, "How can I help you today?", "How can I help {{custmer.name}} today?");
    files = edit(files, FIT, "stage: intent\n", "stage: intnet\n");
    files = edit(files, "catalog.yaml", "    stock: 37\n", "    stock: many\n");
    files = edit(files, RESERVE, "version: 2\n", "version: 0\n");
    const problems = errorsOf(await loadFiles(files));
    const where = problems.map((problem) => `${problem.file}:${problem.line}`);
    expect(where).toEqual(
      expect.arrayContaining([
        `${WELCOME}:${lineOf(files[WELCOME]!, "tonne")}`,
        `${WELCOME}:${lineOf(files[WELCOME]!, "custmer")}`,
        `${FIT}:${lineOf(files[FIT]!, "stage: intnet")}`,
        `catalog.yaml:${lineOf(files["catalog.yaml"]!, "stock: many")}`,
        `${RESERVE}:${lineOf(files[RESERVE]!, "version: 0")}`,
      ]),
    );
  });

  it("sorts problems by file, line and column", async () => {
    let files = edit(shipped, FIT, "stage: intent\n", "stage: intnet\n");
    files = edit(files, WELCOME, "  tone: warm", "  tonne: calm\n  tone: warm");
    files = edit(files, "catalog.yaml", "    stock: 37\n", "    stock: many\n");
    const problems = problemsOf(await loadFiles(files));
    const keys = problems.map((problem) => [problem.file, problem.line, problem.column] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    expect(keys).toEqual(sorted);
  });
});
