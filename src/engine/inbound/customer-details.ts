/**
 * Details a customer gives in a message (name, email, delivery address),
 * recognised by explicit phrases in English and Spanish, so the bot acknowledges
 * them and never asks again. Pure.
 * @module
 */

/** What one message gave. */
export interface ProvidedDetails {
  name: string | null;
  email: string | null;
  address: string | null;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
const NAME =
  /\b(?:my name is|my name's|name:|me llamo|mi nombre es)\s*([\p{Lu}][\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+){0,2})/iu;
const ADDRESS_LEAD =
  /\b(?:my (?:delivery |shipping )?address is|address:|(?:ship|send|deliver) (?:it |them )?to|mi direcci[oó]n es|direcci[oó]n:|(?:env[ií]a(?:lo|la|los)?|m[aá]nda(?:lo|la)?) a)\s*[:,-]?\s*(.+)/iu;
const STREET =
  /\b\d{1,6}\s+[\p{L}][\p{L} .'-]*\b(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|way|calle|avenida|av|carrera|paseo)\b/iu;
const SPANISH_STREET = /\b(?:calle|avenida|av\.|carrera|paseo|c\/)\s+[\p{L}][\p{L} .'-]*\s+\d{1,6}/iu;

/** Recognises a name, an email and an address (an address needs a house number). */
export function findProvidedDetails(text: string): ProvidedDetails {
  const email = EMAIL.exec(text)?.[0] ?? null;
  const nameMatch = NAME.exec(text)?.[1] ?? null;
  const lead = ADDRESS_LEAD.exec(text)?.[1]?.trim() ?? null;
  let address: string | null = null;
  if (lead !== null && /\d/.test(lead)) address = lead.replace(/[.!]+$/, "");
  else {
    const line = text.split("\n").find((l) => STREET.test(l) || SPANISH_STREET.test(l));
    if (line !== undefined) address = line.trim();
  }
  return { name: nameMatch?.trim() ?? null, email, address };
}

/** True when the message gave any detail. */
export function gaveDetails(details: ProvidedDetails): boolean {
  return details.name !== null || details.email !== null || details.address !== null;
}
