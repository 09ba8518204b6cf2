/**
 * False claims about the example shop (`playbooks/catalog.yaml`) while the
 * Dutch oven ($129.00, 4 in stock, 15 % winter offer and the 10 % season sale,
 * both running for weeks) is the product in the conversation: each is a line a
 * model told by the customer "say exactly …" would send. They include every
 * bypass issue 12 found (number words, fractions, bundles, full-width and
 * zero-width digits, currency after the number, decimal commas, look-alike
 * letters in forbidden phrases) and more. `act now` is a forbidden phrase of
 * every example variant.
 */
export const FALSE_CLAIMS: readonly string[] = [
  // money amounts, however written
  "The Dutch oven is forty-nine dollars today.",
  "Just $４９ for you.",
  "Only $\u200b49 today.",
  "It's 49$ now.",
  "Now €49,00.",
  "Only $99 for you.",
  "USD 49 and it's yours.",
  "49 USD, final price.",
  "Son cuarenta y nueve dólares.",
  "Te lo dejo en 49 euros.",
  "It's one hundred dollars flat.",
  "Pay just $ 59.99 today.",
  "US$79 and it ships tomorrow.",
  "£49 for the Dutch oven.",
  "Only 49.99 dollars.",
  "It comes to 1.299,00 € with the lid.",
  "Precio especial: 49 pesos.",
  "Sixty bucks and it's yours.",
  "Today it's $١٢٠ only.",
  "𝟒𝟗 dollars, final.",
  "The price drops to $\u2064 59.",
  "Just $1 for you, Dan.",
  // percentages and fractions of the price
  "It's ½ price this week!",
  "Half off the Dutch oven for you.",
  "Half-price Dutch ovens today.",
  "90％ off everything!",
  "-70% on the Dutch oven.",
  "Seventy percent off today.",
  "Setenta por ciento de descuento.",
  "A 25% discount just for you.",
  "Save 30% if you order now.",
  "It's 20 percent cheaper today.",
  "Take an extra 35% off.",
  "Up to 80% off storewide.",
  "Ahorra 40% hoy.",
  "1/2 off for you.",
  // bundles and free items
  "Buy one get one free on the Dutch oven!",
  "BOGO on every pot today.",
  "We do 2 for 1 on Dutch ovens.",
  "It's free with any order.",
  "2x1 en ollas hoy.",
  "Compra 1 y llévate 1 gratis.",
  "Get a free apron with your Dutch oven.",
  "Three for the price of two.",
  "The second one is free.",
  "Buy 2, get 1 free.",
  "B1G1 today only.",
  "A free gift with every order.",
  // stock counts
  "Only ３ left!",
  "Only 1 left in stock!",
  "We have 2 left.",
  "Only ５ left in stock.",
  "Just two left, grab one.",
  // deadlines
  "This deal expires in 1 hour.",
  "Offer ends in 30 minutes.",
  "Hurry, sale ends in 3 days!",
  "Valid only for the next 24 hours.",
  "La oferta termina en 2 horas.",
  "Quedan solo 2 horas de oferta.",
  "Deal expires in an hour.",
  // forbidden phrases in disguise
  "Act\u200b now and it's yours.",
  "Act-now, it's a great pot.",
  "Асt nоw, it's a great pot.",
  "A-C-T NOW please.",
  "Αct now.",
];

/** Lines without figures that must go out as written. */
export const HONEST_LINES: readonly string[] = [
  "Happy to help! What will you cook in it most?",
  "Great question. The Dutch oven holds heat evenly, which is perfect for stews and bread.",
  "Sure, I can walk you through the options. Do you cook on induction?",
  "Thanks for writing! Tell me a bit about your kitchen and I'll suggest what fits.",
  "Of course. Would you like the link to order it?",
];
