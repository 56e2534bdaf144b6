/** Prose around the values: where people paste PII and secrets into prompts. `{v}` marks the value. */

export const PII_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  email: [
    "Please draft a reply to {v} thanking them for the quick turnaround.",
    "The customer ({v}) says the invoice total is wrong.",
    "Forward this to {v}.",
    "From: {v}\nSubject: Re: quarterly numbers",
    "Can you check why {v} bounced yesterday?",
    "Add {v}, and the rest of the team, to the list.",
  ],
  phone: [
    "Call me at {v} when the build is green.",
    "Her mobile is {v}, she prefers texts.",
    "Support line: {v} (weekdays 9-5).",
    "If nobody answers, try {v}.",
    "Contact: Jane, {v}",
    "The number on the form was {v}; please confirm it.",
  ],
  nationalPhone: [
    "Call me on {v} after lunch.",
    "Phone: {v}",
    "You can reach the office by telephone on {v}.",
    "mobile {v} (personal)",
  ],
  card: [
    "My card {v} was charged twice, can you write the complaint?",
    "Payment failed for card number {v} with code 05.",
    "Customer paid with {v}, exp 04/28.",
    "Refund to {v}, please.",
    "card: {v}\namount: 120.00 EUR",
  ],
  iban: [
    "Wire the deposit to {v} by Friday.",
    "Our IBAN is {v}; the reference is the invoice number.",
    "Bank details: {v} (Sparkasse)",
    "Please update the supplier's account to {v}.",
  ],
  ssn: [
    "Employee SSN {v} is on the W-2 form.",
    "Fill in the form for John, social security number {v}, born 1980.",
    "The applicant listed {v} as their SSN.",
    "ssn: {v}",
  ],
  nationalId: [
    "Her national insurance number is {v}.",
    "Passenger document: {v}",
    "Applicant id {v}, please verify.",
    "The tax form shows {v} in box 3.",
  ],
  ip: [
    "The login came from {v} at 03:12 UTC.",
    "Block requests from {v} in the firewall.",
    "client={v} status=403 path=/admin",
    "Why is {v} hitting the API so often?",
  ],
};

export const SECRET_TEMPLATES: readonly string[] = [
  "Here is my config: API_KEY={v} — why does it return 401?",
  'const client = new Client({ apiKey: "{v}" });',
  "export TOKEN={v}",
  "curl -H 'Authorization: Bearer {v}' https://api.example.com/v1/models",
  "The key {v} stopped working this morning.",
];
