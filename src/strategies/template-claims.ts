/**
 * Lint of what templates say: every template is rendered for every product (and
 * none) with and without each offer that applies, early in the offer and in its
 * last hours, and each rendering goes through the claim check and the variant's
 * guardrails. Literal amounts in branches no rendering reaches are checked too.
 * @module
 */

import { offerAppliesTo, offerEndsAt, offerStartsAt } from "./catalog.js";
import type { Catalog, Offer, Product } from "./catalog-schema.js";
import { checkClaims } from "./claim-check.js";
import { checkGuardrails, type GuardedVariant } from "./guardrails.js";
import { buildRenderContext, type RenderContext } from "./render-context.js";
import type { CompiledTemplate } from "./template-renderer.js";
import { normalizeReply } from "./template-renderer.js";

/** One situation a template is rendered in during lint. */
export interface LintSituation {
  context: RenderContext;
  now: number;
  product: Product | null;
  offer: Offer | null;
  /** For messages: "product dutch-oven with offer fall-dutch-oven". */
  label: string;
}

/** A claim problem found in a template, with the words that caused it. */
export interface TemplateClaimIssue {
  kind: string;
  /** The offending words as rendered (to find them in the template). */
  text: string;
  message: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** How long before an offer's end the "early" rendering happens. */
const EARLY_BEFORE_END_MS = 7 * DAY_MS;
/** How long before an offer's end the "last hours" rendering happens. */
const LATE_BEFORE_END_MS = 12 * HOUR_MS;
const LINT_CUSTOMER_NAME = "Jamie Rivera";

/** Every situation templates of `stage` are rendered in during lint. */
export function lintSituations(catalog: Catalog, stage: string): LintSituation[] {
  const ends = catalog.offers.map(offerEndsAt);
  // After every offer has ended, so nothing the template says can lean on an offer.
  const noOfferNow = ends.length > 0 ? Math.max(...ends) + DAY_MS : Date.UTC(2000, 0, 1);
  const customer = { name: LINT_CUSTOMER_NAME, stage, interests: ["cookware"], concerns: ["price"] };
  const situations: LintSituation[] = [];
  for (const product of [null, ...catalog.products]) {
    const base = product ? `product ${product.id}` : "no product";
    const add = (offer: Offer | null, now: number, label: string): void => {
      situations.push({
        context: buildRenderContext({ catalog, now, customer, product, offer }),
        now,
        product,
        offer,
        label,
      });
    };
    add(null, noOfferNow, `${base}, no offer`);
    for (const offer of catalog.offers) {
      if (product ? !offerAppliesTo(offer, product) : offer.product !== null) continue;
      const end = offerEndsAt(offer);
      const start = offerStartsAt(offer);
      add(offer, Math.max(start, end - EARLY_BEFORE_END_MS), `${base} with offer ${offer.id}`);
      add(offer, Math.max(start, end - LATE_BEFORE_END_MS), `${base} with offer ${offer.id} in its last hours`);
    }
  }
  return situations;
}

/**
 * Renders a template in every situation and collects unbacked claims and guardrail breaches,
 * once per distinct claim. `literal` is the template's own text outside `{{…}}`: money amounts
 * in it must be catalog prices or shipping amounts whatever the branch.
 */
export function checkTemplateClaims(
  template: CompiledTemplate,
  literal: string,
  catalog: Catalog,
  variant: GuardedVariant,
  situations: readonly LintSituation[],
): TemplateClaimIssue[] {
  const issues = new Map<string, TemplateClaimIssue>();
  for (const situation of situations) {
    const text = normalizeReply(template(situation.context));
    const found = [
      ...checkClaims(text, catalog, situation.now, { product: situation.product }),
      ...checkGuardrails(text, variant),
    ];
    for (const violation of found) {
      const key = `${violation.kind}:${violation.text.toLowerCase()}`;
      if (!issues.has(key)) {
        const message = `${violation.message} (rendered for ${situation.label})`;
        issues.set(key, { kind: violation.kind, text: violation.text, message });
      }
    }
  }
  const first = situations[0];
  if (first) {
    for (const violation of checkClaims(literal, catalog, first.now)) {
      const key = `${violation.kind}:${violation.text.toLowerCase()}`;
      if (violation.kind === "price" && !issues.has(key)) {
        issues.set(key, {
          kind: violation.kind,
          text: violation.text,
          message: `${violation.message}; write {{product.price}}, {{offer.price}} or {{shop.flatRate}} instead`,
        });
      }
    }
  }
  return [...issues.values()];
}
