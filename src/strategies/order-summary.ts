/**
 * A catalog order priced from the catalog: which lines name products the shop
 * sells, at the catalog's price, and the total — what a reply may confirm, and
 * the amounts the claim check then accepts. Pure.
 * @module
 */
import { findProduct, formatMoney } from "./catalog.js";
import type { Catalog } from "./catalog-schema.js";
import type { OrderView } from "./render-context.js";

/** One order line as the gateway sent it. */
export interface OrderLineInput {
  /** The product's id in the WhatsApp catalog; matched against catalog ids, case-insensitively. */
  productId: string;
  quantity: number;
}

/** What the gateway said about the order. */
export interface OrderInput {
  /** Lines with product ids (Cloud); empty when the gateway gives only totals (GOWA, WAHA). */
  items: readonly OrderLineInput[];
  /** Item count and total as the gateway says, used only when there are no lines. */
  itemCount: number | null;
  total: number | null;
}

/** An order priced from the catalog. */
export interface OrderSummary {
  view: OrderView;
  /** The catalog product ids ordered, in order. */
  productIds: string[];
  /** The amounts the summary states (line totals, total), which a reply may repeat. */
  amounts: number[];
}

/** Prices an order from the catalog: each known line at the catalog price, the total their sum. */
export function summarizeOrder(catalog: Catalog, order: OrderInput): OrderSummary {
  const currency = catalog.shop.currency;
  const known = order.items.flatMap((line) => {
    const product = findProduct(catalog, line.productId.toLowerCase());
    return product ? [{ product, quantity: line.quantity }] : [];
  });
  if (order.items.length === 0) {
    // The gateway's own total: the WhatsApp catalog priced it, not us.
    const amounts = order.total === null ? [] : [order.total];
    const view: OrderView = {
      items: [],
      itemCount: order.itemCount ?? 0,
      total: order.total === null ? null : formatMoney(order.total, currency),
      hasUnknownItems: false,
    };
    return { view, productIds: [], amounts };
  }
  const lines = known.map(({ product, quantity }) => ({
    product,
    quantity,
    lineTotal: round(product.price * quantity),
  }));
  const total = round(lines.reduce((sum, line) => sum + line.lineTotal, 0));
  const view: OrderView = {
    items: lines.map(({ product, quantity, lineTotal }) => ({
      name: product.name,
      quantity,
      price: formatMoney(product.price, product.currency),
      lineTotal: formatMoney(lineTotal, product.currency),
    })),
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    total: lines.length === 0 ? null : formatMoney(total, currency),
    hasUnknownItems: known.length < order.items.length,
  };
  const amounts = lines.length === 0 ? [] : [...lines.map((l) => l.lineTotal), total];
  return { view, productIds: lines.map((l) => l.product.id), amounts };
}

function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}
