/**
 * How text becomes search terms, the same way for articles and for questions: lower case,
 * words and numbers, stop words dropped, a light English stemmer (so "deliveries", "delivered"
 * and "delivery" meet), and a small list of shop synonyms for questions ("parcel" also looks
 * for "delivery", "2fa" for "two-factor").
 */

/** Words that carry no meaning for retrieval, including chat filler. */
const STOP_WORDS = new Set(
  `a about above after again all am an and any are aren as at be been before being below between both but by can cannot could
  did do does doing don down during each few for from further had has have having he her here hers him his how i if in into is
  isn it its itself just let me more most my myself no nor not of on once only or other our ours out over own same she
  should so some such than that the their theirs them then there these they this those through to too under until up very was
  we were what when where which while who whom why will with would you your yours yourself hi hello hey please thanks thank
  thx pls plz ok okay hmm um uh would like want wanted need know tell get got also still yet im ive id youre dont doesnt cant
  wont isnt didnt hasnt havent wasnt werent arent shouldnt couldnt wouldnt aint ive youve whats whos hows wheres thats theres lets
  much many something anything thing things way possible able happen happens question ask there never keep keeps getting gets
  two outdoor`.split(/\s+/),
);

/** Words visitors use → words the articles use (added to the question with a lower weight). */
const SYNONYMS: Record<string, string> = {
  parcel: 'delivery order package',
  package: 'parcel delivery order',
  postage: 'delivery shipping',
  ship: 'delivery dispatch',
  shipping: 'delivery dispatch',
  arrive: 'delivery',
  come: 'delivery arrive',
  send: 'dispatch delivery',
  sent: 'dispatch delivery',
  cost: 'price',
  costs: 'price',
  fee: 'price charge',
  fees: 'price charge',
  much: 'price cost',
  cheap: 'price',
  money: 'refund payment',
  reimburse: 'refund',
  reimbursement: 'refund',
  login: 'sign',
  logon: 'sign',
  signin: 'sign',
  pw: 'password',
  pwd: 'password',
  passcode: 'password',
  forgot: 'reset password',
  forgotten: 'reset password',
  '2fa': 'two-factor authentication code',
  mfa: 'two-factor authentication code',
  otp: 'two-factor code',
  authenticator: 'two-factor',
  gdpr: 'data privacy',
  personal: 'data privacy',
  voucher: 'promo code discount',
  coupon: 'promo code discount',
  discount: 'promo code',
  giftcard: 'gift card',
  pickup: 'collect store',
  pick: 'collect store',
  collection: 'collect store',
  shop: 'store',
  guarantee: 'warranty',
  broken: 'faulty damaged warranty',
  broke: 'faulty damaged warranty',
  defect: 'faulty warranty',
  defective: 'faulty warranty',
  ripped: 'faulty damaged warranty',
  torn: 'faulty damaged warranty',
  leak: 'faulty warranty',
  leaking: 'faulty warranty',
  receipt: 'invoice',
  subscription: 'membership plus',
  subscribe: 'membership plus',
  renew: 'renewal membership',
  abroad: 'international',
  overseas: 'international',
  worldwide: 'international',
  usa: 'united states international',
  us: 'united states',
  america: 'united states international',
  germany: 'eu international',
  france: 'eu international',
  spain: 'eu international',
  italy: 'eu international',
  ireland: 'eu international',
  netherlands: 'eu international',
  europe: 'eu international',
  customs: 'import duties',
  tax: 'vat duties',
  taxes: 'vat duties',
  hours: 'opening hours',
  open: 'opening hours',
  phone: 'call contact',
  telephone: 'phone',
  number: 'phone contact',
  today: 'same day',
  set: 'turn',
  setup: 'turn',
  enable: 'turn',
  activate: 'turn',
  switch: 'turn',
  long: 'days years time',
  time: 'hours day',
  when: 'days',
  tomorrow: 'next day',
  back: 'return refund',
  ring: 'phone',
  call: 'phone',
  wismo: 'track order',
  where: 'track',
  remove: 'delete',
  close: 'delete',
  exchange: 'return',
  swap: 'return exchange',
  wrong: 'wrong item',
  damaged: 'damaged faulty',
  klarna: 'pay klarna',
  instalments: 'klarna pay',
  installments: 'klarna pay',
  paypal: 'pay paypal',
  crypto: 'cryptocurrencies',
  bitcoin: 'cryptocurrencies',
  cash: 'payment',
};

/** Light stemmer: plural, -ing, -ed, -y and final -e; doubled final consonants collapsed. */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, '');
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3);
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ment') && w.length >= 7) w = w.slice(0, -4);
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ied') && w.length > 4) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  if (w.length > 4 && (w.endsWith('y') || w.endsWith('e'))) w = w.slice(0, -1);
  if (/([b-df-hj-np-rt-z])\1$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** Raw words of a text, lower case (letters, digits, inner dashes and apostrophes). */
export function words(text: string): string[] {
  return (text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** Search terms of a text: words without stop words, stemmed. Also MiniSearch's `processTerm`. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    for (const part of word.split('-')) {
      const bare = part.replace(/'(s|t|re|ve|d|ll|m)$/, '');
      // Bare numbers ("2 weeks", order numbers) say little about which article answers.
      if (bare.length === 0 || STOP_WORDS.has(bare) || STOP_WORDS.has(part) || /^\d+$/.test(bare)) continue;
      out.push(stem(bare));
    }
  }
  return out;
}

/** One word as MiniSearch indexes it (`null` drops it). */
export function processTerm(word: string): string | null {
  const [t] = terms(word);
  return t ?? null;
}

/** A question's own term and the synonym terms its word adds. */
export interface QuestionTerm {
  term: string;
  synonyms: string[];
}

/** The question's terms, each with the synonyms of the word it came from (stemmed, deduplicated). */
export function questionTerms(text: string): QuestionTerm[] {
  const out = new Map<string, QuestionTerm>();
  for (const word of words(text)) {
    const [term] = terms(word);
    const listed = SYNONYMS[word] ?? (word.endsWith('s') ? SYNONYMS[word.slice(0, -1)] : undefined);
    const synonyms = listed ? terms(listed) : [];
    if (!term && synonyms.length === 0) continue;
    // A stop word with synonyms ("where", "much") adds them without being a term itself.
    const key = term ?? `~${word}`;
    const entry = out.get(key) ?? { term: term ?? '', synonyms: [] };
    for (const t of synonyms) if (t !== term && !entry.synonyms.includes(t)) entry.synonyms.push(t);
    out.set(key, entry);
  }
  return [...out.values()];
}
