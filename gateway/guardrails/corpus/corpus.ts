import {
  fakeAnthropicKey,
  fakeAwsAccessKeyId,
  fakeAwsSecretKey,
  fakeHighEntropy,
  fakeJwt,
  fakeOpenaiKey,
  fakeOpenaiProjectKey,
  fakePrivateKeyPem,
  fakeRelayKey,
  fakeServiceAccountJson,
} from "../detectors/fixtures.js";
import { LOOKALIKES, lookalikeLines } from "./lookalikes.js";
import { SeededRandom } from "./random.js";
import { PII_TEMPLATES, SECRET_TEMPLATES } from "./templates.js";
import * as gen from "./values.js";

/** One line of the corpus and the values in it a detector must find. Lines without labels are look-alikes. */
export interface LabelledLine {
  text: string;
  labels: { type: string; value: string }[];
}

const PER_TEMPLATE = 8;

function fill(template: string, value: string): string {
  return template.replace("{v}", value);
}

function piiLines(r: SeededRandom): LabelledLine[] {
  const lines: LabelledLine[] = [];
  const generators: Record<string, [string, (r: SeededRandom) => string]> = {
    email: ["email", gen.email],
    phone: ["phone", gen.phone],
    nationalPhone: ["phone", gen.nationalPhone],
    card: ["card", gen.card],
    iban: ["iban", gen.iban],
    ssn: ["ssn", gen.ssn],
    nationalId: ["nationalId", gen.nationalId],
    ip: ["ip", gen.ip],
  };
  for (const [key, templates] of Object.entries(PII_TEMPLATES)) {
    const [type, make] = generators[key] ?? ["", () => ""];
    for (const template of templates) {
      for (let i = 0; i < PER_TEMPLATE; i++) {
        const value = make(r);
        lines.push({ text: fill(template, value), labels: [{ type, value }] });
      }
    }
  }
  return lines;
}

function secretLines(): LabelledLine[] {
  const makers: [string, (seed: number) => string][] = [
    ["openaiKey", fakeOpenaiKey],
    ["openaiKey", fakeOpenaiProjectKey],
    ["anthropicKey", fakeAnthropicKey],
    ["relayKey", fakeRelayKey],
    ["awsAccessKey", fakeAwsAccessKeyId],
    ["jwt", fakeJwt],
    ["highEntropy", (seed) => fakeHighEntropy(seed, 24 + (seed % 40))],
  ];
  const lines: LabelledLine[] = [];
  let seed = 1000;
  for (const [type, make] of makers) {
    for (const template of SECRET_TEMPLATES) {
      for (let i = 0; i < 4; i++) {
        const value = make(seed++);
        lines.push({ text: fill(template, value), labels: [{ type, value }] });
      }
    }
  }
  for (let i = 0; i < 10; i++) {
    const id = fakeAwsAccessKeyId(seed++);
    const secret = fakeAwsSecretKey(seed++);
    lines.push({
      text: `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = eu-west-1`,
      labels: [
        { type: "awsAccessKey", value: id },
        { type: "awsSecretKey", value: secret },
      ],
    });
  }
  const pem = fakePrivateKeyPem().trim();
  lines.push({
    text: `Why does ssh reject this key?\n${pem}\n`,
    labels: [{ type: "privateKey", value: pem }],
  });
  for (let i = 0; i < 3; i++) {
    const json = fakeServiceAccountJson(seed++);
    const parsed = JSON.parse(json) as { private_key_id: string; private_key: string };
    // The key inside the JSON string, escaped as it appears in the text.
    const escapedKey = JSON.stringify(parsed.private_key).slice(1, -1);
    lines.push({
      text: `My credentials.json:\n${json}`,
      labels: [
        { type: "gcpServiceAccount", value: parsed.private_key_id },
        { type: "gcpServiceAccount", value: escapedKey },
        { type: "privateKey", value: escapedKey.replace(/\\n$/, "") },
        { type: "email", value: "bot@demo-project.iam.gserviceaccount.com" },
      ],
    });
  }
  return lines;
}

/** The whole corpus: labelled true positives, then look-alikes (no labels). Deterministic. */
export function corpus(): LabelledLine[] {
  const r = new SeededRandom(14);
  return [
    ...piiLines(r),
    ...secretLines(),
    ...LOOKALIKES.map((text) => ({ text, labels: [] })),
    ...lookalikeLines(r),
  ];
}
